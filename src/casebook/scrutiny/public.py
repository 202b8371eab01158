"""What the public site shows, read only from what was published.

Meetings of public bodies; agendas from their latest *publication* (the frozen
copy, Part 1 only); approved minutes without exempt items; resolutions with
how far their actions have got; documents only when a publication lists them.
Nothing here reads a Part 2 item, an exempt minute or an exempt action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record.errors import NotFound
from casebook.scrutiny import actions as actions_service
from casebook.scrutiny import agenda
from casebook.scrutiny import minutes as minutes_service
from casebook.scrutiny.models import AgendaItem, Body, Document, Meeting, Minutes, Publication


@dataclass(frozen=True)
class PublicMeeting:
    meeting: Meeting
    body: Body
    published: Publication | None
    has_minutes: bool = False


def public_meetings(db: Session) -> list[PublicMeeting]:
    """Every meeting held in public, newest first, with its latest publication."""
    rows = db.execute(
        select(Meeting, Body)
        .join(Body, Body.id == Meeting.body_id)
        .where(Meeting.public.is_(True))
        .order_by(Meeting.meeting_date.desc(), Body.name)
    ).all()
    newest = (
        select(Publication.meeting_id, func.max(Publication.version).label("version"))
        .group_by(Publication.meeting_id)
        .subquery()
    )
    latest = {
        pub.meeting_id: pub
        for pub in db.scalars(
            select(Publication).join(
                newest,
                (newest.c.meeting_id == Publication.meeting_id)
                & (newest.c.version == Publication.version),
            )
        )
    }
    approved = set(db.scalars(select(Minutes.meeting_id).where(Minutes.status == "approved")))
    return [PublicMeeting(m, b, latest.get(m.id), m.id in approved) for m, b in rows]


def _public_meeting(db: Session, meeting_id: str) -> Meeting:
    meeting = db.get(Meeting, meeting_id) if meeting_id and "\x00" not in meeting_id else None
    if meeting is None or not meeting.public:
        raise NotFound("There is no such public meeting.")
    return meeting


def agenda_page(db: Session, meeting_id: str, version: int | None = None) -> dict[str, Any]:
    meeting = _public_meeting(db, meeting_id)
    publication, pack = agenda.published_pack(db, meeting.id, version=version)
    return {
        "meeting": meeting,
        "publication": publication,
        "pack": pack,
        "versions": agenda.publications(db, meeting.id),
    }


@dataclass(frozen=True)
class PublicResolution:
    number: int
    text: str
    recommendation: bool
    status: str


@dataclass(frozen=True)
class PublicMinuteItem:
    number: int
    title: str
    narrative: str | None
    resolutions: list[PublicResolution]


def minutes_page(db: Session, meeting_id: str) -> dict[str, Any]:
    meeting = _public_meeting(db, meeting_id)
    approved = minutes_service.current_approved(db, meeting.id)
    if approved is None:
        raise NotFound("These minutes have not been approved yet.")
    items = [
        PublicMinuteItem(
            e.item.number,
            e.item.title,
            e.item.narrative,
            [
                PublicResolution(
                    r.number, r.text, r.recommendation, actions_service.resolution_status(db, r.key)
                )
                for r in e.resolutions
            ],
        )
        for e in minutes_service.entries(db, approved.id, include_exempt=False)
    ]
    history = [
        v
        for v in db.scalars(
            select(Minutes)
            .where(Minutes.meeting_id == meeting.id, Minutes.status == "approved")
            .order_by(Minutes.version)
        )
    ]
    return {
        "meeting": meeting,
        "body": db.get(Body, meeting.body_id),
        "minutes": approved,
        "items": items,
        "history": history,
    }


def document(db: Session, document_id: str) -> Document:
    """A document the public may download: one a public publication lists."""
    doc = db.get(Document, document_id) if document_id and "\x00" not in document_id else None
    if doc is None:
        raise NotFound("There is no such document.")
    item = db.get(AgendaItem, doc.agenda_item_id)
    meeting = db.get(Meeting, item.meeting_id) if item else None
    if meeting is None or not meeting.public:
        raise NotFound("There is no such document.")
    for pub in db.scalars(select(Publication).where(Publication.meeting_id == meeting.id)):
        pack = agenda.public_copy(db, pub)
        if any(d["id"] == doc.id for item in pack["items"] for d in item["documents"]):
            return doc
    raise NotFound("There is no such document.")


def you_said_we_did(db: Session) -> list[dict[str, Any]]:
    out = []
    bodies = {b.id: b.name for b in db.scalars(select(Body))}
    for action in actions_service.you_said_we_did(db):
        out.append(
            {
                "body": bodies.get(action.body_id, ""),
                "you_said": action.asked,
                "we_did": action.response,
                "completed_on": action.completed_on,
            }
        )
    return out
