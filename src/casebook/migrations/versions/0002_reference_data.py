"""Reference data: the national code lists and England and Wales bank holidays.

Revision ID: 0002
Revises: 0001

The rows are read from CSV files frozen beside this migration
(``migrations/data/0002_*.csv``), so the migration always loads the same data.
Later additions come in later migrations or through the admin services.
"""

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def upgrade() -> None:
    code_value = sa.table(
        "code_value",
        sa.column("list_name", sa.String),
        sa.column("code", sa.String),
        sa.column("label", sa.Text),
        sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(
        code_value,
        [{**r, "sort_order": int(r["sort_order"])} for r in _rows("0002_code_values.csv")],
    )
    bank_holiday = sa.table(
        "bank_holiday", sa.column("holiday_date", sa.Date), sa.column("name", sa.Text)
    )
    op.bulk_insert(
        bank_holiday,
        [
            {"holiday_date": date.fromisoformat(r["holiday_date"]), "name": r["name"]}
            for r in _rows("0002_bank_holidays.csv")
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM code_value")
    op.execute("DELETE FROM bank_holiday")
