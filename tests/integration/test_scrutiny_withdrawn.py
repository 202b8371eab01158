"""Nothing is deleted from the minutes (SQLite and PostgreSQL): a resolution
line taken out of a draft stays in the database, marked withdrawn, and is no
longer shown (meeting page, public minutes), counted (roll-up) or copied into a
correction; a line an action follows up is still refused."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.e2e.webkit import csrf_from, make_user, signed_in

from casebook.record.errors import Invalid
from casebook.scrutiny import actions, bodies, meetings, minutes
from casebook.scrutiny.models import Resolution

OFFICER = "scrutiny-withdrawn-test"
DAY = date(2030, 9, 11)


def _draft(db, name="Withdrawn Panel"):
    body = bodies.create_body(db, name=name, kind="scrutiny_panel", quorum=2, actor=OFFICER)
    meeting = meetings.create_meeting(db, body.id, meeting_date=DAY, actor=OFFICER)
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db,
        draft.id,
        number=1,
        title="Placements",
        resolutions="Noted.\nRecommendation: Cabinet to act.\nReport back in March.",
        actor=OFFICER,
    )
    return body, meeting, draft, entry


def _rows(db, item_id):
    return list(
        db.scalars(
            select(Resolution)
            .where(Resolution.minute_item_id == item_id)
            .order_by(Resolution.number, Resolution.withdrawn_at.is_not(None))
        )
    )


def test_a_line_taken_out_of_a_draft_is_withdrawn_not_deleted(db_session):
    db = db_session
    body, meeting, draft, entry = _draft(db)
    third_key = entry.resolutions[2].key
    changed = minutes.update_item(
        db, entry.item.id, resolutions="Noted.\nRecommendation: Cabinet to act.", actor=OFFICER
    )
    assert [r.text for r in changed.resolutions] == ["Noted.", "Cabinet to act."]
    rows = _rows(db, entry.item.id)
    assert len(rows) == 3  # the row is still there
    assert rows[2].text == "Report back in March." and rows[2].withdrawn_at is not None
    assert all(r.withdrawn_at is None for r in rows[:2])
    # no longer shown, counted or followed
    shown = minutes.entries(db, draft.id)[0]
    assert [r.number for r in shown.resolutions] == [1, 2]
    assert "Report back in March." not in shown.resolution_lines
    assert len(minutes.resolutions_of_meeting(db, meeting.id)) == 2
    assert minutes.resolution_by_key(db, third_key) is None
    with pytest.raises(Invalid) as caught:
        actions.create_action(
            db,
            resolution_key=third_key,
            description="Report",
            owner="Director",
            due_date=DAY + timedelta(days=30),
            actor=OFFICER,
        )
    assert caught.value.problems[0].field == "resolution_key"
    up = actions.roll_up(db, body.id, "2030-04-01", "2031-03-31", today=date(2030, 10, 1))
    assert (up.resolutions, up.recommendations, len(up.outcomes)) == (2, 1, 2)
    assert all(text != "Report back in March." for _, text, _ in up.outcomes)
    # a line added again at that number is a new row with the same key
    again = minutes.update_item(
        db,
        entry.item.id,
        resolutions="Noted.\nRecommendation: Cabinet to act.\nReport back in May.",
        actor=OFFICER,
    )
    assert [r.text for r in again.resolutions][-1] == "Report back in May."
    assert len(_rows(db, entry.item.id)) == 4
    assert minutes.resolution_by_key(db, third_key).text == "Report back in May."


def test_a_withdrawn_line_is_not_copied_into_a_correction(db_session):
    db = db_session
    _, meeting, draft, entry = _draft(db, "Withdrawn Corrections")
    minutes.update_item(db, entry.item.id, resolutions="Noted.", actor=OFFICER)
    minutes.approve(db, draft.id, actor=OFFICER, on=DAY + timedelta(days=1))
    copy = minutes.correct(db, draft.id, reason="Typo", actor=OFFICER)
    copied = minutes.entries(db, copy.id)[0]
    assert [r.text for r in copied.resolutions] == ["Noted."]
    assert len(_rows(db, copied.item.id)) == 1


def test_a_line_with_an_action_is_still_refused(db_session):
    db = db_session
    _, _, _, entry = _draft(db, "Withdrawn Refusals")
    actions.create_action(
        db,
        resolution_key=entry.resolutions[2].key,
        description="Report",
        owner="Director",
        due_date=DAY + timedelta(days=30),
        actor=OFFICER,
    )
    with pytest.raises(Invalid) as caught:
        minutes.update_item(db, entry.item.id, resolutions="Noted.", actor=OFFICER)
    assert caught.value.problems[0].field == "resolutions"
    rows = _rows(db, entry.item.id)
    assert len(rows) == 3 and all(r.withdrawn_at is None for r in rows)


def _post(client, url, data):
    token = csrf_from(client.get("/scrutiny").text)
    return client.post(url, data={"csrf_token": token, **data})


def test_a_withdrawn_line_is_off_the_meeting_page_and_the_public_minutes(fresh_engine):
    officer = signed_in(fresh_engine, make_user(fresh_engine, "scrutiny_officer"))
    with Session(fresh_engine) as db:
        body, meeting, draft, entry = _draft(db, "Withdrawn Web")
        later = meetings.create_meeting(
            db, body.id, meeting_date=DAY + timedelta(days=28), actor=OFFICER
        )
        meetings.set_state(db, meeting.id, "held", actor=OFFICER)  # so the roll-up counts it
        db.commit()
        meeting_id, item_id, later_id, draft_id = meeting.id, entry.item.id, later.id, draft.id
        body_id = body.id
    reply = _post(
        officer,
        f"/scrutiny/minute-items/{item_id}",
        {
            "mi1-title": "Placements",
            "mi1-resolutions": "Noted.\nRecommendation: Cabinet to act.",
        },
    )
    assert reply.status_code == 303, reply.text[:2000]
    page = officer.get(f"/scrutiny/meetings/{meeting_id}").text
    assert "Cabinet to act." in page and "Report back in March." not in page
    with Session(fresh_engine) as db:
        rows = _rows(db, item_id)
        assert [r.text for r in rows if r.withdrawn_at is not None] == ["Report back in March."]
        minutes.approve(
            db, draft_id, at_meeting_id=later_id, on=DAY + timedelta(days=28), actor=OFFICER
        )
        db.commit()
    public = officer.get(f"/public/meetings/{meeting_id}/minutes")
    assert public.status_code == 200, public.text[:2000]
    assert "Cabinet to act." in public.text and "Report back in March." not in public.text
    roll_up = officer.get(f"/scrutiny/bodies/{body_id}/roll-up?start=2030-04-01&end=2031-03-31")
    assert roll_up.status_code == 200
    assert "Noted." in roll_up.text and "Report back in March." not in roll_up.text
    counted = re.search(r"Resolutions</[^>]+>\s*<[^>]+>\s*(\d+)", roll_up.text)
    assert counted and counted.group(1) == "2", roll_up.text[:3000]
