"""Export the record as the Standard Safeguarding Dataset: one ``<table>.csv`` per SSD table.

What goes out, and why:

- every SSD table, an empty one as a header-only file, so a reader (DuckDB,
  the importer, a partner's loader) never has to guess whether a table was
  forgotten or is simply empty;
- exactly the SSD's columns in the SSD's order (Casebook's ``cb_`` columns
  stay at home);
- only what the SSD is about: active rows (never ones entered in error or
  superseded) of children (never the adults around them). A row that refers to
  something not exported (an adult, a referral entered in error) is left out
  too, so the extract never points at rows it does not contain and can always
  be imported again;
- in primary-key order (byte order, the same on SQLite and PostgreSQL), with
  ISO dates and floats as Python's shortest round-trip ``repr``, so the same
  record always gives byte-identical files.

Rows are streamed (server-side cursor on PostgreSQL, batches of rows); what is
held is only the keys of referenced tables written so far, to judge the
references of the tables that follow.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Date,
    Engine,
    Select,
    String,
    Table,
    select,
    type_coerce,
)

from casebook.interchange.ssd_spec import load_order
from casebook.record.models import SSD_TABLES, ssd_columns
from casebook.record.models.base import ACTIVE

#: ``progress(done, total)``: called after each table.
Progress = Callable[[int, int], None]

PERSON_TABLE = "ssd_person"
CHILD = "child"
#: Rows fetched per round trip: large enough to be fast, small enough to stay lean.
BATCH = 10_000
#: The SSD's own line ending choice is free; ``\n`` keeps files diff-friendly.
LINE_END = "\n"


def export_ssd(
    engine_or_conn: Engine | Connection, out_dir: Path, progress: Progress | None = None
) -> dict[str, int]:
    """Write every SSD table to ``out_dir/<table>.csv``; return rows written per table.

    Given an engine, all tables are read in one transaction (a snapshot on
    PostgreSQL), so the files agree with each other even while people work.
    Given a connection, its current transaction is used as it is.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exported = ExportedKeys()
    counts: dict[str, int] = {}
    with _reading(engine_or_conn) as conn:
        # Referenced tables first, so a row's references are judged against what went out.
        for done, name in enumerate(load_order(), start=1):
            path = out_dir / f"{name}.csv"
            counts[name] = export_table(conn, SSD_TABLES[name], path, exported)
            if progress is not None:
                progress(done, len(SSD_TABLES))
    return dict(sorted(counts.items()))


class ExportedKeys:
    """The keys written so far of every table another table refers to.

    Judging references here, by set lookup, costs far less than asking the
    database again for every row through nested EXISTS (a CP review leads back
    to its plan, conference, enquiry, referral and child).
    """

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], set] = {
            (fk.column.table.name, fk.column.name): set()
            for table in SSD_TABLES.values()
            for column in table.columns
            if not column.name.startswith("cb_")
            for fk in column.foreign_keys
        }

    def keep(self, table: Table) -> Callable[[Sequence], bool] | None:
        """Whether a row of ``table`` points only at exported rows (None: it has no references)."""
        columns = ssd_columns(table)
        checks = [
            (columns.index(column.name), self.keys[(fk.column.table.name, fk.column.name)])
            for column in table.columns
            if column.name in columns
            for fk in column.foreign_keys
        ]
        if not checks:
            return None

        def keep(row: Sequence) -> bool:
            for position, keys in checks:
                value = row[position]
                if value is not None and value not in keys:
                    return False
            return True

        return keep

    def collectors(self, table: Table) -> list[tuple[int, set]]:
        """(position, key set) of this table's columns that other tables refer to."""
        columns = ssd_columns(table)
        return [
            (columns.index(column), keys)
            for (name, column), keys in self.keys.items()
            if name == table.name
        ]


def export_table(conn: Connection, table: Table, path: Path, exported: ExportedKeys) -> int:
    """Write one table's exported rows to ``path``; return how many.

    The file appears under its name only when complete (written aside, then
    renamed), so an interrupted export never leaves a plausible half file.
    """
    partial = path.with_name(path.name + ".part")
    keep, collectors = exported.keep(table), exported.collectors(table)
    count = 0
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator=LINE_END)
            writer.writerow(ssd_columns(table))
            for rows in _batches(conn, export_query(conn, table)):
                if keep is not None:
                    rows = list(filter(keep, rows))
                for position, keys in collectors:
                    keys.update(row[position] for row in rows)
                # csv writes None as empty, dates as ISO (str), floats as repr.
                writer.writerows(rows)
                count += len(rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def export_query(conn: Connection, table: Table) -> Select:
    """Active rows (of children, for people), SSD columns only, in primary-key order."""
    columns = [_output_column(table.c[name]) for name in ssd_columns(table)]
    order = [_byte_order(conn, column) for column in table.primary_key.columns]
    query = select(*columns).where(table.c.cb_status == ACTIVE).order_by(*order)
    if table.name == PERSON_TABLE:
        query = query.where(table.c.cb_person_type == CHILD)
    return query


def _batches(conn: Connection, query: Select) -> Iterator[list[tuple]]:
    """The query's rows straight from the driver, :data:`BATCH` at a time.

    A server-side (named) cursor on PostgreSQL, so memory stays flat however
    big the table; SQLite's cursor steps through the table as it is read.
    SQLAlchemy's row objects are skipped on purpose: they cost more per row
    than the rest of the export, and the driver's values (text, numbers, ISO
    date text on SQLite, dates on PostgreSQL) are already what csv writes.
    The query's only parameters are fixed words, so it is compiled with them inline.
    """
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        cursor = dbapi.cursor(name="casebook_ssd_export")
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH):
            yield rows
    finally:
        cursor.close()


def _output_column(column: Column) -> ColumnElement:
    """Dates are read as the stored text on SQLite (already ISO, no parse and re-format)."""
    if isinstance(column.type, Date):
        return type_coerce(column, String).label(column.name)
    return column


def _byte_order(conn: Connection, column: Column) -> ColumnElement:
    """Order text by bytes on PostgreSQL too, so both engines write rows in one order."""
    if conn.dialect.name == "postgresql" and isinstance(column.type, String):
        return column.collate("C")
    return column


@contextmanager
def _reading(engine_or_conn: Engine | Connection) -> Iterator[Connection]:
    """A connection inside one read transaction (a consistent snapshot)."""
    if isinstance(engine_or_conn, Connection):
        yield engine_or_conn
        return
    options = {}
    if engine_or_conn.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with engine_or_conn.connect().execution_options(**options) as conn, conn.begin():
        yield conn
