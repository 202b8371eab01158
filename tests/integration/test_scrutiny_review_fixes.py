"""What a review of scrutiny found, fixed (SQLite and PostgreSQL): a minute of
an exempt agenda item is exempt whatever its own box says; "you said, we did"
shows only a public meeting's approved, open business; the quorum and the roll
know who was a member on the day; the agenda deadline is the registry's
``agenda_publication`` timescale; an edited recommendation stays one; minutes
are approved at a later meeting of the same body; a resolution can be overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid
from casebook.record.local_standards import set_local_standard
from casebook.record.services import Actor
from casebook.record.timescales.registry import load_timescales
from casebook.record.unit_of_work import UnitOfWork
from casebook.scrutiny import actions, agenda, bodies, meetings, minutes, roll

OFFICER = "scrutiny-review-test"
DAY = date(2031, 3, 12)  # a Wednesday


def _body(db, name="Review Panel", quorum=2):
    return bodies.create_body(db, name=name, kind="scrutiny_panel", quorum=quorum, actor=OFFICER)


def _meeting(db, body, day=DAY, public=True):
    return meetings.create_meeting(db, body.id, meeting_date=day, public=public, actor=OFFICER)


def _approved_minutes_with_action(db, meeting, *, number=1, exempt=False):
    """Approved minutes with one resolution whose action is done."""
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db,
        draft.id,
        number=number,
        title="Placements",
        resolutions="Report back on placements.",
        exempt=exempt,
        actor=OFFICER,
    )
    minutes.approve(db, draft.id, actor=OFFICER)
    action = actions.create_action(
        db,
        resolution_key=entry.resolutions[0].key,
        description="Report",
        owner="Director",
        due_date=meeting.meeting_date + timedelta(days=30),
        actor=OFFICER,
    )
    actions.update_action(db, action.id, status="done", response="Reported", actor=OFFICER)
    return draft, entry, action


def _said(db) -> set[str]:
    return {a.id for a in actions.you_said_we_did(db)}


# --------------------------------------------------------------------------- 1. exempt minutes


def test_a_minute_of_an_exempt_agenda_item_is_exempt_whatever_its_box_says(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    agenda.add_item(db, meeting.id, {"number": 1, "title": "Open item"}, actor=OFFICER)
    agenda.add_item(
        db,
        meeting.id,
        {"number": 2, "title": "Contract", "exempt": True, "exempt_reason": "Paragraph 3"},
        actor=OFFICER,
    )
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    open_entry = minutes.add_item(db, draft.id, number=1, title="Open item", actor=OFFICER)
    secret = minutes.add_item(db, draft.id, number=2, title="Contract", actor=OFFICER)
    assert secret.exempt and secret.item.exempt  # box unticked, agenda item exempt
    assert not open_entry.exempt
    # unticking never makes it public; ticking an open item makes it exempt, and back
    assert minutes.update_item(db, secret.item.id, exempt=False, actor=OFFICER).exempt
    assert minutes.update_item(db, open_entry.item.id, exempt="Y", actor=OFFICER).exempt
    assert not minutes.update_item(db, open_entry.item.id, exempt="", actor=OFFICER).exempt
    public = minutes.entries(db, draft.id, include_exempt=False)
    assert [e.item.number for e in public] == [1]
    assert [(e.item.number, e.exempt) for e in minutes.entries(db, draft.id)] == [
        (1, False),
        (2, True),
    ]


def test_an_agenda_item_made_exempt_later_hides_its_approved_minute(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    item = agenda.add_item(db, meeting.id, {"number": 4, "title": "Provider"}, actor=OFFICER)
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    minutes.add_item(db, draft.id, number=4, title="Provider", actor=OFFICER)
    minutes.approve(db, draft.id, actor=OFFICER)
    assert len(minutes.entries(db, draft.id, include_exempt=False)) == 1
    agenda.update_item(db, item.id, {"exempt": True, "exempt_reason": "Para 3"}, actor=OFFICER)
    assert minutes.entries(db, draft.id, include_exempt=False) == []  # worked out when read
    # a correction carries the exemption forward and may change the item's own flag
    copy = minutes.correct(db, draft.id, reason="Exempt", actor=OFFICER)
    (entry,) = minutes.entries(db, copy.id)
    assert entry.item.exempt and entry.exempt


def test_a_correction_can_make_a_minute_exempt(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    minutes.add_item(db, draft.id, number=1, title="Names", actor=OFFICER)
    minutes.approve(db, draft.id, actor=OFFICER)
    copy = minutes.correct(db, draft.id, reason="Named a family", actor=OFFICER)
    (entry,) = minutes.entries(db, copy.id)
    minutes.update_item(db, entry.item.id, exempt=True, actor=OFFICER)
    minutes.approve(db, copy.id, actor=OFFICER)
    assert minutes.entries(db, copy.id, include_exempt=False) == []
    assert len(minutes.entries(db, draft.id, include_exempt=False)) == 1  # version 1 as it was


# --------------------------------------------------------------------------- 2. you said, we did


def test_you_said_we_did_needs_a_public_meeting_and_approved_minutes(db_session):
    db = db_session
    body = _body(db)
    private = _meeting(db, body, public=False)
    _, _, hidden = _approved_minutes_with_action(db, private)
    assert hidden.public and not hidden.exempt  # the action's own flags would let it through
    assert hidden.id not in _said(db)

    public = _meeting(db, body, day=DAY + timedelta(days=28))
    draft = minutes.start(db, public.id, actor=OFFICER)
    entry = minutes.add_item(
        db, draft.id, number=1, title="Visits", resolutions="Visit more.", actor=OFFICER
    )
    action = actions.create_action(
        db,
        resolution_key=entry.resolutions[0].key,
        description="Visit",
        owner="Head of service",
        due_date=DAY,
        actor=OFFICER,
    )
    actions.update_action(db, action.id, status="done", response="Visited", actor=OFFICER)
    assert action.id not in _said(db)  # the minutes are a draft
    minutes.approve(db, draft.id, actor=OFFICER)
    assert action.id in _said(db)


def test_you_said_we_did_works_out_exemption_when_read(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    item = agenda.add_item(db, meeting.id, {"number": 1, "title": "Placements"}, actor=OFFICER)
    _, _, action = _approved_minutes_with_action(db, meeting)
    assert action.id in _said(db)
    agenda.update_item(db, item.id, {"exempt": True, "exempt_reason": "Para 1"}, actor=OFFICER)
    assert action.id not in _said(db)


def test_a_public_request_to_a_body_still_shows(db_session):
    db = db_session
    body = _body(db)
    request = actions.create_action(
        db,
        body_id=body.id,
        asked="A briefing on SEND",
        description="Brief",
        owner="Head of SEND",
        due_date=DAY,
        actor=OFFICER,
    )
    actions.update_action(db, request.id, status="done", response="Briefed", actor=OFFICER)
    assert request.id in _said(db)


# --------------------------------------------------------------------------- 3. quorum and terms


def test_the_roll_refuses_someone_not_a_member_on_the_day(db_session):
    db = db_session
    body = _body(db)
    former = bodies.add_member(
        db,
        body.id,
        name="Fen Former",
        role="member",
        term_end=DAY - timedelta(days=1),
        actor=OFFICER,
    )
    future = bodies.add_member(
        db,
        body.id,
        name="Nia Newcomer",
        role="member",
        term_start=DAY + timedelta(days=1),
        actor=OFFICER,
    )
    current = bodies.add_member(
        db, body.id, name="Cal Current", role="member", term_end=DAY, actor=OFFICER
    )
    meeting = _meeting(db, body)
    for member in (former, future):
        with pytest.raises(Invalid) as caught:
            roll.record_attendance(
                db,
                meeting.id,
                kind="member",
                member_id=member.id,
                status="present_room",
                actor=OFFICER,
            )
        assert [p.field for p in caught.value.problems] == ["member_id"]
        assert "was not a member" in caught.value.problems[0].message
    with pytest.raises(Invalid) as caught:  # nor stand in for a former member
        roll.record_attendance(
            db,
            meeting.id,
            kind="substitute",
            name="Sam Sub",
            substitute_for_id=former.id,
            status="present_room",
            actor=OFFICER,
        )
    assert [p.field for p in caught.value.problems] == ["substitute_for_id"]
    # a member whose term ends on the meeting day is still a member that day
    roll.record_attendance(
        db, meeting.id, kind="member", member_id=current.id, status="present_room", actor=OFFICER
    )
    roll.record_attendance(
        db,
        meeting.id,
        kind="substitute",
        name="Sam Sub",
        substitute_for_id=current.id,
        status="present_room",
        actor=OFFICER,
    )
    assert roll.quorum(db, meeting.id).counted == ["Cal Current"]


def test_the_quorum_counts_only_members_in_office_on_the_meeting_date(db_session):
    db = db_session
    body = _body(db, quorum=2)
    a = bodies.add_member(db, body.id, name="Ana Able", role="member", actor=OFFICER)
    b = bodies.add_member(db, body.id, name="Ben Bold", role="member", actor=OFFICER)
    c = bodies.add_member(db, body.id, name="Cas Cole", role="member", actor=OFFICER)
    meeting = _meeting(db, body)
    roll.record_attendance(
        db, meeting.id, kind="member", member_id=a.id, status="present_room", actor=OFFICER
    )
    roll.record_attendance(
        db, meeting.id, kind="member", member_id=b.id, status="present_room", actor=OFFICER
    )
    roll.record_attendance(
        db,
        meeting.id,
        kind="substitute",
        name="Sam Sub",
        substitute_for_id=c.id,
        status="present_room",
        actor=OFFICER,
    )
    assert roll.quorum(db, meeting.id).present == 3
    # their terms turn out to have ended before the meeting (recorded late)
    bodies.end_term(db, b.id, on=DAY - timedelta(days=7), actor=OFFICER)
    bodies.end_term(db, c.id, on=DAY - timedelta(days=7), actor=OFFICER)
    quorum = roll.quorum(db, meeting.id)
    assert quorum.counted == ["Ana Able"] and not quorum.quorate


# ---------------------------------------------------------------------- 4. one deadline setting


def test_the_deadline_follows_the_agenda_publication_timescale(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    calendar = WorkingCalendar.from_session(db)
    assert meetings.clear_days_setting(db) == load_timescales(db)["agenda_publication"].amount
    set_local_standard(UnitOfWork(session=db), "agenda_publication", 5, "working_days", Actor("t"))
    five = meetings.deadline_status(db, meeting, DAY - timedelta(days=30), calendar)
    set_local_standard(UnitOfWork(session=db), "agenda_publication", 8, "working_days", Actor("t"))
    eight = meetings.deadline_status(db, meeting, DAY - timedelta(days=30), calendar)
    assert five.clear_days == 5 and eight.clear_days == 8
    assert eight.deadline == calendar.add_working_days(five.deadline, -3)
    # scrutiny's own setting writes the same timescale
    assert meetings.set_clear_days(db, 6, actor=OFFICER) == 6
    timescale = load_timescales(db)["agenda_publication"]
    assert (timescale.amount, timescale.unit) == (6, "working_days")
    assert meetings.deadline_status(db, meeting, DAY, calendar).clear_days == 6


# --------------------------------------------------------------------------- 5. edit round trip


def test_an_edit_round_trip_keeps_a_recommendation_a_recommendation(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db,
        draft.id,
        number=1,
        title="Fees",
        resolutions="The panel noted the report.\nRecommendation: Cabinet to review fees.",
        actor=OFFICER,
    )
    lines = entry.resolution_lines
    assert lines == "The panel noted the report.\nRecommendation: Cabinet to review fees."
    again = minutes.update_item(db, entry.item.id, resolutions=lines, actor=OFFICER)
    assert [(r.text, r.recommendation) for r in again.resolutions] == [
        ("The panel noted the report.", False),
        ("Cabinet to review fees.", True),
    ]


# --------------------------------------------------------------------------- 6. minor


def test_minutes_are_approved_at_a_later_meeting_of_the_same_body(db_session):
    db = db_session
    body = _body(db)
    other = _body(db, name="Other Panel")
    meeting = _meeting(db, body)
    earlier = _meeting(db, body, day=DAY - timedelta(days=28))
    elsewhere = _meeting(db, other, day=DAY + timedelta(days=28))
    later = _meeting(db, body, day=DAY + timedelta(days=28))
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    minutes.add_item(db, draft.id, number=1, title="Item", actor=OFFICER)
    for wrong in (earlier, elsewhere, meeting):
        with pytest.raises(Invalid) as caught:
            minutes.approve(db, draft.id, at_meeting_id=wrong.id, actor=OFFICER)
        assert [p.field for p in caught.value.problems] == ["at_meeting_id"]
    approved = minutes.approve(db, draft.id, at_meeting_id=later.id, actor=OFFICER)
    assert approved.approved_at_meeting_id == later.id


def test_a_resolution_with_an_open_action_past_due_is_overdue(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db, draft.id, number=1, title="Item", resolutions="Do it.", actor=OFFICER
    )
    key = entry.resolutions[0].key
    assert actions.resolution_status(db, key) == "no action"
    action = actions.create_action(
        db, resolution_key=key, description="Do", owner="Lead", due_date=DAY, actor=OFFICER
    )
    assert actions.resolution_status(db, key, DAY) == "open"
    assert actions.resolution_status(db, key, DAY + timedelta(days=1)) == "overdue"
    actions.update_action(db, action.id, status="done", response="Done", actor=OFFICER)
    assert actions.resolution_status(db, key, DAY + timedelta(days=1)) == "done"


def test_editing_a_drafts_resolutions_keeps_keys_and_lines_with_actions(db_session):
    db = db_session
    meeting = _meeting(db, _body(db))
    draft = minutes.start(db, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db, draft.id, number=2, title="Item", resolutions="One.\nTwo.\nThree.", actor=OFFICER
    )
    keys = [r.key for r in entry.resolutions]
    shorter = minutes.update_item(db, entry.item.id, resolutions="One!\nTwo!", actor=OFFICER)
    assert [(r.key, r.text) for r in shorter.resolutions] == [(keys[0], "One!"), (keys[1], "Two!")]
    actions.create_action(
        db, resolution_key=keys[1], description="Do", owner="Lead", due_date=DAY, actor=OFFICER
    )
    with pytest.raises(Invalid) as caught:
        minutes.update_item(db, entry.item.id, resolutions="One only.", actor=OFFICER)
    assert caught.value.problems[0].field == "resolutions"
    longer = minutes.update_item(db, entry.item.id, resolutions="A\nB\nC", actor=OFFICER)
    assert [r.key for r in longer.resolutions] == keys
