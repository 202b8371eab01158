"""Meetings and the publication deadline.

The agenda must be published a set number of *clear* working days before the
meeting (the law: five). The number is the timescale registry's
``agenda_publication`` - one setting, the same one the administrator's local
standards page and ``casebook timescales set`` change. Clear days leave out both the day of
publication and the day of the meeting, so for a Wednesday meeting with five
clear days the latest day to publish is the Tuesday of the week before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid, Problem
from casebook.record.local_standards import set_local_standard
from casebook.record.services import Actor
from casebook.record.timescales.registry import load_timescales
from casebook.record.unit_of_work import UnitOfWork
from casebook.scrutiny.common import Checks, change, flag, get, now, record_event
from casebook.scrutiny.models import MEETING_MODES, MEETING_STATES, Body, Meeting

#: The registry's timescale for the agenda deadline (``cb_scrutiny_setting`` is
#: no longer read).
TIMESCALE_KEY = "agenda_publication"


# --------------------------------------------------------------------------- settings


def clear_days_setting(db: Session) -> int:
    """The clear working days an agenda is published ahead: the amount of the
    registry's ``agenda_publication`` timescale (5 by default). Scrutiny counts
    them as *clear* working days whatever unit the registry holds."""
    return load_timescales(db)[TIMESCALE_KEY].amount


def set_clear_days(db: Session, value: Any, *, actor: str) -> int:
    """Set the ``agenda_publication`` timescale (in working days), as the local
    standards page and ``casebook timescales set`` do, with its history."""
    checks = Checks()
    days = checks.whole("clear_days", value, low=0, high=60)
    checks.done()
    set_local_standard(UnitOfWork(session=db), TIMESCALE_KEY, days, "working_days", Actor(actor))
    return days


# --------------------------------------------------------------------------- the deadline


def clear_working_days(published_on: date, meeting_date: date, calendar: WorkingCalendar) -> int:
    """Working days strictly between publication and the meeting."""
    if published_on >= meeting_date:
        return 0
    between = calendar.working_days_between(published_on, meeting_date)
    return between - (1 if calendar.is_working_day(meeting_date) else 0)


def publication_deadline(meeting_date: date, clear_days: int, calendar: WorkingCalendar) -> date:
    """The last working day on which publishing still leaves ``clear_days`` clear
    working days before the meeting."""
    return calendar.add_working_days(meeting_date, -(clear_days + 1))


@dataclass(frozen=True)
class DeadlineStatus:
    deadline: date
    clear_days: int
    published_on: date | None
    #: True when the agenda was published late, or is unpublished after the deadline.
    missed: bool

    @property
    def message(self) -> str | None:
        if not self.missed:
            return None
        when = self.deadline.strftime("%-d %B %Y")
        if self.published_on:
            return (
                f"The agenda was published late: it needed {self.clear_days} clear working days "
                f"and the deadline was {when}."
            )
        return (
            f"The publication deadline ({when}, {self.clear_days} clear working days before "
            "the meeting) has passed and the agenda is not published."
        )


def deadline_status(
    db: Session, meeting: Meeting, today: date, calendar: WorkingCalendar | None = None
) -> DeadlineStatus:
    calendar = calendar or WorkingCalendar.from_session(db)
    days = clear_days_setting(db)
    deadline = publication_deadline(meeting.meeting_date, days, calendar)
    if meeting.state == "cancelled":
        missed = False
    elif meeting.published_on:
        missed = clear_working_days(meeting.published_on, meeting.meeting_date, calendar) < days
    else:
        missed = clear_working_days(today, meeting.meeting_date, calendar) < days
    return DeadlineStatus(deadline, days, meeting.published_on, missed)


# --------------------------------------------------------------------------- meetings


def _read_time(checks: Checks, value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip().replace(".", ":")
    try:
        hours, minutes = (int(p) for p in text.split(":"))
        if not (0 <= hours < 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        checks.add("start_time", "must be a time like 18:00")
        return None
    return f"{hours:02d}:{minutes:02d}"


def create_meeting(
    db: Session,
    body_id: str,
    *,
    meeting_date: Any,
    actor: str,
    start_time: Any = None,
    venue: Any = None,
    mode: Any = "in_room",
    public: Any = True,
) -> Meeting:
    body = get(db, Body, body_id, "body")
    checks = Checks()
    day = checks.day("meeting_date", meeting_date)
    start = _read_time(checks, start_time)
    venue = checks.text("venue", venue, required=False, limit=500)
    mode = checks.choice("mode", mode or "in_room", MEETING_MODES)
    checks.done()
    with change(db):
        meeting = Meeting(
            body_id=body.id,
            meeting_date=day,
            start_time=start,
            venue=venue,
            mode=mode,
            public=flag(public),
            state="planned",
            created_at=now(),
        )
        db.add(meeting)
        db.flush()
        record_event(db, actor, "meeting", meeting.id, "created", {"date": day})
    return meeting


def set_state(db: Session, meeting_id: str, state: Any, *, actor: str) -> Meeting:
    meeting = get(db, Meeting, meeting_id, "meeting")
    checks = Checks()
    state = checks.choice("state", state, MEETING_STATES)
    checks.done()
    if meeting.state == "held" and state != "held":
        raise Invalid([Problem("state", "a meeting that has been held stays held")])
    with change(db):
        meeting.state = state
        record_event(db, actor, "meeting", meeting.id, "state", {"state": state})
    return meeting


def meetings_of(db: Session, body_id: str) -> list[Meeting]:
    return list(
        db.scalars(select(Meeting).where(Meeting.body_id == body_id).order_by(Meeting.meeting_date))
    )


def meeting_on(db: Session, body_id: str, day: date) -> Meeting | None:
    return db.scalar(
        select(Meeting).where(Meeting.body_id == body_id, Meeting.meeting_date == day).limit(1)
    )


def upcoming(db: Session, today: date, limit: int = 20) -> list[Meeting]:
    return list(
        db.scalars(
            select(Meeting)
            .where(Meeting.meeting_date >= today, Meeting.state != "cancelled")
            .order_by(Meeting.meeting_date)
            .limit(limit)
        )
    )


def next_meeting(db: Session, meeting: Meeting) -> Meeting | None:
    """The body's next meeting after this one (where its minutes are approved)."""
    return db.scalar(
        select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.meeting_date > meeting.meeting_date,
            Meeting.state != "cancelled",
        )
        .order_by(Meeting.meeting_date)
        .limit(1)
    )
