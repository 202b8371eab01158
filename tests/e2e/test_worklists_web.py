"""The worklist pages, allocation, the missing briefing and local standards over HTTP.

Each test makes its own teams, workers, children and users (the database is
shared by the run and commits); everything is dated from today, as the pages are.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from casebook.access.models import AccessLogEntry
from casebook.record import services
from casebook.record.calendar import WorkingCalendar
from casebook.record.models import (
    CinEpisode,
    CinPlan,
    Contact,
    Department,
    Involvement,
    Missing,
    Person,
    Professional,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.routes.worklists import clear_cache
from tests.e2e.webkit import csrf_from, make_user, signed_in

SETUP = Actor("test-setup")
TODAY = date.today()


def create(engine: Engine, model, values: dict) -> None:
    with Session(engine) as s:
        services.create(UnitOfWork(session=s), model, values, SETUP)


@dataclass
class Team:
    tag: str
    service: str
    team: str
    other_team: str
    worker: str
    colleague: str
    outsider: str
    mine: str  # the worker's child: CIN visit overdue
    theirs: str  # the colleague's child: a plan over 2 years
    elsewhere: str  # the other team's child
    waiting: str  # referred to the (front door) team, never allocated
    missing: str  # the worker's child, missing since yesterday


@pytest.fixture
def team(engine: Engine) -> Team:
    clear_cache()
    tag = uuid.uuid4().hex[:8]
    t = Team(
        tag=tag,
        service=f"WS-{tag}",
        team=f"WT-{tag}",
        other_team=f"WO-{tag}",
        worker=f"WW-{tag}",
        colleague=f"WC-{tag}",
        outsider=f"WX-{tag}",
        mine=f"WK1-{tag}",
        theirs=f"WK2-{tag}",
        elsewhere=f"WK3-{tag}",
        waiting=f"WK4-{tag}",
        missing=f"WK5-{tag}",
    )
    create(engine, Department, {"dept_team_id": t.service, "dept_team_name": "Service"})
    create(
        engine,
        Department,
        {
            "dept_team_id": t.team,
            "dept_team_name": f"Team {tag}",
            "dept_team_parent_id": t.service,
            "cb_front_door": "Y",
        },
    )
    create(
        engine,
        Department,
        {
            "dept_team_id": t.other_team,
            "dept_team_name": "Other team",
            "dept_team_parent_id": t.service,
        },
    )
    for pid, name, dept in (
        (t.worker, "Wanda Worker", t.team),
        (t.colleague, "Colin Colleague", t.team),
        (t.outsider, "Otto Outsider", t.other_team),
    ):
        create(
            engine,
            Professional,
            {
                "prof_professional_id": pid,
                "prof_professional_name": name,
                "prof_professional_department": dept,
            },
        )
    plans = {
        t.mine: (TODAY - timedelta(days=45), t.worker, t.team, "Mina"),
        t.theirs: (TODAY - timedelta(days=800), t.colleague, t.team, "Theo"),
        t.elsewhere: (TODAY - timedelta(days=45), t.outsider, t.other_team, "Elsa"),
        t.waiting: (TODAY - timedelta(days=3), None, t.team, "Walt"),
        t.missing: (TODAY - timedelta(days=10), t.worker, t.team, "Misha"),
    }
    for pid, (start, worker, team_id, name) in plans.items():
        create(
            engine,
            Person,
            {
                "pers_person_id": pid,
                "pers_forename": name,
                "pers_surname": "Sample",
                "pers_dob": "2014-02-03",
            },
        )
        create(
            engine,
            CinEpisode,
            {
                "cine_referral_id": f"R-{pid}",
                "cine_person_id": pid,
                "cine_referral_date": start,
                "cine_referral_team": team_id,
            },
        )
        create(
            engine,
            CinPlan,
            {
                "cinp_cin_plan_id": f"P-{pid}",
                "cinp_person_id": pid,
                "cinp_referral_id": f"R-{pid}",
                "cinp_cin_plan_start_date": start,
                "cinp_cin_plan_team": team_id,
            },
        )
        if worker:
            create(
                engine,
                Involvement,
                {
                    "invo_involvements_id": f"I-{pid}",
                    "invo_person_id": pid,
                    "invo_professional_id": worker,
                    "invo_professional_team": team_id,
                    "invo_involvement_start_date": start,
                },
            )
    # The front door team sees the waiting child through the contact that referred them.
    create(
        engine,
        Contact,
        {
            "cont_contact_id": f"CT-{tag}",
            "cont_person_id": t.waiting,
            "cont_contact_date": TODAY - timedelta(days=3),
        },
    )
    create(
        engine,
        Missing,
        {
            "miss_table_id": f"M-{tag}",
            "miss_person_id": t.missing,
            "miss_missing_episode_start_date": TODAY - timedelta(days=1),
        },
    )
    return t


def manager(engine: Engine, t: Team):
    return signed_in(engine, make_user(engine, "team_manager", team_id=t.team))


def worker(engine: Engine, t: Team):
    return signed_in(
        engine, make_user(engine, "social_worker", team_id=t.team, professional_id=t.worker)
    )


def ids_in(html: str, t: Team) -> list[str]:
    """The children's ids in the order the table lists them (first mention each)."""
    found = re.findall(rf'href="/children/(WK\d-{t.tag})"', html)
    return list(dict.fromkeys(found))


