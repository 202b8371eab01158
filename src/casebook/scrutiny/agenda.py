"""Agenda items, frozen figures on an item, and publishing the agenda pack.

Publishing copies the pack (items, cover sheets, documents' names, figures) into
``cb_scrutiny_publication`` as it stands; the public site and members' "as
published" view read only those copies. Changing the agenda afterwards and
publishing again makes the next version; earlier versions stay as they were.
"""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.access import suppression
from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid, NotFound, Problem
from casebook.scrutiny import meetings as meetings_service
from casebook.scrutiny.common import Checks, change, flag, get, now, record_event
from casebook.scrutiny.models import (
    AgendaItem,
    Body,
    Document,
    Meeting,
    Publication,
    Report,
)

#: Keys of a figure row that are numbers (and so go through suppression).
NUMERIC_KEYS = ("value", "numerator", "denominator", "count", "percent", "rate", "n")


def items_of(db: Session, meeting_id: str) -> list[AgendaItem]:
    return list(
        db.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, AgendaItem.cb_status == "active")
            .order_by(AgendaItem.number, AgendaItem.id)
        )
    )


def _item_fields(checks: Checks, values: dict[str, Any]) -> dict[str, Any]:
    page_from = checks.whole(
        "page_from", values.get("page_from"), required=False, low=1, high=10000
    )
    page_to = checks.whole("page_to", values.get("page_to"), required=False, low=1, high=10000)
    if page_from and page_to and page_to < page_from:
        checks.add("page_to", "must be on or after the first page")
    exempt = flag(values.get("exempt"))
    fields = {
        "number": checks.whole("number", values.get("number"), low=1, high=999),
        "group_title": checks.text(
            "group_title", values.get("group_title"), required=False, limit=200
        ),
        "title": checks.text("title", values.get("title"), limit=1000),
        "presenter": checks.text("presenter", values.get("presenter"), required=False),
        "purpose": checks.text("purpose", values.get("purpose"), required=False),
        "page_from": page_from,
        "page_to": page_to,
        "exempt": exempt,
        "exempt_reason": checks.text("exempt_reason", values.get("exempt_reason"), required=False),
        "report_to_follow": flag(values.get("report_to_follow")),
        "verbal_update": flag(values.get("verbal_update")),
    }
    if fields["report_to_follow"] and fields["verbal_update"]:
        checks.add(
            "verbal_update", "an item is a verbal update or has a report to follow, not both"
        )
    return fields


def add_item(db: Session, meeting_id: str, values: dict[str, Any], *, actor: str) -> AgendaItem:
    meeting = get(db, Meeting, meeting_id, "meeting")
    checks = Checks()
    fields = _item_fields(checks, values)
    checks.done()
    taken = {i.number for i in items_of(db, meeting.id)}
    if fields["number"] in taken:
        raise Invalid([Problem("number", f"item {fields['number']} is already on the agenda")])
    with change(db):
        item = AgendaItem(meeting_id=meeting.id, **fields)
        db.add(item)
        db.flush()
        record_event(db, actor, "agenda_item", item.id, "added", {"meeting": meeting.id})
    return item


def update_item(db: Session, item_id: str, values: dict[str, Any], *, actor: str) -> AgendaItem:
    """Change the live agenda. What was published stays as published until the
    agenda is published again (a new version)."""
    item = get(db, AgendaItem, item_id, "agenda item")
    checks = Checks()
    fields = _item_fields(checks, {**_as_values(item), **values})
    checks.done()
    clash = [
        i for i in items_of(db, item.meeting_id) if i.number == fields["number"] and i.id != item.id
    ]
    if clash:
        raise Invalid([Problem("number", f"item {fields['number']} is already on the agenda")])
    with change(db):
        before = _as_values(item)
        for key, value in fields.items():
            setattr(item, key, value)
        record_event(db, actor, "agenda_item", item.id, "changed", {"before": before})
    return item


def withdraw_item(db: Session, item_id: str, *, reason: Any, actor: str) -> AgendaItem:
    """Take an item off the agenda (kept, marked withdrawn)."""
    item = get(db, AgendaItem, item_id, "agenda item")
    checks = Checks()
    reason = checks.text("reason", reason)
    checks.done()
    with change(db):
        item.cb_status = "withdrawn"
        item.cb_status_reason = reason
        record_event(db, actor, "agenda_item", item.id, "withdrawn", {"reason": reason})
    return item


