"""The public site after the scrutiny review, over HTTP: a minute of an exempt
agenda item never shows even with its own box unticked; "you said, we did"
never shows a private meeting's business; and the officer's edit form keeps a
recommendation a recommendation when saved as it was pre-filled."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from casebook.scrutiny import actions, agenda, bodies, meetings, minutes
from tests.e2e.webkit import client_for, csrf_from, make_user, signed_in

OFFICER = "public-fixes-test"
SECRET = "Residential provider negotiation"
SECRET_DEED = "Renegotiated the secret contract"
PRIVATE_DEED = "Briefed the private group"
PUBLIC_DEED = "Published the sufficiency plan"


def _done_action(db, key: str, response: str) -> None:
    action = actions.create_action(
        db,
        resolution_key=key,
        description="Follow up",
        owner="Director",
        due_date=date.today(),
        actor=OFFICER,
    )
    actions.update_action(db, action.id, status="done", response=response, actor=OFFICER)


@pytest.fixture(scope="module")
def site(engine):
    tag = uuid.uuid4().hex[:6]
    held = date.today() - timedelta(days=40)
    with Session(engine) as db:
        panel = bodies.create_body(
            db, name=f"Fixes Panel {tag}", kind="scrutiny_panel", actor=OFFICER
        )
        meeting = meetings.create_meeting(db, panel.id, meeting_date=held, actor=OFFICER)
        agenda.add_item(db, meeting.id, {"number": 1, "title": "Sufficiency"}, actor=OFFICER)
        agenda.add_item(
            db,
            meeting.id,
            {"number": 2, "title": SECRET, "exempt": True, "exempt_reason": "Paragraph 3"},
            actor=OFFICER,
        )
        draft = minutes.start(db, meeting.id, actor=OFFICER)
        open_entry = minutes.add_item(
            db,
            draft.id,
            number=1,
            title="Sufficiency",
            resolutions="Publish the plan.",
            actor=OFFICER,
        )
        secret_entry = minutes.add_item(  # the box left unticked
            db, draft.id, number=2, title=SECRET, resolutions="Renegotiate.", actor=OFFICER
        )
        minutes.approve(db, draft.id, actor=OFFICER)
        _done_action(db, open_entry.resolutions[0].key, PUBLIC_DEED)
        _done_action(db, secret_entry.resolutions[0].key, SECRET_DEED)

        group = bodies.create_body(db, name=f"Fixes Group {tag}", kind="group", actor=OFFICER)
        private = meetings.create_meeting(
            db, group.id, meeting_date=held, public=False, actor=OFFICER
        )
        private_draft = minutes.start(db, private.id, actor=OFFICER)
        private_entry = minutes.add_item(
            db,
            private_draft.id,
            number=1,
            title="Group business",
            resolutions="Brief us.",
            actor=OFFICER,
        )
        minutes.approve(db, private_draft.id, actor=OFFICER)
        _done_action(db, private_entry.resolutions[0].key, PRIVATE_DEED)

        later = meetings.create_meeting(
            db, panel.id, meeting_date=date.today() + timedelta(days=10), actor=OFFICER
        )
        edit_draft = minutes.start(db, later.id, actor=OFFICER)
        edit_entry = minutes.add_item(
            db,
            edit_draft.id,
            number=3,
            title="Fees",
            resolutions="The panel noted the report.\nRecommendation: Cabinet to review fees.",
            actor=OFFICER,
        )
        ids = {"meeting": meeting.id, "later": later.id, "edit_item": edit_entry.item.id}
    return ids


def test_an_exempt_agenda_items_minute_never_shows_on_the_public_minutes(engine, site):
    page = client_for(engine).get(f"/public/meetings/{site['meeting']}/minutes")
    assert page.status_code == 200
    assert "Sufficiency" in page.text and "Publish the plan" in page.text
    assert SECRET not in page.text and "Renegotiate" not in page.text


def test_you_said_we_did_shows_no_private_or_exempt_business(engine, site):
    page = client_for(engine).get("/public/you-said-we-did")
    assert page.status_code == 200
    assert PUBLIC_DEED in page.text
    assert PRIVATE_DEED not in page.text and SECRET_DEED not in page.text


def test_saving_the_edit_form_as_pre_filled_keeps_a_recommendation(engine, site):
    officer = signed_in(engine, make_user(engine, "scrutiny_officer"))
    page = officer.get(f"/scrutiny/meetings/{site['later']}")
    assert page.status_code == 200
    fields = {}
    for name in ("mi3-title", "mi3-narrative", "mi3-resolutions"):
        match = re.search(rf'<(?:textarea|input)[^>]*name="{name}"[^>]*>', page.text)
        assert match, name
        if match.group(0).startswith("<textarea"):
            body = page.text[match.end() : page.text.index("</textarea>", match.end())]
            fields[name] = html.unescape(body).strip("\n")
        else:
            fields[name] = html.unescape(re.search(r'value="([^"]*)"', match.group(0)).group(1))
    assert "Recommendation: Cabinet to review fees." in fields["mi3-resolutions"]
    reply = officer.post(
        f"/scrutiny/minute-items/{site['edit_item']}",
        data={"csrf_token": csrf_from(page.text), **fields},
    )
    assert reply.status_code == 303, reply.text[:2000]
    with Session(engine) as db:
        (entry,) = [
            e
            for e in minutes.entries(db, minutes.current(db, site["later"]).id)
            if e.item.id == site["edit_item"]
        ]
        assert [(r.text, r.recommendation) for r in entry.resolutions] == [
            ("The panel noted the report.", False),
            ("Cabinet to review fees.", True),
        ]
