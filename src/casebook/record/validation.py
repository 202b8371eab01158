"""Row checks shared by the record services and the SSD importer.

``check_values`` looks at one row's values against :mod:`casebook.record.fields`
and the code lists; it does not touch the database, so the importer can run it
over a million rows quickly with the code lists loaded once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from casebook.record.errors import Problem
from casebook.record.fields import CODED_COLUMNS, DATE_RANGES, EARLIEST_DATE_YEAR
from casebook.record.models import CodeValue
from casebook.record.models.base import ACTIVE

CodeBook = Mapping[str, frozenset[str]]


def load_codebook(session_or_conn: Session | Connection) -> dict[str, frozenset[str]]:
    """Every active code, by list name."""
    rows = session_or_conn.execute(
        select(CodeValue.list_name, CodeValue.code).where(CodeValue.cb_status == ACTIVE)
    )
    book: dict[str, set[str]] = {}
    for list_name, code in rows:
        book.setdefault(list_name, set()).add(code)
    return {k: frozenset(v) for k, v in book.items()}


def check_values(row: Mapping[str, object], codes: CodeBook) -> list[Problem]:
    """Problems with one row's values: unknown codes, impossible date ranges."""
    problems: list[Problem] = []
    for column, value in row.items():
        if value is None or value == "":
            continue
        list_name = CODED_COLUMNS.get(column)
        if list_name is not None and value not in codes.get(list_name, ()):
            problems.append(Problem(column, f"'{value}' is not a code in the {list_name} list"))
        if isinstance(value, date) and value.year < EARLIEST_DATE_YEAR:
            problems.append(Problem(column, f"{value.isoformat()} is before {EARLIEST_DATE_YEAR}"))
    for start, end in DATE_RANGES:
        s, e = row.get(start), row.get(end)
        if isinstance(s, date) and isinstance(e, date) and e < s:
            problems.append(Problem(end, f"{e.isoformat()} is before {start} {s.isoformat()}"))
    return problems
