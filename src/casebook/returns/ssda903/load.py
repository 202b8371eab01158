"""Read SSDA903 CSV files into :class:`~.data.Data903`: all of them, or an error.

Which table a file is comes from its header row (the DfE's column names, in
any order), not its name. Refused, with the file, row and column named: a
file that is not UTF-8 text or not CSV, an empty file, a header that is no
903 table (the nearest table's missing and unexpected columns are listed),
two files of the same table, a row with too many or too few values, a CHILD
left blank. Problems are collected (up to :data:`MAX_PROBLEMS`) and raised
together as :class:`~casebook.record.errors.Invalid`, so a return is never
half read.

Values are kept as text: a date that is not ``dd/mm/yyyy`` or a code not in
its list is what the validation rules report (rule 102, 141, 143 and so on),
by row and field, so an upload is checked in full rather than stopping at the
first bad value. The import (:mod:`.import_`) refuses those too.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from casebook.record.errors import Invalid, Problem

from .data import Data903, Row
from .spec import COLUMNS, DATE_COLUMNS, parse_date, table_for_columns

MAX_PROBLEMS = 200
#: Largest file accepted (bytes): the biggest authority's return is a few MB.
MAX_FILE_BYTES = 64 * 1024 * 1024


def _nearest(columns: list[str]) -> str:
    have = set(columns)
    best = max(COLUMNS, key=lambda t: len(have & set(COLUMNS[t])) - len(have ^ set(COLUMNS[t])))
    missing = [c for c in COLUMNS[best] if c not in have]
    extra = [c for c in columns if c not in COLUMNS[best]]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("unexpected " + ", ".join(extra))
    return f"nearest is {best} ({'; '.join(parts)})"


def _read_one(name: str, raw: bytes, problems: list[Problem]) -> tuple[str, list[Row]] | None:
    def bad(field: str, message: str, row: int | None = None) -> None:
        problems.append(Problem(field, message, file=name, row=row))

    if len(raw) > MAX_FILE_BYTES:
        bad("(file)", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad("(file)", f"is not UTF-8 text (byte {exc.start})")
        return None
    if "\x00" in text:
        bad("(file)", "is not a CSV file (it holds binary data)")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        bad("(header)", f"is not valid CSV: {exc}", 1)
        return None
    if not header or not any(h.strip() for h in header):
        bad("(file)", "is empty: expected a header row of SSDA903 column names")
        return None
    columns = [h.strip().upper() for h in header]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        bad("(header)", f"column {', '.join(dupes)} appears twice", 1)
        return None
    table = table_for_columns(columns)
    if table is None:
        bad("(header)", f"is not a known SSDA903 table: {_nearest(columns)}", 1)
        return None
    width = len(columns)
    dates = DATE_COLUMNS[table]
    rows: list[Row] = []
    line = 1
    try:
        for line, values in enumerate(reader, start=2):
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # a blank line
            if len(values) != width:
                bad(
                    "(row)",
                    f"has {len(values)} values; the header has {width} columns",
                    line - 1,
                )
                if len(problems) >= MAX_PROBLEMS:
                    return None
                continue
            r: Row = {}
            for c, v in zip(columns, values, strict=True):
                v = v.strip()
                r[c] = v or None
            if r["CHILD"] is None:
                bad("CHILD", "CHILD is blank: every row needs the child's id", line - 1)
            for c in dates:
                v = r[c]
                r[c + "_d"] = parse_date(v) if v else None
            r["_row"] = line - 1
            rows.append(r)
    except csv.Error as exc:
        bad("(row)", f"is not valid CSV: {exc}", line)
        return None
    return table, rows


def load_bytes(files: list[tuple[str, bytes]], year: int) -> Data903:
    """Parse uploaded or read files (name, content) for the year ending 31 March ``year``."""
    problems: list[Problem] = []
    data = Data903(year)
    if not files:
        raise Invalid([Problem("(file)", "no SSDA903 files given")])
    for name, raw in files:
        got = _read_one(name, raw, problems)
        if got is None:
            continue
        table, rows = got
        if table in data.tables:
            problems.append(
                Problem(
                    "(file)",
                    f"is a second {table} table (the first was {data.files[table]})",
                    file=name,
                )
            )
            continue
        data.tables[table] = rows
        data.files[table] = name
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise Invalid(problems[:MAX_PROBLEMS])
    return data


def load(paths: list[Path], year: int) -> Data903:
    """Read SSDA903 CSV files from disk (see :func:`load_bytes`)."""
    files = []
    problems = []
    for p in paths:
        p = Path(p)
        try:
            if p.stat().st_size > MAX_FILE_BYTES:
                problems.append(Problem("(file)", "is too large to be an SSDA903 table", p.name))
                continue
            files.append((p.name, p.read_bytes()))
        except OSError as exc:
            problems.append(Problem("(file)", f"cannot be read: {exc.strerror}", str(p)))
    if problems:
        raise Invalid(problems)
    return load_bytes(files, year)
