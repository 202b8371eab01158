"""Minutes: a narrative per item and numbered resolutions, in versions.

A draft is written and changed freely. The next meeting approves it "as a
correct record" (with any amendments noted); from then on that version never
changes - the database refuses it too. A correction is a new version, a copy
of the approved one with the reason, changed as a draft and approved in turn;
every version stays readable.

Nothing is deleted: a resolution line taken out of a draft is marked withdrawn
(``withdrawn_at``) and stays in the database, but is no longer shown, counted
or copied into a correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record.errors import Conflict, Invalid, Problem
from casebook.scrutiny.common import Checks, change, flag, get, now, record_event
from casebook.scrutiny.models import (
    AgendaItem,
    FollowUpAction,
    Meeting,
    MinuteItem,
    Minutes,
    Resolution,
)

DRAFT = "draft"
APPROVED = "approved"


@dataclass(frozen=True)
class MinuteEntry:
    item: MinuteItem
    resolutions: list[Resolution]
    #: Exempt (Part 2): ticked on the minute item, or the agenda item it minutes
    #: (same meeting, same number) is exempt. Never on the public site.
    exempt: bool = False

    @property
    def resolution_lines(self) -> str:
        """The resolutions as the edit form shows them, one a line, a
        recommendation starting "Recommendation:" (so saving keeps it one)."""
        return "\n".join(
            f"Recommendation: {r.text}" if r.recommendation else r.text for r in self.resolutions
        )


def exempt_numbers(db: Session, meeting_id: str) -> set[int]:
    """Numbers of the meeting's exempt agenda items: their minutes are exempt too.

    Withdrawn items count as well - a minute is only ever made more private
    by its agenda, never less."""
    return set(
        db.scalars(
            select(AgendaItem.number).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.exempt.is_(True)
            )
        )
    )


def is_exempt(db: Session, item: MinuteItem) -> bool:
    """Whether a minute item is exempt: its own flag or its agenda item's."""
    if item.exempt:
        return True
    minutes = db.get(Minutes, item.minutes_id)
    return minutes is not None and item.number in exempt_numbers(db, minutes.meeting_id)


def versions(db: Session, meeting_id: str) -> list[Minutes]:
    return list(
        db.scalars(
            select(Minutes).where(Minutes.meeting_id == meeting_id).order_by(Minutes.version)
        )
    )


def current(db: Session, meeting_id: str) -> Minutes | None:
    """The latest version, draft or approved."""
    return db.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id)
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def current_approved(db: Session, meeting_id: str) -> Minutes | None:
    return db.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id, Minutes.status == APPROVED)
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def entries(db: Session, minutes_id: str, *, include_exempt: bool = True) -> list[MinuteEntry]:
    minutes = db.get(Minutes, minutes_id)
    if minutes is None:
        return []
    part2 = exempt_numbers(db, minutes.meeting_id)
    items = db.scalars(
        select(MinuteItem).where(MinuteItem.minutes_id == minutes_id).order_by(MinuteItem.number)
    ).all()
    out = []
    for item in items:
        exempt = item.exempt or item.number in part2
        if exempt and not include_exempt:
            continue
        out.append(MinuteEntry(item, _live(db, item.id), exempt))
    return out


def _live(db: Session, item_id: str) -> list[Resolution]:
    """A minute item's resolutions, leaving out lines withdrawn from a draft."""
    return list(
        db.scalars(
            select(Resolution)
            .where(Resolution.minute_item_id == item_id, Resolution.withdrawn_at.is_(None))
            .order_by(Resolution.number)
        )
    )


def start(db: Session, meeting_id: str, *, actor: str) -> Minutes:
    """The draft to write into: the current draft, or version 1."""
    meeting = get(db, Meeting, meeting_id, "meeting")
    latest = current(db, meeting.id)
    if latest is not None:
        if latest.status == DRAFT:
            return latest
        raise Conflict(
            "These minutes are approved and cannot change: make a correction (a new version)."
        )
    with change(db):
        minutes = Minutes(
            meeting_id=meeting.id, version=1, status=DRAFT, created_at=now(), created_by=actor
        )
        db.add(minutes)
        db.flush()
        record_event(db, actor, "minutes", minutes.id, "started", {"meeting": meeting.id})
    return minutes


def _draft(db: Session, minutes_id: str) -> Minutes:
    minutes = get(db, Minutes, minutes_id, "minutes")
    if minutes.status != DRAFT:
        raise Conflict(
            f"Version {minutes.version} of these minutes is approved and cannot change: "
            "make a correction (a new version)."
        )
    return minutes


