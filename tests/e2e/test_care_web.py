"""The steps of care through the generic workflow pages and JSON API: the form
shows its clock, a refused sequence comes back with the error beside the field
and what was typed kept, a step that makes no sense for the child's state is
refused with the reason, and the API answers the same.

Each test makes its own team, worker and child: the database is shared by the
run and commits.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import (
    ClaEpisode,
    Department,
    Involvement,
    Person,
    Professional,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from tests.e2e.webkit import csrf_from, make_user, signed_in

SETUP = Actor("care-setup")
TODAY = date.today()


def _create(engine: Engine, model, values: dict) -> None:
    with Session(engine) as s:
        services.create(UnitOfWork(session=s), model, values, SETUP)


def _worker_and_child(engine: Engine, dob: date | None = None) -> tuple[TestClient, str]:
    suffix = uuid.uuid4().hex[:8]
    team, prof, child = f"TEAM-C{suffix}", f"PROF-C{suffix}", f"CARE-W{suffix}"
    _create(engine, Department, {"dept_team_id": team, "dept_team_name": f"Care team {suffix}"})
    _create(engine, Professional, {"prof_professional_id": prof, "prof_professional_name": "Ida"})
    _create(
        engine,
        Person,
        {
            "pers_person_id": child,
            "pers_forename": "Rowan",
            "pers_surname": "Testcare",
            "pers_dob": dob or TODAY - timedelta(days=9 * 365),
        },
    )
    _create(
        engine,
        Involvement,
        {
            "invo_involvements_id": f"INVO-C{suffix}",
            "invo_person_id": child,
            "invo_professional_id": prof,
            "invo_professional_team": team,
            "invo_involvement_start_date": TODAY - timedelta(days=90),
        },
    )
    worker = make_user(engine, "social_worker", team_id=team, professional_id=prof)
    return signed_in(engine, worker), child


def _date(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _care_start_form(day: date) -> dict[str, str]:
    return {
        **_date("start_date", day),
        "legal_status": "C1",
        "primary_need": "N1",
        "placement_type": "U6",
        "placement_provider": "PR1",
        "placement_postcode": "LS1 4AP",
    }


def test_coming_into_care_and_a_placement_change_as_pages(engine: Engine) -> None:
    client, child = _worker_and_child(engine)
    steps = client.get(f"/children/{child}/steps")
    assert steps.status_code == 200
    assert "Coming into care" in steps.text
    assert "record coming into care first" in steps.text

    form = client.get(f"/children/{child}/steps/care_start")
    assert form.status_code == 200
    assert "First CLA review within 20 working days" in form.text
    token = csrf_from(form.text)
    start = TODAY - timedelta(days=30)
    done = client.post(
        f"/children/{child}/steps/care_start",
        data={**_care_start_form(start), "csrf_token": token},
    )
    assert done.status_code == 303, done.text

    again = client.post(
        f"/children/{child}/steps/care_start",
        data={**_care_start_form(start), "csrf_token": token},
    )
    assert again.status_code == 409
    assert "already looked after" in again.text

    early = start - timedelta(days=10)
    refused = client.post(
        f"/children/{child}/steps/care_placement_change",
        data={
            **_date("change_date", early),
            "change_reason": "CARPL",
            "same_carer": "N",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "placement_postcode": "ZZ9 9ZZ",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    assert "cannot be before the child came into care" in refused.text
    assert "ZZ9 9ZZ" in refused.text  # the form keeps what was typed
    with Session(engine) as s:
        episodes = s.scalars(select(ClaEpisode).where(ClaEpisode.clae_person_id == child)).all()
    assert len(episodes) == 1

    placed = client.post(
        f"/children/{child}/steps/care_placement_change",
        data={
            **_date("change_date", start + timedelta(days=5)),
            "change_reason": "CARPL",
            "same_carer": "N",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "csrf_token": token,
        },
    )
    assert placed.status_code == 303, placed.text
    review = client.get(f"/children/{child}/steps/cla_review")
    assert "First CLA review" in review.text


def test_placement_change_refused_for_a_child_not_looked_after(engine: Engine) -> None:
    client, child = _worker_and_child(engine)
    page = client.get(f"/children/{child}/steps/care_placement_change")
    assert "record coming into care first" in page.text
    reply = client.post(
        f"/children/{child}/steps/care_placement_change",
        data={
            **_date("change_date", TODAY),
            "change_reason": "CARPL",
            "same_carer": "N",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert reply.status_code == 409
    assert "record coming into care first" in reply.text


def test_the_api_takes_the_same_steps(engine: Engine) -> None:
    client, child = _worker_and_child(engine)
    headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    start = TODAY - timedelta(days=20)
    body = {
        "start_date": start.isoformat(),
        "legal_status": "V2",
        "primary_need": "N4",
        "placement_type": "U3",
        "placement_provider": "PR1",
    }
    made = client.post(f"/api/children/{child}/steps/care_start", json=body, headers=headers)
    assert made.status_code == 201, made.text

    steps = {s["key"]: s for s in client.get(f"/api/children/{child}/steps").json()}
    assert steps["care_start"]["allowed"] is False
    assert "already looked after" in steps["care_start"]["reason"]
    assert steps["cla_review"]["clock"].startswith("First CLA review")

    leave = client.post(
        f"/api/children/{child}/steps/care_leave",
        json={"end_date": (start - timedelta(days=1)).isoformat(), "reason": "E4A"},
        headers=headers,
    )
    assert leave.status_code == 422
    errors = {e["field"]: e["message"] for e in leave.json()["errors"]}
    assert "before the child came into care" in errors["end_date"]

    mace = client.post(
        f"/api/children/{child}/steps/mace_meeting",
        json={"meeting_date": TODAY.isoformat()},
        headers=headers,
    )
    assert mace.status_code == 409
    assert "not been screened" in mace.json()["detail"]


def test_a_mace_meeting_waits_for_a_screening_even_for_a_child_with_no_other_rows(
    engine: Engine,
) -> None:
    client, child = _worker_and_child(engine)  # nothing recorded about the child yet
    headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    steps = {s["key"]: s for s in client.get(f"/api/children/{child}/steps").json()}
    assert steps["mace_meeting"]["allowed"] is False
    assert "not been screened" in steps["mace_meeting"]["reason"]
    page = client.get(f"/children/{child}/steps/mace_meeting")
    assert "not been screened" in page.text and 'name="meeting_date-day"' not in page.text
    url = f"/api/children/{child}/steps/mace_meeting"
    refused = client.post(url, json={"meeting_date": TODAY.isoformat()}, headers=headers)
    assert refused.status_code == 409
    assert "not been screened" in refused.json()["detail"]

    screened = client.post(
        f"/api/children/{child}/steps/exploitation_screening",
        json={"screening_date": (TODAY - timedelta(days=2)).isoformat(), "risk_level": "AT_RISK"},
        headers=headers,
    )
    assert screened.status_code == 201, screened.text
    held = client.post(url, json={"meeting_date": TODAY.isoformat()}, headers=headers)
    assert held.status_code == 201, held.text
    assert [w["table"] for w in held.json()["written"]] == ["cb_mace_meeting"]


def test_a_care_leaver_contact_writes_the_ssd_row_and_the_contact(engine: Engine) -> None:
    client, child = _worker_and_child(engine, dob=TODAY - timedelta(days=17 * 365 + 30))
    headers = {"X-CSRF-Token": csrf_from(client.get("/").text)}
    _create(
        engine,
        ClaEpisode,
        {
            "clae_cla_episode_id": f"E-{child}",
            "clae_person_id": child,
            "clae_cla_id": f"CLA-{child}",
            "clae_cla_episode_start_date": TODAY - timedelta(days=400),
            "clae_cla_episode_start_reason": "S",
        },
    )
    done = client.post(
        f"/api/children/{child}/steps/care_leaver_contact",
        json={"contact_date": TODAY.isoformat(), "in_touch": "YES", "activity": "F2"},
        headers=headers,
    )
    assert done.status_code == 201, done.text
    assert [w["table"] for w in done.json()["written"]] == [
        "ssd_care_leavers",
        "cb_care_leaver_contact",
    ]
