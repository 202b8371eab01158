"""The importer's fast cell-by-cell checks say exactly what the record's shared
``check_values`` says about the whole row, so speed never changes a verdict."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.interchange.ssd_spec import (
    PARSERS,
    CellChecks,
    Kind,
    parse_date,
    parse_float,
    parse_int,
    table_spec,
)
from casebook.record.errors import Problem
from casebook.record.fields import CODED_COLUMNS
from casebook.record.validation import check_values

CODES = {
    "sex": frozenset({"F", "M"}),
    "primary_need": frozenset({"N1", "N2"}),
    "referral_source": frozenset({"1A"}),
    "cin_closure_reason": frozenset({"RC1"}),
    "ethnicity": frozenset({"WBRI"}),
}

dates = st.dates(min_value=date(1850, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)
not_dates = st.sampled_from(["2023-02-30", "20230101", "2023-1-05", "05/01/2023", "soon"])
cells = {
    Kind.DATE: st.one_of(st.just(""), dates, not_dates),
    Kind.FLAG: st.sampled_from(["", "Y", "N", "y", "n", "X", "yes"]),
    Kind.INT: st.sampled_from(["", "0", "12", "-3", "1_000", "1.5", "x"]),
    Kind.FLOAT: st.sampled_from(["", "0.5", "1", "1e3", "nan", "inf", "x", ".5"]),
}
coded = st.sampled_from(["", "F", "M", "Q", "N1", "N2", "N9", "1A", "RC1", "WBRI", "x"])


def expected(spec, values: list[str]) -> Counter:
    """Parse the row, then ask check_values about all of it, as the record services do."""
    found: list[Problem] = []
    typed = {}
    for column, kind, raw in zip(spec.columns, spec.kinds, values, strict=True):
        if not raw or (kind is Kind.TEXT and column not in CODED_COLUMNS):
            continue
        parse = PARSERS[kind]
        try:
            typed[column] = raw if parse is None else parse(raw)
        except ValueError as exc:
            found.append(Problem(column, str(exc)))
    return Counter(found + check_values(typed, CODES))


def row_for(spec) -> st.SearchStrategy[list[str]]:
    parts = [
        coded if column in CODED_COLUMNS else cells.get(kind, st.just("text"))
        for column, kind in zip(spec.columns, spec.kinds, strict=True)
    ]
    return st.tuples(*parts).map(list)


TABLES = ["ssd_person", "ssd_cin_episodes", "ssd_professionals", "ssd_pre_proceedings"]
CHECKS = {name: CellChecks(table_spec(name), CODES) for name in TABLES}  # memories persist


@pytest.mark.parametrize("name", TABLES)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_cell_checks_agree_with_check_values_on_the_whole_row(name, data):
    spec = table_spec(name)
    values = data.draw(row_for(spec))
    assert Counter(CHECKS[name].problems(values)) == expected(spec, values)


def test_an_end_before_its_start_is_reported_once_with_the_shared_message():
    spec = table_spec("ssd_cin_episodes")
    row = [""] * len(spec.columns)
    row[spec.columns.index("cine_referral_date")] = "2023-05-01"
    row[spec.columns.index("cine_close_date")] = "2023-04-30"
    assert [str(p) for p in CellChecks(spec, CODES).problems(row)] == [
        "cine_close_date: 2023-04-30 is before cine_referral_date 2023-05-01"
    ]


@pytest.mark.parametrize("raw", ["2023-02-30", "20230101", "2023-W01-1", " 2023-01-01", ""])
def test_only_real_dates_written_yyyy_mm_dd_are_dates(raw):
    with pytest.raises(ValueError, match="not a real date in the form YYYY-MM-DD"):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["1_000", " 7", "7.0", "+7"])
def test_whole_numbers_are_digits_only(raw):
    with pytest.raises(ValueError, match="not a whole number"):
        parse_int(raw)


@pytest.mark.parametrize("raw", ["nan", "inf", "1e400", "1,5"])
def test_numbers_are_finite_decimals(raw):
    with pytest.raises(ValueError, match="not a number"):
        parse_float(raw)
