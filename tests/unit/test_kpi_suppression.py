"""Suppression and rounding for roles that may not see children's records."""

from __future__ import annotations

import pytest

from casebook.access.roles import AGGREGATE_ONLY, Role
from casebook.access.suppression import must_suppress, present, present_all
from casebook.performance.engine import Result


def result(unit: str, value, numerator, denominator) -> Result:
    return Result("X", value, numerator, denominator, unit)


@pytest.mark.parametrize("role", sorted(AGGREGATE_ONLY) + [None, "no-such-role"])
def test_aggregate_only_roles_and_the_public_are_suppressed(role) -> None:
    assert must_suppress(role)


@pytest.mark.parametrize("role", [r for r in Role if r not in AGGREGATE_ONLY])
def test_roles_that_see_children_get_the_figures_as_computed(role) -> None:
    shown = present(result("percent", 66.7, 2, 3), role)
    assert (shown.value, shown.numerator, shown.denominator, shown.suppressed) == (
        66.7,
        2,
        3,
        False,
    )


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_counts_from_1_to_4_are_suppressed(n) -> None:
    shown = present(result("count", n, n, None), Role.COUNCILLOR)
    assert (shown.value, shown.numerator, shown.suppressed) == ("c", "c", True)


@pytest.mark.parametrize("n", [0, 5, 123])
def test_zero_and_counts_of_5_or_more_are_shown(n) -> None:
    shown = present(result("count", n, n, None), Role.COUNCILLOR)
    assert (shown.value, shown.suppressed) == (n, False)


def test_percentages_round_to_whole_numbers_halves_up() -> None:
    assert present(result("percent", 62.5, 25, 40), None).value == 63
    assert present(result("percent", 20.9, 101, 483), None).value == 21
    assert present(result("percent", 0.0, 0, 500), None).value == 0  # a true zero
    assert present(result("percent", 0.4, 2, 500), None).value == "c"  # numerator small


def test_percentage_that_rounds_to_zero_is_k() -> None:
    assert present(result("percent", 0.3, 6, 2000), Role.PARTNER).value == "k"


@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [(3, 40), (38, 40), (2, 2), (0, 4)],
)
def test_percentage_is_suppressed_when_a_part_is_1_to_4(numerator, denominator) -> None:
    value = round(100 * numerator / denominator, 1)
    shown = present(result("percent", value, numerator, denominator), Role.SCRUTINY_OFFICER)
    assert shown.value == "c" and shown.suppressed


def test_rates_means_and_caseloads() -> None:
    rate = present(result("rate per 10,000", 393.7, 483, 12268), Role.COUNCILLOR)
    assert (rate.value, rate.numerator, rate.denominator) == (394, 483, 12268)
    assert present(result("rate per 10,000", 3.3, 4, 12268), Role.COUNCILLOR).value == "c"
    days = present(result("days", 35.5, 142, 4), Role.COUNCILLOR)
    assert (days.value, days.numerator, days.denominator) == ("c", "c", "c")
    assert present(result("days", 394.6, 1973, 5), Role.COUNCILLOR).value == 395
    assert present(result("children per FTE", 15.9, 403, 25.3), Role.COUNCILLOR).value == 16


def test_present_all_keeps_order() -> None:
    shown = present_all([result("count", 3, 3, None), result("count", 9, 9, None)], None)
    assert [s.value for s in shown] == ["c", 9]
    assert shown[0].as_dict()["suppressed"] is True
