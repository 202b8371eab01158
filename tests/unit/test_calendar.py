"""The working-day calendar: weekends, England and Wales bank holidays, calendar months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.record.calendar import WorkingCalendar, add_months

#: England and Wales bank holidays around the examples (gov.uk).
HOLIDAYS_2024_2025 = [
    date(2024, 1, 1),
    date(2024, 3, 29),
    date(2024, 4, 1),
    date(2024, 5, 6),
    date(2024, 5, 27),
    date(2024, 8, 26),
    date(2024, 12, 25),
    date(2024, 12, 26),
    date(2025, 1, 1),
    date(2025, 4, 18),
    date(2025, 4, 21),
    date(2025, 5, 5),
    date(2025, 5, 26),
    date(2025, 8, 25),
    date(2025, 12, 25),
    date(2025, 12, 26),
]

CAL = WorkingCalendar(HOLIDAYS_2024_2025)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 12, 24), True),
        (date(2024, 12, 25), False),  # Christmas Day
        (date(2024, 12, 26), False),  # Boxing Day
        (date(2024, 12, 28), False),  # Saturday
        (date(2024, 12, 29), False),  # Sunday
        (date(2025, 1, 1), False),
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 4, 22), True),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_fifteen_working_days_across_christmas() -> None:
    assert CAL.add_working_days(date(2024, 12, 20), 15) == date(2025, 1, 15)


def test_across_easter() -> None:
    assert CAL.add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    # Friday 11 April + 15: Easter and the early May bank holiday both skipped.
    assert CAL.add_working_days(date(2025, 4, 11), 15) == date(2025, 5, 7)


def test_weekends_are_skipped_and_the_start_never_counts() -> None:
    friday, saturday = date(2025, 1, 10), date(2025, 1, 11)
    assert CAL.add_working_days(friday, 1) == date(2025, 1, 13)
    assert CAL.add_working_days(saturday, 1) == date(2025, 1, 13)
    assert CAL.add_working_days(friday, 5) == date(2025, 1, 17)
    assert CAL.add_working_days(friday, 0) == friday


def test_negative_counts_go_back() -> None:
    assert CAL.add_working_days(date(2025, 1, 15), -15) == date(2024, 12, 20)
    assert CAL.add_working_days(date(2025, 4, 22), -1) == date(2025, 4, 17)


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2024, 12, 20), date(2025, 1, 15)) == 15
    assert CAL.working_days_between(date(2025, 1, 15), date(2024, 12, 20)) == -15
    assert CAL.working_days_between(date(2025, 1, 9), date(2025, 1, 15)) == 4
    assert CAL.working_days_between(date(2025, 1, 15), date(2025, 1, 15)) == 0
    # Saturday to Sunday: no working day in between.
    assert CAL.working_days_between(date(2025, 1, 11), date(2025, 1, 12)) == 0
    assert CAL.working_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1


def test_next_and_previous_working_day() -> None:
    assert CAL.next_working_day(date(2025, 4, 17)) == date(2025, 4, 22)
    assert CAL.previous_working_day(date(2025, 4, 22)) == date(2025, 4, 17)
    assert CAL.next_working_day(date(2024, 12, 24)) == date(2024, 12, 27)
    assert CAL.previous_working_day(date(2025, 1, 2)) == date(2024, 12, 31)


def test_without_holidays_only_weekends_count() -> None:
    plain = WorkingCalendar()
    assert plain.add_working_days(date(2024, 12, 20), 15) == date(2025, 1, 10)
    assert plain.holidays == frozenset()


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2024, 10, 31), 2, date(2024, 12, 31)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -2, date(2024, 11, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def _count_by_walking(start: date, end: date) -> int:
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(CAL.is_working_day(d) for d in days)


dates = st.dates(min_value=date(2023, 6, 1), max_value=date(2026, 6, 1))


@given(start=dates, n=st.integers(min_value=0, max_value=120))
def test_counting_undoes_adding(start: date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(start=dates, end=dates)
def test_between_agrees_with_walking_the_days(start: date, end: date) -> None:
    if end >= start:
        assert CAL.working_days_between(start, end) == _count_by_walking(start, end)
    else:
        assert CAL.working_days_between(start, end) == -_count_by_walking(end, start)
