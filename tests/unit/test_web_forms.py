"""The GOV.UK date fields: whatever is typed, a date or an error beside the field."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.web.forms import FormErrors, read_date


def _read(day: str, month: str, year: str) -> tuple[date | None, FormErrors]:
    errors = FormErrors()
    found = read_date({"d-day": day, "d-month": month, "d-year": year}, "d", "Date", errors)
    return found, errors


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2025"), "Date must be a real date"),
        (("1", "1", "1899"), "Date must be a real date"),
        (("1", "1", "2147483648"), "Date must be a real date"),  # overflows C's int
        (("1", "", "2025"), "Date must include a month"),
    ],
)
def test_impossible_dates_are_errors_beside_the_field(parts, message):
    found, errors = _read(*parts)
    assert found is None
    assert errors == {"d": message}


def test_a_real_date_is_read():
    assert _read("15", "1", "2025") == (date(2025, 1, 15), {})


@given(st.text(max_size=12), st.text(max_size=12), st.text(max_size=25))
def test_any_text_gives_a_date_or_an_error(day, month, year):
    found, errors = _read(day, month, year)
    assert (found is None) == bool(errors)
