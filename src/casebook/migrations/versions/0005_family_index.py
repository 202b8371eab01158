"""Index families by family id: a child's record lists their siblings.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ssd_family_fami_family_id", "ssd_family", ["fami_family_id"])


def downgrade() -> None:
    op.drop_index("ix_ssd_family_fami_family_id", table_name="ssd_family")
