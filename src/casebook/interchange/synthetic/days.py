"""Days as integers, and a fast table of the record's working-day calendar.

The simulation handles hundreds of thousands of dates, so it keeps them as
proleptic ordinals (plain ``int``) and turns them into ISO text only when a row
is written. Which days are working days is not decided here: the table is
built from :class:`casebook.record.calendar.WorkingCalendar` (weekends and the
database's ``bank_holiday`` rows), so the generated timeliness (decisions in
one working day, ICPCs in fifteen) is judged on the calendar Casebook uses.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from casebook.record.calendar import WorkingCalendar

#: Days in an average year, for turning ages and rates into days.
YEAR = 365.25


def add_months(day: int, months: int) -> int:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    d = date.fromordinal(day)
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for dd in (d.day, 30, 29, 28):
        try:
            return date(year, month, dd).toordinal()
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def birthday(dob: int, years: int) -> int:
    """The day a person born on ``dob`` turns ``years`` (29 February -> 1 March)."""
    d = date.fromordinal(dob)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:
        return date(d.year + years, 3, 1).toordinal()


class Calendar:
    """Working days and ISO text for every day in the generated span, as lookups.

    Built once per run over ``[first, last]``; days outside that span fall back
    to plain (slower) arithmetic, which only the parents' birth dates need.
    ``add_working`` agrees with ``WorkingCalendar.add_working_days``.
    """

    def __init__(self, first: int, last: int, working: WorkingCalendar) -> None:
        self.first = first
        self.last = last
        self._working_calendar = working
        days = [date.fromordinal(o) for o in range(first, last + 1)]
        self._iso = [d.isoformat() for d in days]
        self._working: list[int] = []
        self._count: list[int] = []  # working days in [first, o], by o - first
        n = 0
        for d in days:
            if working.is_working_day(d):
                self._working.append(d.toordinal())
                n += 1
            self._count.append(n)

    def iso(self, day: int | None) -> str | None:
        """ISO text of a day ordinal (``None`` stays ``None``)."""
        if day is None:
            return None
        i = day - self.first
        if 0 <= i < len(self._iso):
            return self._iso[i]
        return date.fromordinal(day).isoformat()

    def add_working(self, day: int, n: int) -> int:
        """The ``n``-th working day after ``day`` (``n = 0``: ``day`` itself)."""
        if n <= 0:
            return day
        i = day - self.first
        k = self._count[i] - 1 + n if 0 <= i < len(self._count) else -1
        if 0 <= k < len(self._working):
            return self._working[k]
        return self._working_calendar.add_working_days(date.fromordinal(day), n).toordinal()

    def next_working(self, day: int) -> int:
        """``day`` if it is a working day, else the first one after it."""
        k = bisect_left(self._working, day)
        if k < len(self._working) and self.first <= day:
            return self._working[k]
        return self._working_calendar.add_working_days(date.fromordinal(day - 1), 1).toordinal()
