"""A child's record: one rule for management oversight notes (the oversee
permission, on the notes page and as the oversight step alike), and the bedroom
on a visit to a looked-after child.

Each test makes its own team, manager, head of service and child: the database
is shared by the run and commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casebook.access.policy import User, allowed
from casebook.access.roles import Action, Role
from casebook.record import services
from casebook.record.models import (
    CaseNote,
    ClaEpisode,
    ClaVisit,
    Department,
    Involvement,
    Person,
    Professional,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.routes.children import OVERSIGHT_NOTE_ROLES, may_record_oversight
from tests.e2e.webkit import csrf_from, make_user, signed_in

SETUP = Actor("gaps-setup")
TODAY = date.today()


def _create(engine: Engine, model, values: dict) -> None:
    with Session(engine) as s:
        services.create(UnitOfWork(session=s), model, values, SETUP)


@dataclass(frozen=True)
class Service:
    child: str
    worker: str
    manager: str
    head: str


def service(engine: Engine) -> Service:
    tag = uuid.uuid4().hex[:8]
    team, prof, child = f"TEAM-G{tag}", f"PROF-G{tag}", f"GAP-{tag}"
    _create(engine, Department, {"dept_team_id": team, "dept_team_name": f"Team {tag}"})
    _create(engine, Professional, {"prof_professional_id": prof, "prof_professional_name": "Ida"})
    _create(
        engine,
        Person,
        {"pers_person_id": child, "pers_forename": "Rowan", "pers_surname": "Gaps",
         "pers_dob": TODAY - timedelta(days=9 * 365), "cb_person_type": "child"},
    )  # fmt: skip
    _create(
        engine,
        Involvement,
        {"invo_involvements_id": f"INVO-G{tag}", "invo_person_id": child,
         "invo_professional_id": prof, "invo_professional_team": team,
         "invo_involvement_start_date": TODAY - timedelta(days=90)},
    )  # fmt: skip
    return Service(
        child,
        make_user(engine, "social_worker", team_id=team, professional_id=prof),
        make_user(engine, "team_manager", team_id=team),
        make_user(engine, "head_of_service", service_id=team),
    )


def _parts(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}  # fmt: skip


def _oversight_notes(engine: Engine, child: str) -> list[str]:
    with Session(engine) as s:
        return list(
            s.scalars(
                select(CaseNote.text)
                .where(CaseNote.person_id == child, CaseNote.note_type == "oversight")
                .order_by(CaseNote.text)
            )
        )


# --------------------------------------------------------------------------- oversight


@pytest.mark.parametrize("role", list(Role))
def test_who_may_record_oversight_is_the_oversee_permission(role: Role) -> None:
    user = User(username="someone", role=role)
    assert may_record_oversight(user) is allowed(user, Action.OVERSEE)


def test_a_head_of_service_may_record_oversight_but_not_edit_the_record() -> None:
    head = User(username="head", role=Role.HEAD_OF_SERVICE)
    assert may_record_oversight(head)
    assert not allowed(head, Action.EDIT_CHILD)
    # The notes pages need edit_child too: there, oversight is the team manager's.
    assert OVERSIGHT_NOTE_ROLES == "team manager"


def test_oversight_on_the_notes_page_and_as_the_step_follow_one_rule(engine: Engine) -> None:
    s = service(engine)
    notes = f"/children/{s.child}/notes"
    step = f"/children/{s.child}/steps/oversight_note"

    manager = signed_in(engine, s.manager)
    page = manager.get(notes)
    assert 'value="oversight"' in page.text
    done = manager.post(
        notes,
        data={**_parts("note_date", TODAY), "note_type": "oversight",
              "text": "Manager: the plan stands.", "csrf_token": csrf_from(page.text)},
    )  # fmt: skip
    assert done.status_code == 303, done.text

    # The head of service may oversee but not edit: no notes page (least privilege) ...
    head = signed_in(engine, s.head)
    assert head.get(notes).status_code == 403
    headers = {"X-CSRF-Token": csrf_from(head.get("/").text)}
    api_note = {"note_date": TODAY.isoformat(), "note_type": "oversight", "text": "x"}
    assert head.post(f"/api/children/{s.child}/notes", json=api_note,
                     headers=headers).status_code == 403  # fmt: skip
    # ... and records oversight as the management oversight step, which asks for oversee.
    form = head.get(step)
    assert form.status_code == 200
    reply = head.post(
        step,
        data={**_parts("note_date", TODAY), "text": "Head of service: escalate to legal.",
              "csrf_token": csrf_from(form.text)},
    )  # fmt: skip
    assert reply.status_code == 303, reply.text

    # A social worker may do neither.
    worker = signed_in(engine, s.worker)
    page = worker.get(notes)
    assert 'value="oversight"' not in page.text
    forged = worker.post(
        notes,
        data={**_parts("note_date", TODAY), "note_type": "oversight", "text": "Not mine.",
              "csrf_token": csrf_from(page.text)},
    )  # fmt: skip
    assert forged.status_code == 422
    assert "only a team manager can record management oversight" in forged.text
    assert worker.get(step).status_code == 403

    assert _oversight_notes(engine, s.child) == [
        "Head of service: escalate to legal.",
        "Manager: the plan stands.",
    ]
    chronology = manager.get(f"/children/{s.child}/chronology").text
    assert "Head of service: escalate to legal." in chronology
    assert "Manager: the plan stands." in chronology


# --------------------------------------------------------------------------- CLA visits


def test_a_visit_to_a_looked_after_child_asks_whether_the_bedroom_was_seen(
    engine: Engine,
) -> None:
    s = service(engine)
    _create(
        engine,
        ClaEpisode,
        {"clae_cla_episode_id": f"E-{s.child}", "clae_person_id": s.child,
         "clae_cla_id": f"CLA-{s.child}", "clae_cla_episode_start_reason": "S",
         "clae_cla_episode_start_date": TODAY - timedelta(days=30)},
    )  # fmt: skip
    worker = signed_in(engine, s.worker)
    url = f"/children/{s.child}/steps/cla_visit"
    form = worker.get(url)
    assert form.status_code == 200
    assert 'name="bedroom"' in form.text
    assert "Was the child&#39;s bedroom seen?" in form.text
    reply = worker.post(
        url,
        data={**_parts("visit_date", TODAY - timedelta(days=1)), "seen": "Y",
              "seen_alone": "Y", "bedroom": "Y", "csrf_token": csrf_from(form.text)},
    )  # fmt: skip
    assert reply.status_code == 303, reply.text
    with Session(engine) as db:
        visit = db.scalars(select(ClaVisit).where(ClaVisit.clav_person_id == s.child)).one()
    assert (visit.clav_cla_visit_seen_alone, visit.cb_bedroom_seen) == ("Y", "Y")
