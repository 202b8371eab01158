"""Following up: actions from resolutions and recommendations, overdue flags,
"you said, we did", and a year's roll-up of a body's outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Conflict
from casebook.scrutiny import minutes as minutes_service
from casebook.scrutiny.common import Checks, change, flag, get, now, record_event
from casebook.scrutiny.models import (
    ACTION_STATES,
    AgendaItem,
    Body,
    FollowUpAction,
    Meeting,
    MinuteItem,
    Minutes,
    Publication,
    WorkProgrammeItem,
)

CLOSED = ("done", "dropped")


def is_overdue(action: FollowUpAction, today: date) -> bool:
    return action.status not in CLOSED and action.due_date < today


def create_action(
    db: Session,
    *,
    description: Any,
    owner: Any,
    due_date: Any,
    actor: str,
    resolution_key: Any = None,
    body_id: Any = None,
    asked: Any = None,
    public: Any = True,
) -> FollowUpAction:
    """An action from a resolution (by its key) or, without one, a request to a body."""
    checks = Checks()
    description = checks.text("description", description, limit=5000)
    owner = checks.text("owner", owner, limit=200)
    due = checks.day("due_date", due_date)
    resolution = None
    meeting = None
    exempt = False
    if resolution_key:
        resolution = minutes_service.resolution_by_key(db, str(resolution_key))
        if resolution is None:
            checks.add("resolution_key", f"there is no resolution '{resolution_key}'")
        else:
            item = db.get(MinuteItem, resolution.minute_item_id)
            minutes = db.get(Minutes, item.minutes_id)
            meeting = db.get(Meeting, minutes.meeting_id)
            exempt = minutes_service.is_exempt(db, item)
            asked = resolution.text
    body = db.get(Body, meeting.body_id) if meeting else None
    if body is None and resolution is None:
        body = db.get(Body, str(body_id)) if body_id else None
        if body is None:
            checks.add("body_id", "choose the body (or the resolution) the action comes from")
        asked = checks.text("asked", asked, limit=5000)
    checks.done()
    with change(db):
        action = FollowUpAction(
            body_id=body.id,
            meeting_id=meeting.id if meeting else None,
            resolution_key=resolution.key if resolution else None,
            asked=asked,
            description=description,
            owner=owner,
            due_date=due,
            status="open",
            public=flag(public) and not exempt,
            exempt=exempt,
            created_at=now(),
        )
        db.add(action)
        db.flush()
        record_event(
            db, actor, "action", action.id, "created", {"resolution": action.resolution_key}
        )
    return action


def update_action(
    db: Session,
    action_id: str,
    *,
    actor: str,
    status: Any = None,
    response: Any = None,
    due_date: Any = None,
    owner: Any = None,
    expected_version: Any = None,
    on: date | None = None,
) -> FollowUpAction:
    """Record progress: a response, a new status, a new due date or owner."""
    action = get(db, FollowUpAction, action_id, "action")
    checks = Checks()
    new_status = checks.choice("status", status, ACTION_STATES, required=False)
    new_response = checks.text("response", response, required=False, limit=10000)
    new_due = checks.day("due_date", due_date, required=False)
    new_owner = checks.text("owner", owner, required=False, limit=200)
    version = checks.whole("expected_version", expected_version, required=False, low=1, high=10**9)
    if new_status == "done" and not (new_response or action.response):
        checks.add("response", "say what was done before closing the action")
    checks.done()
    if version is not None and version != action.cb_version:
        raise Conflict("Someone else updated this action first: reload it and try again.")
    before = {
        "status": action.status,
        "response": action.response,
        "due_date": action.due_date,
        "owner": action.owner,
    }
    with change(db):
        if new_status:
            action.status = new_status
            action.completed_on = (on or date.today()) if new_status == "done" else None
        if new_response:
            action.response = new_response
        if new_due:
            action.due_date = new_due
        if new_owner:
            action.owner = new_owner
        record_event(db, actor, "action", action.id, "updated", {"before": before})
    return action


def actions(
    db: Session, *, body_id: str | None = None, meeting_id: str | None = None
) -> list[FollowUpAction]:
    query = select(FollowUpAction)
    if body_id:
        query = query.where(FollowUpAction.body_id == body_id)
    if meeting_id:
        query = query.where(FollowUpAction.meeting_id == meeting_id)
    return list(db.scalars(query.order_by(FollowUpAction.due_date, FollowUpAction.id)))


def overdue(db: Session, today: date) -> list[FollowUpAction]:
    """Open actions past their due date: the scrutiny officer's list."""
    return list(
        db.scalars(
            select(FollowUpAction)
            .where(FollowUpAction.status.not_in(CLOSED), FollowUpAction.due_date < today)
            .order_by(FollowUpAction.due_date, FollowUpAction.id)
        )
    )


