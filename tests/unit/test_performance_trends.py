"""Periods, months of trend, sparklines with a text alternative, figures as printed."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.performance.trends import (
    MAX_MONTHS,
    Point,
    direction,
    fmt,
    latest_quarter,
    months_ending,
    parse_period,
    sparkline_svg,
)
from casebook.record.errors import Invalid


def test_periods():
    q3 = parse_period("2025-Q3")
    assert (q3.start, q3.end, q3.kind) == (date(2025, 7, 1), date(2025, 9, 30), "quarter")
    assert q3.target_year == 2025
    assert q3.previous().name == "2025-Q2"
    assert parse_period("2025-Q1").previous().name == "2024-Q4"
    month = parse_period("2024-02")
    assert month.end == date(2024, 2, 29)
    year = parse_period("2025-26")
    assert (year.start, year.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year.previous().name == "2024-25"
    assert latest_quarter(date(2025, 11, 23)).name == "2025-Q3"


@pytest.mark.parametrize("bad", ["", "2025-Q5", "2025-13", "2025-27", "Q3", "2025Q3", "\x00"])
def test_bad_periods_are_refused_naming_the_field(bad):
    with pytest.raises(Invalid) as caught:
        parse_period(bad, "--period")
    assert caught.value.problems[0].field == "--period"


def test_months_ending_is_oldest_first_and_capped_at_six_years():
    months = months_ending(date(2025, 9, 30), 3)
    assert months == [
        (date(2025, 7, 1), date(2025, 7, 31)),
        (date(2025, 8, 1), date(2025, 8, 31)),
        (date(2025, 9, 1), date(2025, 9, 30)),
    ]
    assert len(months_ending(date(2025, 9, 30), 500)) == MAX_MONTHS


def test_sparkline_is_inline_svg_with_a_text_alternative():
    points = [Point(date(2025, m, 1), v) for m, v in ((7, 80.0), (8, None), (9, 90.5))]
    svg = sparkline_svg(points, "percent")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Trend: 3 months: 80% in Jul 2025, 90.5% in Sep 2025" in svg
    assert "<polyline" in svg and "<script" not in svg
    empty = sparkline_svg([Point(date(2025, 7, 1), None)], "percent")
    assert "No figures" in empty and "<polyline" not in empty


def test_direction_of_travel():
    assert direction(90, 80, "higher") == "better"
    assert direction(90, 80, "lower") == "worse"
    assert direction(80, 80, "higher") == "same"
    assert direction(90, 80, None) == "up"
    assert direction(None, 80, "higher") is None


def test_fmt():
    assert fmt(82.5, "percent") == "82.5%"
    assert fmt(82.0, "percent") == "82%"
    assert fmt(1234, "count") == "1,234"
    assert fmt("c", "count") == "c"
    assert fmt(None, "days") == "–"
    assert fmt(355.8, "rate per 10,000") == "355.8"
