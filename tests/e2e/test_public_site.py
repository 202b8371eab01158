"""The public site, without signing in: published agendas (frozen: what the
public saw never changes), approved minutes with resolution status, "you said,
we did", the iCalendar feed - and never an exempt (Part 2) item anywhere."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casebook.scrutiny import actions, agenda, bodies, documents, meetings, minutes
from casebook.settings import Settings
from casebook.web.app import create_app

OFFICER = "public-site-test"
SECRET = "Confidential residential contract award"
SECRET_MINUTE = "Negotiation with provider"


@pytest.fixture(scope="module")
def site(engine, tmp_path_factory):
    """A public panel with an open and an exempt item, published; approved minutes
    with an exempt item; an action done; a private board's meeting."""
    data_dir = tmp_path_factory.mktemp("docs")
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as db:
        panel = bodies.create_body(
            db, name=f"Public Panel {tag}", kind="scrutiny_panel", actor=OFFICER
        )
        day = date.today() + timedelta(days=20)
        meeting = meetings.create_meeting(
            db, panel.id, meeting_date=day, start_time="18:00", venue="Civic Hall", actor=OFFICER
        )
        open_item = agenda.add_item(
            db, meeting.id, {"number": 1, "title": "Fostering sufficiency"}, actor=OFFICER
        )
        secret = agenda.add_item(
            db,
            meeting.id,
            {"number": 2, "title": SECRET, "exempt": True, "exempt_reason": "Paragraph 3"},
            actor=OFFICER,
        )
        open_doc = documents.attach(
            db,
            open_item.id,
            title="Open report",
            filename="open.pdf",
            data=b"%PDF-1.4 open",
            data_dir=data_dir,
            actor=OFFICER,
        )
        secret_doc = documents.attach(
            db,
            secret.id,
            title="Secret report",
            filename="secret.pdf",
            data=b"%PDF-1.4 secret",
            data_dir=data_dir,
            actor=OFFICER,
        )
        agenda.publish(db, meeting.id, actor=OFFICER)
        agenda.update_item(
            db, open_item.id, {"title": "Fostering sufficiency (revised)"}, actor=OFFICER
        )

        held = meetings.create_meeting(
            db, panel.id, meeting_date=date.today() - timedelta(days=30), actor=OFFICER
        )
        draft = minutes.start(db, held.id, actor=OFFICER)
        entry = minutes.add_item(
            db,
            draft.id,
            number=4,
            title="Foster carer recruitment",
            narrative="The panel asked about recruitment.",
            resolutions="Cabinet to fund a campaign.",
            actor=OFFICER,
        )
        hidden = minutes.add_item(
            db,
            draft.id,
            number=5,
            title=SECRET_MINUTE,
            exempt=True,
            resolutions="Proceed with the secret option.",
            actor=OFFICER,
        )
        minutes.approve(db, draft.id, actor=OFFICER)
        done = actions.create_action(
            db,
            resolution_key=entry.resolutions[0].key,
            description="Take to Cabinet",
            owner="Director",
            due_date=date.today(),
            actor=OFFICER,
        )
        actions.update_action(
            db, done.id, status="done", response="Cabinet agreed the campaign", actor=OFFICER
        )
        secret_action = actions.create_action(
            db,
            resolution_key=hidden.resolutions[0].key,
            description="Sign it",
            owner="Director",
            due_date=date.today(),
            actor=OFFICER,
        )
        actions.update_action(
            db, secret_action.id, status="done", response="Signed the secret deal", actor=OFFICER
        )

        board = bodies.create_body(db, name=f"Private Group {tag}", kind="group", actor=OFFICER)
        private = meetings.create_meeting(
            db, board.id, meeting_date=day, public=False, actor=OFFICER
        )
        agenda.add_item(db, private.id, {"number": 1, "title": "Private business"}, actor=OFFICER)
        agenda.publish(db, private.id, actor=OFFICER)
        ids = {
            "meeting": meeting.id,
            "held": held.id,
            "private": private.id,
            "open_item": open_item.id,
            "open_doc": open_doc.id,
            "secret_doc": secret_doc.id,
            "panel": panel.name,
        }
    client = TestClient(create_app(engine, Settings(data_dir=data_dir)), follow_redirects=False)
    return client, ids, engine