def last_log(engine: Engine, username: str) -> AccessLogEntry:
    with Session(engine) as s:
        return s.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.username == username)
            .order_by(AccessLogEntry.id.desc())
        ).first()


def username(client) -> str:
    return re.search(r"Signed in as <strong>([^<]+)</strong>", client.get("/").text).group(1)


# --------------------------------------------------------------------------- worklists


def test_my_children_shows_only_mine_with_overdue_days_and_is_logged(engine, team) -> None:
    client = worker(engine, team)
    page = client.get("/worklists/mine")
    assert page.status_code == 200
    assert set(ids_in(page.text, team)) == {team.mine, team.missing}
    assert "Visit out of date" in page.text and "overdue by 14 days" in page.text
    assert "Missing now" in page.text
    entry = last_log(engine, username(client))
    # The log holds the ids shown, never the names.
    assert entry.action == "search" and team.mine in entry.detail and "Mina" not in entry.detail


def test_my_team_sorts_filters_and_never_shows_another_teams_child(engine, team) -> None:
    client = manager(engine, team)
    page = client.get("/worklists/team")
    shown = ids_in(page.text, team)
    assert set(shown) == {team.mine, team.theirs, team.waiting, team.missing}
    assert team.elsewhere not in page.text
    assert "Plan over 2 years" in page.text and "Unallocated" in page.text
    by_child = ids_in(client.get("/worklists/team?sort=child").text, team)
    assert by_child == [team.mine, team.missing, team.theirs, team.waiting]  # Mina, Misha...
    backwards = ids_in(client.get("/worklists/team?sort=-child").text, team)
    assert backwards == list(reversed(by_child))
    drift = client.get("/worklists/team?type=drift")
    assert ids_in(drift.text, team) == [team.theirs]
    colleague = client.get(f"/worklists/team?worker={team.colleague}")
    assert ids_in(colleague.text, team) == [team.theirs]
    overdue = ids_in(client.get("/worklists/team?overdue=1").text, team)
    assert team.waiting not in overdue and team.mine in overdue


def test_the_csv_is_the_filtered_list_and_is_logged_as_an_export(engine, team) -> None:
    client = manager(engine, team)
    reply = client.get("/worklists/team?type=visit&format=csv")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert {r["type"] for r in rows} == {"visit"}
    assert {r["person_id"] for r in rows} == {team.mine, team.theirs}
    mine = next(r for r in rows if r["person_id"] == team.mine)
    assert (mine["child"], mine["worker"], mine["overdue_days"]) == (
        "Mina Sample",
        "Wanda Worker",
        "14",
    )
    entry = last_log(engine, username(client))
    assert entry.action == "export" and team.mine in entry.detail


