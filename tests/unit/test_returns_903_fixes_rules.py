"""SSDA903 rules whose meaning was put right against the DfE's rules as
data-to-insight's validator reads them (issue 6): 364, 574, 143-146, 178, 187, 445.

Each case changes the small clean return of ``test_returns_903_rules`` and runs
one rule; the d2i-style cases are written afresh here.
"""

from __future__ import annotations

import pytest
from tests.unit.test_returns_903_rules import C3_J2, O3, A, E, M, ad, build, ed, tables

from casebook.returns.ssda903 import RULES_903


def _found(code: str, *changes) -> list[tuple[str, str, str, int]]:
    t = tables()
    for change in changes:
        change(t)
    return [(e.child, e.table, e.field, e.row) for e in RULES_903.validate(build(t), only=[code])]


# ------------------------------------------------------------------------- 364
# episode 5 (row 5) is C3's from 01/05/2024; C3_J2 adds row 6 from 11/05/2024
FIRST_J2 = ed(E, 4, LS="J2", DEC="11/05/2024", REC="X1")


def test_364_a_j2_period_of_21_days_over_two_episodes_passes() -> None:
    assert _found("364", FIRST_J2, ad(E, **C3_J2, DEC="22/05/2024")) == []


def test_364_a_j2_period_of_22_days_fails_every_episode_of_it() -> None:
    found = _found("364", FIRST_J2, ad(E, **C3_J2, DEC="23/05/2024"))
    assert found == [("C3", E, "DEC", 5), ("C3", E, "DEC", 6)]


def test_364_one_j2_episode_over_a_day_is_no_failure() -> None:
    # the old reading flagged any J2 episode longer than a day
    assert _found("364", ed(E, 4, LS="J2", DEC="20/05/2024")) == []


def test_364_j2_episodes_apart_are_separate_periods() -> None:
    # 15 days, a non-J2 episode between, then 15 days: two periods, neither over 21
    found = _found(
        "364",
        ed(E, 4, LS="J2", DEC="16/05/2024", REC="X1"),
        ad(E, **{**C3_J2, "LS": "C2", "DECOM": "16/05/2024", "REC": "X1"}, DEC="01/06/2024"),
        ad(E, **{**C3_J2, "DECOM": "01/06/2024"}, DEC="16/06/2024"),
    )
    assert found == []


def test_364_an_open_j2_episode_runs_to_31_march() -> None:
    found = _found("364", ed(E, 4, LS="J2", DECOM="20/03/2025", DEC=None, REC=None))
    assert found == []  # 11 days to 31 March
    found = _found("364", ed(E, 4, LS="J2", DECOM="09/03/2025", DEC=None, REC=None))
    assert found == [("C3", E, "DEC", 5)]  # 22 days


# ------------------------------------------------------------------------- 574
def _missing(start: str, end: str | None = None):
    row = dict(CHILD="C1", DOB="15/06/2010", MISSING="A", MIS_START=start)
    if end:
        row["MIS_END"] = end
    return ad(M, **row)


def test_574_starting_on_the_day_the_last_one_ended_is_no_overlap() -> None:
    # the first missing period (row 1) is 01/05/2024 to 03/05/2024
    assert _found("574", _missing("03/05/2024", "04/05/2024")) == []


def test_574_starting_before_the_last_one_ended_fails() -> None:
    assert _found("574", _missing("02/05/2024", "04/05/2024")) == [("C1", M, "MIS_START", 2)]


def test_574_a_period_after_an_open_one_fails() -> None:
    found = _found("574", ed(M, 0, MIS_END=None), _missing("10/05/2024", "11/05/2024"))
    assert found == [("C1", M, "MIS_START", 2)]


def test_574_periods_are_taken_in_order_of_their_end() -> None:
    # 06-08, 10-10 and 08/06-10/08: the last overlaps the one ending before it (10/06)
    found = _found(
        "574",
        ed(M, 0, MIS_START="06/06/2024", MIS_END="08/06/2024"),
        _missing("10/06/2024", "10/06/2024"),
        _missing("08/06/2024", "10/08/2024"),
    )
    assert found == [("C1", M, "MIS_START", 3)]


# --------------------------------------------------------------------- 143-146
@pytest.mark.parametrize(("code", "column"), [("143", "RNE"), ("144", "LS"), ("145", "CIN")])
def test_a_blank_code_is_not_an_invalid_code(code: str, column: str) -> None:
    assert _found(code, ed(E, 1, **{column: None})) == []
    assert _found(code, ed(E, 1, **{column: "n1"})) == [("C1", E, column, 2)]


def test_146_a_blank_placement_type_is_not_an_invalid_one() -> None:
    assert _found("146", ed(E, 1, PLACE=None)) == []
    assert _found("146", ed(E, 1, PLACE="t3")) == [("C1", E, "PLACE", 2)]
    assert RULES_903["146"].message == "Placement type code is not a valid code."


# ------------------------------------------------------------------------- 178
@pytest.mark.parametrize("place", ["T0", "T4", "Z1"])
def test_178_no_provider_for_a_placement_that_has_none(place: str) -> None:
    assert _found("178", ed(E, 1, PLACE=place, PLACE_PROVIDER=None)) == []
    assert _found("178", ed(E, 1, PLACE=place)) == [("C1", E, "PLACE_PROVIDER", 2)]


def test_178_a_provider_code_of_the_list_for_other_placements() -> None:
    assert _found("178", ed(E, 1, PLACE_PROVIDER=None)) == []
    assert _found("178", ed(E, 1, PLACE_PROVIDER="pr4")) == [("C1", E, "PLACE_PROVIDER", 2)]


# ------------------------------------------------------------------------- 187
@pytest.mark.parametrize("item", ["FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"])
def test_187_any_ad1_item_for_a_child_looked_after_12_months(item: str) -> None:
    value = {"FOSTER_CARE": "0", "NB_ADOPTR": "1", "SEX_ADOPTR": "M1", "LS_ADOPTR": "L0"}[item]
    assert _found("187", ad(A, CHILD="C1", DOB="15/06/2010")) == []
    found = _found("187", ad(A, CHILD="C1", DOB="15/06/2010", **{item: value}))
    assert found == [("C1", A, item, 2)]


def test_187_still_flags_oc3_for_a_child_looked_after_12_months() -> None:
    found = _found("187", ad(O3, CHILD="C1", DOB="15/06/2010", ACCOM="U1"))
    assert found == [("C1", O3, "IN_TOUCH", 2)]


# ------------------------------------------------------------------------- 445
def test_445_d1_allowed_to_the_end_of_december_2005() -> None:
    assert _found("445", ed(E, 4, LS="D1", DECOM="31/12/2005")) == []
    assert _found("445", ed(E, 4, LS="D1", DECOM="01/01/2006")) == [("C3", E, "LS", 5)]
    assert _found("445", ed(E, 4, LS="D1", DECOM=None)) == []
