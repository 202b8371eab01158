"""Workflow steps of care: looked after children, health, missing, exploitation,
care leavers, adoption.

Adds the MACE meeting table (``cb_mace_meeting``): a multi-agency child
exploitation meeting held after an exploitation screening.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cb_mace_meeting",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("screening_id", sa.String(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("actions", sa.Text(), nullable=True),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["ssd_person.pers_person_id"],
            name=op.f("fk_cb_mace_meeting_person_id_ssd_person"),
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["exploitation_screening.id"],
            name=op.f("fk_cb_mace_meeting_screening_id_exploitation_screening"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_mace_meeting")),
    )
    with op.batch_alter_table("cb_mace_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_mace_meeting_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_mace_meeting_screening_id"), ["screening_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cb_mace_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_mace_meeting_screening_id"))
        batch_op.drop_index(batch_op.f("ix_cb_mace_meeting_person_id"))
    op.drop_table("cb_mace_meeting")
