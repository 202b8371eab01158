"""Performance: targets, comparators, published board packs.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casebook.migrations.append_only import drop_append_only, make_append_only

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cb_perf_target",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("measure_id", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("tolerance", sa.Float(), nullable=False),
        sa.Column("better", sa.String(length=10), nullable=False),
        sa.Column("set_by", sa.String(length=60), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("cb_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("cb_status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("cb_status_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_perf_target")),
    )
    with op.batch_alter_table("cb_perf_target", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_perf_target_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "cb_comparator_import",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("imported_by", sa.String(length=60), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_comparator_import")),
    )
    op.create_table(
        "cb_comparator_figure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=20), nullable=False),
        sa.Column("time_period", sa.String(length=10), nullable=False),
        sa.Column("geographic_level", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("region_name", sa.String(length=80), nullable=True),
        sa.Column("old_la_code", sa.String(length=3), nullable=True),
        sa.Column("new_la_code", sa.String(length=12), nullable=True),
        sa.Column("la_name", sa.String(length=120), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("suppressed", sa.String(length=5), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["cb_comparator_import.id"],
            name=op.f("fk_cb_comparator_figure_import_id_cb_comparator_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_comparator_figure")),
    )
    with op.batch_alter_table("cb_comparator_figure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_comparator_figure_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_comparator_figure_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "cb_statistical_neighbour",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("old_la_code", sa.String(length=3), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("neighbour_code", sa.String(length=3), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["cb_comparator_import.id"],
            name=op.f("fk_cb_statistical_neighbour_import_id_cb_comparator_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_statistical_neighbour")),
    )
    with op.batch_alter_table("cb_statistical_neighbour", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cb_statistical_neighbour_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cb_statistical_neighbour_old_la_code"), ["old_la_code"], unique=False
        )

    op.create_table(
        "cb_perf_setting",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=60), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cb_perf_setting")),
    )

    op.create_table(
        "cb_board_pack",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("figures_json", sa.Text(), nullable=False),
        sa.Column("commentary_json", sa.Text(), nullable=False),
        sa.Column("figures_sha256", sa.String(length=64), nullable=False),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.Column("published_by", sa.String(length=60), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cb_board_pack")),
        sa.UniqueConstraint("period", "version", name="uq_cb_board_pack_period_version"),
    )
    with op.batch_alter_table("cb_board_pack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cb_board_pack_period"), ["period"], unique=False)
    make_append_only("cb_board_pack")


def downgrade() -> None:
    drop_append_only("cb_board_pack")
    op.drop_table("cb_board_pack")
    op.drop_table("cb_perf_setting")
    op.drop_table("cb_statistical_neighbour")
    op.drop_table("cb_comparator_figure")
    op.drop_table("cb_comparator_import")
    op.drop_table("cb_perf_target")
