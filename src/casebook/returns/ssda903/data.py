"""The SSDA903 return in memory: one list of rows per table, parsed once.

A row is a ``dict``: each DfE column holds its text (``None`` when blank);
each date column ``C`` also has ``C_d``, the parsed date (``None`` when blank
or not a valid ``dd/mm/yyyy`` date), and ``_row`` is the 1-based data row in
its file (``None`` when the row came from the record). The rules read these
lists with plain loops; the per-child groupings they share are computed once,
on first use.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cached_property
from typing import Any

from .spec import COLUMNS, DATE_COLUMNS, collection_period, parse_date

Row = dict[str, Any]

_FAR = date.max


class Data903:
    def __init__(self, year: int, tables: dict[str, list[Row]] | None = None) -> None:
        self.year = year
        self.start, self.end = collection_period(year)
        #: Only the tables supplied: a rule about a table that is absent does not run.
        self.tables: dict[str, list[Row]] = dict(tables or {})
        #: (table, file name) of each table read from a file.
        self.files: dict[str, str] = {}
        #: Children who were UASC in one of the two previous collection years (the DfE
        #: reads last year's returns for this; known only when projected from the record).
        self.uasc_before: set[str] = set()

    # ------------------------------------------------------------------ tables
    def has(self, *names: str) -> bool:
        return all(n in self.tables for n in names)

    def rows(self, name: str) -> list[Row]:
        return self.tables.get(name, [])

    @staticmethod
    def make_row(table: str, values: dict[str, str | None], row: int | None = None) -> Row:
        """A row from its column texts (missing columns blank), with parsed dates."""
        out: Row = {c: (values.get(c) or None) for c in COLUMNS[table]}
        for c in DATE_COLUMNS[table]:
            v = out[c]
            out[c + "_d"] = parse_date(v) if v else None
        out["_row"] = row
        return out

    # ------------------------------------------------------------------ groupings
    @cached_property
    def episodes_by_child(self) -> dict[str, list[Row]]:
        """Each child's episodes in order of DECOM (undated ones last)."""
        by: dict[str, list[Row]] = defaultdict(list)
        for r in self.rows("Episodes"):
            by[r["CHILD"]].append(r)
        for eps in by.values():
            if len(eps) > 1:
                eps.sort(key=lambda r: r["DECOM_d"] or _FAR)
        return dict(by)

    @cached_property
    def header_by_child(self) -> dict[str, Row]:
        return {r["CHILD"]: r for r in self.rows("Header")}

    def by_child(self, table: str) -> dict[str, list[Row]]:
        cache = self.__dict__.setdefault("_by_child", {})
        if table not in cache:
            by: dict[str, list[Row]] = defaultdict(list)
            for r in self.rows(table):
                by[r["CHILD"]].append(r)
            cache[table] = dict(by)
        return cache[table]

    def dob(self, child: str | None) -> date | None:
        h = self.header_by_child.get(child) if child else None
        return h["DOB_d"] if h else None

    @cached_property
    def looked_after_12_months(self) -> set[str]:
        """Children looked after continuously for the 12 months to 31 March (not
        counting respite, V3/V4): one unbroken run of episodes from on or before
        1 April to an episode still open at 31 March."""
        out: set[str] = set()
        start, end = self.start, self.end
        for child, eps in self.episodes_by_child.items():
            eps = [e for e in eps if e["LS"] not in ("V3", "V4") and e["DECOM_d"]]
            if not eps:
                continue
            last = eps[-1]
            if last["DEC_d"] is not None and last["DEC_d"] <= end:
                continue
            # walk back while the episodes join up
            i = len(eps) - 1
            while i > 0 and eps[i - 1]["DEC_d"] == eps[i]["DECOM_d"]:
                i -= 1
            if eps[i]["DECOM_d"] <= start:
                out.add(child)
        return out

    @cached_property
    def looked_after_at_end(self) -> set[str]:
        """Children with an open episode at 31 March (not V3/V4)."""
        out = set()
        for child, eps in self.episodes_by_child.items():
            last = eps[-1]
            if last["DEC_d"] is None and last["DECOM"] and last["LS"] not in ("V3", "V4"):
                out.add(child)
        return out

    @cached_property
    def episode_in_year(self) -> set[str]:
        """Children with an episode open at any time in the collection year."""
        out = set()
        s, e = self.start, self.end
        for child, eps in self.episodes_by_child.items():
            for r in eps:
                d0, d1 = r["DECOM_d"], r["DEC_d"]
                if d0 and d0 <= e and (d1 is None or d1 >= s):
                    out.add(child)
                    break
        return out

    def periods_of_care(self, child: str) -> list[tuple[date, date | None, list[Row]]]:
        """The child's periods of care: (first DECOM, last DEC or None, episodes)."""
        periods: list[tuple[date, date | None, list[Row]]] = []
        current: list[Row] = []
        for r in self.episodes_by_child.get(child, ()):
            if r["DECOM_d"] is None:
                continue
            if current and current[-1]["DEC_d"] == r["DECOM_d"]:
                current.append(r)
            else:
                if current:
                    periods.append((current[0]["DECOM_d"], current[-1]["DEC_d"], current))
                current = [r]
        if current:
            periods.append((current[0]["DECOM_d"], current[-1]["DEC_d"], current))
        return periods


def age_on(dob: date | None, day: date | None) -> int | None:
    """Whole years from ``dob`` to ``day``."""
    if dob is None or day is None:
        return None
    years = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
    return years


def at_least(dob: date | None, years: int, day: date | None) -> bool:
    """The child is ``years`` old or more on ``day`` (born 29 February: birthday
    on 28 February in a common year, as the DfE's date offsets count)."""
    if dob is None or day is None:
        return False
    gap = day.year - dob.year
    if gap != years:
        return gap > years
    month, dd = dob.month, dob.day
    if month == 2 and dd == 29 and not _leap(day.year):
        dd = 28
    return (day.month, day.day) >= (month, dd)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