def _read_resolutions(checks: Checks, value: Any) -> list[tuple[str, bool]]:
    """Lines of text (a line starting "Recommendation:" is a recommendation), or
    ``[{"text", "recommendation"}]``."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        out = []
        for line in value.splitlines():
            line = line.strip()
            if not line:
                continue
            is_rec = line.lower().startswith("recommendation:")
            out.append((line.split(":", 1)[1].strip() if is_rec else line, is_rec))
        return out
    if not isinstance(value, list) or not all(
        isinstance(r, dict) and isinstance(r.get("text"), str) and r["text"].strip() for r in value
    ):
        checks.add("resolutions", "must be a list of {text, recommendation}")
        return []
    return [(r["text"].strip(), flag(r.get("recommendation"))) for r in value]


def add_item(
    db: Session,
    minutes_id: str,
    *,
    number: Any,
    title: Any,
    actor: str,
    narrative: Any = None,
    exempt: Any = False,
    resolutions: Any = None,
) -> MinuteEntry:
    minutes = _draft(db, minutes_id)
    checks = Checks()
    number = checks.whole("number", number, low=1, high=999)
    title = checks.text("title", title, limit=1000)
    narrative = checks.text("narrative", narrative, required=False, limit=100000)
    lines = _read_resolutions(checks, resolutions)
    checks.done()
    if db.scalar(
        select(MinuteItem.id).where(
            MinuteItem.minutes_id == minutes.id, MinuteItem.number == number
        )
    ):
        raise Invalid([Problem("number", f"item {number} is already in these minutes")])
    with change(db):
        item = MinuteItem(
            minutes_id=minutes.id,
            number=number,
            title=title,
            narrative=narrative,
            exempt=flag(exempt) or number in exempt_numbers(db, minutes.meeting_id),
        )
        db.add(item)
        db.flush()
        rows = _add_resolutions(db, minutes, item, lines)
        record_event(db, actor, "minutes", minutes.id, "item_added", {"number": number})
    return MinuteEntry(item, rows, item.exempt)


def _add_resolutions(
    db: Session, minutes: Minutes, item: MinuteItem, lines: list[tuple[str, bool]]
) -> list[Resolution]:
    rows = []
    for n, (text, is_rec) in enumerate(lines, start=1):
        row = Resolution(
            minute_item_id=item.id,
            key=f"{minutes.meeting_id}/{item.number}/{n}",
            number=n,
            text=text,
            recommendation=is_rec,
        )
        db.add(row)
        rows.append(row)
    db.flush()
    return rows


def update_item(
    db: Session,
    item_id: str,
    *,
    actor: str,
    title: Any = None,
    narrative: Any = None,
    resolutions: Any = None,
    exempt: Any = None,
) -> MinuteEntry:
    """Change a draft's item (its resolutions are replaced when given).

    ``exempt`` (when given) sets the item's own flag; an item whose agenda item
    is exempt stays exempt whatever the flag says."""
    item = get(db, MinuteItem, item_id, "minute item")
    minutes = _draft(db, item.minutes_id)
    checks = Checks()
    new_title = checks.text("title", title, required=False, limit=1000)
    new_narrative = checks.text("narrative", narrative, required=False, limit=100000)
    lines = _read_resolutions(checks, resolutions) if resolutions is not None else None
    checks.done()
    old = _live(db, item.id)
    dropped = old[len(lines) :] if lines is not None else []
    followed = [
        r.number
        for r in dropped
        if db.scalar(
            select(FollowUpAction.id).where(FollowUpAction.resolution_key == r.key).limit(1)
        )
    ]
    if followed:
        raise Invalid(
            [
                Problem(
                    "resolutions",
                    f"resolution {followed[0]} has an action following it up: "
                    "keep the line (change its words if need be)",
                )
            ]
        )
    with change(db):
        if new_title:
            item.title = new_title
        if narrative is not None:
            item.narrative = new_narrative
        if exempt is not None:
            item.exempt = flag(exempt) or item.number in exempt_numbers(db, minutes.meeting_id)
        if lines is not None:
            # line n stays resolution n (same row, same key, so its actions follow it)
            for row, (text, is_rec) in zip(old, lines, strict=False):
                row.text, row.recommendation = text, is_rec
            for n, (text, is_rec) in enumerate(lines[len(old) :], start=len(old) + 1):
                db.add(
                    Resolution(
                        minute_item_id=item.id,
                        key=f"{minutes.meeting_id}/{item.number}/{n}",
                        number=n,
                        text=text,
                        recommendation=is_rec,
                    )
                )
            # lines taken out of a draft (none has an action) are withdrawn, never
            # deleted: the row stays, no longer shown, counted or copied; a line
            # added later at the same number is a new row with the same key
            withdrawn_at = now()
            for row in dropped:
                row.withdrawn_at = withdrawn_at
            db.flush()
        detail: dict[str, Any] = {"number": item.number}
        if dropped:
            detail["withdrawn"] = [r.number for r in dropped]
        record_event(db, actor, "minutes", minutes.id, "item_changed", detail)
    return MinuteEntry(item, _live(db, item.id), is_exempt(db, item))


def approve(
    db: Session,
    minutes_id: str,
    *,
    actor: str,
    at_meeting_id: Any = None,
    on: Any = None,
    amendments: Any = None,
) -> Minutes:
    """Approve a draft as a correct record, at a later meeting of the same body
    (the next one, usually)."""
    minutes = _draft(db, minutes_id)
    checks = Checks()
    day = checks.day("on", on or date.today())
    amendments = checks.text("amendments", amendments, required=False, limit=10000)
    at = None
    if at_meeting_id:
        at = db.get(Meeting, str(at_meeting_id)) if "\x00" not in str(at_meeting_id) else None
        own = db.get(Meeting, minutes.meeting_id)
        if at is None:
            checks.add("at_meeting_id", f"there is no meeting '{at_meeting_id}'")
        elif at.body_id != own.body_id or at.meeting_date <= own.meeting_date:
            checks.add("at_meeting_id", "choose a later meeting of the same body")
    if not db.scalar(
        select(func.count()).select_from(MinuteItem).where(MinuteItem.minutes_id == minutes.id)
    ):
        checks.add("minutes", "the minutes have no items yet")
    checks.done()
    at_id = at.id if at else None  # read before the change: a refresh would flush it half-done
    with change(db):
        minutes.approved_at_meeting_id = at_id
        minutes.approved_on = day
        minutes.amendments = amendments
        minutes.status = APPROVED
        record_event(db, actor, "minutes", minutes.id, "approved", {"version": minutes.version})
    return minutes


def correct(db: Session, minutes_id: str, *, reason: Any, actor: str) -> Minutes:
    """Start a correction of approved minutes: the next version, a draft copy."""
    minutes = get(db, Minutes, minutes_id, "minutes")
    checks = Checks()
    reason = checks.text("reason", reason, limit=2000)
    checks.done()
    latest = current(db, minutes.meeting_id)
    if minutes.status != APPROVED or latest is None or latest.id != minutes.id:
        raise Conflict("Only the latest approved version of the minutes can be corrected.")
    with change(db):
        copy = Minutes(
            meeting_id=minutes.meeting_id,
            version=minutes.version + 1,
            status=DRAFT,
            corrects_id=minutes.id,
            reason=reason,
            created_at=now(),
            created_by=actor,
        )
        db.add(copy)
        db.flush()
        for entry in entries(db, minutes.id):
            item = MinuteItem(
                minutes_id=copy.id,
                number=entry.item.number,
                title=entry.item.title,
                narrative=entry.item.narrative,
                exempt=entry.exempt,
            )
            db.add(item)
            db.flush()
            for r in entry.resolutions:
                db.add(
                    Resolution(
                        minute_item_id=item.id,
                        key=r.key,
                        number=r.number,
                        text=r.text,
                        recommendation=r.recommendation,
                    )
                )
        db.flush()
        record_event(db, actor, "minutes", copy.id, "correction_started", {"corrects": minutes.id})
    return copy


def resolution_by_key(db: Session, key: str) -> Resolution | None:
    """The resolution in the latest version of the minutes that holds it (None
    when that version withdrew it)."""
    row = db.scalar(
        select(Resolution)
        .join(MinuteItem, MinuteItem.id == Resolution.minute_item_id)
        .join(Minutes, Minutes.id == MinuteItem.minutes_id)
        .where(Resolution.key == key)
        .order_by(Minutes.version.desc(), Resolution.withdrawn_at.is_not(None))
        .limit(1)
    )
    return row if row is not None and row.withdrawn_at is None else None


def resolutions_of_meeting(
    db: Session, meeting_id: str, *, include_exempt: bool = True
) -> list[tuple[MinuteItem, Resolution]]:
    latest = current(db, meeting_id)
    if latest is None:
        return []
    return [
        (e.item, r)
        for e in entries(db, latest.id, include_exempt=include_exempt)
        for r in e.resolutions
    ]
