"""Every CIN census rule: one census that passes it and one that fails it.

Each case runs only its own rule over a tiny census for the collection year
ending 31 March 2023 (1 April 2022 to 31 March 2023), built from
:mod:`tests.unit.test_returns_cin_builders`, whose defaults pass every rule.
"""

from __future__ import annotations

import pytest
from tests.unit.test_returns_cin_builders import (
    UPN,
    UPN2,
    assessment,
    census,
    child,
    cpp,
    episode,
    plan,
    s47,
)

from casebook.returns.cin import RULES, load_bytes, validate

YEAR = 2023

ep = episode
closed = {"closed": "2022-09-01", "reason": "RC7"}

#: code -> (census that passes, census that fails)
CASES: dict[str, tuple[bytes, bytes]] = {
    # Header
    "100": (census(), census(reference="2023-03-30")),
    # ChildIdentifiers
    "8500": (census(child(la="C1")), census(child(la=None))),
    "8510": (
        census(child(la="C1"), child(la="C2", upn=UPN2)),
        census(child(la="C1"), child(la="C1", upn=UPN2)),
    ),
    "1520": (
        census(child(la="C1"), child(la="C2", upn=UPN2)),
        census(child(la="C1"), child(la="C2", upn=UPN)),
    ),
    "1510": (census(child(upn=UPN)), census(child(upn="A938000012345"))),
    "1530": (census(child(upn=UPN)), census(child(upn="D999000012345"))),
    "1540": (census(child(upn=UPN)), census(child(upn="E9380000X2345"))),
    "1550": (census(child(upn="E93800001234A")), census(child(upn="E93800001234I"))),
    "8520": (census(child(dob="2023-03-31")), census(child(dob="2023-04-01"))),
    "8525": (
        census(child(dob=None, expected="2023-05-01", gender="0")),
        census(child(dob="2015-05-05", expected="2015-05-01")),
    ),
    "8535Q": (census(child(death="2020-01-01")), census(child(death="2014-01-01"))),
    "4180": (census(child(gender="9")), census(child(gender="7"))),
    "8750": (
        census(child(dob=None, expected="2023-05-01", gender="0")),
        census(child(dob=None, expected="2023-05-01", gender="1")),
    ),
    "8772": (
        census(child(upn=None, upn_unknown="UN7", episodes=[ep(nfa="true")])),
        census(child(upn=None, upn_unknown="UN7", episodes=[ep(nfa="false")])),
    ),
    "4220": (census(child(ethnicity="MWBC")), census(child(ethnicity="XXXX"))),
    "8540": (
        census(child(disabilities=(), episodes=[ep(nfa="true")])),
        census(child(disabilities=(), episodes=[ep(nfa="false")])),
    ),
    "8790": (
        census(child(disabilities=("MOB", "VIS"))),
        census(child(disabilities=("NONE", "MOB"))),
    ),
    "8794": (
        census(child(disabilities=("MOB", "VIS"))),
        census(child(disabilities=("MOB", "MOB"))),
    ),
    "8590": (census(child()), census(child(episodes=[]))),
    # CINdetails
    "8600": (
        census(child(episodes=[ep(referral="2023-03-31")])),
        census(child(episodes=[ep(referral="2023-04-01")])),
    ),
    "8606": (
        census(child(dob="2015-05-05", episodes=[ep(referral="2014-08-01")])),
        census(child(dob="2015-05-05", episodes=[ep(referral="2014-07-01")])),
    ),
    "8555": (
        census(child(death="2022-06-01")),
        census(child(death="2022-05-31")),
    ),
    "8610": (
        census(child(episodes=[ep(need=None, nfa="true")])),
        census(child(episodes=[ep(need=None, nfa="false")])),
    ),
    "8650": (census(child(episodes=[ep(need="N0")])), census(child(episodes=[ep(need="N10")]))),
    "8620": (
        census(child(episodes=[ep(closed="2023-03-31", reason="RC7")])),
        census(child(episodes=[ep(referral="2022-01-01", closed="2022-03-31", reason="RC7")])),
    ),
    "8630": (
        census(child(episodes=[ep(closed="2022-06-01", reason="RC7")])),
        census(child(episodes=[ep(closed="2022-05-31", reason="RC7")])),
    ),
    "8640": (
        census(child(episodes=[ep(**closed)])),
        census(child(episodes=[ep(closed="2022-09-01", reason="RC10")])),
    ),
    "8805": (
        census(child(episodes=[ep(**closed)])),
        census(child(episodes=[ep(closed="2022-09-01")])),
    ),
    "8810": (census(child(episodes=[ep(**closed)])), census(child(episodes=[ep(reason="RC7")]))),
    "8565": (
        census(
            child(episodes=[ep(**closed, body=assessment(start="2022-08-01", auth="2022-09-01"))])
        ),
        census(
            child(episodes=[ep(**closed, body=assessment(start="2022-08-01", auth="2022-09-02"))])
        ),
    ),
    "2990": (
        census(
            child(episodes=[ep(closed="2022-09-01", reason="RC7", body=plan(end="2022-09-01"))])
        ),
        census(
            child(episodes=[ep(closed="2022-09-01", reason="RC8", body=plan(end="2022-09-01"))])
        ),
    ),
    "2884": (
        census(child(episodes=[ep(body=s47(icpc="2022-07-01"))])),
        census(child(episodes=[ep(icpc="2022-07-01", body=s47(icpc="2022-07-01"))])),
    ),
    "4000": (
        census(child(episodes=[ep(nfa="false", body=plan())])),
        census(child(episodes=[ep(nfa="true", body=plan())])),
    ),
    "8815": (
        census(child(episodes=[ep(referral="2022-06-01"), ep(referral="2022-08-01", nfa="true")])),
        census(child(episodes=[ep(referral="2022-06-01"), ep(referral="2022-08-01")])),
    ),
    "8820": (
        census(child(episodes=[ep(**closed), ep(referral="2022-10-01")])),
        census(child(episodes=[ep(**closed), ep(referral="2022-08-01")])),
    ),
    "1104": (
        census(child(episodes=[ep(body=s47(icpc="2022-06-01"))])),
        census(child(episodes=[ep(body=s47(start="2022-05-20", icpc="2022-05-31"))])),
    ),
    "8816": (
        census(child(episodes=[ep(**closed), ep(referral="2022-10-01")])),
        census(child(episodes=[ep(referral="2022-06-01"), ep(referral="2022-10-01", **closed)])),
    ),
    # Assessments
    "8869": (
        census(child(episodes=[ep(body=assessment(factors=("21",)))])),
        census(child(episodes=[ep(body=assessment(factors=("21", "3A")))])),
    ),
    "8863": (
        census(
            child(
                episodes=[
                    ep(
                        body=assessment(start="2022-06-10", auth="2022-07-01")
                        + assessment(start="2022-07-02", auth=None)
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    ep(
                        body=assessment(start="2022-06-10", auth="2022-07-01")
                        + assessment(start="2022-07-01", auth=None)
                    )
                ]
            )
        ),
    ),
    "1103": (
        census(child(episodes=[ep(body=assessment(start="2022-06-01"))])),
        census(child(episodes=[ep(body=assessment(start="2022-05-31"))])),
    ),
    "8608": (
        census(child(episodes=[ep(body=assessment(start="2022-07-01", auth="2022-07-01"))])),
        census(child(episodes=[ep(body=assessment(start="2022-07-01", auth="2022-06-30"))])),
    ),
    "8614": (
        census(child(episodes=[ep(body=assessment(factors=("3A",)))])),
        census(child(episodes=[ep(body=assessment(auth=None, factors=("3A",)))])),
    ),
    "8617": (
        census(child(episodes=[ep(body=assessment(factors=("8B",)))])),
        census(child(episodes=[ep(body=assessment(factors=("8A",)))])),
    ),
    "8696": (
        census(child(episodes=[ep(body=assessment(auth="2023-03-31"))])),
        census(child(episodes=[ep(body=assessment(auth="2023-04-01"))])),
    ),
    "8736": (
        census(child(episodes=[ep(body=assessment(start="2022-04-01", auth=None))])),
        census(
            child(
                episodes=[ep(referral="2022-03-01", body=assessment(start="2022-03-31", auth=None))]
            )
        ),
    ),
    # CIN plans
    "4010": (
        census(child(episodes=[ep(body=plan())])),
        census(child(episodes=[ep(body=plan(start=None))])),
    ),
    "4011": (
        census(child(episodes=[ep(body=plan(start="2022-07-05", end="2022-07-05"))])),
        census(child(episodes=[ep(body=plan(start="2022-07-05", end="2022-07-04"))])),
    ),
    "4013": (
        census(child(episodes=[ep(body=plan(end="2023-03-31"))])),
        census(child(episodes=[ep(body=plan(end="2023-04-01"))])),
    ),
    "4004": (
        census(child(episodes=[ep(body=plan(end="2022-08-01") + plan(start="2022-08-02"))])),
        census(child(episodes=[ep(body=plan() + plan(start="2022-08-02"))])),
    ),
    "4014": (
        census(child(episodes=[ep(body=plan(end="2022-08-01") + plan(start="2022-08-02"))])),
        census(child(episodes=[ep(body=plan(end="2022-08-01") + plan(start="2022-08-01"))])),
    ),
    "4015": (
        census(child(episodes=[ep(body=plan(start="2022-06-01"))])),
        census(child(episodes=[ep(body=plan(start="2022-05-31"))])),
    ),
    "4008": (
        census(child(death="2022-07-05", episodes=[ep(body=plan(start="2022-07-05"))])),
        census(child(death="2022-07-04", episodes=[ep(body=plan(start="2022-07-05"))])),
    ),
    "4009": (
        census(child(death="2022-08-01", episodes=[ep(body=plan(end="2022-08-01"))])),
        census(child(death="2022-08-01", episodes=[ep(body=plan(end="2022-08-02"))])),
    ),
    "4001": (
        census(child(episodes=[ep(body=plan(end="2022-06-30") + cpp())])),
        census(child(episodes=[ep(body=plan() + cpp())])),
    ),
    "4016": (
        census(
            child(
                episodes=[
                    ep(body=cpp(start="2022-07-01", end="2022-08-01") + plan(start="2022-08-01"))
                ]
            )
        ),
        census(child(episodes=[ep(body=cpp(start="2022-07-01") + plan(start="2022-08-01"))])),
    ),
    "4017": (
        census(
            child(
                episodes=[
                    ep(body=plan(start="2022-07-01", end="2022-08-01") + cpp(start="2022-08-01"))
                ]
            )
        ),
        census(child(episodes=[ep(body=plan(start="2022-07-01") + cpp(start="2022-08-01"))])),
    ),
    "4003": (
        census(child(episodes=[ep(body=plan(start="2022-09-01") + cpp(reviews=("2022-08-01",)))])),
        census(child(episodes=[ep(body=plan(start="2022-07-01") + cpp(reviews=("2022-08-01",)))])),
    ),
    # Section 47
    "2889": (
        census(child(episodes=[ep(body=s47(start="2022-06-01"))])),
        census(child(episodes=[ep(body=s47(start="2022-05-31"))])),
    ),
    "8615": (
        census(child(episodes=[ep(body=s47(start="2022-07-01", icpc="2022-07-01"))])),
        census(child(episodes=[ep(body=s47(start="2022-07-02", icpc="2022-07-01"))])),
    ),
    "8715": (
        census(child(episodes=[ep(body=s47(icpc="2023-03-31"))])),
        census(child(episodes=[ep(body=s47(icpc="2023-04-01"))])),
    ),
    "8740": (
        census(
            child(
                episodes=[
                    ep(referral="2022-03-01", body=s47(start="2022-03-05", not_required="true"))
                ]
            )
        ),
        census(child(episodes=[ep(referral="2022-03-01", body=s47(start="2022-03-05"))])),
    ),
    "2883": (
        census(child(episodes=[ep(body=s47(icpc="2022-07-01") + cpp(start="2022-07-01"))])),
        census(child(episodes=[ep(body=s47() + cpp(start="2022-07-01"))])),
    ),
    "8839": (
        census(child(episodes=[ep(body=s47() + s47(start="2022-06-20", not_required="true"))])),
        census(child(episodes=[ep(body=s47() + s47(start="2022-06-20"))])),
    ),
    "8890": (
        census(
            child(
                episodes=[
                    ep(body=s47(icpc="2022-06-10") + s47(start="2022-06-11", icpc="2022-06-20"))
                ]
            )
        ),
        census(
            child(
                episodes=[
                    ep(body=s47(icpc="2022-06-10") + s47(start="2022-06-10", icpc="2022-06-20"))
                ]
            )
        ),
    ),
    # Child protection plans
    "1105": (
        census(child(episodes=[ep(body=cpp(start="2022-06-01"))])),
        census(child(episodes=[ep(body=cpp(start="2022-05-31"))])),
    ),
    "8720": (
        census(child(episodes=[ep(body=cpp(start="2023-03-31"))])),
        census(child(episodes=[ep(body=cpp(start=None))])),
    ),
    "8730": (
        census(child(episodes=[ep(body=cpp(previous="2"))])),
        census(child(episodes=[ep(body=cpp(previous=None))])),
    ),
    "2885": (
        census(child(episodes=[ep(body=s47(icpc="2022-07-01") + cpp(start="2022-07-01"))])),
        census(child(episodes=[ep(body=s47(icpc="2022-06-30") + cpp(start="2022-07-01"))])),
    ),
}


def failures(xml: bytes, code: str):
    data = load_bytes(xml, "case.xml").set_year(YEAR)
    return RULES.validate(data, only=[code])


def test_at_least_sixty_rules():
    assert len(RULES) >= 60


def test_every_rule_has_a_passing_and_a_failing_case():
    assert set(CASES) == {rule.code for rule in RULES}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes(code):
    good, _ = CASES[code]
    assert failures(good, code) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails(code):
    _, bad = CASES[code]
    found = failures(bad, code)
    assert found, f"rule {code} found nothing wrong"
    rule = RULES[code]
    for error in found:
        assert error.rule == code
        assert error.message == rule.message
        assert f"{error.table}.{error.field}" in rule.fields


def test_a_clean_census_passes_every_rule():
    data = load_bytes(census(child(episodes=[ep(body=assessment() + s47() + plan())])))
    assert validate(data, YEAR) == []


def test_failures_name_the_child_and_the_line():
    xml = census(child(la="C1"), child(la="C2", upn=UPN2, ethnicity="XXXX"))
    [error] = failures(xml, "4220")
    assert error.child == "C2"
    assert error.table == "ChildCharacteristics"
    assert error.field == "Ethnicity"
    assert error.row == 2  # the line of its <Child>: the document is on line 2


def test_codes_and_messages_follow_the_dfe():
    assert RULES["8500"].message == "LA Child ID missing"
    assert RULES["8606"].message == (
        "Child referral date is more than 40 weeks before DOB or expected DOB"
    )
    assert all(rule.fields for rule in RULES)


def test_the_reference_date_is_checked_against_the_year_asked_for():
    assert {e.rule for e in validate(load_bytes(census()), 2024)} == {"100"}
    assert validate(load_bytes(census()), None) == []  # the header's own year


def test_the_census_period_comes_from_the_year_asked_for():
    xml = census(child(episodes=[ep(**closed)]))
    assert validate(load_bytes(xml), 2023) == []
    later = validate(load_bytes(xml), 2024)
    assert {e.rule for e in later} == {"100", "8620"}
