"""A body's work programme: topics planned against meetings, each with the nine
tests it was chosen by, its lead author, the council plan priority it serves
and notes; topics moved between meetings (each move kept in the event log);
potential future items (no meeting yet)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.scrutiny.common import Checks, change, flag, get, record_event
from casebook.scrutiny.models import NINE_TESTS, Body, Event, Meeting, WorkProgrammeItem

WP_STATES = ("planned", "considered", "dropped")
TEST_LABELS = {
    "public_interest": "Public interest",
    "cross_cutting_theme": "Link to the cross-cutting theme",
    "value_added": "Value scrutiny adds",
    "evidence": "Evidence",
    "impact": "Impact that can be shown",
    "national_policy": "Change to national policy",
    "city_wide": "City-wide effect",
    "performance": "Performance concerns",
    "safety": "Safety",
}


def read_tests(checks: Checks, value: Any) -> dict[str, bool]:
    """The nine tests as {test: bool}; a list names the tests met."""
    if value in (None, ""):
        return {t: False for t in NINE_TESTS}
    if isinstance(value, list | tuple | set):
        unknown = [v for v in value if v not in NINE_TESTS]
        if unknown:
            checks.add("tests", f"unknown test(s): {', '.join(map(str, unknown))[:200]}")
        return {t: t in value for t in NINE_TESTS}
    if isinstance(value, dict):
        unknown = [k for k in value if k not in NINE_TESTS]
        if unknown:
            checks.add("tests", f"unknown test(s): {', '.join(map(str, unknown))[:200]}")
        return {t: flag(value.get(t)) for t in NINE_TESTS}
    checks.add("tests", "must name the tests met")
    return {t: False for t in NINE_TESTS}


def _meeting_of_body(checks: Checks, db: Session, body: Body, meeting_id: Any) -> Meeting | None:
    if not meeting_id:
        return None
    meeting = db.get(Meeting, str(meeting_id))
    if meeting is None or meeting.body_id != body.id:
        checks.add("meeting_id", "choose one of this body's meetings (or none, for a future item)")
        return None
    return meeting


def add_item(db: Session, body_id: str, values: dict[str, Any], *, actor: str) -> WorkProgrammeItem:
    body = get(db, Body, body_id, "body")
    checks = Checks()
    meeting = _meeting_of_body(checks, db, body, values.get("meeting_id"))
    item = WorkProgrammeItem(
        body_id=body.id,
        meeting_id=meeting.id if meeting else None,
        title=checks.text("title", values.get("title"), limit=1000),
        lead_author=checks.text("lead_author", values.get("lead_author"), required=False),
        priority=checks.text("priority", values.get("priority"), required=False),
        notes=checks.text("notes", values.get("notes"), required=False),
        tests_json=json.dumps(read_tests(checks, values.get("tests"))),
        exempt=flag(values.get("exempt")),
        pre_decision=flag(values.get("pre_decision")),
        state="planned",
    )
    checks.done()
    with change(db):
        db.add(item)
        db.flush()
        record_event(db, actor, "wp_item", item.id, "added", {"meeting": item.meeting_id})
    return item


def move(
    db: Session, item_id: str, *, to_meeting_id: Any, actor: str, reason: Any = None
) -> WorkProgrammeItem:
    """Move a topic to another meeting, or back to the potential future items."""
    item = get(db, WorkProgrammeItem, item_id, "work programme item")
    body = db.get(Body, item.body_id)
    checks = Checks()
    meeting = _meeting_of_body(checks, db, body, to_meeting_id)
    reason = checks.text("reason", reason, required=False, limit=2000)
    checks.done()
    if (meeting.id if meeting else None) == item.meeting_id:
        raise Invalid([Problem("meeting_id", "the item is already planned for that meeting")])
    with change(db):
        before = item.meeting_id
        item.meeting_id = meeting.id if meeting else None
        record_event(
            db,
            actor,
            "wp_item",
            item.id,
            "moved",
            {"from": before, "to": item.meeting_id, "reason": reason},
        )
    return item


def set_state(db: Session, item_id: str, state: Any, *, actor: str) -> WorkProgrammeItem:
    item = get(db, WorkProgrammeItem, item_id, "work programme item")
    checks = Checks()
    state = checks.choice("state", state, WP_STATES)
    checks.done()
    with change(db):
        item.state = state
        record_event(db, actor, "wp_item", item.id, "state", {"state": state})
    return item


def programme(
    db: Session, body_id: str
) -> tuple[list[tuple[Meeting, list[WorkProgrammeItem]]], list[WorkProgrammeItem]]:
    """(meeting, its planned items) in date order, and the potential future items."""
    items = db.scalars(
        select(WorkProgrammeItem)
        .where(WorkProgrammeItem.body_id == body_id, WorkProgrammeItem.state != "dropped")
        .order_by(WorkProgrammeItem.title)
    ).all()
    meetings = db.scalars(
        select(Meeting).where(Meeting.body_id == body_id).order_by(Meeting.meeting_date)
    ).all()
    by_meeting = [(m, [i for i in items if i.meeting_id == m.id]) for m in meetings]
    future = [i for i in items if i.meeting_id is None]
    return [(m, rows) for m, rows in by_meeting if rows or m.state != "cancelled"], future


def tests_met(item: WorkProgrammeItem) -> list[str]:
    tests = json.loads(item.tests_json or "{}")
    return [TEST_LABELS[t] for t in NINE_TESTS if tests.get(t)]


def moves_of(db: Session, item_id: str) -> list[Event]:
    return list(
        db.scalars(
            select(Event)
            .where(Event.entity == "wp_item", Event.entity_id == item_id, Event.what == "moved")
            .order_by(Event.id)
        )
    )
