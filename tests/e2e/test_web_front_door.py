"""The front door's pages and JSON API: record a contact, ask a partner, decide.

Each test makes its own team, children and users: the database is shared by
every test of the run and commits.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import CinEpisode, Contact, Department, Person
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from tests.e2e.webkit import client_for, csrf_from, make_user, signed_in

SETUP = Actor("test-setup")


# --------------------------------------------------------------------------- helpers


def front_door_team(engine: Engine) -> str:
    """A new team whose workers do front door (MASH) work."""
    team_id = f"MASH-{uuid.uuid4().hex[:8]}"
    with Session(engine) as s:
        services.create(
            UnitOfWork(session=s),
            Department,
            {"dept_team_id": team_id, "dept_team_name": "MASH", "cb_front_door": "Y"},
            SETUP,
        )
    return team_id


def new_person(engine: Engine, kind: str = "child") -> str:
    person_id = f"FDW-{uuid.uuid4().hex[:10]}"
    with Session(engine) as s:
        services.create(
            UnitOfWork(session=s),
            Person,
            {
                "pers_person_id": person_id,
                "pers_forename": "Wren" if kind == "child" else "Orrin",
                "pers_surname": "Halloway",
                "pers_dob": "2016-05-04" if kind == "child" else "1988-09-12",
                "cb_person_type": kind,
            },
            SETUP,
        )
    return person_id


def mash_worker(engine: Engine) -> str:
    return make_user(engine, "social_worker", team_id=front_door_team(engine))


def token(client: TestClient) -> str:
    return csrf_from(client.get("/").text)


def contact_form(person_id: str, **overrides: str) -> dict[str, str]:
    today = date.today()
    return {
        "person_id": person_id,
        "contact_date-day": str(today.day),
        "contact_date-month": str(today.month),
        "contact_date-year": str(today.year),
        "source_code": "2A",
        "who": "Designated safeguarding lead, Larkspur Primary",
        "concerns": "Bruise on the cheek; says dad was angry.",
        **overrides,
    }


def record_contact(client: TestClient, person_id: str, **overrides: str) -> str:
    """Record a contact through the form; its id."""
    page = client.get("/front-door/contacts/new")
    form = {**contact_form(person_id, **overrides), "csrf_token": csrf_from(page.text)}
    reply = client.post("/front-door/contacts/new", data=form)
    assert reply.status_code == 303, reply.text
    match = re.fullmatch(r"/front-door/contacts/([\w-]+)", reply.headers["location"])
    assert match, reply.headers["location"]
    return match.group(1)


def contacts_about(engine: Engine, person_id: str) -> int:
    with Session(engine) as s:
        return s.scalar(
            select(func.count()).select_from(Contact).where(Contact.cont_person_id == person_id)
        )


def today_fields(name: str) -> dict[str, str]:
    today = date.today()
    return {
        f"{name}-day": str(today.day),
        f"{name}-month": str(today.month),
        f"{name}-year": str(today.year),
    }


# --------------------------------------------------------------------------- pages


def test_the_whole_flow_contact_partner_decision_opens_a_referral(engine):
    child, sibling = new_person(engine), new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    police = make_user(engine, "partner", agency="police")

    contact_id = record_contact(
        mash, child, **{"named-0-person_id": sibling, "named-0-role": "sibling"}
    )

    page = mash.get(f"/front-door/contacts/{contact_id}")
    assert page.status_code == 200
    assert f'href="/children/{child}"' in page.text
    assert "Wren Halloway" in page.text
    assert sibling in page.text and "sibling" in page.text
    assert "Decision due" in page.text or "Decision overdue" in page.text

    worklist = mash.get("/front-door")
    assert worklist.status_code == 200
    assert f"/front-door/contacts/{contact_id}" in worklist.text

    asked = mash.post(
        f"/front-door/contacts/{contact_id}/partner-requests",
        data={
            "partner_username": police,
            "question": "Any call-outs to the address?",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert asked.status_code == 303, asked.text
    assert "Waiting" in mash.get(f"/front-door/contacts/{contact_id}").text

    partner = signed_in(engine, police)
    mine = partner.get("/partner")
    assert mine.status_code == 200
    assert "Any call-outs to the address?" in mine.text
    request_id = re.search(r'href="/partner/requests/([\w-]+)"', mine.text).group(1)
    ask = partner.get(f"/partner/requests/{request_id}")
    assert ask.status_code == 200
    assert contact_id in ask.text and "Any call-outs to the address?" in ask.text
    for private in ("Halloway", child, sibling, "Bruise on the cheek", "Larkspur"):
        assert private not in ask.text
    added = partner.post(
        f"/partner/requests/{request_id}",
        data={"text": "Two domestic call-outs in 2024.", "csrf_token": csrf_from(ask.text)},
    )
    assert added.status_code == 303, added.text
    assert "Two domestic call-outs in 2024." in partner.get(added.headers["location"]).text

    page = mash.get(f"/front-door/contacts/{contact_id}")
    assert "Two domestic call-outs in 2024." in page.text
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    decided = mash.post(
        f"/front-door/contacts/{contact_id}/decision",
        data={
            "decision": "REFERRAL",
            "reason": "Injury with a disclosure about dad: over the threshold.",
            "primary_need": "N1",
            **today_fields("decided_on"),
            "expected_version": version,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert decided.status_code == 303, decided.text

    page = mash.get(f"/front-door/contacts/{contact_id}")
    assert "Referral to children&#39;s social care" in page.text
    with Session(engine) as s:
        referral = s.scalars(select(CinEpisode).where(CinEpisode.cine_person_id == child)).one()
    assert referral.cine_cin_primary_need_code == "N1"
    assert referral.cine_referral_id in page.text
    assert f"/front-door/contacts/{contact_id}" not in mash.get("/front-door").text
    # The partner can no longer add to a decided contact, and is not told the decision.
    closed = partner.get(f"/partner/requests/{request_id}")
    assert "nothing more can be added" in closed.text
    assert "REFERRAL" not in closed.text and "Referral" not in closed.text


def test_an_overdue_contact_is_flagged_in_red(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    old = date.today() - timedelta(days=10)
    contact_id = record_contact(
        mash,
        child,
        **{
            "contact_date-day": str(old.day),
            "contact_date-month": str(old.month),
            "contact_date-year": str(old.year),
        },
    )
    worklist = mash.get("/front-door").text
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*><a[^>]*>{contact_id}</a>.*?</tr>", worklist, re.S)
    assert row, worklist
    assert '<span class="casebook-overdue">Overdue</span>' in row.group(0)
    assert "Decision overdue: was due" in row.group(0)
    assert "Overdue" in mash.get(f"/front-door/contacts/{contact_id}").text


def test_a_form_error_keeps_what_was_typed_and_writes_nothing(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    page = mash.get("/front-door/contacts/new")
    form = contact_form(
        child,
        who="",
        concerns="Left alone overnight,\nsays mum went out.",
        **{"contact_date-day": "31", "contact_date-month": "2"},
    )
    reply = mash.post("/front-door/contacts/new", data={**form, "csrf_token": csrf_from(page.text)})
    assert reply.status_code == 422
    assert '<p id="who-error" class="govuk-error-message">' in reply.text
    assert "Enter who made the contact" in reply.text
    error = re.search(r'<p id="contact_date-error"[^>]*>(.*?)</p>', reply.text, re.S).group(1)
    assert "Contact date must be a real date" in error
    assert '<a href="#contact_date">' in reply.text  # the summary links to the field
    assert "Left alone overnight,\nsays mum went out.</textarea>" in reply.text
    assert f'value="{child}"' in reply.text
    assert '<option value="2A" selected>' in reply.text
    assert contacts_about(engine, child) == 0


def test_the_records_refusals_show_beside_the_field(engine):
    child, adult = new_person(engine), new_person(engine, "adult")
    mash = signed_in(engine, mash_worker(engine))
    page = mash.get("/front-door/contacts/new")
    form = contact_form(
        adult,
        **{"named-2-person_id": "NO-SUCH-PERSON", "named-2-role": "uncle"},
    )
    reply = mash.post("/front-door/contacts/new", data={**form, "csrf_token": csrf_from(page.text)})
    assert reply.status_code == 422
    person = re.search(r'<p id="person_id-error"[^>]*>(.*?)</p>', reply.text, re.S).group(1)
    assert "is not a child" in person
    named = re.search(r'<p id="named-2-person_id-error"[^>]*>(.*?)</p>', reply.text, re.S)
    assert "NO-SUCH-PERSON" in named.group(1)
    assert contacts_about(engine, adult) == 0 and contacts_about(engine, child) == 0


def test_a_second_decision_is_refused_with_a_clear_message(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    contact_id = record_contact(mash, child)
    page = mash.get(f"/front-door/contacts/{contact_id}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    decision = {
        "decision": "NFA",
        "reason": "Below threshold; school will monitor.",
        **today_fields("decided_on"),
        "expected_version": version,
        "csrf_token": csrf_from(page.text),
    }
    assert (
        mash.post(f"/front-door/contacts/{contact_id}/decision", data=decision).status_code == 303
    )
    again = mash.post(f"/front-door/contacts/{contact_id}/decision", data=decision)
    assert again.status_code == 409
    assert "already decided" in again.text
    assert "This was not saved" in again.text


def test_a_decision_needs_its_primary_need_and_keeps_the_reason(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    contact_id = record_contact(mash, child)
    page = mash.get(f"/front-door/contacts/{contact_id}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text).group(1)
    reply = mash.post(
        f"/front-door/contacts/{contact_id}/decision",
        data={
            "decision": "STRATEGY",
            "reason": "Serious injury.",
            **today_fields("decided_on"),
            "expected_version": version,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert reply.status_code == 422
    assert '<p id="primary_need-error"' in reply.text
    assert 'value="STRATEGY" checked' in reply.text
    assert "Serious injury.</textarea>" in reply.text


def test_asking_someone_who_is_not_a_partner_is_refused(engine):
    child = new_person(engine)
    worker = mash_worker(engine)
    mash = signed_in(engine, worker)
    contact_id = record_contact(mash, child)
    page = mash.get(f"/front-door/contacts/{contact_id}")
    reply = mash.post(
        f"/front-door/contacts/{contact_id}/partner-requests",
        data={"partner_username": worker, "question": "?", "csrf_token": csrf_from(page.text)},
    )
    assert reply.status_code == 422
    assert '<p id="partner_username-error"' in reply.text
    assert "no partner agency officer" in reply.text


def test_viewing_a_contact_is_logged(engine):
    child = new_person(engine)
    worker = mash_worker(engine)
    mash = signed_in(engine, worker)
    contact_id = record_contact(mash, child)
    mash.get(f"/front-door/contacts/{contact_id}")
    with Session(engine) as s:
        from casebook.access.log import read_log

        entries = read_log(s, username=worker, person_id=child)
    assert [(e.action, e.detail) for e in entries][:1] == [
        ("view", f"/front-door/contacts/{contact_id}")
    ]


def test_a_social_worker_outside_the_front_door_is_refused(engine):
    worker = signed_in(engine, make_user(engine, "social_worker"))
    assert worker.get("/front-door").status_code == 403
    assert worker.get("/front-door/contacts/new").status_code == 403
    assert worker.get("/api/front-door/contacts").status_code == 403


def test_an_unknown_contact_is_not_found(engine):
    mash = signed_in(engine, mash_worker(engine))
    assert mash.get("/front-door/contacts/CONT-nosuchthing").status_code == 404
    assert mash.get("/api/contacts/CONT-nosuchthing").status_code == 404


# --------------------------------------------------------------------------- API


def test_the_api_flow(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    health = make_user(engine, "partner", agency="health")
    headers = {"X-CSRF-Token": token(mash)}

    made = mash.post(
        "/api/contacts",
        json={
            "person_id": child,
            "contact_date": date.today().isoformat(),
            "source_code": "3A",
            "who": "GP",
            "concerns": "Missed appointments.",
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    contact = made.json()
    assert contact["clock"]["due"] >= date.today().isoformat()
    contact_id = contact["contact_id"]
    listed = mash.get("/api/front-door/contacts").json()
    assert contact_id in {c["contact_id"] for c in listed}

    asked = mash.post(
        f"/api/contacts/{contact_id}/partner-requests",
        json={"partner_username": health, "question": "Known to health visiting?"},
        headers=headers,
    )
    assert asked.status_code == 201, asked.text

    partner = signed_in(engine, health)
    requests = partner.get("/api/partner/requests").json()
    assert [r["question"] for r in requests] == ["Known to health visiting?"]
    assert set(requests[0]) == {
        "request_id",
        "contact_id",
        "contact_date",
        "requested_on",
        "requested_by",
        "question",
        "answered_on",
        "can_contribute",
    }
    answered = partner.post(
        f"/api/partner-requests/{requests[0]['request_id']}/contributions",
        json={"text": "Two missed immunisations."},
        headers={"X-CSRF-Token": token(partner)},
    )
    assert answered.status_code == 201, answered.text
    assert partner.get(f"/api/contacts/{contact_id}").status_code == 403

    seen = mash.get(f"/api/contacts/{contact_id}").json()
    assert seen["partner_requests"][0]["contributions"][0]["text"] == "Two missed immunisations."
    decided = mash.post(
        f"/api/contacts/{contact_id}/decision",
        json={
            "decision": "EARLY_HELP",
            "reason": "Family agree.",
            "expected_version": seen["version"],
        },
        headers=headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "EARLY_HELP"
    assert decided.json()["referral_id"] is None
    again = mash.post(
        f"/api/contacts/{contact_id}/decision",
        json={"decision": "NFA", "reason": "x", "expected_version": seen["version"]},
        headers=headers,
    )
    assert again.status_code == 409
    assert "already decided" in again.json()["detail"]


def _fields(reply) -> set[str]:
    return {e["field"] for e in reply.json()["errors"]}


def test_api_bad_input_is_422_naming_the_field(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    headers = {"X-CSRF-Token": token(mash)}
    good = {
        "person_id": child,
        "contact_date": date.today().isoformat(),
        "source_code": "2A",
        "who": "School",
        "concerns": "Hungry.",
    }
    bad_date = mash.post(
        "/api/contacts", json={**good, "contact_date": "2025-02-31"}, headers=headers
    )
    assert bad_date.status_code == 422
    assert _fields(bad_date) == {"contact_date"}
    bad_code = mash.post("/api/contacts", json={**good, "source_code": "ZZ"}, headers=headers)
    assert bad_code.status_code == 422
    assert _fields(bad_code) == {"source_code"}
    missing = mash.post("/api/contacts", json={"person_id": child}, headers=headers)
    assert missing.status_code == 422
    assert {"contact_date", "source_code", "who", "concerns"} <= _fields(missing)
    unknown = mash.post("/api/contacts", json={**good, "colour": "red"}, headers=headers)
    assert _fields(unknown) == {"colour"}
    nul = mash.post("/api/contacts", json={**good, "concerns": "a\x00b"}, headers=headers)
    assert nul.status_code == 422 and _fields(nul) == {"concerns"}
    named = mash.post(
        "/api/contacts",
        json={**good, "named": [{"person_id": "NOBODY", "role": "aunt"}]},
        headers=headers,
    )
    assert named.status_code == 422 and _fields(named) == {"named[0]"}
    not_json = mash.post(
        "/api/contacts", content=b"{", headers={**headers, "content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert contacts_about(engine, child) == 0
    assert mash.get("/api/contacts/a%00b").status_code == 422


def test_api_unsafe_calls_need_the_csrf_header(engine):
    child = new_person(engine)
    mash = signed_in(engine, mash_worker(engine))
    body = {
        "person_id": child,
        "contact_date": date.today().isoformat(),
        "source_code": "2A",
        "who": "School",
        "concerns": "Hungry.",
    }
    assert mash.post("/api/contacts", json=body).status_code == 403
    assert (
        mash.post("/api/contacts", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    )
    assert contacts_about(engine, child) == 0


def test_api_without_a_session_is_401(engine):
    stranger = client_for(engine)
    assert stranger.get("/api/front-door/contacts").status_code == 401
    reply = stranger.post("/api/contacts", json={}, headers={"X-CSRF-Token": "x"})
    assert reply.status_code == 401
    assert reply.json() == {"detail": "Sign in first."}
    assert stranger.get("/api/partner/requests").status_code == 401


def test_the_api_is_described_by_openapi(engine):
    spec = client_for(engine).get("/api/openapi.json").json()
    for path in (
        "/api/front-door/contacts",
        "/api/contacts",
        "/api/contacts/{contact_id}",
        "/api/contacts/{contact_id}/partner-requests",
        "/api/contacts/{contact_id}/decision",
        "/api/partner/requests",
        "/api/partner-requests/{request_id}/contributions",
    ):
        assert path in spec["paths"], path
    assert "ContactIn" in spec["components"]["schemas"]
    assert "DecisionIn" in spec["components"]["schemas"]


def test_every_route_here_declares_its_permission_and_posts_need_csrf():
    from fastapi.routing import APIRoute

    from casebook.web.api import admin as admin_api
    from casebook.web.api import front_door as front_door_api
    from casebook.web.deps import csrf_protect
    from casebook.web.routes import admin, front_door, partner

    routers = (front_door, partner, admin, front_door_api, admin_api)
    routes = [r for m in routers for r in m.router.routes if isinstance(r, APIRoute)]
    assert len(routes) == 22
    for route in routes:
        calls = [d.dependency for d in route.dependencies]
        assert any(hasattr(c, "action") for c in calls), route.path
        if route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            assert csrf_protect in calls, route.path
