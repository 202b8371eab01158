"""Workflow steps of social work: referral to child protection, CIN, visits, early help, oversight.

Adds the manager's authorisation to assessments and plans (``cb_`` columns; the
SSD's own columns are unchanged), when the child was seen and the assessment
completed, CIN plan reviews, and early help assessments, plans and Outcome
Star readings (Casebook tables: the SSD has none).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUTHORISATION = ("cb_authorisation_status", "cb_authorised_by", "cb_authorised_on")


def _authorisation_columns() -> list[sa.Column]:
    return [
        sa.Column("cb_authorisation_status", sa.String(length=20), nullable=True),
        sa.Column("cb_authorised_by", sa.String(), nullable=True),
        sa.Column("cb_authorised_on", sa.Date(), nullable=True),
    ]


def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
    ]


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"],
        ["ssd_person.pers_person_id"],
        name=op.f(f"fk_{table}_person_id_ssd_person"),
    )


def _episode_table(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("episode_id", sa.String(), nullable=False),
        *columns,
        *_bookkeeping(),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["ssd_early_help_episodes.earl_episode_id"],
            name=op.f(f"fk_{name}_episode_id_ssd_early_help_episodes"),
        ),
        _person_fk(name),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name) as batch:
        batch.create_index(batch.f(f"ix_{name}_episode_id"), ["episode_id"], unique=False)
        batch.create_index(batch.f(f"ix_{name}_person_id"), ["person_id"], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("ssd_cin_assessments") as batch:
        batch.add_column(sa.Column("cb_child_seen_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("cb_completed_on", sa.Date(), nullable=True))
        for column in _authorisation_columns():
            batch.add_column(column)
    for table in ("ssd_cin_plans", "ssd_cp_plans"):
        with op.batch_alter_table(table) as batch:
            for column in _authorisation_columns():
                batch.add_column(column)

    op.create_table(
        "cb_cin_plan_review",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("cin_plan_id", sa.String(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("plan_continues", sa.String(length=1), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_bookkeeping(),
        sa.ForeignKeyConstraint(
            ["cin_plan_id"],
            ["ssd_cin_plans.cinp_cin_plan_id"],
            name=op.f("fk_cb_cin_plan_review_cin_plan_id_ssd_cin_plans"),
        ),
        _person_fk("cb_cin_plan_review"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_cin_plan_review")),
    )
    with op.batch_alter_table("cb_cin_plan_review") as batch:
        batch.create_index(
            batch.f("ix_cb_cin_plan_review_cin_plan_id"), ["cin_plan_id"], unique=False
        )
        batch.create_index(batch.f("ix_cb_cin_plan_review_person_id"), ["person_id"], unique=False)

    _episode_table(
        "cb_early_help_assessment",
        sa.Column("assessment_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
    )
    _episode_table(
        "cb_early_help_plan",
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("team_around_family", sa.Text(), nullable=True),
        sa.Column("outcomes", sa.Text(), nullable=True),
    )
    _episode_table(
        "cb_outcome_star",
        sa.Column("star_date", sa.Date(), nullable=False),
        sa.Column("reading", sa.String(length=20), nullable=False),
        sa.Column("scores_json", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("cb_outcome_star", "cb_early_help_plan", "cb_early_help_assessment"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_person_id"))
            batch.drop_index(batch.f(f"ix_{table}_episode_id"))
        op.drop_table(table)
    with op.batch_alter_table("cb_cin_plan_review") as batch:
        batch.drop_index(batch.f("ix_cb_cin_plan_review_person_id"))
        batch.drop_index(batch.f("ix_cb_cin_plan_review_cin_plan_id"))
    op.drop_table("cb_cin_plan_review")
    for table in ("ssd_cp_plans", "ssd_cin_plans"):
        with op.batch_alter_table(table) as batch:
            for name in reversed(_AUTHORISATION):
                batch.drop_column(name)
    with op.batch_alter_table("ssd_cin_assessments") as batch:
        for name in reversed(_AUTHORISATION):
            batch.drop_column(name)
        batch.drop_column("cb_completed_on")
        batch.drop_column("cb_child_seen_date")
