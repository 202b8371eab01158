"""The workflow framework without a database: declaring fields and steps, reading
raw form and JSON values into typed ones, and the registry."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from casebook.record.errors import Conflict, Invalid
from casebook.record.timescales.snapshot import ChildSnapshot
from casebook.record.workflows.framework import (
    AREAS,
    CHOICE,
    CODE,
    DATE,
    LONG_TEXT,
    NUMBER,
    STEPS,
    TEXT,
    YES_NO,
    ChildState,
    Field,
    NotAvailable,
    Step,
    fmt,
    load_steps,
    not_before,
    parse,
    register,
)

TODAY = date(2025, 3, 10)
STATE = ChildState(person_id="P1", today=TODAY, dob=date(2024, 6, 1), snapshot=ChildSnapshot("P1"))


def _step(*fields: Field) -> Step:
    return Step(
        key="test_step",
        title="Test step",
        area="test",
        fields=fields,
        available=lambda _s: None,
        run=lambda *a: None,
    )


VISIT = _step(
    Field("visit_date", "Date of the visit", DATE),
    Field("seen", "Was the child seen?", YES_NO),
    Field("score", "Score", NUMBER, required=False, minimum=1, maximum=10),
    Field("who", "Who", TEXT, required=False),
    Field("note", "Note", LONG_TEXT, required=False),
    Field("pick", "Pick", CHOICE, required=False, options=lambda _s: [("a", "A"), ("b", "B")]),
)


def test_a_date_comes_as_iso_text_or_as_its_three_parts():
    as_json = parse(None, VISIT, STATE, {"visit_date": "2025-03-01", "seen": "Y"})
    as_form = parse(
        None,
        VISIT,
        STATE,
        {"visit_date-day": "1", "visit_date-month": "3", "visit_date-year": "2025", "seen": "yes"},
    )
    assert as_json == as_form
    assert as_json["visit_date"] == date(2025, 3, 1) and as_json["seen"] == "Y"
    assert as_json["score"] is None and as_json["who"] is None


REAL = "must be a real date in the form YYYY-MM-DD"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"visit_date": "2025-02-30"}, REAL),
        ({"visit_date": "20250301"}, REAL),
        ({"visit_date": 20250301}, "must be a date in the form YYYY-MM-DD"),
        ({"visit_date-day": "1", "visit_date-year": "2025"}, "must include a month"),
        ({"visit_date": "2025-03-11"}, "must be today or in the past"),
        ({"visit_date": "2024-05-31"}, "cannot be before the child was born (1 Jun 2024)"),
        ({"visit_date": "1899-12-31"}, "must be in 1900 or later"),
        ({}, None),
    ],
)
def test_a_bad_date_is_refused_saying_why(raw, message):
    with pytest.raises(Invalid) as refused:
        parse(None, VISIT, STATE, {"seen": "N", **raw})
    expected = f"Date of the visit {message}" if message else "Enter date of the visit"
    assert [(p.field, p.message) for p in refused.value.problems] == [("visit_date", expected)]


def test_every_problem_is_named_at_once():
    with pytest.raises(Invalid) as refused:
        parse(
            None,
            VISIT,
            STATE,
            {"visit_date": "2025-03-01", "seen": "maybe", "score": "11", "pick": "c",
             "who": "x\x00y", "colour": "red"},
        )  # fmt: skip
    assert {p.field: p.message for p in refused.value.problems} == {
        "colour": "Test step has no field 'colour'",
        "seen": "Was the child seen?: answer yes or no",
        "score": "Score must be 10 or less",
        "pick": "Pick: 'c' is not one of the choices",
        "who": "Who must not contain NUL characters",
    }


def test_yes_no_numbers_and_choices_are_coerced():
    values = parse(
        None,
        VISIT,
        STATE,
        {"visit_date": date(2025, 3, 1), "seen": False, "score": "7", "pick": "b", "who": "  Ann "},
    )
    assert (values["seen"], values["score"], values["pick"], values["who"]) == ("N", 7, "b", "Ann")
    with pytest.raises(Invalid, match="must be a whole number"):
        parse(None, VISIT, STATE, {"visit_date": "2025-03-01", "seen": "Y", "score": True})


def test_a_future_date_is_allowed_only_where_declared():
    planned = _step(Field("review_due", "Review due", DATE, future_ok=True))
    assert parse(None, planned, STATE, {"review_due": "2026-01-01"}) == {
        "review_due": date(2026, 1, 1)
    }


def test_declarations_are_checked_when_made():
    with pytest.raises(ValueError, match="no kind 'colour'"):
        Field("x", "X", "colour")
    with pytest.raises(ValueError, match="needs its code_list"):
        Field("x", "X", CODE)
    with pytest.raises(ValueError, match="needs its options"):
        Field("x", "X", CHOICE)


def test_a_step_key_is_registered_once():
    load_steps()
    existing = STEPS["referral"]
    clash = Step("referral", "Another", "x", (), lambda _s: None, lambda *a: None)
    with pytest.raises(ValueError, match="already registered"):
        register(clash)
    assert STEPS["referral"] is existing
    with pytest.raises(ValueError, match="letters, digits"):
        register(Step("bad key!", "Bad", "x", (), lambda _s: None, lambda *a: None))


def test_every_registered_step_is_well_formed():
    steps = load_steps()
    for key in (
        "referral",
        "assessment_start",
        "authorise",
        "cp_plan_start",
        "cp_review",
        "cin_plan_start",
        "cin_visit",
        "cp_visit",
        "cla_visit",
        "outcome_star",
        "early_help_step_up",
        "early_help_step_down",
        "close_episode",
        "oversight_note",
    ):
        assert key in steps  # fmt: skip
    for s in steps.values():
        names = [f.name for f in s.fields]
        assert len(names) == len(set(names)), s.key
        assert s.title and s.area


def test_a_refusal_by_state_is_a_conflict_with_the_reason():
    refusal = NotAvailable(VISIT, "there is no open plan")
    assert isinstance(refusal, Conflict)
    assert str(refusal) == "Test step cannot be recorded now: there is no open plan"


def test_sequence_helpers():
    assert fmt(date(2025, 1, 5)) == "5 Jan 2025"
    problem = not_before("end", "The end date", date(2025, 1, 1), date(2025, 1, 2), "the start")
    assert (problem.field, problem.message) == (
        "end",
        "The end date cannot be before the start, 2 Jan 2025",
    )
    assert not_before("end", "The end date", date(2025, 1, 2), date(2025, 1, 2), "x") is None
    assert not_before("end", "The end date", None, date(2025, 1, 2), "x") is None


CARE_AREAS = {
    "looked_after": "Children looked after",
    "care_health": "Health and education in care",
    "missing": "Missing",
    "exploitation": "Exploitation",
    "care_leavers": "Care leavers",
    "permanence": "Adoption and special guardianship",
}


def test_every_step_is_in_a_declared_area_and_care_comes_after_casework():
    steps = load_steps()
    assert {s.area for s in steps.values()} <= AREAS.keys()
    assert list(AREAS.items())[-6:] == list(CARE_AREAS.items())
    assert AREAS["oversight"] == "Management oversight"


def test_the_framework_declares_every_area_before_any_step_module_is_loaded():
    # A fresh interpreter: no step module may add an area of its own when imported.
    script = (
        "import json\n"
        "from casebook.record.workflows import framework\n"
        "before = dict(framework.AREAS)\n"
        "framework.load_steps()\n"
        "print(json.dumps([before, framework.AREAS]))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    before, after = json.loads(ran.stdout)
    assert before == after
    assert CARE_AREAS.items() <= before.items()


def test_a_childs_state_has_no_screenings_unless_given():
    assert STATE.screenings == ()
