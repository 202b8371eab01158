"""Workflow gaps: the bedroom on a looked-after child's visit, every care leaver contact.

Adds ``cb_bedroom_seen`` to ``ssd_cla_visits`` (the SSD's CLA visits have no such
column; its CIN and CP visits do) and the table ``cb_care_leaver_contact``: each
contact with a care leaver as it was recorded (``ssd_care_leavers`` keeps only the
latest). The SSD's own columns are unchanged.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ssd_cla_visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cb_bedroom_seen", sa.String(length=1), nullable=True))

    op.create_table(
        "cb_care_leaver_contact",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("care_leaver_id", sa.String(), nullable=True),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column("clea_care_leaver_in_touch", sa.String(), nullable=True),
        sa.Column("clea_care_leaver_accommodation", sa.String(), nullable=True),
        sa.Column("clea_care_leaver_accom_suitable", sa.String(length=1), nullable=True),
        sa.Column("clea_care_leaver_activity", sa.String(), nullable=True),
        sa.Column("clea_pathway_plan_review_date", sa.Date(), nullable=True),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["ssd_person.pers_person_id"],
            name=op.f("fk_cb_care_leaver_contact_person_id_ssd_person"),
        ),
        sa.ForeignKeyConstraint(
            ["care_leaver_id"],
            ["ssd_care_leavers.clea_table_id"],
            name=op.f("fk_cb_care_leaver_contact_care_leaver_id_ssd_care_leavers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_care_leaver_contact")),
    )
    with op.batch_alter_table("cb_care_leaver_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_care_leaver_contact_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_care_leaver_contact_care_leaver_id"), ["care_leaver_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cb_care_leaver_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_care_leaver_contact_care_leaver_id"))
        batch_op.drop_index(batch_op.f("ix_cb_care_leaver_contact_person_id"))
    op.drop_table("cb_care_leaver_contact")
    with op.batch_alter_table("ssd_cla_visits", schema=None) as batch_op:
        batch_op.drop_column("cb_bedroom_seen")
