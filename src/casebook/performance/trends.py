"""Reporting periods, month-by-month trends and sparklines.

A period is written ``2025-Q3`` (a calendar quarter: 1 July to 30 September
2025), ``2025-09`` (a month) or ``2025-26`` (the year April 2025 to March
2026). :func:`parse_period` turns it into dates; the target year is the
April-to-March year the period ends in.

A trend is one figure per month, up to six years back from the period's end:
each month's figure is the engine's for that month (period measures) or as at
its last day (as-at measures). :func:`sparkline_svg` draws one as a small
inline SVG with a text alternative; no JavaScript is needed to read it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from casebook.performance.targets import financial_year
from casebook.record.calendar import add_months
from casebook.record.errors import Invalid, Problem

MAX_MONTHS = 72  # six years
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period: its name as typed, its first and last days."""

    name: str
    start: date
    end: date
    kind: str  # quarter | month | year

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        return f"{_long(self.start)} to {_long(self.end)}"

    @property
    def target_year(self) -> int:
        return financial_year(self.end)

    def previous(self) -> ReportPeriod:
        """The period of the same length just before this one."""
        months = {"quarter": 3, "month": 1, "year": 12}[self.kind]
        start = add_months(self.start, -months)
        end = self.start - timedelta(days=1)
        return ReportPeriod(_name(self.kind, start), start, end, self.kind)


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _name(kind: str, start: date) -> str:
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{start:%Y-%m}"
    return f"{start.year}-{(start.year + 1) % 100:02d}"


def month_end(d: date) -> date:
    return add_months(date(d.year, d.month, 1), 1) - timedelta(days=1)


def parse_period(text: str | None, field: str = "period") -> ReportPeriod:
    """``2025-Q3``, ``2025-09`` or ``2025-26`` as dates; Invalid naming ``field`` if not."""
    value = (text or "").strip()
    if m := QUARTER.match(value):
        year, quarter = int(m[1]), int(m[2])
        start = date(year, 3 * quarter - 2, 1)
        return ReportPeriod(value, start, month_end(add_months(start, 2)), "quarter")
    if m := MONTH.match(value):
        year, second = int(m[1]), int(m[2])
        if 1 <= second <= 12 and year >= 1900:
            start = date(year, second, 1)
            return ReportPeriod(value, start, month_end(start), "month")
        if second == (year + 1) % 100 and year >= 1900:
            start = date(year, 4, 1)
            return ReportPeriod(value, start, date(year + 1, 3, 31), "year")
    raise Invalid(
        [
            Problem(
                field,
                f"'{value}' is not a period: write a quarter (2025-Q3), "
                "a month (2025-09) or a year (2025-26)",
            )
        ]
    )


def latest_quarter(today: date) -> ReportPeriod:
    """The last calendar quarter that has ended by ``today``."""
    this_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = add_months(this_start, -3)
    return ReportPeriod(_name("quarter", start), start, this_start - timedelta(days=1), "quarter")


def months_ending(end: date, count: int) -> list[tuple[date, date]]:
    """(first day, last day) of the ``count`` months ending with ``end``'s month, oldest first."""
    count = max(1, min(count, MAX_MONTHS))
    first = date(end.year, end.month, 1)
    found = []
    for back in range(count - 1, -1, -1):
        start = add_months(first, -back)
        found.append((start, month_end(start)))
    return found


@dataclass(frozen=True)
class Point:
    month: date  # the month's first day
    value: float | None


#: A function giving {measure id: (value, numerator, denominator)} for a period (start, end).
Compute = Callable[[date, date], dict[str, tuple]]


