"""The SSD tables as a CSV file sees them, derived from the models and nothing else.

The models are the single statement of the SSD (``tests/unit/test_ssd_spec.py``
holds them to the published table list). From them this module works out, once
per table, what the importer needs to read a file quickly: each column's kind
(text, date, flag, whole number, number) and parser, which columns are
required, the primary key, which columns refer to other tables, and
:class:`CellChecks`, the record's shared value checks made fast enough for
millions of rows.

The parsers give the same messages as the record services, so a value a form
refuses is refused in a file in the same words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import Column, Date, Float, Integer, String, Table

from casebook.record.errors import Problem
from casebook.record.fields import CODED_COLUMNS, DATE_RANGES, FLAG_VALUES
from casebook.record.models import SSD_TABLES, Base, ssd_columns
from casebook.record.validation import CodeBook, check_values


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    FLAG = "flag"
    INT = "int"
    FLOAT = "float"


def column_kind(column: Column) -> Kind:
    """The kind of an SSD column, from its SQL type (a one-character string is a Y/N flag)."""
    if isinstance(column.type, Date):
        return Kind.DATE
    if isinstance(column.type, Integer):
        return Kind.INT
    if isinstance(column.type, Float):
        return Kind.FLOAT
    if isinstance(column.type, String) and column.type.length == 1:
        return Kind.FLAG
    return Kind.TEXT


_WHOLE = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def parse_date(raw: str) -> date:
    """An ISO date, strictly ``YYYY-MM-DD`` (Python would also take ``20230101``)."""
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"'{raw}' is not a real date in the form YYYY-MM-DD")


def parse_flag(raw: str) -> str:
    """Y or N (either case, stored upper case), as the record services accept."""
    value = raw.upper()
    if value not in FLAG_VALUES:
        raise ValueError(f"'{raw}' must be Y or N")
    return value


def parse_int(raw: str) -> int:
    """Digits only: ``int()`` alone would also take ``1_000`` and spaces."""
    if not _WHOLE.fullmatch(raw):
        raise ValueError(f"'{raw}' is not a whole number")
    return int(raw)


def parse_float(raw: str) -> float:
    """A plain decimal number: ``float()`` alone would also take ``nan`` and ``inf``."""
    value = float(raw) if _NUMBER.fullmatch(raw) else math.inf
    if not math.isfinite(value):
        raise ValueError(f"'{raw}' is not a number")
    return value


#: Parser of a non-empty cell, by kind; text needs none.
PARSERS: dict[Kind, Callable[[str], Any] | None] = {
    Kind.TEXT: None,
    Kind.DATE: parse_date,
    Kind.FLAG: parse_flag,
    Kind.INT: parse_int,
    Kind.FLOAT: parse_float,
}


@dataclass(frozen=True)
class Reference:
    """An SSD column whose values must be keys of another table's column."""

    column: str
    index: int
    table: str
    target: str


@dataclass(frozen=True)
class TableSpec:
    """One SSD table's file layout. Indexes are positions in ``columns``."""

    name: str
    table: Table
    columns: tuple[str, ...]
    kinds: tuple[Kind, ...]
    #: Positions of the primary key, or empty when the key is Casebook's own
    #: ``cb_row_id`` (the SSD table has no key; rows keep their file order).
    key: tuple[int, ...]
    required: tuple[int, ...]
    references: tuple[Reference, ...]


@cache
def table_spec(name: str) -> TableSpec:
    """The file layout of SSD table ``name``."""
    table = SSD_TABLES[name]
    columns = tuple(ssd_columns(table))
    key_names = [c.name for c in table.primary_key.columns]
    return TableSpec(
        name=name,
        table=table,
        columns=columns,
        kinds=tuple(column_kind(table.c[c]) for c in columns),
        key=tuple(columns.index(k) for k in key_names) if set(key_names) <= set(columns) else (),
        required=tuple(i for i, c in enumerate(columns) if not table.c[c].nullable),
        references=tuple(
            Reference(c, i, fk.column.table.name, fk.column.name)
            for i, c in enumerate(columns)
            for fk in table.c[c].foreign_keys
        ),
    )


