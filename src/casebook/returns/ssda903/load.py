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


def is_xml(name: str, raw: bytes) -> bool:
    return name.lower().endswith(".xml") or raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(
        b"<"
    )


def load_bytes(files: list[tuple[str, bytes]], year: int) -> Data903:
    """Parse uploaded or read files (name, content) for the year ending 31 March ``year``:
    the CSV tables, or the return's XML form (:mod:`.export`)."""
    problems: list[Problem] = []
    data = Data903(year)
    if not files:
        raise Invalid([Problem("(file)", "no SSDA903 files given")])
    for name, raw in files:
        if is_xml(name, raw):
            for table, rows in _read_xml(name, raw, problems).items():
                if table in data.tables:
                    problems.append(Problem("(file)", f"holds a second {table} table", file=name))
                    continue
                data.tables[table] = rows
                data.files[table] = name
            continue
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


# ---------------------------------------------------------------------- the XML form
#: Group element → (table, element of one row) for what a child may have several of.
_GROUPS = {
    "Episodes": "Episode",
    "Reviews": "Review",
    "PlacedAdoption": "Decision",
    "Missing": "MissingEpisode",
    "SWEpisodes": "SWEpisode",
}
_SINGLE = ("OC2", "OC3", "AD1", "PrevPerm")
_CHILD_ITEMS = (*COLUMNS["Header"], "DUC")


def _xml_date(text: str) -> str:
    """YYYY-MM-DD (an XML date) → dd/mm/yyyy; anything else is kept for the rules to report."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:]}/{text[5:7]}/{text[:4]}"
    return text


def _read_xml(name: str, raw: bytes, problems: list[Problem]) -> dict[str, list[Row]]:
    from lxml import etree

    def bad(el, field: str, message: str) -> None:
        problems.append(Problem(field, message, file=name, row=getattr(el, "sourceline", None)))

    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem("(file)", "is too large to be an SSDA903 return", name))
        return {}
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem("(file)", f"is not well-formed XML: {exc.msg}", name, exc.lineno))
        return {}
    if root.tag != "Message" or root.findtext("Header/CollectionDetails/Collection") != "SSDA903":
        bad(root, "Collection", "is not an SSDA903 return (Message/Header/CollectionDetails/"
            "Collection should be SSDA903)")  # fmt: skip
        return {}
    out: dict[str, list[Row]] = {t: [] for t in COLUMNS}

    def values(el, table: str, child: str | None, allowed) -> dict[str, str | None]:
        got: dict[str, str | None] = {"CHILD": child}
        for item in el:
            if not isinstance(item.tag, str):
                continue
            if item.tag not in allowed or len(item):
                bad(item, item.tag, f"{el.tag}/{item.tag} is not an item of {table}")
                continue
            text = (item.text or "").strip() or None
            if text and item.tag in DATE_COLUMNS.get(table, ()) + ("DUC",):
                text = _xml_date(text)
            got[item.tag] = text
        return got

    def row(table: str, v: dict, line: int | None) -> Row:
        r: Row = {c: v.get(c) for c in COLUMNS[table]}
        for c in DATE_COLUMNS[table]:
            r[c + "_d"] = parse_date(r[c]) if r[c] else None
        r["_row"] = line
        return r

    children = root.find("Children")
    for el in children if children is not None else ():
        if not isinstance(el.tag, str):
            continue
        if el.tag != "Child":
            bad(el, el.tag, f"Children/{el.tag} is not a Child")
            continue
        own = [i for i in el if isinstance(i.tag, str) and i.tag in _CHILD_ITEMS]
        head = values(_Shell(el.tag, own), "Header", None, _CHILD_ITEMS)
        child = head.get("CHILD")
        if not child:
            bad(el, "CHILD", "Child has no CHILD")
            continue
        dob = head.get("DOB")
        out["Header"].append(row("Header", head, el.sourceline))
        if head.get("DUC"):
            out["UASC"].append(
                row("UASC", {"CHILD": child, "SEX": head.get("SEX"), "DOB": dob,
                             "DUC": head["DUC"]}, el.sourceline)
            )  # fmt: skip
        for item in el:
            if not isinstance(item.tag, str) or item.tag in _CHILD_ITEMS:
                continue
            if item.tag in _GROUPS:
                for one in item:
                    if not isinstance(one.tag, str):
                        continue
                    if one.tag != _GROUPS[item.tag]:
                        bad(one, one.tag, f"{item.tag}/{one.tag} should be {_GROUPS[item.tag]}")
                        continue
                    v = values(one, item.tag, child, COLUMNS[item.tag])
                    v.setdefault("DOB", dob)
                    out[item.tag].append(row(item.tag, v, one.sourceline))
            elif item.tag in _SINGLE:
                v = values(item, item.tag, child, COLUMNS[item.tag])
                v.setdefault("DOB", dob)
                out[item.tag].append(row(item.tag, v, item.sourceline))
            else:
                bad(item, item.tag, f"Child/{item.tag} is not part of the SSDA903")
    # a table no child has is absent (as a CSV return without that file)
    return {t: rows for t, rows in out.items() if rows or t in ("Header", "Episodes")}


class _Shell(list):
    """A stand-in element holding some of a Child's items (for :func:`values`)."""

    def __init__(self, tag: str, items) -> None:
        super().__init__(items)
        self.tag = tag


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