def test_a_head_of_service_chooses_a_team_of_their_service(engine, team) -> None:
    client = signed_in(engine, make_user(engine, "head_of_service", service_id=team.service))
    first = client.get("/worklists/team")
    assert "Choose a team of your service" in first.text and ids_in(first.text, team) == []
    one = client.get(f"/worklists/team?team={team.other_team}")
    assert ids_in(one.text, team) == [team.elsewhere]
    every = client.get("/worklists/team?team=all")
    assert team.elsewhere in ids_in(every.text, team) and team.mine in ids_in(every.text, team)
    assert client.get("/worklists/team?team=NOT-MINE").status_code == 403


# --------------------------------------------------------------------------- allocation


def allocation_form(page: str, person_id: str) -> dict[str, str]:
    form = re.search(
        rf'<form method="post" action="/worklists/team/allocate"[^>]*>(?:(?!</form>).)*'
        rf'name="person_id" value="{re.escape(person_id)}"(?:(?!</form>).)*</form>',
        page,
        re.S,
    ).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_a_manager_reallocates_from_the_team_list_keeping_the_old_allocation(engine, team) -> None:
    client = manager(engine, team)
    page = client.get("/worklists/team").text
    form = allocation_form(page, team.mine)
    assert form["versions"] == f"I-{team.mine}:1"
    reply = client.post(
        "/worklists/team/allocate",
        data={**form, "professional_id": team.colleague, "reason": "LEFT"},
    )
    assert reply.status_code == 303
    assert "allocated" in reply.headers["location"]
    assert f"Child {team.mine} allocated." in client.get(reply.headers["location"]).text
    with Session(engine) as s:
        old = s.get(Involvement, f"I-{team.mine}")
        assert (old.invo_involvement_end_date, old.invo_worker_change_reason) == (TODAY, "LEFT")
        now = s.scalars(
            select(Involvement).where(
                Involvement.invo_person_id == team.mine,
                Involvement.invo_involvement_end_date.is_(None),
            )
        ).one()
        assert now.invo_professional_id == team.colleague
    # The same form sent again is stale: the allocation moved on.
    again = client.post("/worklists/team/allocate", data={**form, "professional_id": team.worker})
    assert again.status_code == 409
    mine = worker(engine, team).get("/worklists/mine").text
    assert team.mine not in ids_in(mine, team)


def test_allocating_the_unallocated_child(engine, team) -> None:
    client = manager(engine, team)
    form = allocation_form(client.get("/worklists/team?type=unallocated").text, team.waiting)
    assert form["versions"] == ""
    reply = client.post("/worklists/team/allocate", data={**form, "professional_id": team.worker})
    assert reply.status_code == 303
    after = client.get("/worklists/team?type=unallocated").text
    assert team.waiting not in ids_in(after, team)


def test_allocation_refusals(engine, team) -> None:
    client = manager(engine, team)
    form = allocation_form(client.get("/worklists/team").text, team.mine)
    outside = client.post(
        "/worklists/team/allocate", data={**form, "professional_id": team.outsider}
    )
    assert outside.status_code == 422
    assert "Otto Outsider is not in Team" in outside.text
    assert "a child can only be allocated to a worker of the team" in outside.text
    empty = client.post("/worklists/team/allocate", data={**form, "professional_id": ""})
    assert empty.status_code == 422 and "Choose the worker" in empty.text
    stranger = client.post(
        "/worklists/team/allocate",
        data={**form, "person_id": team.elsewhere, "professional_id": team.colleague},
    )
    assert stranger.status_code == 403
    with Session(engine) as s:
        assert s.get(Involvement, f"I-{team.mine}").invo_involvement_end_date is None
    sw = worker(engine, team)
    token = csrf_from(sw.get("/worklists/mine").text)
    refused = sw.post(
        "/worklists/team/allocate",
        data={**form, "csrf_token": token, "professional_id": team.colleague},
    )
    assert refused.status_code == 403
    assert "Allocate" not in sw.get("/worklists/team").text.split("<table", 1)[-1]


