"""Where the KPI engine reads the record from: the database, or an SSD extract in place.

A :class:`Source` hands the measures each SSD table as a SQLAlchemy selectable
with exactly the SSD's columns, and runs the measures' SQL. The measures are
written once, against those selectables, so the same SQL runs on:

- :class:`DatabaseSource`: the Casebook database (SQLite or PostgreSQL). Each
  SSD table is its *active* rows (never ones entered in error or superseded),
  and ``ssd_person`` only the children, as ``casebook export ssd`` writes them.
  (The export also leaves out a row pointing at a row it leaves out, such as
  an active assessment of a referral entered in error; the database source
  does not chase such references, which would nest a subquery per reference.
  A record without such orphans gives identical answers either way.)
- :class:`SsdFolderSource`: a folder of ``<table>.csv`` files (the SSD layout of
  ``interchange/ssd_export.py``), read in place by DuckDB with each column
  typed as the record's model types it. Nothing is imported into Casebook:
  DuckDB parses each file once, on first use, into its own memory. The SQL is
  compiled for PostgreSQL, whose dialect DuckDB speaks, with bound parameters.

Casebook's own tables (``cb_`` columns, exploitation screening, education
plans) are not in the SSD: :meth:`Source.casebook_table` gives them on a
database and ``None`` on a folder, and the measures that need them say so.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    FromClause,
    Select,
    Table,
    column,
    inspect,
    select,
    table,
)
from sqlalchemy.dialects import postgresql

from casebook.interchange.ssd_spec import Kind, column_kind
from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid, Problem
from casebook.record.models import SSD_TABLES, Base, ssd_columns
from casebook.record.models.base import ACTIVE
from casebook.record.models.reference import BankHoliday

#: The bank holidays Casebook ships with (used for an SSD folder, which has none).
DEFAULT_HOLIDAYS = Path(__file__).resolve().parent.parent / "migrations/data/0002_bank_holidays.csv"

#: DuckDB's type for each kind of SSD column (flags stay the text Y/N).
DUCKDB_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.FLAG: "VARCHAR",
    Kind.DATE: "DATE",
    Kind.INT: "BIGINT",
    Kind.FLOAT: "DOUBLE",
}


def default_calendar() -> WorkingCalendar:
    with DEFAULT_HOLIDAYS.open(newline="", encoding="utf-8") as handle:
        return WorkingCalendar(
            date.fromisoformat(r["holiday_date"]) for r in csv.DictReader(handle)
        )


class Source:
    """What a measure reads: SSD tables as selectables, a calendar, and a way to run SQL."""

    #: Short name for messages and benchmarks: ``sqlite``, ``postgresql``, ``duckdb``.
    name: str = "source"

    def table(self, name: str) -> FromClause:
        """The SSD table ``name`` (e.g. ``ssd_cin_episodes``) with the SSD's columns only."""
        raise NotImplementedError

    def casebook_table(self, name: str) -> FromClause | None:
        """A Casebook-only table (active rows), or None where the source has none (SSD)."""
        return None

    @cached_property
    def _existing(self) -> set[str]:
        """Tables the database has (a table whose migration has not run yet is absent)."""
        return set(inspect(self.bind).get_table_names())

    def casebook_column(self, table_name: str, column_name: str) -> Any:
        """A ``cb_`` column of an SSD table, or None where the source has none."""
        return None

    def rows(self, query: Select) -> list[dict[str, Any]]:
        """Run ``query``; each row as a dict keyed by the query's column labels."""
        raise NotImplementedError

    @property
    def calendar(self) -> WorkingCalendar:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds (a DuckDB connection)."""


class DatabaseSource(Source):
    """The Casebook database, through an engine or an open connection."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        self.name = bind.dialect.name
        self._tables: dict[str, FromClause] = {}

    def table(self, name: str) -> FromClause:
        if name not in self._tables:
            if name not in SSD_TABLES:
                raise KeyError(name)
            model = SSD_TABLES[name]
            query = select(*(model.c[c] for c in ssd_columns(model))).where(
                model.c.cb_status == ACTIVE
            )
            if name == "ssd_person":
                query = query.where(model.c.cb_person_type == "child")
            self._tables[name] = query.subquery(name)
        return self._tables[name]

    def casebook_table(self, name: str) -> FromClause | None:
        model: Table | None = Base.metadata.tables.get(name)
        if model is None or name not in self._existing:
            return None
        return select(model).where(model.c.cb_status == ACTIVE).subquery(f"cb_{name}")

    @cached_property
    def _existing(self) -> set[str]:
        """Tables the database has (a table whose migration has not run yet is absent)."""
        return set(inspect(self.bind).get_table_names())

    def casebook_column(self, table_name: str, column_name: str) -> Any:
        return SSD_TABLES[table_name].c[column_name]

    def rows(self, query: Select) -> list[dict[str, Any]]:
        # The keys once and plain tuples zipped onto them: building a mapping per row
        # (``row._mapping``) cost most of an engine pass.
        if isinstance(self.bind, Connection):
            return _dicts(self.bind.execute(query))
        with self.bind.connect() as conn:
            return _dicts(conn.execute(query))

    @cached_property
    def calendar(self) -> WorkingCalendar:
        query = select(BankHoliday.holiday_date).where(BankHoliday.cb_status == ACTIVE)
        return WorkingCalendar(r["holiday_date"] for r in self.rows(query))


