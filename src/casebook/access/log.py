"""The access log: every view of a child's record, every search, every export.

Entries name the user, the time, the action and the child's id. Search text is
never stored (it is personal data); a search is logged with how many children
it showed and their ids.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access.accounts import now
from casebook.access.models import AccessLogEntry
from casebook.record.db import begin_write

VIEW = "view"
SEARCH = "search"
EXPORT = "export"
REFUSED = "refused"


def log_access(
    session: Session,
    username: str,
    action: str,
    *,
    person_id: str | None = None,
    detail: str | None = None,
    allowed: bool = True,
    at: datetime | None = None,
) -> None:
    """Append one entry and commit it straight away, whatever the page does next."""
    begin_write(session)
    session.add(
        AccessLogEntry(
            at=at or now(),
            username=username,
            action=action,
            person_id=person_id,
            detail=detail,
            allowed=allowed,
        )
    )
    session.commit()


def who_looked(session: Session, person_id: str, limit: int = 50) -> list[AccessLogEntry]:
    """The latest views of one child's record, newest first (shown on the record)."""
    return list(
        session.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.person_id == person_id)
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
            .limit(limit)
        )
    )


def read_log(
    session: Session,
    *,
    username: str | None = None,
    person_id: str | None = None,
    limit: int = 200,
) -> list[AccessLogEntry]:
    """The access log for administrators, newest first, optionally filtered."""
    stmt = select(AccessLogEntry).order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
    if username:
        stmt = stmt.where(AccessLogEntry.username == username)
    if person_id:
        stmt = stmt.where(AccessLogEntry.person_id == person_id)
    return list(session.scalars(stmt.limit(limit)))
