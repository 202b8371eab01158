"""The workflow steps as pages and JSON operations: what can be done now (and why
not), forms generated from each step's fields that keep what was typed and put
each error beside its field, the clock, the manager's steps, 409 and 422."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import CaseNote, CinEpisode, Department, Involvement, Person
from casebook.record.models import Professional as Prof
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.app import create_app
from tests.e2e.webkit import csrf_from, make_user, signed_in

SETUP = Actor("test-setup")
TODAY = date.today()


def _create(engine: Engine, model, values: dict) -> None:
    with Session(engine) as s:
        services.create(UnitOfWork(session=s), model, values, SETUP)


@dataclass(frozen=True)
class Team:
    child: str
    worker: str
    manager: str


def team(engine: Engine, dob: date = date(2016, 5, 4)) -> Team:
    tag = uuid.uuid4().hex[:8]
    team_id, prof_id, child = f"TEAM-{tag}", f"PROF-{tag}", f"CW-{tag}"
    _create(engine, Department, {"dept_team_id": team_id, "dept_team_name": f"Team {tag}"})
    _create(engine, Prof, {"prof_professional_id": prof_id, "prof_professional_name": "Ada",
                           "prof_professional_department": team_id})  # fmt: skip
    _create(
        engine,
        Person,
        {"pers_person_id": child, "pers_forename": "Wren", "pers_surname": "Casework",
         "pers_dob": dob, "cb_person_type": "child"},
    )  # fmt: skip
    _create(
        engine,
        Involvement,
        {"invo_involvements_id": f"INVO-{tag}", "invo_person_id": child,
         "invo_professional_id": prof_id, "invo_professional_team": team_id,
         "invo_involvement_start_date": TODAY - timedelta(days=60)},
    )  # fmt: skip
    worker = make_user(engine, "social_worker", team_id=team_id, professional_id=prof_id)
    manager = make_user(engine, "team_manager", team_id=team_id)
    return Team(child, worker, manager)


def parts(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
            f"{name}-year": str(day.year)}  # fmt: skip


def referrals(engine: Engine, person_id: str) -> int:
    with Session(engine) as s:
        return s.scalar(
            select(func.count())
            .select_from(CinEpisode)
            .where(CinEpisode.cine_person_id == person_id)
        )


REFERRAL = {"cine_referral_source_code": "6", "cine_cin_primary_need_code": "N1"}


# --------------------------------------------------------------------------- pages


def test_the_steps_page_says_what_can_be_done_and_why_not(engine):
    t = team(engine)
    client = signed_in(engine, t.worker)
    page = client.get(f"/children/{t.child}/steps")
    assert page.status_code == 200
    assert f'href="/children/{t.child}/steps/referral"' in page.text
    assert "Not now: there is no open child protection plan" in page.text
    assert f'href="/children/{t.child}/steps/cp_review"' not in page.text
    # The manager's steps are listed, but not offered to a social worker.
    assert f'href="/children/{t.child}/steps/oversight_note"' not in page.text
    assert "your role cannot take it" in page.text


def test_a_form_keeps_what_was_typed_and_puts_each_error_beside_its_field(engine):
    t = team(engine)
    client = signed_in(engine, t.worker)
    form = client.get(f"/children/{t.child}/steps/referral")
    assert form.status_code == 200
    assert 'name="cine_referral_date-day"' in form.text and 'name="reason"' in form.text
    token = csrf_from(form.text)
    reply = client.post(
        f"/children/{t.child}/steps/referral",
        data={"csrf_token": token, **parts("cine_referral_date", date(2016, 5, 1)),
              "cine_referral_source_code": "6", "reason": "Bruise seen at school"},
    )  # fmt: skip
    assert reply.status_code == 422
    assert "There is a problem" in reply.text
    assert re.search(
        r'id="cine_referral_date-error".*Referral date cannot be before the child was born',
        reply.text,
        re.S,
    )
    assert 'id="cine_cin_primary_need_code-error"' in reply.text
    assert "Select primary need" in reply.text
    assert '<option value="6" selected>' in reply.text  # kept
    assert 'value="2016"' in reply.text and "Bruise seen at school" in reply.text
    assert referrals(engine, t.child) == 0

    done = client.post(
        f"/children/{t.child}/steps/referral",
        data={"csrf_token": token, **parts("cine_referral_date", TODAY), **REFERRAL},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/children/{t.child}"
    assert referrals(engine, t.child) == 1

    again = client.post(
        f"/children/{t.child}/steps/referral",
        data={"csrf_token": token, **parts("cine_referral_date", TODAY), **REFERRAL},
    )
    assert again.status_code == 409
    assert "This cannot be recorded now: a referral is already open" in again.text
    assert referrals(engine, t.child) == 1


def test_a_form_shows_the_clock_it_runs_against(engine):
    t = team(engine)
    client = signed_in(engine, t.worker)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/children/{t.child}/steps/referral",
        data={"csrf_token": token, **parts("cine_referral_date", TODAY), **REFERRAL},
    )
    page = client.get(f"/children/{t.child}/steps/assessment_start")
    assert re.search(r'id="clock"><strong>Child seen due \d+ \w+ \d{4}, ', page.text)
    steps = client.get(f"/children/{t.child}/steps")
    assert "Child seen due" in steps.text


def test_a_step_that_does_not_make_sense_shows_why_and_no_form(engine):
    t = team(engine)
    client = signed_in(engine, t.worker)
    page = client.get(f"/children/{t.child}/steps/cp_review")
    assert page.status_code == 200
    assert "This cannot be recorded now: there is no open child protection plan" in page.text
    assert '<form method="post" action="/children/' not in page.text


def test_checkboxes_keep_their_ticks_when_the_form_comes_back(engine):
    t = team(engine)
    client = signed_in(engine, t.worker)
    token = csrf_from(client.get("/").text)
    client.post(
        f"/children/{t.child}/steps/referral",
        data={"csrf_token": token, **parts("cine_referral_date", TODAY), **REFERRAL},
    )
    client.post(
        f"/children/{t.child}/steps/assessment_start",
        data={"csrf_token": token, **parts("cina_assessment_start_date", TODAY)},
    )
    reply = client.post(
        f"/children/{t.child}/steps/assessment_factors",
        data={"csrf_token": token, "factors": ["3A", "21"]},
    )
    assert reply.status_code == 422
    assert "No factors identified" in reply.text
    assert re.search(r'value="3A" checked', reply.text) and re.search(
        r'value="21" checked', reply.text
    )
    ok = client.post(
        f"/children/{t.child}/steps/assessment_factors",
        data={"csrf_token": token, "factors": ["3A", "4B"]},
    )
    assert ok.status_code == 303


def test_oversight_is_a_managers_step_and_reaches_the_chronology(engine):
    t = team(engine)
    worker = signed_in(engine, t.worker)
    assert worker.get(f"/children/{t.child}/steps/oversight_note").status_code == 403
    manager = signed_in(engine, t.manager)
    form = manager.get(f"/children/{t.child}/steps/oversight_note")
    assert form.status_code == 200
    reply = manager.post(
        f"/children/{t.child}/steps/oversight_note",
        data={"csrf_token": csrf_from(form.text), **parts("note_date", TODAY),
              "text": "Visit weekly until the review."},
    )  # fmt: skip
    assert reply.status_code == 303
    chronology = manager.get(f"/children/{t.child}/chronology")
    assert "Visit weekly until the review." in chronology.text
    with Session(engine) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(CaseNote)
                .where(CaseNote.person_id == t.child, CaseNote.note_type == "oversight")
            )
            == 1
        )


# --------------------------------------------------------------------------- JSON API


def test_the_api_lists_steps_with_reasons_and_fields(engine):
    t = team(engine)
    client = signed_in(engine, t.worker)
    steps = {s["key"]: s for s in client.get(f"/api/children/{t.child}/steps").json()}
    assert steps["referral"]["allowed"] and steps["referral"]["may"]
    assert steps["cp_review"]["reason"] == "there is no open child protection plan"
    assert steps["authorise"]["manager"] and not steps["authorise"]["may"]
    fields = {f["name"]: f for f in steps["referral"]["fields"]}
    assert fields["cine_referral_source_code"]["code_list"] == "referral_source"
    assert ["6", "Police (6)"] in fields["cine_referral_source_code"]["options"]


def test_the_api_takes_a_step_and_answers_409_and_422(engine):
    t = team(engine, dob=date(2016, 5, 4))
    client = signed_in(engine, t.worker)
    headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    url = f"/api/children/{t.child}/steps"

    early = client.post(f"{url}/referral", headers=headers,
                        json={"cine_referral_date": "2016-05-01", **REFERRAL})  # fmt: skip
    assert early.status_code == 422
    (error,) = early.json()["errors"]
    assert error["field"] == "cine_referral_date"
    assert "cannot be before the child was born" in error["message"]

    shape = client.post(f"{url}/referral", headers=headers,
                        json={"cine_referral_date": "2025-02-30", "colour": "red"})  # fmt: skip
    assert shape.status_code == 422
    assert {"cine_referral_date", "colour"} <= {e["field"] for e in shape.json()["errors"]}

    done = client.post(f"{url}/referral", headers=headers,
                       json={"cine_referral_date": TODAY.isoformat(), **REFERRAL})  # fmt: skip
    assert done.status_code == 201
    (written,) = done.json()["written"]
    assert written["table"] == "ssd_cin_episodes"

    again = client.post(f"{url}/referral", headers=headers,
                        json={"cine_referral_date": TODAY.isoformat(), **REFERRAL})  # fmt: skip
    assert again.status_code == 409
    assert "a referral is already open" in again.json()["detail"]

    review = client.post(f"{url}/cp_review", headers=headers, json={})
    assert review.status_code == 409
    assert "there is no open child protection plan" in review.json()["detail"]
    assert referrals(engine, t.child) == 1


def test_the_api_refuses_a_managers_step_to_a_social_worker(engine):
    t = team(engine)
    worker = signed_in(engine, t.worker)
    headers = {"X-CSRF-Token": csrf_from(worker.get("/").text)}
    body = {"note_date": TODAY.isoformat(), "text": "Direction."}
    url = f"/api/children/{t.child}/steps/oversight_note"
    assert worker.post(url, headers=headers, json=body).status_code == 403
    manager = signed_in(engine, t.manager)
    headers = {"X-CSRF-Token": csrf_from(manager.get("/").text)}
    assert manager.post(url, headers=headers, json=body).status_code == 201


def test_openapi_documents_each_steps_fields(engine):
    spec = create_app(engine).openapi()
    assert "/api/children/{person_id}/steps/cp_visit" in spec["paths"]
    schema = spec["components"]["schemas"]["StepCpVisitIn"]
    assert set(schema["required"]) == {"visit_date", "seen"}
    assert {"type": "string", "enum": ["Y", "N"]} in schema["properties"]["seen"]["anyOf"]
    assert schema["additionalProperties"] is False
