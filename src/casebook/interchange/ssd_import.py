"""Import a Standard Safeguarding Dataset extract (a folder of ``<table>.csv``): all or nothing.

An extract is a whole authority's record; a half-loaded one would be worse
than none. So the import runs in two passes inside one transaction:

1. **Check.** Every file is read and every row checked, keeping only the key
   sets that references need: file names, headers, types (ISO dates that
   exist, Y/N flags, numbers), required keys, duplicate keys, the shared
   :func:`~casebook.record.validation.check_values` (codes, date ranges), and
   every reference, which must point at a row in the files or already in the
   database (into a non-empty database, a key already there is refused too).
   Problems are collected, not raised one by one, up to
   :data:`MAX_PROBLEMS` plus a count of the rest, so one bad file does not
   fill memory and the user fixes everything in one go.
2. **Load.** Only if nothing is wrong: the files are read again and written
   with :func:`~casebook.interchange.bulk.insert_rows`, referenced tables
   first, then committed once. A database error rolls everything back.

Only keys are held between the passes, so memory follows the number of
referenced rows, not the size of the extract.

**Row numbers** in messages count records as a spreadsheet shows the file:
the header is row 1, so the first data row is row 2. Header problems are
reported on row 1; problems with a whole file have no row.

Files may be missing (the table is then empty in the extract); their columns
may come in any order but must be exactly the SSD's. People imported are
children: the SSD has no adults.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import DBAPIError

from casebook.interchange.bulk import insert_rows, refresh_statistics
from casebook.interchange.ssd_spec import (
    CellChecks,
    Kind,
    Reference,
    TableSpec,
    load_order,
    table_spec,
)
from casebook.record.errors import Invalid, Problem
from casebook.record.models import SSD_TABLES, HistoryEntry
from casebook.record.validation import CodeBook, load_codebook

#: ``progress(done, total)``: called after each file in each pass.
Progress = Callable[[int, int], None]

#: Problems listed in full; beyond this they are only counted.
MAX_PROBLEMS = 200
#: Spreadsheet programs often save UTF-8 with a byte-order mark: accept it.
ENCODING = "utf-8-sig"
PERSON_TABLE = "ssd_person"
#: SQLite page cache while importing (KiB): indexes of a large authority stay in memory.
SQLITE_CACHE_KIB = 256 * 1024
HEADER_ROW = 1
FIRST_DATA_ROW = 2


def import_ssd(engine: Engine, in_dir: Path, progress: Progress | None = None) -> dict[str, int]:
    """Import every ``<table>.csv`` in ``in_dir``; return rows imported per table.

    Raises :class:`~casebook.record.errors.Invalid` naming file, row, column
    and problem, with nothing written, if anything is wrong.
    """
    in_dir = Path(in_dir)
    report = Problems()
    files = find_files(in_dir, report)
    tick = _ticker(progress, 2 * len(files))
    try:
        with engine.connect() as conn, _bulk_settings(conn), conn.begin():
            checked = check_files(conn, files, report, tick)
            report.raise_if_any()
            counts = load_files(conn, checked, tick)
            _note_in_history(conn, in_dir, counts)
    except (DBAPIError, engine.dialect.dbapi.Error) as exc:
        refusal = _refusal(exc, engine.dialect.dbapi)
        if refusal is None:
            raise
        raise refusal from None
    refresh_statistics(engine)
    return counts


def _refusal(exc: Exception, dbapi: Any) -> Invalid | None:
    """The database refused the load, which was rolled back: say so plainly, no traceback.

    Happens only if someone else wrote between check and load: a key taken
    meanwhile (PostgreSQL), or on SQLite any write at all, since the load
    must not commit on a snapshot that is no longer current.
    """
    cause = getattr(exc, "orig", None) or exc
    message = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    if isinstance(cause, dbapi.IntegrityError):
        why = f"refused by the database, nothing written: {message}"
    elif isinstance(cause, dbapi.OperationalError) and "locked" in message:
        why = "the database changed while the files were being checked; nothing written: try again"
    else:
        return None
    return Invalid([Problem("(database)", why)])


@contextmanager
def _bulk_settings(conn: Connection) -> Iterator[None]:
    """On SQLite, for this connection and this import only: a page cache big enough for a
    city's indexes, and no second check of references row by row.

    Foreign keys can be left unenforced while loading because pass 1 checked
    every reference against the files and against this same transaction's
    snapshot: under WAL, if anyone else writes before the load begins, SQLite
    refuses the load outright (the snapshot is stale) rather than let it
    commit. Both settings are put back before the connection returns to the pool.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    cache = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute(f"PRAGMA cache_size={int(cache)}")