@cache
def load_order() -> tuple[str, ...]:
    """SSD table names with every referenced table before the tables that refer to it."""
    return tuple(t.name for t in Base.metadata.sorted_tables if t.name in SSD_TABLES)


#: Distinct values remembered per column before the memory is cleared (a
#: column of unique numbers must not grow without bound).
MEMO_LIMIT = 100_000

#: A column's judgement of one cell: the parsed value (None if unreadable) and its problems.
Judged = tuple[Any, tuple[Problem, ...]]


class CellChecks:
    """:func:`~casebook.record.validation.check_values` for one table's rows, cell by cell.

    ``check_values`` judges each column's value on its own (is it a code, is
    the date plausible) and each :data:`~casebook.record.fields.DATE_RANGES`
    pair (does the end come before the start). An extract repeats the same
    codes and dates millions of times, so each distinct text in a column is
    parsed and judged once and remembered, and a date pair is judged only when
    its end is before its start. ``tests/unit/test_ssd_cell_checks.py`` holds
    the result equal to parsing the row and calling ``check_values`` on it.
    """

    def __init__(self, spec: TableSpec, codes: CodeBook) -> None:
        self.codes = codes
        self.pairs = [
            (spec.columns.index(start), start, spec.columns.index(end), end)
            for start, end in DATE_RANGES
            if start in spec.columns and end in spec.columns
        ]
        in_pairs = {i for s, _, e, _ in self.pairs for i in (s, e)}
        #: (position, column, parser, memory) of every cell that needs judging.
        self.cells = [
            (i, column, PARSERS[kind], {})
            for i, (column, kind) in enumerate(zip(spec.columns, spec.kinds, strict=True))
            if kind is not Kind.TEXT or column in CODED_COLUMNS or i in in_pairs
        ]
        self._by_position = {cell[0]: cell for cell in self.cells}

    def problems(self, values: Sequence[str]) -> Sequence[Problem]:
        """Problems of one row given as text in the table's column order."""
        found: list[Problem] | None = None
        for position, column, parse, memory in self.cells:
            raw = values[position]
            if raw:
                judged = memory.get(raw)
                if judged is None:
                    judged = self._remember(raw, column, parse, memory)
                if judged[1]:
                    found = [*(found or ()), *judged[1]]
        for start_at, start, end_at, end in self.pairs:
            # Readable ISO dates sort as text: only a pair out of order needs a closer look.
            if values[end_at] and values[end_at] < values[start_at]:
                pair = self._pair(values, start_at, start, end_at, end)
                if pair:
                    found = [*(found or ()), *pair]
        return found or ()

    def _judged(self, raw: str, column: str, parse, memory: dict) -> Judged:
        return memory.get(raw) or self._remember(raw, column, parse, memory)

    def _remember(self, raw: str, column: str, parse, memory: dict) -> Judged:
        if len(memory) >= MEMO_LIMIT:
            memory.clear()
        judged = memory[raw] = self._judge(raw, column, parse)
        return judged

    def _judge(self, raw: str, column: str, parse) -> Judged:
        try:
            value = raw if parse is None else parse(raw)
        except ValueError as exc:
            return None, (Problem(column, str(exc)),)
        return value, tuple(check_values({column: value}, self.codes))

    def _pair(
        self, values: Sequence[str], start_at: int, start: str, end_at: int, end: str
    ) -> list[Problem]:
        """The pair's own problems: those of the two dates together, less each date's own."""
        first = self._judged(values[start_at], start, *self._by_position[start_at][2:])
        last = self._judged(values[end_at], end, *self._by_position[end_at][2:])
        if first[0] is None or last[0] is None or not last[0] < first[0]:
            return []
        alone = set(first[1]) | set(last[1])
        together = check_values({start: first[0], end: last[0]}, self.codes)
        return [p for p in together if p not in alone]