def _as_values(item: AgendaItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "group_title": item.group_title,
        "title": item.title,
        "presenter": item.presenter,
        "purpose": item.purpose,
        "page_from": item.page_from,
        "page_to": item.page_to,
        "exempt": item.exempt,
        "exempt_reason": item.exempt_reason,
        "report_to_follow": item.report_to_follow,
        "verbal_update": item.verbal_update,
    }


# --------------------------------------------------------------------------- figures


def _as_result(row: dict[str, Any]) -> SimpleNamespace:
    """A figure row in the engine's shape (id, value, numerator, denominator, unit).

    Rows may come as the engine gives them, or simply as ``{label, count}``,
    ``{label, numerator, denominator, percent}`` or ``{label, count, rate}``."""
    unit = row.get("unit")
    if not unit:
        unit = "percent" if "percent" in row else "rate" if "rate" in row else "count"
    value = row.get("value")
    for key in ("percent", "rate", "count"):
        if value is None and key in row:
            value = row[key]
    numerator = row.get("numerator", row.get("count") if unit != "count" else None)
    return SimpleNamespace(
        id=str(row.get("id") or row.get("label") or ""),
        value=value,
        numerator=numerator,
        denominator=row.get("denominator"),
        unit=str(unit),
    )


def suppress_small_numbers(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row as councillors and the public may see it, by the one suppression
    rule (:func:`casebook.access.suppression.present`, for the public): counts of 1
    to 4 become ``c``, percentages and rates are rounded, and so on. Words in the
    row (label, notes, comparators' names) are kept as they are."""
    out = []
    for row in figures:
        shown = suppression.present(_as_result(row), None).as_dict()
        words = {k: v for k, v in row.items() if k not in NUMERIC_KEYS}
        label = row.get("label") or row.get("title") or shown["id"]
        out.append({**words, **shown, "label": label})
    return out


def attach_figures(
    db: Session, item_id: str, title: Any, figures: Any, *, actor: str
) -> AgendaItem:
    """Freeze a scorecard or board pack's figures on an agenda item: stored as
    they are now (small numbers suppressed), never recomputed."""
    item = get(db, AgendaItem, item_id, "agenda item")
    checks = Checks()
    title = checks.text("title", title, limit=500)
    if not isinstance(figures, list) or not all(isinstance(f, dict) for f in figures):
        checks.add("figures", "must be a list of rows (label, value, ...)")
    checks.done()
    try:
        frozen = json.dumps(suppress_small_numbers(figures), default=str, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise Invalid([Problem("figures", f"cannot be stored: {exc}")]) from None
    with change(db):
        item.figures_title = title
        item.figures_json = frozen
        item.figures_frozen_at = now()
        record_event(db, actor, "agenda_item", item.id, "figures_frozen", {"title": title})
    return item


def figures_of(item: AgendaItem) -> list[dict[str, Any]]:
    return json.loads(item.figures_json) if item.figures_json else []


# --------------------------------------------------------------------------- the pack


def report_dict(report: Report | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "title": report.title,
        "designation": report.designation,
        "lead_cabinet_members": report.lead_cabinet_members,
        "key_decision": report.key_decision,
        "forward_plan": report.forward_plan,
        "wards": report.wards,
        "accountable_director": report.accountable_director,
        "originating_service": report.originating_service,
        "accountable_employee": report.accountable_employee,
        "employee_job_title": report.employee_job_title,
        "employee_contact": report.employee_contact,
        "route": json.loads(report.route_json),
        "recommendations_decision": json.loads(report.recommendations_decision_json),
        "recommendations_noting": json.loads(report.recommendations_noting_json),
        "implications": json.loads(report.implications_json),
        "background_papers": report.background_papers,
        "appendices": json.loads(report.appendices_json or "[]"),
    }


def live_pack(db: Session, meeting: Meeting, *, include_exempt: bool) -> dict[str, Any]:
    """The agenda pack as it stands now; without Part 2 items unless asked."""
    body = db.get(Body, meeting.body_id)
    items = []
    for item in items_of(db, meeting.id):
        if item.exempt and not include_exempt:
            continue
        report = db.scalar(select(Report).where(Report.agenda_item_id == item.id))
        documents = db.scalars(
            select(Document)
            .where(Document.agenda_item_id == item.id)
            .order_by(Document.uploaded_at)
        ).all()
        items.append(
            {
                "id": item.id,
                **_as_values(item),
                "report": report_dict(report),
                "documents": [
                    {
                        "id": d.id,
                        "title": d.title,
                        "filename": d.filename,
                        "content_type": d.content_type,
                        "size": d.size,
                        "sha256": d.sha256,
                    }
                    for d in documents
                ],
                "figures_title": item.figures_title,
                "figures": figures_of(item),
                "figures_frozen_at": item.figures_frozen_at,
            }
        )
    return {
        "meeting_id": meeting.id,
        "body": body.name if body else "",
        "meeting_date": meeting.meeting_date,
        "start_time": meeting.start_time,
        "venue": meeting.venue,
        "mode": meeting.mode,
        "public": meeting.public,
        "items": items,
    }


def publish(
    db: Session,
    meeting_id: str,
    *,
    actor: str,
    on: date | None = None,
    reason: Any = None,
    calendar: WorkingCalendar | None = None,
) -> Publication:
    """Publish the agenda pack: a new frozen version. A second or later version
    needs a reason (e.g. "report to follow now attached")."""
    meeting = get(db, Meeting, meeting_id, "meeting")
    on = on or date.today()
    checks = Checks()
    reason = checks.text("reason", reason, required=False, limit=1000)
    version = (
        db.scalar(select(func.max(Publication.version)).where(Publication.meeting_id == meeting.id))
        or 0
    ) + 1
    if version > 1 and not reason:
        checks.add("reason", "is required to publish the agenda again (say what changed)")
    if meeting.state == "cancelled":
        checks.add("meeting", "the meeting is cancelled")
    if not items_of(db, meeting.id):
        checks.add("items", "the agenda has no items yet")
    checks.done()
    calendar = calendar or WorkingCalendar.from_session(db)
    late = meetings_service.clear_working_days(
        meeting.published_on or on, meeting.meeting_date, calendar
    ) < meetings_service.clear_days_setting(db)
    with change(db):
        publication = Publication(
            meeting_id=meeting.id,
            version=version,
            published_at=now(),
            published_on=on,
            published_by=actor,
            reason=reason,
            late=late,
            public_json=json.dumps(live_pack(db, meeting, include_exempt=False), default=str),
            full_json=json.dumps(live_pack(db, meeting, include_exempt=True), default=str),
        )
        db.add(publication)
        if meeting.published_on is None:
            meeting.published_on = on
        db.flush()
        record_event(db, actor, "meeting", meeting.id, "published", {"version": version})
    return publication


def publications(db: Session, meeting_id: str) -> list[Publication]:
    return list(
        db.scalars(
            select(Publication)
            .where(Publication.meeting_id == meeting_id)
            .order_by(Publication.version)
        )
    )


def published_pack(
    db: Session, meeting_id: str, *, version: int | None = None, include_exempt: bool = False
) -> tuple[Publication, dict[str, Any]]:
    """A published version (the latest unless asked) and its pack; NotFound if the
    agenda has not been published."""
    query = select(Publication).where(Publication.meeting_id == meeting_id)
    if version is not None:
        query = query.where(Publication.version == version)
    publication = db.scalar(query.order_by(Publication.version.desc()).limit(1))
    if publication is None:
        raise NotFound("That agenda has not been published.")
    if include_exempt:
        return publication, json.loads(publication.full_json)
    return publication, public_copy(db, publication)


def public_copy(db: Session, publication: Publication) -> dict[str, Any]:
    """The public copy of a publication, less any item made exempt since: the
    words published stay as they were, but an item later found to be exempt is
    withdrawn from every public version."""
    pack = json.loads(publication.public_json)
    ids = [item["id"] for item in pack["items"]]
    if ids:
        now_exempt = set(
            db.scalars(
                select(AgendaItem.id).where(AgendaItem.id.in_(ids), AgendaItem.exempt.is_(True))
            )
        )
        pack["items"] = [item for item in pack["items"] if item["id"] not in now_exempt]
    return pack
