"""Targets: red, amber or green with a tolerance, exactly at each edge."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.performance.targets import (
    AMBER,
    GREEN,
    RED,
    Target,
    check_target,
    financial_year,
    rag,
    year_label,
)

HIGHER = Target("A2S", 2025, 85.0, 5.0, "higher")
LOWER = Target("R2", 2025, 20.0, 3.0, "lower")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (90.0, GREEN),
        (85.0, GREEN),  # at the target: meets it
        (84.9, AMBER),
        (80.0, AMBER),  # exactly the tolerance below: still amber
        (79.9, RED),
        (0.0, RED),
    ],
)
def test_higher_is_better_edges(value, expected):
    assert rag(value, HIGHER) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(15.0, GREEN), (20.0, GREEN), (20.1, AMBER), (23.0, AMBER), (23.1, RED)],
)
def test_lower_is_better_edges(value, expected):
    assert rag(value, LOWER) == expected


def test_float_noise_does_not_flip_an_edge():
    target = Target("X", 2025, 0.3, 0.1, "higher")
    assert rag(0.1 + 0.2, target) == GREEN  # 0.30000000000000004
    assert rag(0.2, target) == AMBER


def test_zero_tolerance_has_no_amber():
    target = Target("X", 2025, 90.0, 0.0, "higher")
    assert rag(90.0, target) == GREEN
    assert rag(89.99, target) == RED


def test_no_value_or_no_target_has_no_colour():
    assert rag(None, HIGHER) is None
    assert rag(50.0, None) is None


def test_check_target_names_every_bad_field():
    problems = check_target("ZZ", 1800, float("nan"), -1.0, "up", known={"A2S"})
    assert {p.field for p in problems} == {"measure_id", "year", "target", "tolerance", "better"}
    assert check_target("A2S", 2025, 85.0, 5.0, "higher", known={"A2S"}) == []


def test_years_run_april_to_march():
    assert financial_year(date(2025, 3, 31)) == 2024
    assert financial_year(date(2025, 4, 1)) == 2025
    assert year_label(2025) == "2025-26"
    assert year_label(2099) == "2099-00"
