"""The working-day calendar and calendar-month arithmetic behind every timescale.

A "working day" is Monday to Friday, not a bank holiday in England and Wales.
The holidays are data (the ``bank_holiday`` table an administrator extends),
so :class:`WorkingCalendar` is built from a set of dates and knows nothing
about any particular year; :meth:`WorkingCalendar.from_session` reads the table.

Conventions (the ones the timescales need):

- ``add_working_days(d, n)`` is the n-th working day *after* ``d``; ``d`` itself
  never counts, so a clock that starts on a Saturday gets Monday as day 1.
- ``working_days_between(a, b)`` counts the working days after ``a`` up to and
  including ``b``, so ``working_days_between(d, add_working_days(d, n)) == n``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.models.base import ACTIVE
from casebook.record.models.reference import BankHoliday

_ONE_DAY = timedelta(days=1)


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb).

    "3 months" and "6 months" in the guidance are calendar months, not 90 days.
    """
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def _weekdays_to(d: date) -> int:
    """Weekdays from 1 Jan 0001 (a Monday) up to and including ``d``.

    Differences of this give weekday counts over any span without looping.
    """
    n = d.toordinal()
    return 5 * (n // 7) + min(n % 7, 5)


class WorkingCalendar:
    """Working days for England and Wales, given the bank holidays as data."""

    def __init__(self, holidays: Iterable[date] = ()) -> None:
        self._holidays = frozenset(holidays)
        # Only holidays on weekdays change a count; sorted for bisecting.
        self._weekday_holidays = tuple(sorted(h for h in self._holidays if h.weekday() < 5))

    @classmethod
    def from_session(cls, session: Session) -> WorkingCalendar:
        """The calendar from the ``bank_holiday`` table (active rows only)."""
        rows = session.scalars(
            select(BankHoliday.holiday_date).where(BankHoliday.cb_status == ACTIVE)
        )
        return cls(rows)

    @property
    def holidays(self) -> frozenset[date]:
        return self._holidays

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._holidays

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (before it when ``n`` is negative; ``d`` if 0)."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end < start``."""
        if end < start:
            return -self.working_days_between(end, start)
        weekdays = _weekdays_to(end) - _weekdays_to(start)
        holidays = bisect_right(self._weekday_holidays, end) - bisect_right(
            self._weekday_holidays, start
        )
        return weekdays - holidays

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return self.add_working_days(d, -1)