#: On PostgreSQL, a table receiving at least this many rows, and more than it
#: holds already, is loaded without its secondary indexes and foreign keys, which
#: are built again afterwards, in the same transaction.
REBUILD_MIN_ROWS = 20_000
#: PostgreSQL memory for building those indexes, for this transaction only.
MAINTENANCE_WORK_MEM = "256MB"

_SECONDARY = """
    SELECT t.relname, format('DROP INDEX %%I.%%I', n.nspname, c.relname),
           pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE t.oid = ANY(%(tables)s::regclass[])
      AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
    ORDER BY t.relname, c.relname
"""
_FOREIGN_KEYS = """
    SELECT t.relname,
           format('ALTER TABLE %%I.%%I DROP CONSTRAINT %%I', n.nspname, t.relname, k.conname),
           format('ALTER TABLE %%I.%%I ADD CONSTRAINT %%I ', n.nspname, t.relname, k.conname)
               || pg_get_constraintdef(k.oid)
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE k.contype = 'f' AND t.oid = ANY(%(tables)s::regclass[])
    ORDER BY t.relname, k.conname
"""


@contextmanager
def _indexes_built_after(conn: Connection, files: list[SourceFile]) -> Iterator[None]:
    """On PostgreSQL, load big tables without their secondary indexes and foreign keys.

    Maintaining a B-tree and checking a foreign key row by row costs far more
    than building the index, or checking the key, once over the loaded table.
    What is dropped is read from the database's own catalogue and made again
    from its own definitions after the load, inside the import's transaction:
    if anything fails (a key taken meanwhile, as before), everything, drops
    included, is rolled back. Pass 1 has checked every reference, so the
    rebuilt foreign keys find nothing wrong unless someone else wrote meanwhile,
    and then the database refuses the import, as it would have row by row.
    Dropping them locks those tables until the import commits, so a write by
    someone else during the load waits for it rather than slipping in.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    raw = conn.connection.dbapi_connection
    wanted = {source.spec.name: source.lines for source in files}
    existing = dict(
        raw.execute(
            "SELECT relname, reltuples FROM pg_class WHERE oid = ANY(%(tables)s::regclass[])",
            {"tables": [f'"{name}"' for name in wanted]},
        ).fetchall()
    )
    tables = [
        f'"{name}"'
        for name, lines in wanted.items()
        if lines >= REBUILD_MIN_ROWS and lines > existing.get(name, 0)
    ]
    if not tables:
        yield
        return
    raw.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    indexes = raw.execute(_SECONDARY, {"tables": tables}).fetchall()
    foreign_keys = raw.execute(_FOREIGN_KEYS, {"tables": tables}).fetchall()
    for _table, drop, _create in [*foreign_keys, *indexes]:
        raw.execute(drop)
    yield
    for _table, _drop, create in [*indexes, *foreign_keys]:
        raw.execute(create)


# --------------------------------------------------------------------------- problems


class Problems:
    """Problems collected across all files: the first ``cap`` in full, the rest counted."""

    def __init__(self, cap: int = MAX_PROBLEMS) -> None:
        self.cap = cap
        self.listed: list[Problem] = []
        self.total = 0

    def add(self, column: str, message: str, file: str | None = None, row: int | None = None):
        self.total += 1
        if len(self.listed) < self.cap:
            self.listed.append(Problem(column, message, file, row))

    def raise_if_any(self) -> None:
        """Raise :class:`ExtractRefused` with the listed problems, if there are any."""
        if not self.total:
            return
        problems = list(self.listed)
        if self.total > len(problems):
            more = self.total - len(problems)
            problems.append(
                Problem("(more)", f"{more:,} more problems not listed ({self.total:,} in all)")
            )
        raise ExtractRefused(problems, self.total)


class ExtractRefused(Invalid):
    """:class:`Invalid` for a whole extract: ``total`` counts every problem found, of
    which the first :data:`MAX_PROBLEMS` are listed (and a last line says how many more)."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        super().__init__(problems)
        self.total = total


