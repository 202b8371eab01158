"""Finding a child, as a page and in the JSON API: only the children the user may
see, every search logged with the ids shown and never what was typed.

The set-up helpers (a team, its worker, an allocated child) are the child
record tests'.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from casebook.access.log import read_log
from tests.e2e.test_web_children import caseload, new_child, unique_surname
from tests.e2e.webkit import make_user, signed_in


def searches_by(engine, username: str):
    with Session(engine) as s:
        return [e for e in read_log(s, username=username) if e.action == "search"]


def test_a_search_finds_the_workers_children_however_spelled(engine):
    c = caseload(engine, forename="Katherine", dob="2015-03-09", postcode="FE3 9QT")
    worker = signed_in(engine, c.worker)

    page = worker.get("/search")
    assert page.status_code == 200
    assert 'name="dob-day"' in page.text and "No children found" not in page.text

    found = worker.get("/search", params={"name": f"Catherine {c.surname}"})
    assert found.status_code == 200, found.text
    row = re.search(
        rf'<tr class="govuk-table__row">\s*<td[^>]*>\s*<a[^>]*href="/children/{c.child}".*?</tr>',
        found.text,
        re.S,
    )
    assert row, found.text
    for shown in (
        f"Katherine {c.surname}",
        "9 Mar 2015",
        "Female",
        "FE3 9QT",
        "forename sounds the same",
    ):
        assert shown in row.group(0), shown
    assert "1 child found" in found.text
    assert 'value="Catherine ' in found.text  # the search box keeps what was typed

    by_dob = worker.get("/search", params={"dob-day": "9", "dob-month": "3", "dob-year": "2015"})
    assert f'href="/children/{c.child}"' in by_dob.text
    by_id = worker.get("/search", params={"person_id": c.child})
    assert f'href="/children/{c.child}"' in by_id.text


def test_a_search_shows_only_the_children_the_user_may_see(engine):
    mine = caseload(engine)
    theirs = caseload(engine, surname=mine.surname)
    unallocated = new_child(engine, surname=mine.surname)
    worker = signed_in(engine, mine.worker)
    found = worker.get("/search", params={"name": mine.surname})
    assert f'href="/children/{mine.child}"' in found.text
    assert theirs.child not in found.text and unallocated not in found.text
    by_id = worker.get("/search", params={"person_id": theirs.child})
    assert "No children found" in by_id.text
    assert f'href="/children/{theirs.child}"' not in by_id.text

    api = worker.get("/api/children/search", params={"name": mine.surname})
    assert [h["person_id"] for h in api.json()] == [mine.child]


def test_every_search_is_logged_without_what_was_typed(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    typed = f"Wren {c.surname}"
    worker.get("/search", params={"name": typed})
    worker.get("/search", params={"name": unique_surname()})
    worker.get("/api/children/search", params={"name": typed, "dob": "2016-05-04"})

    entries = searches_by(engine, c.worker)
    assert [e.detail for e in entries] == [
        f"search: 1 result: {c.child}",
        "search: 0 results",
        f"search: 1 result: {c.child}",
    ]
    for entry in entries:
        assert entry.person_id is None and entry.allowed
        assert c.surname not in entry.detail and "Wren" not in entry.detail
        assert "2016" not in entry.detail


def test_a_search_with_nothing_or_a_bad_date_says_what_is_wrong(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)
    empty = worker.get("/search", params={"name": "", "person_id": ""})
    assert empty.status_code == 422
    assert "Enter a name, a date of birth or a person ID" in empty.text
    assert '<p id="name-error"' in empty.text

    bad = worker.get(
        "/search", params={"name": "Wren", "dob-day": "30", "dob-month": "2", "dob-year": "2016"}
    )
    assert bad.status_code == 422
    assert "Date of birth must be a real date" in bad.text
    assert 'value="Wren"' in bad.text and 'value="30"' in bad.text
    too_long = worker.get("/search", params={"name": "x" * 201})
    assert too_long.status_code == 422 and "200 characters or fewer" in too_long.text
    assert searches_by(engine, c.worker) == []  # refused searches are not made
    nul = worker.get("/search", params={"name": f"Wren\x00{c.surname}"})
    assert nul.status_code == 200  # a page takes the text without its NUL


def test_the_search_api_answers_422_naming_the_field(engine):
    c = caseload(engine)
    worker = signed_in(engine, c.worker)

    def fields(params):
        reply = worker.get("/api/children/search", params=params)
        assert reply.status_code == 422, (params, reply.text)
        return {e["field"] for e in reply.json()["errors"]}

    assert fields({}) == {"name"}
    assert fields({"name": "a\x00b"}) == {"name"}
    assert fields({"dob": "2016-02-30"}) == {"dob"}
    assert fields({"dob": "yesterday"}) == {"dob"}
    assert fields({"person_id": "x\x00"}) == {"person_id"}
    assert fields({"name": "x" * 201}) == {"name"}
    assert searches_by(engine, c.worker) == []


def test_search_needs_the_search_permission(engine):
    for role in ("councillor", "partner", "scrutiny_officer", "administrator", "auditor"):
        client = signed_in(engine, make_user(engine, role))
        assert client.get("/search").status_code == 403, role
        assert client.get("/api/children/search?name=Wren").status_code == 403, role
    officer = signed_in(engine, make_user(engine, "performance_officer"))
    assert officer.get("/search").status_code == 200