class _Cache:
    """Past months' figures for a few minutes, so the scorecard's sparklines do
    not recompute twelve months on every view."""

    def __init__(self, seconds: float = 600, size: int = 5000):
        self.seconds, self.size = seconds, size
        self._data: dict[tuple, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> dict | None:
        with self._lock:
            hit = self._data.get(key)
            if hit and time.monotonic() - hit[0] < self.seconds:
                return hit[1]
            return None

    def put(self, key: tuple, value: dict) -> None:
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


CACHE = _Cache(seconds=1800)


def cached(compute: Compute, start: date, end: date, cache_key: object | None) -> dict[str, tuple]:
    """``compute(start, end)``, kept a few minutes under ``cache_key`` once ``end`` has passed."""
    key = (cache_key, start, end) if cache_key is not None else None
    values = CACHE.get(key) if key else None
    if values is None:
        values = compute(start, end)
        if key and end < date.today():
            CACHE.put(key, values)
    return values


def monthly(
    compute: Compute,
    end: date,
    months: int,
    cache_key: object | None = None,
) -> list[tuple[date, dict[str, tuple]]]:
    """Each month's figures, oldest first, for ``months`` months to ``end``'s month:
    (first day of the month, {measure id: (value, numerator, denominator)}).
    Finished months are cached for a few minutes under ``cache_key``."""
    return [
        (start, cached(compute, start, last, cache_key))
        for start, last in months_ending(end, months)
    ]


def points(series: Sequence[tuple[date, dict[str, tuple]]], measure_id: str) -> list[Point]:
    """One measure's values from :func:`monthly`."""
    return [Point(month, (values.get(measure_id) or (None,))[0]) for month, values in series]


def fmt(value: float | None, unit: str) -> str:
    """A figure as the screens and packs print it."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value  # a suppression code: c, k
    if unit in ("%", "percent"):
        return f"{value:.1f}%" if not float(value).is_integer() else f"{int(value)}%"
    if unit.startswith("rate") or unit in ("days", "children per FTE"):
        return f"{value:.1f}" if not float(value).is_integer() else f"{int(value)}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def describe(points: Sequence[Point], unit: str) -> str:
    """The text alternative of a sparkline."""
    known = [p for p in points if p.value is not None]
    if not known:
        return "No figures for these months."
    first, last = known[0], known[-1]
    low = min(known, key=lambda p: p.value)
    high = max(known, key=lambda p: p.value)
    return (
        f"{len(points)} months: {fmt(first.value, unit)} in {first.month:%b %Y}, "
        f"{fmt(last.value, unit)} in {last.month:%b %Y}; lowest {fmt(low.value, unit)} "
        f"({low.month:%b %Y}), highest {fmt(high.value, unit)} ({high.month:%b %Y})."
    )


def sparkline_svg(points: Sequence[Point], unit: str, width: int = 120, height: int = 28) -> str:
    """A small inline SVG line of the trend, with its text alternative as title and label."""
    text = escape(describe(points, unit))
    known = [(i, p.value) for i, p in enumerate(points) if p.value is not None]
    head = (
        f'<svg class="casebook-sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="Trend: {text}">'
        f"<title>Trend: {text}</title>"
    )
    if not known:
        return head + "</svg>"
    values = [v for _, v in known]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / max(1, len(points) - 1)

    def xy(i: int, v: float) -> str:
        x = 2 + i * step
        y = height - 3 - (v - low) / span * (height - 6)
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(i, v) for i, v in known)
    last_i, last_v = known[-1]
    cx, cy = xy(last_i, last_v).split(",")
    return (
        head
        + f'<polyline fill="none" stroke="#1d70b8" stroke-width="2" points="{line}"/>'
        + f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="#0b0c0c"/></svg>'
    )


def direction(current: float | None, previous: float | None, better: str | None) -> str | None:
    """``better``, ``worse`` or ``same`` against the previous period (None without both,
    or ``up``/``down`` for a measure with no better direction)."""
    if current is None or previous is None:
        return None
    if abs(current - previous) < 1e-9:
        return "same"
    up = current > previous
    if better not in ("higher", "lower"):
        return "up" if up else "down"
    return "better" if up == (better == "higher") else "worse"
