"""Whatever values a care step is given, for a child in care who has been
missing and screened, it either writes or refuses: not available now (with the
reason), or invalid with every problem naming a field of the form, so the web
shows it beside that field. Never another exception, which would be a 500."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Invalid
from casebook.record.models import Person
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.record.workflows import care_steps
from casebook.record.workflows.framework import (
    CHOICE,
    CODE,
    DATE,
    NUMBER,
    YES_NO,
    NotAvailable,
    perform,
)

WORKER = Actor("sw.fuzz")
TODAY = date(2025, 1, 6)
_ids = count(1)

CODES = {
    "legal_status": ["C1", "C2", "E1", "V2"],
    "primary_need": ["N1", "N4"],
    "placement_type": ["U6", "K2", "A6"],
    "placement_provider": ["PR1", "PR4"],
    "placement_change_reason": ["CARPL", "OTHER"],
    "reason_episode_ceased": ["X1", "E4A", "E11", "E46"],
    "review_participation": ["PN0", "PN1", "PN7"],
    "health_check_status": ["DONE", "REFUSED"],
    "sdq_reason": ["SDQ1"],
    "missing_type": ["M", "A"],
    "exploitation_risk": ["AT_RISK", "SERIOUS"],
    "exploitation_type": ["CCE"],
    "care_leaver_in_touch": ["YES", "NO"],
    "care_leaver_accommodation": ["D", "U"],
    "care_leaver_activity": ["F2", "G6"],
    "care_leaver_eligibility": ["RELEVANT"],
}
CHOICES = {
    "milestone": ["decision", "placement_order", "matched", "placed", "order"],
    "carers": ["E45", "E48"],
}

DAYS = st.integers(min_value=-900, max_value=5).map(
    lambda n: (TODAY + timedelta(days=n)).isoformat()
)
ODD_TEXT = st.sampled_from(["", " ", "x", "4.5", "nan", "inf", "-1", "LS1 4AP", "SC123456", "1e9"])


def _value(field) -> st.SearchStrategy:
    if field.kind == DATE:
        return st.one_of(DAYS, st.none())
    if field.kind == YES_NO:
        return st.sampled_from(["Y", "N", None])
    if field.kind == NUMBER:
        return st.one_of(st.integers(min_value=-5, max_value=60), st.none())
    if field.kind == CODE:
        return st.one_of(st.sampled_from(CODES.get(field.code_list, ["?"])), st.none())
    if field.kind == CHOICE:
        return st.one_of(st.sampled_from(CHOICES.get(field.name, ["?"])), st.none())
    return st.one_of(ODD_TEXT, st.text(max_size=12), st.none())


def _child_in_care(session: Session) -> str:
    person_id = f"CFZ-{next(_ids)}"
    services.create(
        UnitOfWork(session=session),
        Person,
        {"pers_person_id": person_id, "pers_dob": "2008-03-01"},
        WORKER,
    )
    for key, values in (
        (
            "care_start",
            {
                "start_date": "2024-06-03",
                "legal_status": "C1",
                "primary_need": "N1",
                "placement_type": "U6",
                "placement_provider": "PR1",
            },
        ),
        (
            "missing_episode",
            {"start_date": "2024-12-01", "end_date": "2024-12-02", "missing_type": "M"},
        ),
        ("exploitation_screening", {"screening_date": "2024-11-01", "risk_level": "AT_RISK"}),
    ):
        perform(session, WORKER, person_id, key, values, TODAY)
    return person_id


@pytest.mark.parametrize("key", [s.key for s in care_steps.CARE_STEPS])
def test_care_steps_refuse_cleanly_whatever_they_are_given(db_session: Session, key: str) -> None:
    chosen = next(s for s in care_steps.CARE_STEPS if s.key == key)
    names = {f.name for f in chosen.fields}
    values = st.fixed_dictionaries({f.name: _value(f) for f in chosen.fields})

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(raw=values)
    def check(raw: dict) -> None:
        child = _child_in_care(db_session)
        sent = {k: v for k, v in raw.items() if v is not None}
        try:
            perform(db_session, WORKER, child, key, sent, TODAY)
        except NotAvailable as exc:
            assert exc.reason
        except Invalid as exc:
            # every problem is shown beside a field of the form
            assert {p.field for p in exc.problems} <= names, exc.problems

    check()