def test_the_allocation_api(engine, team) -> None:
    client = manager(engine, team)
    token = csrf_from(client.get("/").text)
    headers = {"X-CSRF-Token": token}
    outside = client.post(
        "/api/worklists/allocations",
        headers=headers,
        json={"person_id": team.mine, "professional_id": team.outsider},
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "professional_id"
    done = client.post(
        "/api/worklists/allocations",
        headers=headers,
        json={"person_id": team.waiting, "professional_id": team.colleague},
    )
    assert done.status_code == 201 and done.json()["team_id"] == team.team
    listed = client.get("/api/worklists/team", params={"worker": team.colleague}).json()
    assert {r["person_id"] for r in listed["rows"]} == {team.theirs, team.waiting}


# --------------------------------------------------------------------------- missing briefing


def test_the_missing_briefing_page_csv_and_a_bad_date(engine, team) -> None:
    client = manager(engine, team)
    calendar = WorkingCalendar.from_session(Session(engine))
    page = client.get(f"/missing-briefing?date={TODAY.isoformat()}")
    assert page.status_code == 200
    since = calendar.previous_working_day(TODAY)
    if since <= TODAY - timedelta(days=1):
        assert team.missing in page.text and "Still missing" in page.text
    assert f"from {since.day} {since:%B %Y}" in page.text
    reply = client.get(f"/missing-briefing?date={TODAY.isoformat()}&format=csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert team.missing in {r["person_id"] for r in rows}
    assert last_log(engine, username(client)).action == "export"
    assert team.elsewhere not in reply.text
    bad = client.get("/missing-briefing?date=2025-02-30")
    assert bad.status_code == 422 and "real date" in bad.text
    far = client.get("/missing-briefing?date=9999-12-31")
    assert far.status_code == 422
    fields = client.get("/missing-briefing?date-day=3&date-month=3&date-year=2025")
    assert fields.status_code == 200 and "3 March 2025" in fields.text
    api = client.get("/api/missing-briefing", params={"date": TODAY.isoformat()}).json()
    assert team.missing in {r["person_id"] for r in api["rows"]}


# --------------------------------------------------------------------------- local standards


def test_an_administrator_changes_a_local_standard_with_history(engine) -> None:
    admin = signed_in(engine, make_user(engine, "administrator"))
    listing = admin.get("/settings/local-standards")
    assert listing.status_code == 200
    assert "Child seen" in listing.text and "5 working days" in listing.text
    assert "CIN visit" in listing.text and "CLA visit" in listing.text
    page = admin.get("/settings/local-standards/cp_visit")
    assert page.status_code == 200 and "Never changed" in page.text
    token = csrf_from(page.text)
    bad = admin.post(
        "/settings/local-standards/cp_visit",
        data={"csrf_token": token, "amount": "four", "unit": "fortnights"},
    )
    assert bad.status_code == 422
    assert "whole number" in bad.text and "Select the unit" in bad.text
    assert 'value="four"' in bad.text  # the form keeps what was typed
    saved = admin.post(
        "/settings/local-standards/cp_visit",
        data={"csrf_token": token, "amount": "3", "unit": "weeks"},
    )
    assert saved.status_code == 303
    after = admin.get(saved.headers["location"])
    assert "CP visit is now 3 weeks" in after.text
    history = admin.get("/settings/local-standards/cp_visit").text
    assert "the default" in history and "3 weeks" in history
    assert admin.get("/settings/local-standards/no_such_thing").status_code == 404
    api = admin.get("/api/local-standards").json()
    assert {"key": "cp_visit", "amount": 3, "unit": "weeks"}.items() <= next(
        s for s in api if s["key"] == "cp_visit"
    ).items()
    refused = admin.post(
        "/api/local-standards/cp_visit",
        headers={"X-CSRF-Token": token},
        json={"amount": -1, "unit": "weeks"},
    )
    assert refused.status_code == 422
    reset = admin.post(
        "/api/local-standards/cp_visit",
        headers={"X-CSRF-Token": token},
        json={"amount": 1, "unit": "months"},
    )
    assert reset.status_code == 200 and reset.json()["amount"] == 1


def test_only_an_administrator_manages_settings(engine, team) -> None:
    assert manager(engine, team).get("/settings/local-standards").status_code == 403


def test_worklists_start_with_the_team_for_a_manager_and_mine_for_a_worker(engine, team) -> None:
    assert manager(engine, team).get("/worklists").headers["location"] == "/worklists/team"
    assert worker(engine, team).get("/worklists").headers["location"] == "/worklists/mine"
