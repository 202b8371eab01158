"""Worklists, local standards settings and the missing briefing.

No new tables: allocations are involvements (``ssd_involvements``), local
standards are ``timescale_setting`` rows, and both keep their history in
``history_entry``. This adds the indexes the worklists and the briefing read by:

- ``ix_cb_invo_team_ended``: a team's ended involvements (who the team last held);
- ``ix_cb_invo_person_dates``: a person's involvements by date (is one open, or later?);
- ``ix_cb_cine_team_open``: a team's open referrals;
- ``ix_cb_missing_start`` and ``ix_cb_missing_end``: missing episodes by the day they
  started or ended (the daily briefing).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (index, table, columns)
INDEXES = (
    (
        "ix_cb_invo_team_ended",
        "ssd_involvements",
        ["invo_professional_team", "invo_involvement_end_date", "cb_status", "invo_person_id"],
    ),
    (
        "ix_cb_invo_person_dates",
        "ssd_involvements",
        [
            "invo_person_id",
            "invo_involvement_end_date",
            "invo_involvement_start_date",
            "cb_status",
        ],
    ),
    (
        "ix_cb_cine_team_open",
        "ssd_cin_episodes",
        ["cine_referral_team", "cine_close_date", "cb_status", "cine_person_id"],
    ),
    ("ix_cb_missing_start", "ssd_missing", ["miss_missing_episode_start_date"]),
    ("ix_cb_missing_end", "ssd_missing", ["miss_missing_episode_end_date"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