def _publicly_minuted(db: Session, action: FollowUpAction, cache: dict[str, set[str]]) -> bool:
    """Whether an action's resolution is on the public site: a meeting held in
    public, minutes approved, and the resolution's item not exempt (worked out
    now, from the minute item and its agenda item, in the latest approved
    version)."""
    if not action.resolution_key:
        return action.meeting_id is None  # a request to a body, not a meeting's business
    meeting_id = action.meeting_id
    if meeting_id not in cache:
        meeting = db.get(Meeting, meeting_id) if meeting_id else None
        approved = (
            minutes_service.current_approved(db, meeting.id)
            if meeting is not None and meeting.public
            else None
        )
        cache[meeting_id] = (
            {
                r.key
                for e in minutes_service.entries(db, approved.id, include_exempt=False)
                for r in e.resolutions
            }
            if approved is not None
            else set()
        )
    return action.resolution_key in cache[meeting_id]


def you_said_we_did(db: Session) -> list[FollowUpAction]:
    """Done, public, from a public meeting's approved minutes and never from an
    exempt item (or a public request to a body): what the public page shows."""
    rows = db.scalars(
        select(FollowUpAction)
        .where(
            FollowUpAction.status == "done",
            FollowUpAction.public.is_(True),
            FollowUpAction.exempt.is_(False),
        )
        .order_by(FollowUpAction.completed_on.desc(), FollowUpAction.id)
    ).all()
    cache: dict[str, set[str]] = {}
    return [a for a in rows if _publicly_minuted(db, a, cache)]


def resolution_status(db: Session, key: str, today: date | None = None) -> str:
    """How far a resolution's actions have got: no action, open, overdue (an
    open action past its due date), done (every action closed)."""
    rows = db.scalars(select(FollowUpAction).where(FollowUpAction.resolution_key == key)).all()
    if not rows:
        return "no action"
    if all(r.status in CLOSED for r in rows):
        return "done"
    today = today or date.today()
    if any(is_overdue(r, today) for r in rows):
        return "overdue"
    return "open"


@dataclass(frozen=True)
class RollUp:
    body: Body
    start: date
    end: date
    meetings_held: int
    items_considered: int
    exempt_items: int
    resolutions: int
    recommendations: int
    actions_created: int
    actions_done: int
    actions_open: int
    actions_overdue: int
    published_late: int
    wp_planned: int
    wp_potential: int
    outcomes: list[tuple[str, str, str]]  # (meeting date, resolution, status)


def roll_up(db: Session, body_id: str, start: Any, end: Any, today: date | None = None) -> RollUp:
    """A body's outcomes over a year (or any span), for the scrutiny board."""
    body = get(db, Body, body_id, "body")
    checks = Checks()
    first = checks.day("start", start)
    last = checks.day("end", end)
    if first and last and last < first:
        checks.add("end", "must be on or after the start")
    checks.done()
    today = today or date.today()
    meetings = db.scalars(
        select(Meeting)
        .where(
            Meeting.body_id == body.id,
            Meeting.meeting_date >= first,
            Meeting.meeting_date <= last,
            Meeting.state != "cancelled",
        )
        .order_by(Meeting.meeting_date)
    ).all()
    held = [m for m in meetings if m.state == "held" or m.meeting_date <= today]
    ids = [m.id for m in held]
    items = (
        db.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id.in_(ids), AgendaItem.cb_status == "active"
            )
        ).all()
        if ids
        else []
    )
    outcomes = []
    n_res = n_rec = 0
    for meeting in held:
        for _item, res in minutes_service.resolutions_of_meeting(
            db, meeting.id, include_exempt=False
        ):
            n_res += 1
            n_rec += res.recommendation
            outcomes.append(
                (meeting.meeting_date.isoformat(), res.text, resolution_status(db, res.key, today))
            )
    acts = [a for a in actions(db, body_id=body.id) if first <= a.created_at.date() <= last]
    late = (
        db.scalars(
            select(Publication.meeting_id).where(
                Publication.meeting_id.in_(ids),
                Publication.version == 1,
                Publication.late.is_(True),
            )
        ).all()
        if ids
        else []
    )
    wp = db.scalars(select(WorkProgrammeItem).where(WorkProgrammeItem.body_id == body.id)).all()
    return RollUp(
        body=body,
        start=first,
        end=last,
        meetings_held=len(held),
        items_considered=len(items),
        exempt_items=sum(1 for i in items if i.exempt),
        resolutions=n_res,
        recommendations=n_rec,
        actions_created=len(acts),
        actions_done=sum(1 for a in acts if a.status == "done"),
        actions_open=sum(1 for a in acts if a.status not in CLOSED),
        actions_overdue=sum(1 for a in acts if is_overdue(a, today)),
        published_late=len(late),
        wp_planned=sum(1 for w in wp if w.meeting_id and w.state == "planned"),
        wp_potential=sum(1 for w in wp if not w.meeting_id and w.state == "planned"),
        outcomes=outcomes,
    )
