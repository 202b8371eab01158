"""KPI figures: each measure's monthly figure stored by ``casebook kpi refresh``.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cb_kpi_figure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("measure_id", sa.String(length=20), nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("scope_kind", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_kpi_figure")),
        sa.UniqueConstraint(
            "measure_id",
            "as_at",
            "period_start",
            "scope_kind",
            "scope_id",
            name="uq_cb_kpi_figure_measure_period_scope",
        ),
    )
    with op.batch_alter_table("cb_kpi_figure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cb_kpi_figure_as_at"), ["as_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cb_kpi_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cb_kpi_figure_as_at"))
    op.drop_table("cb_kpi_figure")