def _everything(client: TestClient, ids) -> str:
    pages = [
        "/public",
        f"/public/meetings/{ids['meeting']}",
        f"/public/meetings/{ids['meeting']}?version=1",
        f"/public/meetings/{ids['held']}/minutes",
        "/public/you-said-we-did",
        "/public/meetings.ics",
    ]
    text = ""
    for url in pages:
        reply = client.get(url)
        assert reply.status_code == 200, url
        text += reply.text
    return text


def test_the_public_pages_need_no_sign_in(site):
    client, ids, _ = site
    reply = client.get("/public")
    assert reply.status_code == 200 and ids["panel"] in reply.text
    assert "Sign out" not in reply.text


def test_exempt_items_never_appear_on_the_public_site_or_in_the_calendar(site):
    client, ids, _ = site
    text = _everything(client, ids)
    for secret in (
        SECRET,
        SECRET_MINUTE,
        "Proceed with the secret option",
        "Signed the secret deal",
        "Secret report",
        ids["secret_doc"],
    ):
        assert secret not in text
    assert "Fostering sufficiency" in text and "Foster carer recruitment" in text
    assert client.get(f"/public/documents/{ids['secret_doc']}").status_code == 404
    open_doc = client.get(f"/public/documents/{ids['open_doc']}")
    assert open_doc.status_code == 200 and open_doc.content == b"%PDF-1.4 open"


def test_private_and_unpublished_meetings_are_not_public(site):
    client, ids, _ = site
    assert client.get(f"/public/meetings/{ids['private']}").status_code == 404
    assert "Private business" not in _everything(client, ids)
    assert client.get("/public/meetings/no-such-meeting").status_code == 404
    assert (
        client.get(f"/public/meetings/{ids['meeting']}/minutes").status_code == 404
    )  # not approved


def test_what_the_public_saw_stays_as_published(site):
    client, ids, engine = site
    page = client.get(f"/public/meetings/{ids['meeting']}").text
    assert "Fostering sufficiency" in page and "(revised)" not in page
    with Session(engine) as db:
        agenda.publish(db, ids["meeting"], reason="Title revised", actor=OFFICER)
    assert (
        "Fostering sufficiency (revised)" in client.get(f"/public/meetings/{ids['meeting']}").text
    )
    first = client.get(f"/public/meetings/{ids['meeting']}?version=1").text
    assert "(revised)" not in first and "Fostering sufficiency" in first


def test_minutes_show_resolution_status_and_you_said_we_did(site):
    client, ids, _ = site
    page = client.get(f"/public/meetings/{ids['held']}/minutes").text
    assert "Cabinet to fund a campaign." in page and ">done<" in page
    said = client.get("/public/you-said-we-did").text
    assert "Cabinet agreed the campaign" in said


def test_the_calendar_feed_is_icalendar(site):
    client, ids, _ = site
    reply = client.get("/public/meetings.ics")
    assert reply.headers["content-type"].startswith("text/calendar")
    body = reply.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:{ids['meeting']}@casebook" in body
    assert f"UID:{ids['private']}@casebook" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_public_index_offers_the_calendar_to_subscribe_to(site):
    client, _, _ = site
    page = client.get("/public").text
    assert 'href="webcal://testserver/public/meetings.ics"' in page
    assert "http://testserver/public/meetings.ics" in page


def test_an_item_made_exempt_after_publication_leaves_every_public_version(site):
    client, ids, engine = site
    with Session(engine) as db:
        item = agenda.add_item(
            db, ids["meeting"], {"number": 9, "title": "Later found exempt"}, actor=OFFICER
        )
        item_id = item.id
        agenda.publish(db, ids["meeting"], reason="Item 9 added", actor=OFFICER)
    assert "Later found exempt" in client.get(f"/public/meetings/{ids['meeting']}").text
    with Session(engine) as db:
        agenda.update_item(db, item_id, {"exempt": True}, actor=OFFICER)
    for url in (
        f"/public/meetings/{ids['meeting']}",
        "/public/meetings.ics",
        *(f"/public/meetings/{ids['meeting']}?version={v}" for v in (1, 2, 3)),
    ):
        reply = client.get(url)
        assert reply.status_code in (200, 404) and "Later found exempt" not in reply.text, url