# --------------------------------------------------------------------------- files


@dataclass
class SourceFile:
    """One table's file, and what the check pass learnt about it."""

    spec: TableSpec
    path: Path
    header: list[str] = field(default_factory=list)
    stamp: tuple[int, int] = (0, 0)
    #: Lines read by the check pass (the header and any blank lines included).
    lines: int = 0

    @property
    def name(self) -> str:
        return self.path.name


def find_files(in_dir: Path, report: Problems) -> list[SourceFile]:
    """The SSD files in ``in_dir``, referenced tables first; other ``.csv`` files are refused."""
    if not in_dir.is_dir():
        report.add("(folder)", f"{in_dir} is not a folder")
        report.raise_if_any()
    found: dict[str, Path] = {}
    for path in sorted(in_dir.iterdir()):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        if path.suffix == ".csv" and path.stem in SSD_TABLES:
            found[path.stem] = path
        else:
            report.add("(file)", _unknown_file(path.name), file=path.name)
    return [SourceFile(table_spec(name), found[name]) for name in load_order() if name in found]


def _unknown_file(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0]
    guess = difflib.get_close_matches(stem.lower(), list(SSD_TABLES), n=1)
    hint = f"; did you mean {guess[0]}.csv?" if guess else ""
    return f"is not an SSD table (files are named <table>.csv, e.g. ssd_person.csv){hint}"


def _ticker(progress: Progress | None, total: int) -> Callable[[], None]:
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    return tick


# --------------------------------------------------------------------------- pass 1: check


class KnownKeys:
    """Values of every referenced column: from files checked so far, and from the database.

    The database's values are read only when a file refers to something it
    does not contain itself, and then once per column.
    """

    def __init__(self, conn: Connection, files: list[SourceFile]) -> None:
        self.conn = conn
        self.in_files: dict[tuple[str, str], set] = {}
        for source in files:
            for ref in source.spec.references:
                self.in_files.setdefault((ref.table, ref.target), set())
        self._in_db: dict[tuple[str, str], set] = {}
        #: Tables whose file could not be read: references to them are not judged.
        self.unreadable: set[str] = set()

    def in_db(self, table: str, column: str) -> set:
        """Every value of ``table.column`` already in the database (loaded once)."""
        key = (table, column)
        if key not in self._in_db:
            target = SSD_TABLES[table].c[column]
            present = self.conn.execute(select(target).limit(1)).first() is not None
            values = self.conn.execute(select(target)).scalars() if present else ()
            self._in_db[key] = set(values)
        return self._in_db[key]


def check_files(
    conn: Connection, files: list[SourceFile], report: Problems, tick: Callable[[], None]
) -> list[SourceFile]:
    """Check every file (pass 1), adding to ``report``; return the files to load."""
    codes = load_codebook(conn)
    known = KnownKeys(conn, files)
    for source in files:
        check_file(source, known, codes, report)
        tick()
    return files


def check_file(source: SourceFile, known: KnownKeys, codes: CodeBook, report: Problems) -> None:
    """Check one file's header, then each of its rows."""
    reader = None
    try:
        stat = source.path.stat()
        source.stamp = (stat.st_size, stat.st_mtime_ns)
        with source.path.open(newline="", encoding=ENCODING) as handle:
            reader = csv.reader(handle)
            source.header = next(reader, [])
            if not check_header(source, report):
                known.unreadable.add(source.spec.name)
                return
            checker = RowChecker(source, known, codes, report)
            checker.check_rows(reader)
            checker.finish()
            source.lines = reader.line_num
    except UnicodeDecodeError:
        known.unreadable.add(source.spec.name)
        message = "is not UTF-8 text: save it as CSV UTF-8"
        report.add("(file)", message, source.name, _first_undecodable_line(source.path))
    except csv.Error as exc:
        known.unreadable.add(source.spec.name)
        line = reader.line_num if reader is not None else None
        report.add("(file)", f"cannot be read as CSV: {exc}", source.name, line)
    except OSError as exc:
        known.unreadable.add(source.spec.name)
        report.add("(file)", f"cannot be read: {exc.strerror}", source.name)


