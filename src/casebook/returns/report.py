"""Write a list of return errors as JSON, CSV or an Excel workbook.

Every format carries the same columns, in this order: rule, child, table,
field, row, message. The workbook adds a second sheet counting errors by rule.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable

from casebook.returns.rules import ReturnError

COLUMNS = ("rule", "child", "table", "field", "row", "message")
FORMATS = ("json", "csv", "xlsx")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def to_json(errors: Iterable[ReturnError]) -> bytes:
    return json.dumps([e.as_dict() for e in errors], indent=1).encode()


def to_csv(errors: Iterable[ReturnError]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for e in errors:
        d = e.as_dict()
        w.writerow(["" if d[c] is None else d[c] for c in COLUMNS])
    return buf.getvalue().encode("utf-8")


def _cell(value):
    # A value starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_xlsx(errors: Iterable[ReturnError]) -> bytes:
    from openpyxl import Workbook

    errors = list(errors)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Errors")
    ws.append(list(COLUMNS))
    for e in errors:
        d = e.as_dict()
        ws.append([_cell(d[c]) for c in COLUMNS])
    summary = wb.create_sheet("By rule")
    summary.append(["rule", "errors", "message"])
    messages = {e.rule: e.message for e in errors}
    for rule, n in sorted(Counter(e.rule for e in errors).items()):
        summary.append([rule, n, _cell(messages[rule])])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(errors: Iterable[ReturnError], fmt: str) -> bytes:
    if fmt == "json":
        return to_json(errors)
    if fmt == "csv":
        return to_csv(errors)
    if fmt == "xlsx":
        return to_xlsx(errors)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def kind_of(files: list[tuple[str, bytes]]) -> str:
    """Which return uploaded files are: CSV tables (or XML whose Collection is
    SSDA903) are the SSDA903, other XML the CIN census.

    :class:`~casebook.record.errors.Invalid` when they mix the two or are neither.
    """
    from casebook.record.errors import Invalid, Problem

    kinds = set()
    for name, raw in files:
        head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
        xml = head.startswith(b"<") or name.lower().endswith(".xml")
        # the SSDA903's XML form says so in its header; other XML is the CIN census
        kinds.add("903" if not xml or b"<Collection>SSDA903</Collection>" in raw[:4096] else "cin")
    if not files:
        raise Invalid([Problem("(file)", "no file given")])
    if len(kinds) > 1:
        raise Invalid(
            [
                Problem(
                    "(file)",
                    "mixes XML (the CIN census) and CSV (the SSDA903): "
                    "validate one return at a time",
                )
            ]
        )
    return kinds.pop()


def validate_files(files: list[tuple[str, bytes]], year: int) -> tuple[str, list[ReturnError]]:
    """Parse whole uploaded or read files, then run every rule of their return.

    Returns the return's name ("cin" or "903") and its errors; a file that
    cannot be parsed raises :class:`~casebook.record.errors.Invalid` (naming
    file, row or element, and field) before any rule runs.
    """
    kind = kind_of(files)
    if kind == "903":
        from casebook.returns import ssda903

        return kind, ssda903.validate(ssda903.load_bytes(files, year))
    from casebook.returns import cin

    errors: list[ReturnError] = []
    parsed = [cin.load_bytes(raw, name) for name, raw in files]  # every file parses first
    for data in parsed:
        errors.extend(cin.validate(data, year))
    return kind, errors
