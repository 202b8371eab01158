"""The meeting itself: the roll, the quorum and declarations of interest.

The quorum counts voting members present (in the room; online only where the
body allows remote attendance to count). A substitute present counts for the
member they replace, if that member votes and is not there themselves.
Co-opted members without a vote and people in attendance never count.
Only members in office on the meeting date (their term dates) count, and only
they - or a substitute standing in for one of them - go on the roll as members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.scrutiny.bodies import members_on
from casebook.scrutiny.common import Checks, change, flag, get, now, record_event
from casebook.scrutiny.models import (
    ATTENDANCE,
    ATTENDEE_KINDS,
    DECLARATION_KINDS,
    AgendaItem,
    Attendance,
    Body,
    Declaration,
    Meeting,
    Member,
)

PRESENT = ("present_room", "present_online")


def roll_of(db: Session, meeting_id: str) -> list[Attendance]:
    order = {k: i for i, k in enumerate(ATTENDEE_KINDS)}
    rows = db.scalars(
        select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.cb_status == "active"
        )
    ).all()
    return sorted(rows, key=lambda a: (order.get(a.kind, 9), a.name))


def record_attendance(
    db: Session,
    meeting_id: str,
    *,
    kind: Any,
    status: Any,
    actor: str,
    member_id: Any = None,
    name: Any = None,
    job_title: Any = None,
    substitute_for_id: Any = None,
) -> Attendance:
    """Add a line to the roll, or change the status of a member already on it."""
    meeting = get(db, Meeting, meeting_id, "meeting")
    checks = Checks()
    kind = checks.choice("kind", kind, ATTENDEE_KINDS)
    status = checks.choice("status", status, ATTENDANCE)
    job_title = checks.text("job_title", job_title, required=False, limit=300)
    in_office = {m.id: m for m in members_on(db, meeting.body_id, meeting.meeting_date)}
    when = meeting.meeting_date.strftime("%-d %B %Y")
    member = None
    if member_id:
        member = db.get(Member, str(member_id)) if "\x00" not in str(member_id) else None
        if member is None or member.body_id != meeting.body_id:
            checks.add("member_id", "is not a member of this body")
        elif member.id not in in_office:
            checks.add("member_id", f"{member.name} was not a member of this body on {when}")
    substitute_for = None
    if kind == "substitute":
        substitute_for = (
            db.get(Member, str(substitute_for_id))
            if substitute_for_id and "\x00" not in str(substitute_for_id)
            else None
        )
        if substitute_for is None or substitute_for.body_id != meeting.body_id:
            checks.add("substitute_for_id", "choose the member this substitute replaces")
            substitute_for = None
        elif substitute_for.id not in in_office:
            checks.add(
                "substitute_for_id",
                f"{substitute_for.name} was not a member of this body on {when}",
            )
    elif substitute_for_id:
        checks.add("substitute_for_id", "only a substitute replaces a member")
    if (
        kind == "member"
        and member is None
        and "member_id" not in {p.field for p in checks.problems}
    ):
        checks.add("member_id", "choose the member")
    name = member.name if member else checks.text("name", name, limit=200)
    checks.done()
    existing = None
    if member is not None:
        existing = db.scalar(
            select(Attendance).where(
                Attendance.meeting_id == meeting.id,
                Attendance.member_id == member.id,
                Attendance.cb_status == "active",
            )
        )
    with change(db):
        if existing is not None:
            existing.status = status
            existing.kind = kind
            if job_title:
                existing.job_title = job_title
            row = existing
        else:
            row = Attendance(
                meeting_id=meeting.id,
                kind=kind,
                member_id=member.id if member else None,
                name=name,
                job_title=job_title,
                status=status,
                substitute_for_id=substitute_for.id if substitute_for else None,
            )
            db.add(row)
        db.flush()
        record_event(db, actor, "attendance", row.id, "roll", {"status": status, "kind": kind})
    return row


@dataclass(frozen=True)
class Quorum:
    required: int | None
    counted: list[str] = field(default_factory=list)

    @property
    def present(self) -> int:
        return len(self.counted)

    @property
    def quorate(self) -> bool:
        return self.required is None or self.present >= self.required

    @property
    def message(self) -> str:
        if self.required is None:
            return f"{self.present} voting members present (no quorum is set for this body)"
        state = "quorate" if self.quorate else "NOT quorate"
        return f"{self.present} of {self.required} voting members needed are present: {state}"


def quorum(db: Session, meeting_id: str) -> Quorum:
    meeting = get(db, Meeting, meeting_id, "meeting")
    body = db.get(Body, meeting.body_id)
    counts = (
        ("present_room", "present_online") if body.online_counts_for_quorum else ("present_room",)
    )
    roll = roll_of(db, meeting.id)
    # only members in office on the day count (a former member's line never does)
    members = {m.id: m for m in members_on(db, body.id, meeting.meeting_date)}
    present_members = {
        a.member_id for a in roll if a.kind == "member" and a.member_id and a.status in counts
    }
    counted = [
        members[mid].name for mid in present_members if mid in members and members[mid].voting
    ]
    for a in roll:
        if a.kind != "substitute" or a.status not in counts or not a.substitute_for_id:
            continue
        replaced = members.get(a.substitute_for_id)
        if replaced is not None and replaced.voting and replaced.id not in present_members:
            counted.append(f"{a.name} (for {replaced.name})")
            present_members.add(replaced.id)  # one substitute per member
    return Quorum(body.quorum, sorted(counted))


def declare_interest(
    db: Session,
    meeting_id: str,
    *,
    agenda_item_id: Any,
    name: Any,
    kind: Any,
    actor: str,
    detail: Any = None,
    left_room: Any = False,
) -> Declaration:
    meeting = get(db, Meeting, meeting_id, "meeting")
    checks = Checks()
    item = db.get(AgendaItem, str(agenda_item_id)) if agenda_item_id else None
    if item is None or item.meeting_id != meeting.id:
        checks.add("agenda_item_id", "choose an item on this meeting's agenda")
    name = checks.text("name", name, limit=200)
    kind = checks.choice("kind", kind, DECLARATION_KINDS)
    detail = checks.text("detail", detail, required=False, limit=2000)
    checks.done()
    if kind == "disclosable_pecuniary" and not flag(left_room):
        raise Invalid(
            [Problem("left_room", "a member with a disclosable pecuniary interest leaves the room")]
        )
    with change(db):
        row = Declaration(
            meeting_id=meeting.id,
            agenda_item_id=item.id,
            name=name,
            kind=kind,
            detail=detail,
            left_room=flag(left_room),
            recorded_at=now(),
        )
        db.add(row)
        db.flush()
        record_event(db, actor, "declaration", row.id, "declared", {"item": item.id})
    return row


def declarations_of(db: Session, meeting_id: str) -> list[Declaration]:
    return list(
        db.scalars(
            select(Declaration)
            .where(Declaration.meeting_id == meeting_id)
            .order_by(Declaration.recorded_at, Declaration.id)
        )
    )
