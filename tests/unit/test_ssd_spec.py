"""The record's SSD tables can never drift from the SSD itself.

``../shared/domain/ssd-tables.md`` lists every SSD table and its columns in the
SSD's order. Import and export derive their columns from the models, so if a
model gains, loses, renames or reorders a column this test is what notices.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.record.models import SSD_TABLES, ssd_columns

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "ssd-tables.md"

_TABLE = re.compile(r"^## (ssd_\w+)\s*$")
_COLUMN = re.compile(r"^- `(\w+)` ")


def parse_spec(text: str) -> dict[str, list[str]]:
    """Table name -> its columns in order, from the spec's ``## table`` / ``- `column``` lines."""
    tables: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if heading := _TABLE.match(line):
            current = tables.setdefault(heading.group(1), [])
        elif line.startswith("## "):
            current = None
        elif current is not None and (column := _COLUMN.match(line)):
            current.append(column.group(1))
    return tables


def test_the_parser_reads_tables_and_columns_in_order():
    text = "# title\n\n## ssd_a\n- `a_id` text PK\n- `a_x` date\n\n## other\n- `no` text\n"
    assert parse_spec(text) == {"ssd_a": ["a_id", "a_x"]}


@pytest.fixture(scope="module")
def spec() -> dict[str, list[str]]:
    if not SPEC.exists():
        pytest.skip(f"the SSD spec is not beside the repository ({SPEC})")
    return parse_spec(SPEC.read_text(encoding="utf-8"))


def test_every_ssd_table_in_the_spec_is_a_model_and_no_model_is_extra(spec):
    assert sorted(SSD_TABLES) == sorted(spec)


@pytest.mark.parametrize("table_name", sorted(SSD_TABLES))
def test_model_columns_match_the_spec_exactly_and_in_order(spec, table_name):
    assert table_name in spec, f"{table_name} is not in the SSD spec"
    assert ssd_columns(SSD_TABLES[table_name]) == spec[table_name]
