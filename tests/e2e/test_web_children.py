"""A child's record as pages and JSON API: adding a child (duplicates offered
first), the record's front page, the chronology, case notes, and who may see them.

Each test makes its own team, worker and children: the database is shared by
every test of the run and commits. A child is seen by the worker allocated to
them and by their team (an open ``ssd_involvements`` row).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from casebook.access.log import read_log
from casebook.record import services
from casebook.record.chronology import KINDS
from casebook.record.models import (
    Address,
    CaseNote,
    CpPlan,
    Department,
    Involvement,
    Person,
    PersonRelationship,
    Professional,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from tests.e2e.webkit import client_for, csrf_from, make_user, signed_in

SETUP = Actor("test-setup")
TODAY = date.today()


# --------------------------------------------------------------------------- setting up


def _create(engine: Engine, model, values: dict) -> None:
    with Session(engine) as s:
        services.create(UnitOfWork(session=s), model, values, SETUP)


def unique_surname() -> str:
    """A surname no other test uses (letters only, so it has a sound key)."""
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:8])
    return "Quill" + letters


def new_team(engine: Engine, *, front_door: bool = False) -> str:
    team_id = f"TEAM-{uuid.uuid4().hex[:8]}"
    _create(
        engine,
        Department,
        {
            "dept_team_id": team_id,
            "dept_team_name": f"Assessment team {team_id[-4:]}",
            "cb_front_door": "Y" if front_door else "N",
        },
    )
    return team_id


def new_professional(engine: Engine, name: str = "Ada Marlowe") -> str:
    prof_id = f"PROF-{uuid.uuid4().hex[:8]}"
    _create(
        engine,
        Professional,
        {"prof_professional_id": prof_id, "prof_professional_name": name},
    )
    return prof_id


def new_child(
    engine: Engine,
    *,
    forename: str = "Wren",
    surname: str | None = None,
    dob: str = "2016-05-04",
    sex: str = "F",
    kind: str = "child",
    postcode: str | None = None,
) -> str:
    person_id = f"CHW-{uuid.uuid4().hex[:10]}"
    _create(
        engine,
        Person,
        {
            "pers_person_id": person_id,
            "pers_forename": forename,
            "pers_surname": surname or unique_surname(),
            "pers_dob": dob,
            "pers_sex": sex,
            "cb_person_type": kind,
        },
    )
    if postcode:
        _create(
            engine,
            Address,
            {
                "addr_table_id": f"ADDR-{uuid.uuid4().hex[:8]}",
                "addr_person_id": person_id,
                "addr_address_postcode": postcode,
                "addr_address_start_date": "2020-01-01",
            },
        )
    return person_id


def allocate(engine: Engine, person_id: str, prof_id: str, team_id: str, since: date) -> None:
    _create(
        engine,
        Involvement,
        {
            "invo_involvements_id": f"INVO-{uuid.uuid4().hex[:8]}",
            "invo_person_id": person_id,
            "invo_professional_id": prof_id,
            "invo_professional_team": team_id,
            "invo_involvement_start_date": since,
        },
    )


@dataclass(frozen=True)
class Caseload:
    """A team, its worker (a professional and their user) and a child allocated to them."""

    team_id: str
    prof_id: str
    worker: str  # username
    child: str  # person id
    surname: str


def caseload(engine: Engine, *, front_door: bool = False, **child) -> Caseload:
    team_id = new_team(engine, front_door=front_door)
    prof_id = new_professional(engine)
    surname = child.pop("surname", None) or unique_surname()
    person_id = new_child(engine, surname=surname, **child)
    allocate(engine, person_id, prof_id, team_id, TODAY - timedelta(days=60))
    worker = make_user(engine, "social_worker", team_id=team_id, professional_id=prof_id)
    return Caseload(team_id, prof_id, worker, person_id, surname)


def add_note(engine: Engine, person_id: str, on: date, text: str, kind: str = "case_note"):
    _create(
        engine,
        CaseNote,
        {
            "id": f"NOTE-{uuid.uuid4().hex[:8]}",
            "person_id": person_id,
            "note_date": on,
            "note_type": kind,
            "text": text,
        },
    )


def token(client: TestClient) -> str:
    return csrf_from(client.get("/").text)


def people_named(engine: Engine, surname: str) -> int:
    with Session(engine) as s:
        return s.scalar(
            select(func.count()).select_from(Person).where(Person.pers_surname == surname)
        )


def date_fields(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _fields(reply) -> set[str]:
    return {e["field"] for e in reply.json()["errors"]}


# --------------------------------------------------------------------------- the record


def test_the_record_shows_the_summary_and_each_look_is_logged(engine):
    c = caseload(engine, postcode="FE1 2AB")
    mother = new_child(engine, forename="Marla", surname=c.surname, dob="1990-02-03", kind="adult")
    _create(
        engine,
        PersonRelationship,
        {
            "id": f"REL-{uuid.uuid4().hex[:8]}",
            "person_id": c.child,
            "related_person_id": mother,
            "relationship": "mother",
        },
    )
    _create(
        engine,
        CpPlan,
        {
            "cppl_cp_plan_id": f"CPPL-{uuid.uuid4().hex[:8]}",
            "cppl_person_id": c.child,
            "cppl_cp_plan_start_date": TODAY - timedelta(days=50),
            "cppl_cp_plan_initial_category": "NEG",
        },
    )
    add_note(engine, c.child, TODAY - timedelta(days=2), "Saw Wren at school;\nshe was cheerful.")
    worker = signed_in(engine, c.worker)

    page = worker.get(f"/children/{c.child}")
    assert page.status_code == 200, page.text
    text = page.text
    assert f"Wren {c.surname}" in text
    assert '<strong class="govuk-tag govuk-tag--red">On a child protection plan</strong>' in text
    assert "Ada Marlowe" in text and "Assessment team" in text  # allocated worker and team
    assert "Marla" in text and "Mother" in text  # family and network
    assert "Child protection plan" in text and "neglect (NEG)" in text
    overdue = text[text.index('id="overdue"') : text.index('id="due-next"')]
    assert "CP visit" in overdue  # no visit since the plan started 50 days ago
    assert re.search(r'casebook-overdue">\d+ days<', overdue)
    assert "Saw Wren at school;<br>she was cheerful." in text
    assert f'href="/children/{c.child}/chronology"' in text
    looked = text[text.index('id="looked"') :]
    assert c.worker in looked and "Viewed" in looked

    with Session(engine) as s:
        entries = read_log(s, username=c.worker, person_id=c.child)
    assert [(e.action, e.detail, e.allowed) for e in entries][:1] == [
        ("view", f"/children/{c.child}", True)
    ]


def test_a_worker_outside_the_childs_team_is_refused_and_the_refusal_logged(engine):
    c = caseload(engine)
    other_team = new_team(engine)
    outsider = make_user(engine, "social_worker", team_id=other_team)
    client = signed_in(engine, outsider)
    for path in ("", "/chronology", "/notes"):
        reply = client.get(f"/children/{c.child}{path}")
        assert reply.status_code == 403, path
        assert "You do not have access to this child" in reply.text
        assert "Wren" not in reply.text
    headers = {"X-CSRF-Token": token(client)}
    assert client.get(f"/api/children/{c.child}").status_code == 403
    assert client.get(f"/api/children/{c.child}/chronology").status_code == 403
    posted = client.post(f"/api/children/{c.child}/notes", json={"text": "x"}, headers=headers)
    assert posted.status_code == 403
    with Session(engine) as s:
        entries = read_log(s, username=outsider, person_id=c.child)
        notes = s.scalar(
            select(func.count()).select_from(CaseNote).where(CaseNote.person_id == c.child)
        )
    assert entries and all(e.action == "refused" and not e.allowed for e in entries)
    assert f"/children/{c.child}" in {e.detail for e in entries}
    assert notes == 0


def test_a_councillor_is_refused_every_child_route_and_search(engine):
    c = caseload(engine)
    councillor = signed_in(engine, make_user(engine, "councillor"))
    for path in (
        "/search",
        "/search?name=Wren",
        "/children/new",
        f"/children/{c.child}",
        f"/children/{c.child}/chronology",
        f"/children/{c.child}/notes",
        "/api/children/search?name=Wren",
        f"/api/children/{c.child}",
        f"/api/children/{c.child}/chronology",
    ):
        assert councillor.get(path).status_code == 403, path
    headers = {"X-CSRF-Token": token(councillor)}
    assert councillor.post("/api/children", json={}, headers=headers).status_code == 403
    note = councillor.post(f"/api/children/{c.child}/notes", json={"text": "x"}, headers=headers)
    assert note.status_code == 403
    page = councillor.post(
        f"/children/{c.child}/notes", data={"text": "x", "csrf_token": headers["X-CSRF-Token"]}
    )
    assert page.status_code == 403
    assert "Find a child" not in councillor.get("/").text


def test_signed_out_the_pages_send_to_sign_in_and_the_api_is_401(engine):
    c = caseload(engine)
    stranger = client_for(engine)
    reply = stranger.get(f"/children/{c.child}")
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/sign-in?next=/children/{c.child}"
    assert stranger.get(f"/api/children/{c.child}").status_code == 401


def test_a_child_that_is_not_there_is_refused_not_revealed(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    assert worker.get("/children/CHW-no-such-child").status_code == 403
    assert worker.get("/api/children/CHW-no-such-child").status_code == 403


# --------------------------------------------------------------------------- adding a child


def new_child_form(surname: str, **overrides: str) -> dict[str, str]:
    return {
        "forename": "Wren",
        "surname": surname,
        "dob-day": "4",
        "dob-month": "5",
        "dob-year": "2016",
        "sex": "F",
        "ethnicity": "WBRI",
        **overrides,
    }


def test_adding_a_child_with_errors_keeps_what_was_typed_and_adds_nothing(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    page = worker.get("/children/new")
    assert page.status_code == 200
    assert '<option value="WBRI">' in page.text
    surname = unique_surname()
    form = new_child_form(surname, forename="", **{"dob-day": "31", "dob-month": "2"})
    reply = worker.post("/children/new", data={**form, "csrf_token": csrf_from(page.text)})
    assert reply.status_code == 422
    assert '<p id="forename-error" class="govuk-error-message">' in reply.text
    assert "Enter the child&#39;s first name" in reply.text
    dob = re.search(r'<p id="dob-error"[^>]*>(.*?)</p>', reply.text, re.S).group(1)
    assert "Date of birth must be a real date" in dob
    assert '<a href="#dob">' in reply.text
    assert f'value="{surname}"' in reply.text
    assert 'name="dob-day" type="text" inputmode="numeric" value="31"' in reply.text
    assert '<option value="F" selected>' in reply.text
    assert '<option value="WBRI" selected>' in reply.text
    future = TODAY + timedelta(days=3)
    reply = worker.post(
        "/children/new",
        data={
            **new_child_form(surname, **date_fields("dob", future)),
            "sex": "Z",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert reply.status_code == 422
    assert "Date of birth must be today or in the past" in reply.text
    assert '<p id="sex-error"' in reply.text
    assert people_named(engine, surname) == 0


def test_likely_duplicates_are_offered_before_a_child_is_added(engine):
    c = caseload(engine, forename="Wren", dob="2016-05-04")
    # Someone else's child of the same name: never shown to this worker.
    hidden = caseload(engine, forename="Wren", surname=c.surname, dob="2016-05-04")
    worker = signed_in(engine, c.worker)
    page = worker.get("/children/new")
    form = {**new_child_form(c.surname, forename="Ren"), "csrf_token": csrf_from(page.text)}

    offered = worker.post("/children/new", data=form)
    assert offered.status_code == 200, offered.text
    text = offered.text
    assert "Is the child already recorded?" in text
    assert f'href="/children/{c.child}"' in text
    assert hidden.child not in text
    assert text.index('id="duplicates"') < text.index('name="forename"')  # shown first
    assert 'name="confirm" value="yes"' in text
    assert "None of these – add a new child" in text
    assert people_named(engine, c.surname) == 2  # nothing added yet
    with Session(engine) as s:
        logged = read_log(s, username=c.worker)
    assert logged[0].action == "search"
    assert logged[0].detail == f"duplicate check: 1 result: {c.child}"

    confirmed = worker.post("/children/new", data={**form, "confirm": "yes"})
    assert confirmed.status_code == 303, confirmed.text
    assert people_named(engine, c.surname) == 3
    # Not allocated to anyone yet, so not the worker's to open: told it was added.
    location = confirmed.headers["location"]
    added = re.fullmatch(r"/children/new\?added=([\w-]+)", location).group(1)
    shown = worker.get(location)
    assert "Child added" in shown.text and added in shown.text
    with Session(engine) as s:
        person = s.get(Person, added)
        assert (person.pers_forename, person.pers_sex, person.pers_ethnicity) == (
            "Ren",
            "F",
            "WBRI",
        )


def test_a_child_with_no_likely_duplicate_is_added_at_once(engine):
    mash_team = new_team(engine, front_door=True)
    worker = make_user(engine, "social_worker", team_id=mash_team)
    client = signed_in(engine, worker)
    surname = unique_surname()
    page = client.get("/children/new")
    form = {**new_child_form(surname), "csrf_token": csrf_from(page.text)}
    reply = client.post("/children/new", data=form)
    assert reply.status_code == 303, reply.text
    assert people_named(engine, surname) == 1


# --------------------------------------------------------------------------- chronology


def test_the_chronology_is_in_date_order_and_filters_by_kind_and_dates(engine):
    c = caseload(engine)
    add_note(engine, c.child, TODAY - timedelta(days=5), "Second note.")
    add_note(engine, c.child, TODAY - timedelta(days=40), "First note.")
    add_note(engine, c.child, TODAY - timedelta(days=1), "Manager: visit weekly.", "oversight")
    worker = signed_in(engine, c.worker)

    page = worker.get(f"/children/{c.child}/chronology")
    assert page.status_code == 200
    order = [
        page.text.index(s)
        for s in ("Allocated to Ada Marlowe", "First note.", "Second note.", "Manager: visit")
    ]
    assert order == sorted(order)
    assert "4 events" in page.text
    assert page.text.count('type="checkbox"') == len(KINDS)

    notes = worker.get(f"/children/{c.child}/chronology?kind=case_note")
    assert "First note." in notes.text and "Second note." in notes.text
    assert "Allocated to" not in notes.text and "Manager: visit" not in notes.text
    assert 'value="case_note" checked' in notes.text

    since = TODAY - timedelta(days=10)
    recent = worker.get(
        f"/children/{c.child}/chronology",
        params={"kind": ["case_note", "oversight"], **date_fields("from", since)},
    )
    assert "First note." not in recent.text
    assert "Second note." in recent.text and "Manager: visit weekly." in recent.text
    assert "2 events matching the filter" in recent.text

    bad = worker.get(
        f"/children/{c.child}/chronology",
        params={"kind": "nonsense", "to-day": "40", "to-month": "1", "to-year": "2025"},
    )
    assert bad.status_code == 422
    assert '<p id="kind-error"' in bad.text and '<p id="to-error"' in bad.text


def test_every_kind_of_event_has_words():
    from casebook.web.routes.children import KIND_LABELS

    assert set(KIND_LABELS) == set(KINDS)


# --------------------------------------------------------------------------- case notes


def test_a_worker_adds_a_case_note_and_it_shows_on_the_record(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    page = worker.get(f"/children/{c.child}/notes")
    assert page.status_code == 200
    assert 'value="oversight"' not in page.text  # a team manager's
    form = {
        **date_fields("note_date", TODAY),
        "note_type": "case_note",
        "text": "Home visit: Wren showed me her room.",
        "csrf_token": csrf_from(page.text),
    }
    reply = worker.post(f"/children/{c.child}/notes", data=form)
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"/children/{c.child}#case-notes"
    record = worker.get(f"/children/{c.child}").text
    assert "Home visit: Wren showed me her room." in record
    assert "Case note, " in record and "by Ada Marlowe" in record
    with Session(engine) as s:
        edits = [e for e in read_log(s, username=c.worker, person_id=c.child) if e.action == "edit"]
    assert edits and edits[0].detail == f"/children/{c.child}/notes"


def test_a_case_note_with_errors_keeps_the_text_and_oversight_is_for_managers(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    page = worker.get(f"/children/{c.child}/notes")
    form = {
        "note_date-day": "12",
        "note_date-month": "",
        "note_date-year": "2025",
        "note_type": "oversight",
        "text": "Spoke to mum,\nshe agreed to the plan.",
        "csrf_token": csrf_from(page.text),
    }
    reply = worker.post(f"/children/{c.child}/notes", data=form)
    assert reply.status_code == 422
    assert "Date of the note must include a month" in reply.text
    assert "Spoke to mum,\nshe agreed to the plan.</textarea>" in reply.text
    forged = worker.post(f"/children/{c.child}/notes", data={**form, "note_date-month": "3"})
    assert forged.status_code == 422
    assert "only a team manager can record management oversight" in forged.text
    assert '<a href="#note_type">' in forged.text

    manager = signed_in(engine, make_user(engine, "team_manager", team_id=c.team_id))
    page = manager.get(f"/children/{c.child}/notes")
    assert 'value="oversight"' in page.text
    done = manager.post(
        f"/children/{c.child}/notes",
        data={**form, "note_date-month": "3", "csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 303, done.text
    assert "Management oversight, 12 Mar 2025" in manager.get(f"/children/{c.child}").text


# --------------------------------------------------------------------------- API


def test_the_api_summary_chronology_and_notes(engine):
    c = caseload(engine)
    add_note(engine, c.child, TODAY - timedelta(days=3), "Earlier.")
    worker = signed_in(engine, c.worker)
    headers = {"X-CSRF-Token": token(worker)}

    summary = worker.get(f"/api/children/{c.child}")
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["person"]["person_id"] == c.child
    assert body["person"]["sex"] == "female"
    assert body["allocation"]["worker_name"] == "Ada Marlowe"
    assert body["allocation"]["team_id"] == c.team_id
    assert [n["text"] for n in body["case_notes"]] == ["Earlier."]

    added = worker.post(
        f"/api/children/{c.child}/notes", json={"text": "Phoned school."}, headers=headers
    )
    assert added.status_code == 201, added.text
    assert added.json()["note_date"] == TODAY.isoformat()
    assert added.json()["author_id"] == c.prof_id

    events = worker.get(f"/api/children/{c.child}/chronology").json()
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert [e["kind"] for e in events] == ["allocation", "case_note", "case_note"]
    notes = worker.get(
        f"/api/children/{c.child}/chronology",
        params={"kind": "case_note", "since": (TODAY - timedelta(days=1)).isoformat()},
    ).json()
    assert [e["detail"] for e in notes] == ["Phoned school."]


def test_the_api_adds_a_child_refusing_a_likely_duplicate_unless_confirmed(engine):
    c = caseload(engine, forename="Wren", dob="2016-05-04")
    worker = signed_in(engine, c.worker)
    headers = {"X-CSRF-Token": token(worker)}
    body = {"forename": "Wren", "surname": c.surname, "dob": "2016-04-05", "sex": "F"}

    refused = worker.post("/api/children", json=body, headers=headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["candidate_ids"] == [c.child]
    assert "day and month swapped" in refused.json()["candidates"][0]["why"]
    assert people_named(engine, c.surname) == 1

    made = worker.post(
        "/api/children", json={**body, "confirm_not_duplicate": True}, headers=headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["surname"] == c.surname and made.json()["dob"] == "2016-04-05"
    assert people_named(engine, c.surname) == 2


def test_api_bad_input_is_422_naming_the_field(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    headers = {"X-CSRF-Token": token(worker)}
    good = {"forename": "Wren", "surname": unique_surname(), "dob": "2016-05-04", "sex": "F"}

    def post(**changes):
        return worker.post("/api/children", json={**good, **changes}, headers=headers)

    for changes, field in (
        ({"dob": "2016-02-30"}, "dob"),
        ({"dob": "1850-01-01"}, "dob"),
        ({"dob": (TODAY + timedelta(days=1)).isoformat()}, "dob"),
        ({"surname": "Hall\x00oway"}, "surname"),
        ({"forename": "   "}, "forename"),
        ({"sex": "Q"}, "sex"),
        ({"ethnicity": "ZZZZ"}, "ethnicity"),
        ({"colour": "red"}, "colour"),
        ({"confirm_not_duplicate": "perhaps"}, "confirm_not_duplicate"),
    ):
        reply = post(**changes)
        assert reply.status_code == 422, (changes, reply.text)
        assert _fields(reply) == {field}, (changes, reply.json())
    missing = worker.post("/api/children", json={"forename": "Wren"}, headers=headers)
    assert {"surname", "dob", "sex"} <= _fields(missing)
    assert people_named(engine, good["surname"]) == 0

    notes = f"/api/children/{c.child}/notes"
    for body, field in (
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "x", "note_type": "gossip"}, "note_type"),
        ({"text": "x", "note_type": "oversight"}, "note_type"),  # a team manager's
        ({"text": "x", "note_date": "2999-01-01"}, "note_date"),
        ({"text": "x", "note_date": "tuesday"}, "note_date"),
    ):
        reply = worker.post(notes, json=body, headers=headers)
        assert reply.status_code == 422, (body, reply.text)
        assert _fields(reply) == {field}, (body, reply.json())

    chronology = f"/api/children/{c.child}/chronology"
    assert _fields(worker.get(chronology, params={"kind": "nonsense"})) == {"kind"}
    assert _fields(worker.get(chronology, params={"since": "2025-13-01"})) == {"since"}
    assert _fields(
        worker.get(chronology, params={"since": "2025-02-01", "until": "2025-01-01"})
    ) == {"until"}
    nul = worker.get("/api/children/a%00b")
    assert nul.status_code == 422 and _fields(nul) == {"person_id"}
    assert worker.get("/children/a%00b").status_code == 422


def test_every_route_here_declares_its_permission_and_the_child_check():
    from fastapi.routing import APIRoute

    from casebook.web.api import children as children_api
    from casebook.web.deps import child_in_scope, csrf_protect
    from casebook.web.routes import children, search

    routes = [
        r
        for m in (children, search, children_api)
        for r in m.router.routes
        if isinstance(r, APIRoute)
    ]
    assert len(routes) == 13
    for route in routes:
        calls = [d.dependency for d in route.dependencies]
        assert any(hasattr(c, "action") for c in calls), route.path
        if route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            assert csrf_protect in calls, route.path
        if "{person_id}" in route.path:
            used = [d.call for d in route.dependant.dependencies]
            assert child_in_scope in used, route.path