def _first_undecodable_line(path: Path) -> int | None:
    """Where the text stops being UTF-8 (decoding works in blocks, so the reader cannot say)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(ENCODING)
            except UnicodeDecodeError:
                return number
    return None


def check_header(source: SourceFile, report: Problems) -> bool:
    """The header must name exactly the SSD's columns (in any order); say which are wrong."""
    header, expected = source.header, source.spec.columns
    before = report.total
    if not header:
        report.add(
            "(header)", "the file is empty: row 1 must name the columns", source.name, HEADER_ROW
        )
        return False
    for column in sorted({c for c in header if header.count(c) > 1}):
        report.add(column, "appears more than once in the header", source.name, HEADER_ROW)
    for column in expected:
        if column not in header:
            report.add(column, "is missing from the header", source.name, HEADER_ROW)
    for column in header:
        if column not in expected:
            guess = difflib.get_close_matches(column, expected, n=1)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            message = f"is not a column of {source.spec.name}{hint}"
            report.add(column, message, source.name, HEADER_ROW)
    return report.total == before


def reorder_to_model(source: SourceFile) -> Callable[[Sequence[str]], Sequence[str]] | None:
    """Puts a row read in the file's column order into the model's; None if they agree."""
    positions = [source.header.index(c) for c in source.spec.columns]
    if positions == list(range(len(positions))):
        return None
    return lambda row, pick=itemgetter(*positions): pick(row)


class RowChecker:
    """Checks the rows of one file; everything per column is worked out once, up front."""

    def __init__(
        self, source: SourceFile, known: KnownKeys, codes: CodeBook, report: Problems
    ) -> None:
        spec = source.spec
        self.file, self.spec, self.known, self.codes = source.name, spec, known, codes
        self.report = report
        self.width = len(source.header)
        self.reorder = reorder_to_model(source)
        self.cells = CellChecks(spec, codes)
        self.required = [(i, spec.columns[i]) for i in spec.required]
        self.key_of = itemgetter(*spec.key) if spec.key else None
        key_name = spec.columns[spec.key[0]] if len(spec.key) == 1 else None
        self.seen: set = known.in_files.get((spec.name, key_name), set())
        self.key_in_db = self._existing_keys(key_name)
        self.references = [r for r in spec.references if r.table not in known.unreadable]
        #: Referenced columns of this table other than its key: their values are kept too.
        self.collect = [
            (spec.columns.index(column), values)
            for (table, column), values in known.in_files.items()
            if table == spec.name and column != key_name
        ]
        self.deferred: list[tuple[Reference, str, int]] = []

    def _existing_keys(self, key_name: str | None) -> set:
        """Keys already in the database: an import adds rows, it never overwrites one."""
        return self.known.in_db(self.spec.name, key_name) if key_name else set()

    def bad(self, column: str, message: str, row: int) -> None:
        self.report.add(column, message, self.file, row)

    def check_rows(self, rows: Iterator[list[str]]) -> None:
        """Check every data row. One loop with everything in local names: it runs
        millions of times, and each lookup saved is seconds at the scale of a city."""
        width, reorder, problems_of = self.width, self.reorder, self.cells.problems
        required, key_of, seen, keys_in_db = self.required, self.key_of, self.seen, self.key_in_db
        references = [
            (ref.index, self.known.in_files[(ref.table, ref.target)], ref)
            for ref in self.references
        ]
        collect = self.collect
        for row, values in enumerate(rows, start=FIRST_DATA_ROW):
            if len(values) != width:
                if values:  # a blank line is not a row
                    self._wrong_width(values, row)
                continue
            if reorder is not None:
                values = reorder(values)
            for problem in problems_of(values):
                self.bad(problem.field, problem.message, row)
            complete = True
            for position, column in required:
                if not values[position]:
                    complete = False
                    self.bad(column, "is required", row)
            if complete and key_of is not None:
                key = key_of(values)
                if key in seen:
                    self._duplicate(key, row)
                else:
                    seen.add(key)
                    if key in keys_in_db:
                        self._duplicate(key, row, in_db=True)
            for position, known_values, ref in references:
                value = values[position]
                if value and value not in known_values:
                    self._not_found_yet(ref, value, row)
            for position, collected in collect:
                collected.add(values[position])

    def _wrong_width(self, values: Sequence[str], row: int) -> None:
        count = f"the row has {len(values)} values but the header has {self.width} columns"
        if len(values) < self.width:
            self.bad(self.spec.columns[len(values)], f"has no value: {count}", row)
        else:
            self.bad("(extra values)", count, row)

    def _duplicate(self, key: Any, row: int, in_db: bool = False) -> None:
        column = self.spec.columns[self.spec.key[0]]
        where = "is already in the database" if in_db else "is on an earlier row too"
        self.bad(column, f"'{key}' {where}: keys must be unique", row)

    def _not_found_yet(self, ref: Reference, value: str, row: int) -> None:
        """Not in the files read so far: perhaps further down this file, or in the database."""
        if ref.table == self.spec.name:
            self.deferred.append((ref, value, row))
        elif value not in self.known.in_db(ref.table, ref.target):
            self._missing(ref, value, row)

    def _missing(self, ref: Reference, value: str, row: int) -> None:
        self.bad(
            ref.column,
            f"no {ref.table} with {ref.target} '{value}' in these files or in the database",
            row,
        )

    def finish(self) -> None:
        """References to rows of the same file, now that the whole file has been read."""
        in_files = self.known.in_files
        for ref, value, row in self.deferred:
            if value not in in_files[(ref.table, ref.target)] and value not in self.known.in_db(
                ref.table, ref.target
            ):
                self._missing(ref, value, row)


