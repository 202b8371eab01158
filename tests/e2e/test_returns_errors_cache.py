"""/returns/errors keeps today's open errors a few minutes, says when they were
worked out, and has a "recompute" button (POST, CSRF)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import Person
from casebook.record.unit_of_work import UnitOfWork
from casebook.returns import continuous
from tests.e2e.webkit import csrf_from, make_user, signed_in


@pytest.fixture
def counted(monkeypatch):
    """How often the open errors are worked out (the real work still runs)."""
    calls: list[int] = []
    real = continuous.open_errors

    def counting(session, today, year=None):
        calls.append(year)
        return real(session, today, year)

    continuous.forget_open_errors()
    monkeypatch.setattr(continuous, "open_errors", counting)
    yield calls
    continuous.forget_open_errors()


@pytest.fixture(scope="module")
def officer(engine):
    return signed_in(engine, make_user(engine, "performance_officer"))


def test_the_page_is_kept_and_says_when_it_was_worked_out(officer, counted) -> None:
    first = officer.get("/returns/errors", params={"year": "2025"})
    assert first.status_code == 200
    assert "Worked out at" in first.text and "Recompute now" in first.text
    again = officer.get("/returns/errors", params={"year": "2025", "rule": "440"})
    assert again.status_code == 200
    assert counted == [2025]  # the rule's drill-down used what was kept
    officer.get("/returns/errors", params={"year": "2024"})
    assert counted == [2025, 2024]  # another year is worked out on its own


def test_recompute_works_it_out_again_and_goes_back(officer, counted) -> None:
    page = officer.get("/returns/errors", params={"year": "2025", "rule": "440"})
    reply = officer.post(
        "/returns/errors/recompute",
        data={"csrf_token": csrf_from(page.text), "year": "2025", "rule": "440"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert reply.headers["location"] == "/returns/errors?year=2025&rule=440"
    assert counted == [2025, 2025]
    officer.get(reply.headers["location"])
    assert counted == [2025, 2025]  # the fresh result is the one kept
    # a bad year is this year's, never a 500
    bad = officer.post(
        "/returns/errors/recompute",
        data={"csrf_token": csrf_from(page.text), "year": "20x5"},
        follow_redirects=False,
    )
    assert bad.status_code == 303 and bad.headers["location"] == "/returns/errors"


def test_recompute_needs_the_csrf_token_and_the_returns_role(engine, officer, counted) -> None:
    refused = officer.post("/returns/errors/recompute", data={"year": "2025"})
    assert refused.status_code in (400, 403)
    worker = signed_in(engine, make_user(engine, "social_worker"))
    page = worker.get("/")
    reply = worker.post(
        "/returns/errors/recompute", data={"csrf_token": csrf_from(page.text), "year": "2025"}
    )
    assert reply.status_code == 403
    assert counted == []


def test_a_change_to_the_record_or_the_time_passing_works_it_out_again(
    engine, officer, counted, monkeypatch
) -> None:
    officer.get("/returns/errors", params={"year": "2025"})
    with Session(engine) as s:
        services.create(
            UnitOfWork(session=s),
            Person,
            {"pers_sex": "F", "pers_dob": date(2015, 1, 1)},
            services.Actor("cache-test"),
        )
    officer.get("/returns/errors", params={"year": "2025"})
    assert counted == [2025, 2025]
    monkeypatch.setattr(continuous, "CACHE_SECONDS", 0)
    officer.get("/returns/errors", params={"year": "2025"})
    assert counted == [2025, 2025, 2025]
