"""Panels, boards and partnership groups, who reports to whom, and their members."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.scrutiny.common import Checks, change, flag, get, now, record_event
from casebook.scrutiny.models import BODY_KINDS, MEMBER_ROLES, Body, Member


def create_body(
    db: Session,
    *,
    name: Any,
    kind: Any,
    actor: str,
    remit: Any = None,
    quorum: Any = None,
    reports_to_id: Any = None,
    escalates_to_id: Any = None,
    online_counts_for_quorum: Any = False,
) -> Body:
    checks = Checks()
    name = checks.text("name", name, limit=200)
    kind = checks.choice("kind", kind, BODY_KINDS)
    remit = checks.text("remit", remit, required=False)
    quorum = checks.whole("quorum", quorum, required=False, low=1, high=100)
    for field, value in (("reports_to_id", reports_to_id), ("escalates_to_id", escalates_to_id)):
        if value and db.get(Body, str(value)) is None:
            checks.add(field, f"there is no body '{value}'")
    if name and db.scalar(select(Body.id).where(Body.name == name)):
        checks.add("name", f"a body called '{name}' already exists")
    checks.done()
    with change(db):
        body = Body(
            name=name,
            kind=kind,
            remit=remit,
            quorum=quorum,
            reports_to_id=reports_to_id or None,
            escalates_to_id=escalates_to_id or None,
            online_counts_for_quorum=flag(online_counts_for_quorum),
            created_at=now(),
        )
        db.add(body)
        db.flush()
        record_event(db, actor, "body", body.id, "created", {"name": name})
    return body


def all_bodies(db: Session) -> list[Body]:
    return list(db.scalars(select(Body).order_by(Body.name)))


def body_by_name(db: Session, name: str) -> Body | None:
    return db.scalar(select(Body).where(Body.name == name))


def add_member(
    db: Session,
    body_id: str,
    *,
    name: Any,
    role: Any,
    actor: str,
    party: Any = None,
    voting: Any = True,
    organisation: Any = None,
    term_start: Any = None,
    term_end: Any = None,
) -> Member:
    body = get(db, Body, body_id, "body")
    checks = Checks()
    name = checks.text("name", name, limit=200)
    role = checks.choice("role", role, MEMBER_ROLES)
    party = checks.text("party", party, required=False, limit=60)
    organisation = checks.text("organisation", organisation, required=False, limit=200)
    start = checks.day("term_start", term_start, required=False)
    end = checks.day("term_end", term_end, required=False)
    if start and end and end < start:
        checks.add("term_end", "must be on or after the start of the term")
    checks.done()
    if role in ("chair", "vice_chair"):
        holder = db.scalar(
            select(Member).where(
                Member.body_id == body.id, Member.role == role, Member.term_end.is_(None)
            )
        )
        if holder is not None:
            raise Invalid(
                [Problem("role", f"{holder.name} is already the {role.replace('_', '-')}")]
            )
    with change(db):
        member = Member(
            body_id=body.id,
            name=name,
            role=role,
            party=party,
            voting=flag(voting),
            organisation=organisation,
            term_start=start,
            term_end=end,
        )
        db.add(member)
        db.flush()
        record_event(db, actor, "member", member.id, "added", {"body": body.id, "role": role})
    return member


def end_term(db: Session, member_id: str, *, on: Any, actor: str) -> Member:
    """A member leaves: the term ends (the row is kept)."""
    member = get(db, Member, member_id, "member")
    checks = Checks()
    end = checks.day("term_end", on)
    if end and member.term_start and end < member.term_start:
        checks.add("term_end", "must be on or after the start of the term")
    checks.done()
    with change(db):
        member.term_end = end
        record_event(db, actor, "member", member.id, "term_ended", {"on": end})
    return member


def members_on(db: Session, body_id: str, on: date) -> list[Member]:
    """The members serving on ``on`` (chair first, then vice-chair, then by name)."""
    rows = db.scalars(select(Member).where(Member.body_id == body_id)).all()
    order = {r: i for i, r in enumerate(MEMBER_ROLES)}
    return sorted(
        (
            m
            for m in rows
            if (m.term_start is None or m.term_start <= on)
            and (m.term_end is None or m.term_end >= on)
        ),
        key=lambda m: (order.get(m.role, 9), m.name),
    )


def related(db: Session, body: Body) -> dict[str, Body | None | list[Body]]:
    """Whom the body reports and escalates to, and who reports to it."""
    return {
        "reports_to": db.get(Body, body.reports_to_id) if body.reports_to_id else None,
        "escalates_to": db.get(Body, body.escalates_to_id) if body.escalates_to_id else None,
        "reporting": list(
            db.scalars(select(Body).where(Body.reports_to_id == body.id).order_by(Body.name))
        ),
    }