# --------------------------------------------------------------------------- pass 2: load

#: Turns a checked, non-empty cell into what the database stores. Text and
#: ISO dates go as they are: both drivers store a date given as ISO text.
_STORE: dict[Kind, Callable[[str], Any]] = {
    Kind.FLAG: str.upper,
    Kind.INT: int,
    Kind.FLOAT: float,
}


def load_files(
    conn: Connection, files: list[SourceFile], tick: Callable[[], None]
) -> dict[str, int]:
    """Insert every checked file (pass 2), referenced tables first; return counts."""
    counts: dict[str, int] = {}
    with _indexes_built_after(conn, files):
        for source in files:
            counts[source.spec.name] = load_file(conn, source)
            tick()
    return counts


def load_file(conn: Connection, source: SourceFile) -> int:
    """Insert one file's rows in bulk; people are inserted as children."""
    _refuse_if_changed(source)
    spec = source.spec
    columns = list(spec.columns)
    extra: list[str] = []
    if spec.name == PERSON_TABLE:
        columns.append("cb_person_type")
        extra.append("child")
    with source.path.open(newline="", encoding=ENCODING) as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = map(_row_maker(source, extra), filter(None, reader))  # blank lines are not rows
        return insert_rows(conn, spec.table, columns, rows)


def _row_maker(source: SourceFile, extra: list[str]) -> Callable[[Sequence[str]], list]:
    """Turns a checked row of text into the stored values, in the model's column order."""
    reorder = reorder_to_model(source)
    special = [(i, _STORE[k]) for i, k in enumerate(source.spec.kinds) if k in _STORE]

    def stored(values: Sequence[str]) -> list:
        if reorder is not None:
            values = reorder(values)
        row = [v or None for v in values]
        for position, store in special:
            if values[position]:
                row[position] = store(values[position])
        return row + extra if extra else row

    return stored


def _refuse_if_changed(source: SourceFile) -> None:
    """A file changed since it was checked could hold anything: refuse it."""
    stat = source.path.stat()
    if (stat.st_size, stat.st_mtime_ns) != source.stamp:
        raise Invalid(
            [Problem("(file)", "changed while being imported; nothing written", source.name)]
        )


def _note_in_history(conn: Connection, in_dir: Path, counts: dict[str, int]) -> None:
    """One history entry for the whole import: what came in, from where, how much."""
    conn.execute(
        insert(HistoryEntry.__table__).values(
            at=datetime.now(UTC).replace(tzinfo=None),
            actor="system",
            action="import_ssd",
            table_name="ssd",
            record_id=os.fspath(in_dir)[-200:],
            before_json=None,
            after_json=json.dumps(counts, sort_keys=True),
            reason="SSD extract imported",
        )
    )
