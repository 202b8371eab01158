"""What every scrutiny service shares: one transaction per change, the event
log, finding a row or answering NotFound, and checking input field by field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, NotFound, Problem
from casebook.record.unit_of_work import UnitOfWork
from casebook.scrutiny.models import Event

T = TypeVar("T")


def now() -> datetime:
    """The time as stored: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def change(db: Session) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with UnitOfWork(session=db) as uow:
        yield uow.session
        uow.commit()


def record_event(
    db: Session, username: str, entity: str, entity_id: str, what: str, detail: Any = None
) -> None:
    db.add(
        Event(
            at=now(),
            username=username,
            entity=entity,
            entity_id=entity_id,
            what=what,
            detail=None if detail is None else json.dumps(detail, default=str),
        )
    )


def get(db: Session, model: type[T], row_id: str | None, label: str) -> T:
    row = db.get(model, row_id) if row_id and "\x00" not in row_id else None
    if row is None:
        raise NotFound(f"There is no {label} '{row_id}'.")
    return row


class Checks:
    """Collects problems with input; ``done()`` raises them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append(Problem(field, message))

    def text(
        self, field: str, value: Any, *, required: bool = True, limit: int = 5000
    ) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "is required")
            return None
        if not isinstance(value, str):
            self.add(field, "must be text")
            return None
        value = value.replace("\x00", "").strip()
        if len(value) > limit:
            self.add(field, f"must be at most {limit} characters")
            return None
        return value

    def choice(
        self, field: str, value: Any, options: tuple[str, ...], *, required: bool = True
    ) -> str | None:
        if value in (None, ""):
            if required:
                self.add(field, f"is required (one of {', '.join(options)})")
            return None
        if value not in options:
            self.add(field, f"must be one of {', '.join(options)}")
            return None
        return value

    def day(self, field: str, value: Any, *, required: bool = True) -> date | None:
        if value in (None, ""):
            if required:
                self.add(field, "is required")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            parsed = date.fromisoformat(str(value))
        except ValueError:
            self.add(field, "must be a real date (YYYY-MM-DD)")
            return None
        if not date(1900, 1, 1) <= parsed <= date(2200, 12, 31):
            self.add(field, "must be a date between 1900 and 2200")
            return None
        return parsed

    def whole(
        self, field: str, value: Any, *, required: bool = True, low: int = 0, high: int = 100000
    ) -> int | None:
        if value in (None, ""):
            if required:
                self.add(field, "is required")
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.add(field, "must be a whole number")
            return None
        if isinstance(value, bool) or not low <= number <= high:
            self.add(field, f"must be a whole number from {low} to {high}")
            return None
        return number

    def done(self) -> None:
        if self.problems:
            raise Invalid(self.problems)


def flag(value: Any) -> bool:
    """A checkbox or JSON flag: true for true, 'Y', 'yes', 'on', '1'."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("y", "yes", "on", "1", "true")
