"""Referrals made through the pages reach a team's unallocated list (SQLite and
PostgreSQL): the referral step by a MASH worker (their team is their professional
record's department) and the front door's referral decision (the front door team)."""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.front_door import record_contact
from casebook.record.models import CinEpisode, Department, Person, Professional
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from tests.e2e.webkit import csrf_from, make_user, signed_in

SETUP = Actor("test-setup")


def _create(engine: Engine, model, values: dict) -> None:
    with Session(engine) as s:
        services.create(UnitOfWork(session=s), model, values, SETUP)


def _mash(engine: Engine) -> tuple[str, str]:
    """A front door team (its id sorts before the other tests' teams, so it is the
    front door team a decision falls back to) and a professional in it."""
    tag = uuid.uuid4().hex[:8]
    team_id, prof_id = f"0000-MASH-{tag}", f"PROF-{tag}"
    _create(engine, Department, {"dept_team_id": team_id, "dept_team_name": "MASH",
                                 "cb_front_door": "Y"})  # fmt: skip
    _create(engine, Professional, {"prof_professional_id": prof_id, "prof_professional_name": "Ada",
                                   "prof_professional_department": team_id})  # fmt: skip
    return team_id, prof_id


def _child_named_in_a_contact(engine: Engine) -> tuple[str, str]:
    child = f"RFW-{uuid.uuid4().hex[:10]}"
    _create(engine, Person, {"pers_person_id": child, "pers_forename": "Wren",
                             "pers_surname": "Referred", "pers_dob": date(2016, 5, 4),
                             "cb_person_type": "child"})  # fmt: skip
    with Session(engine) as s:
        contact = record_contact(
            UnitOfWork(session=s),
            person_id=child,
            contact_date=date.today(),
            source_code="2A",
            who="Designated safeguarding lead",
            concerns="Bruise on the cheek.",
            actor=SETUP,
        )
        return child, contact.cont_contact_id


def _today(name: str) -> dict[str, str]:
    t = date.today()
    return {f"{name}-day": str(t.day), f"{name}-month": str(t.month), f"{name}-year": str(t.year)}


def _team_of_referral(engine: Engine, child: str) -> str | None:
    with Session(engine) as s:
        return s.scalars(
            select(CinEpisode.cine_referral_team).where(CinEpisode.cine_person_id == child)
        ).one()


def _on_unallocated_list(engine: Engine, team_id: str, child: str) -> bool:
    manager = signed_in(engine, make_user(engine, "team_manager", team_id=team_id))
    return child in manager.get("/worklists/team?type=unallocated").text


def test_a_referral_form_puts_the_child_on_the_workers_team_unallocated_list(engine):
    team_id, prof_id = _mash(engine)
    child, _contact = _child_named_in_a_contact(engine)
    assert not _on_unallocated_list(engine, team_id, child)
    worker = signed_in(
        engine, make_user(engine, "social_worker", team_id=team_id, professional_id=prof_id)
    )
    form = worker.get(f"/children/{child}/steps/referral")
    assert 'name="cine_referral_team"' in form.text  # a team may be chosen; else the worker's
    done = worker.post(
        f"/children/{child}/steps/referral",
        data={"csrf_token": csrf_from(form.text), **_today("cine_referral_date"),
              "cine_referral_source_code": "6", "cine_cin_primary_need_code": "N1"},
    )  # fmt: skip
    assert done.status_code == 303, done.text
    assert _team_of_referral(engine, child) == team_id
    assert _on_unallocated_list(engine, team_id, child)


def test_a_front_door_referral_decision_puts_the_child_on_the_front_door_list(engine):
    team_id, _prof = _mash(engine)
    child, contact_id = _child_named_in_a_contact(engine)
    mash = signed_in(engine, make_user(engine, "team_manager", team_id=team_id))
    page = mash.get(f"/front-door/contacts/{contact_id}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    decided = mash.post(
        f"/front-door/contacts/{contact_id}/decision",
        data={"decision": "REFERRAL", "reason": "Over the threshold.", "primary_need": "N1",
              **_today("decided_on"), "expected_version": version,
              "csrf_token": csrf_from(page.text)},
    )  # fmt: skip
    assert decided.status_code == 303, decided.text
    holder = _team_of_referral(engine, child)
    assert holder is not None
    assert _on_unallocated_list(engine, holder, child)