class SsdFolderSource(Source):
    """A folder of SSD CSV files (``<table>.csv``), read in place by DuckDB.

    A missing file is an empty table (an extract may leave out what it does not
    hold); a folder with no SSD file at all, or that does not exist, is refused.
    """

    name = "duckdb"

    def __init__(self, folder: Path | str, calendar: WorkingCalendar | None = None) -> None:
        import duckdb

        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise Invalid([Problem("ssd", f"'{folder}' is not a folder")])
        present = {p.stem for p in self.folder.glob("ssd_*.csv")}
        if not present & set(SSD_TABLES):
            raise Invalid([Problem("ssd", f"'{folder}' holds no SSD files (ssd_<table>.csv)")])
        self._calendar = calendar
        self.con = duckdb.connect(":memory:")
        self._tables: dict[str, FromClause] = {}
        self._pending: dict[str, str] = {}
        for name, model in SSD_TABLES.items():
            names = ssd_columns(model)
            types = {c: DUCKDB_TYPES[column_kind(model.c[c])] for c in names}
            path = self.folder / f"{name}.csv"
            if name in present:
                self._pending[name] = _load_statement(name, path, types)
            else:
                cols = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in types.items())
                self.con.execute(f'CREATE VIEW "{name}" AS SELECT {cols} WHERE false')
            self._tables[name] = table(
                name, *(column(c, Date() if types[c] == "DATE" else None) for c in names)
            )
        self._dialect = postgresql.psycopg.dialect(paramstyle="numeric_dollar")

    def table(self, name: str) -> FromClause:
        """The table, its file read once (on first use) into DuckDB's columnar memory.

        Measures read the same tables many times; parsing a large CSV once rather
        than per query is what makes the catalogue quick on an extract.
        """
        found = self._tables[name]
        load = self._pending.pop(name, None)
        if load is not None:
            import duckdb

            try:
                self.con.execute(load)
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0]
                raise Invalid([Problem("ssd", reason, file=f"{name}.csv")]) from None
        return found

    def rows(self, query: Select) -> list[dict[str, Any]]:
        compiled = query.compile(dialect=self._dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        order: Sequence[str] = compiled.positiontup or ()
        result = self.con.execute(str(compiled), [params[p] for p in order])
        keys = [d[0] for d in result.description]
        return [dict(zip(keys, row, strict=True)) for row in result.fetchall()]

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = default_calendar()
        return self._calendar

    def close(self) -> None:
        self.con.close()


def _dicts(result) -> list[dict[str, Any]]:
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.fetchall()]


def _load_statement(name: str, path: Path, types: dict[str, str]) -> str:
    """SQL making table ``name`` from its file: the file's own columns by the header's
    names, in any order, typed as the model types them (others as text); an SSD column
    the file lacks is NULL, as an empty cell would be."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = [h.strip() for h in next(csv.reader(handle), [])]
    if not header or len(set(header)) != len(header):
        raise Invalid(
            [Problem("ssd", "the header row is missing or repeats a column", file=path.name)]
        )
    spec = ", ".join(f"'{_text(h)}': '{types.get(h, 'VARCHAR')}'" for h in header)
    source = (
        f"read_csv('{_quote(path)}', header = true, columns = {{{spec}}}, "
        "delim = ',', quote = '\"', escape = '\"', auto_detect = false)"
    )
    picks = ", ".join(
        f'"{c}"' if c in header else f'CAST(NULL AS {t}) AS "{c}"' for c, t in types.items()
    )
    return f'CREATE TABLE "{name}" AS SELECT {picks} FROM {source}'


def _text(value: str) -> str:
    return value.replace("'", "''")


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
