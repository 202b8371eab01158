"""What the members' and officers' pages show, assembled in one place for the
web pages and the JSON API alike (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.scrutiny import actions as actions_service
from casebook.scrutiny import agenda, bodies, documents, meetings, minutes, reports, roll
from casebook.scrutiny.common import get
from casebook.scrutiny.models import AgendaItem, Body, FollowUpAction, Meeting, Member


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    body: Body
    deadline: meetings.DeadlineStatus


def _rows(db: Session, rows: list[Meeting], today: date) -> list[MeetingRow]:
    calendar = WorkingCalendar.from_session(db)
    names = {b.id: b for b in db.scalars(select(Body))}
    return [
        MeetingRow(m, names[m.body_id], meetings.deadline_status(db, m, today, calendar))
        for m in rows
    ]


def dashboard(db: Session, today: date) -> dict[str, Any]:
    return {
        "bodies": bodies.all_bodies(db),
        "upcoming": _rows(db, meetings.upcoming(db, today), today),
        "overdue": actions_service.overdue(db, today),
        "clear_days": meetings.clear_days_setting(db),
        "body_names": {b.id: b.name for b in db.scalars(select(Body))},
    }


def body_page(db: Session, body_id: str, today: date) -> dict[str, Any]:
    body = get(db, Body, body_id, "body")
    all_members = list(
        db.scalars(select(Member).where(Member.body_id == body.id).order_by(Member.name))
    )
    # a term that ends today is over as far as the list of members goes
    serving = [m for m in bodies.members_on(db, body.id, today) if m.term_end != today]
    return {
        "body": body,
        "related": bodies.related(db, body),
        "members": serving,
        "former": [m for m in all_members if m not in serving],
        "meetings": _rows(db, meetings.meetings_of(db, body.id), today),
        "all_bodies": bodies.all_bodies(db),
    }


def meeting_page(db: Session, meeting_id: str, today: date) -> dict[str, Any]:
    meeting = get(db, Meeting, meeting_id, "meeting")
    body = db.get(Body, meeting.body_id)
    current = minutes.current(db, meeting.id)
    members = bodies.members_on(db, body.id, meeting.meeting_date)
    return {
        "meeting": meeting,
        "body": body,
        "deadline": meetings.deadline_status(db, meeting, today),
        "items": agenda.items_of(db, meeting.id),
        "publications": agenda.publications(db, meeting.id),
        "roll": roll.roll_of(db, meeting.id),
        "quorum": roll.quorum(db, meeting.id),
        "declarations": roll.declarations_of(db, meeting.id),
        "members": members,
        "minutes": current,
        "minute_entries": minutes.entries(db, current.id) if current else [],
        "minute_versions": minutes.versions(db, meeting.id),
        "actions": actions_service.actions(db, meeting_id=meeting.id),
        "member_options": [(m.id, m.name) for m in members],
        "item_options": [(i.id, f"{i.number}. {i.title}") for i in agenda.items_of(db, meeting.id)],
        "later_options": [
            (m.id, m.meeting_date.strftime("%-d %B %Y"))
            for m in meetings.meetings_of(db, body.id)
            if m.meeting_date > meeting.meeting_date
        ],
        "today": today,
    }


def item_page(db: Session, item_id: str) -> dict[str, Any]:
    item = get(db, AgendaItem, item_id, "agenda item")
    meeting = db.get(Meeting, item.meeting_id)
    report = reports.report_of(db, item.id)
    return {
        "item": item,
        "meeting": meeting,
        "body": db.get(Body, meeting.body_id),
        "report": agenda.report_dict(report) if report else None,
        "report_row": report,
        "documents": documents.documents_of(db, item.id),
        "figures": agenda.figures_of(item),
    }


def action_rows(db: Session, today: date, *, overdue_only: bool = False) -> dict[str, Any]:
    rows = (
        actions_service.overdue(db, today)
        if overdue_only
        else list(db.scalars(select(FollowUpAction).order_by(FollowUpAction.due_date)))
    )
    return {
        "actions": rows,
        "overdue_ids": {a.id for a in rows if actions_service.is_overdue(a, today)},
        "body_names": {b.id: b.name for b in db.scalars(select(Body))},
        "bodies": bodies.all_bodies(db),
        "body_options": [(b.id, b.name) for b in bodies.all_bodies(db)],
    }
