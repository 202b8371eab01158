"""Scrutiny fixes: a report's appendices; resolution lines withdrawn, never deleted.

- ``cb_scrutiny_report.appendices_json``: the titles of the appendices the cover
  sheet lists (JSON ``[str]``, default ``[]``).
- ``cb_scrutiny_resolution.withdrawn_at``: when a line was taken out of a draft
  (the row stays; it is no longer shown, counted or copied).

Columns are added and dropped in place (``ALTER TABLE``, SQLite 3.35+ included),
never by copying the table, so the approved-minutes triggers on
``cb_scrutiny_resolution`` (migration 0011) are kept.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "cb_scrutiny_report",
        sa.Column("appendices_json", sa.Text(), nullable=False, server_default="[]"),
    )
    op.add_column("cb_scrutiny_resolution", sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # Withdrawn lines come back as lines of their draft would be a silent
    # change of the minutes: refuse to go down while any line is withdrawn.
    withdrawn = op.get_bind().scalar(
        sa.text("SELECT COUNT(*) FROM cb_scrutiny_resolution WHERE withdrawn_at IS NOT NULL")
    )
    if withdrawn:
        raise RuntimeError(
            f"{withdrawn} resolution line(s) are withdrawn: going below 0014 would show "
            "them again; keep this revision"
        )
    op.drop_column("cb_scrutiny_resolution", "withdrawn_at")
    op.drop_column("cb_scrutiny_report", "appendices_json")
