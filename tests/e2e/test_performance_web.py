"""The performance pages and API for each role: the scorecard (suppressed for
aggregate-only roles), drill-down to the children (scope-limited, logged), targets,
comparator upload (all or nothing), drift and data quality, and publishing a pack."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.access.models import AccessLogEntry
from casebook.performance import drift, figures, trends
from casebook.performance.models import ComparatorImport
from casebook.performance.packs_commands import DEMO_FILES
from casebook.record.models import (
    CinEpisode,
    Contact,
    Department,
    Involvement,
    Person,
    Professional,
)
from tests.e2e.webkit import csrf_from, make_user, signed_in

PERIOD = "2025-Q3"


@pytest.fixture(scope="module")
def world(engine):
    """Two teams, each with a worker and children; three contacts in the quarter for
    team A's children (a small number) and one for team B's."""
    tag = uuid.uuid4().hex[:6]
    teams = {"A": f"PA-{tag}", "B": f"PB-{tag}"}
    kids = {"A": [f"KA{i}-{tag}" for i in range(3)], "B": [f"KB0-{tag}"]}
    with Session(engine) as s:
        for key, team in teams.items():
            s.add(Department(dept_team_id=team, dept_team_name=f"Team {key} {tag}"))
            s.add(Professional(prof_professional_id=f"W{key}-{tag}", prof_professional_name="W"))
        s.flush()
        for key, ids in kids.items():
            for pid in ids:
                s.add(Person(pers_person_id=pid, pers_forename="Perf", pers_surname=pid,
                             pers_dob=date(2016, 1, 1)))  # fmt: skip
                s.flush()
                s.add(Involvement(invo_involvements_id=f"I-{pid}", invo_person_id=pid,
                                  invo_professional_id=f"W{key}-{tag}",
                                  invo_professional_team=teams[key],
                                  invo_involvement_start_date=date(2024, 1, 1)))  # fmt: skip
                s.add(Contact(cont_contact_id=f"CT-{pid}", cont_person_id=pid,
                              cont_contact_date=date(2025, 8, 4)))  # fmt: skip
        s.commit()
    users = {
        "perf": make_user(engine, "performance_officer"),
        "councillor": make_user(engine, "councillor"),
        "worker": make_user(
            engine, "social_worker", team_id=teams["A"], professional_id=f"WA-{tag}"
        ),
    }
    trends.CACHE.clear()
    return {"teams": teams, "kids": kids, "users": users}


def client(engine, world, who: str):
    return signed_in(engine, world["users"][who])


def fd1(scorecard: dict) -> dict:
    return next(m for m in scorecard["measures"] if m["id"] == "FD1")


def test_scorecard_for_an_officer_and_suppressed_for_a_councillor(engine, world):
    officer = client(engine, world, "perf").get(f"/api/performance/scorecard?period={PERIOD}")
    assert officer.status_code == 200
    assert officer.json()["suppressed"] is False
    assert fd1(officer.json())["value"] >= 4
    page = client(engine, world, "perf").get(f"/performance?period={PERIOD}")
    assert page.status_code == 200
    assert "Contacts received" in page.text and 'role="img"' in page.text
    # the trend months are read from the stored figures, never computed for the page
    assert "Trend: No figures for these months." in page.text
    assert "casebook kpi refresh" in page.text
    figures.refresh(engine, date(2025, 9, 30), 12)
    trends.CACHE.clear()
    page = client(engine, world, "perf").get(f"/performance?period={PERIOD}")
    assert "Trend: 12 months" in page.text  # the sparkline's text alternative
    assert "casebook kpi refresh" not in page.text
    stored = client(engine, world, "perf").get(f"/api/performance/scorecard?period={PERIOD}")
    series = dict(zip(stored.json()["months"], fd1(stored.json())["series"], strict=True))
    assert series["2025-08-01"] >= 3  # the stored August figure (team A's 3 contacts and more)
    councillor = client(engine, world, "councillor")
    shown = councillor.get(f"/api/performance/scorecard?period={PERIOD}").json()
    assert shown["suppressed"] is True
    breakdown = councillor.get(f"/api/performance/measures/FD1/breakdown?period={PERIOD}").json()
    team_a = next(r for r in breakdown["rows"] if r["key"] == world["teams"]["A"])
    assert team_a["figure"]["value"] == "c"  # 3 contacts: a small number
    html = councillor.get(f"/performance/measures/FD1?period={PERIOD}").text
    assert "suppressed: a small number" in html


def test_a_measure_opens_onto_six_years_month_by_month(engine, world):
    officer = client(engine, world, "perf")
    html = officer.get(f"/performance/measures/FD1?period={PERIOD}&months=72").text
    assert "Trend over 72 months" in html and 'src="data:image/svg+xml;base64,' in html
    assert html.count('<td class="govuk-table__cell">') >= 72  # one row a month
    assert "October 2019" in html and "September 2025" in html
    # only the 12 months stored by the refresh above have figures; the rest are gaps
    assert "60 of these 72 months have no stored figure" in html


def test_children_behind_a_figure_are_limited_to_scope_and_logged(engine, world):
    worker = client(engine, world, "worker")
    reply = worker.get(f"/performance/measures/FD1/children?period={PERIOD}")
    assert reply.status_code == 200
    for pid in world["kids"]["A"]:
        assert pid in reply.text
    assert world["kids"]["B"][0] not in reply.text
    assert "outside your access" in reply.text
    with Session(engine) as s:
        entry = s.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.username == world["users"]["worker"])
            .order_by(AccessLogEntry.id.desc())
        ).first()
    assert entry.action == "list" and "FD1" in entry.detail
    assert all(pid in entry.detail for pid in world["kids"]["A"])
    assert world["kids"]["B"][0] not in entry.detail
    councillor = client(engine, world, "councillor")
    assert councillor.get(f"/performance/measures/FD1/children?period={PERIOD}").status_code == 403
    assert councillor.get("/api/performance/measures/FD1/children").status_code == 403


def test_setting_a_target_gives_the_scorecard_its_rating(engine, world):
    officer = client(engine, world, "perf")
    token = csrf_from(officer.get("/performance/targets").text)
    empty = officer.post("/performance/targets", data={"csrf_token": token})
    assert empty.status_code == 422 and "Select the measure" in empty.text
    bad = officer.post(
        "/performance/targets",
        data={"csrf_token": token, "measure_id": "FD2", "year": "2025", "target": "lots",
              "tolerance": "2"},
    )  # fmt: skip
    assert bad.status_code == 422 and "Target must be a number" in bad.text
    assert 'value="lots"' in bad.text  # the form keeps what was typed
    good = officer.post(
        "/performance/targets",
        data={"csrf_token": token, "measure_id": "FD1", "year": "2025", "target": "1000",
              "tolerance": "10", "better": "higher"},
    )  # fmt: skip
    assert good.status_code == 303
    measure = fd1(officer.get(f"/api/performance/scorecard?period={PERIOD}").json())
    assert measure["target"]["target"] == 1000 and measure["rag"] == "red"
    councillor = client(engine, world, "councillor")
    assert councillor.get("/performance/targets").status_code == 403
    refused = councillor.post(
        "/api/performance/targets",
        headers={"X-CSRF-Token": csrf_from(councillor.get("/").text)},
        json={"measure_id": "FD1", "year": 2025, "target": 1, "tolerance": 0},
    )
    assert refused.status_code == 403


def _imports(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(ComparatorImport))


def test_comparator_upload_is_all_or_nothing(engine, world):
    officer = client(engine, world, "perf")
    token = csrf_from(officer.get("/performance/comparators").text)
    before = _imports(engine)
    good = DEMO_FILES[0].read_bytes()
    lines = good.splitlines()
    cells = lines[1].split(b",")
    cells[11] = b"lots"  # re_referrals_percent of the first row
    bad = b"\n".join([lines[0], b",".join(cells), *lines[2:]]) + b"\n"
    reply = officer.post(
        "/performance/comparators",
        data={"csrf_token": token},
        files=[("files", ("good.csv", good, "text/csv")), ("files", ("bad.csv", bad, "text/csv"))],
    )
    assert reply.status_code == 422
    assert "bad.csv, row 2, column re_referrals_percent" in reply.text
    assert _imports(engine) == before
    reply = officer.post(
        "/performance/comparators",
        data={"csrf_token": token, "la_code": "990"},
        files=[("files", (p.name, p.read_bytes(), "text/csv")) for p in DEMO_FILES],
    )
    assert reply.status_code == 200 and "Illustrative" in reply.text
    assert _imports(engine) == before + 2
    trends.CACHE.clear()
    page = officer.get(f"/performance?period={PERIOD}").text
    assert "illustrative" in page


def test_drift_and_data_quality_counts_for_all_lists_for_those_who_see_children(engine, world):
    councillor = client(engine, world, "councillor")
    assert councillor.get("/performance/drift").status_code == 200
    assert councillor.get("/performance/data-quality").status_code == 200
    assert councillor.get("/performance/drift/unallocated").status_code == 403
    worker = client(engine, world, "worker")
    assert worker.get("/performance/drift/unallocated").status_code == 200
    assert worker.get("/performance/data-quality/future_dates").status_code == 200
    assert worker.get("/performance/drift/nonsense").status_code == 404
    with Session(engine) as s:
        details = s.scalars(
            select(AccessLogEntry.detail).where(
                AccessLogEntry.username == world["users"]["worker"], AccessLogEntry.action == "list"
            )
        ).all()
    assert any(d.startswith("drift unallocated") for d in details)
    assert any(d.startswith("data quality future_dates") for d in details)


def test_drift_counts_are_kept_a_few_minutes_then_read_afresh(engine, world):
    officer = client(engine, world, "perf")
    drift.COUNTS_CACHE.clear()
    before = officer.get("/api/performance/drift").json()["unallocated"]
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as s:  # a child open to social care with no worker
        s.add(Person(pers_person_id=f"KU-{tag}", pers_forename="Perf", pers_surname="U",
                     pers_dob=date(2016, 1, 1)))  # fmt: skip
        s.flush()
        s.add(CinEpisode(cine_referral_id=f"RU-{tag}", cine_person_id=f"KU-{tag}",
                         cine_referral_date=date(2025, 1, 6)))  # fmt: skip
        s.commit()
    assert officer.get("/api/performance/drift").json()["unallocated"] == before  # kept
    drift.COUNTS_CACHE.clear()
    assert officer.get("/api/performance/drift").json()["unallocated"] == before + 1


def test_publishing_a_pack_and_reading_it_back(engine, world):
    officer = client(engine, world, "perf")
    form = officer.get(f"/performance/packs/new?period={PERIOD}")
    assert form.status_code == 200 and "Contacts received" in form.text
    token = csrf_from(form.text)
    reply = officer.post(
        "/performance/packs",
        data={"csrf_token": token, "period": PERIOD, "title": "Q3 performance",
              "commentary_summary": "A steady quarter."},
    )  # fmt: skip
    assert reply.status_code == 303
    pack_url = reply.headers["location"]
    councillor = client(engine, world, "councillor")
    page = councillor.get(pack_url)
    assert page.status_code == 200 and "A steady quarter." in page.text
    pdf = councillor.get(f"{pack_url}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert councillor.get(f"{pack_url}/pdf").content == pdf.content  # regenerates identically
    stored = councillor.get("/api" + pack_url).json()
    assert stored["figures"]["suppressed"] is True
    assert fd1(stored["figures"])["value"] not in (1, 2, 3, 4)
    again = officer.post(
        "/performance/packs",
        data={"csrf_token": token, "period": PERIOD, "title": "Q3 performance"},
    )
    assert again.status_code == 422 and "already published" in again.text
    assert councillor.post("/performance/packs", data={"csrf_token": token}).status_code == 403
    assert councillor.get("/performance/packs/999999/pdf").status_code == 404
