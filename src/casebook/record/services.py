"""The only way to change the record.

Every change is validated, written and given its history entry (who, when,
what, before and after) in one transaction. Nothing is deleted: a row is
marked entered-in-error or superseded, with a reason, and stays readable.
Saves carry the version the user saw; if someone else saved first, the second
save is refused with :class:`~casebook.record.errors.Conflict`.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Date, Float, Integer, String, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casebook.record.errors import Conflict, Invalid, NotFound, Problem
from casebook.record.fields import FLAG_VALUES
from casebook.record.models import Base, HistoryEntry
from casebook.record.models.base import ACTIVE, ENTERED_IN_ERROR, SUPERSEDED
from casebook.record.unit_of_work import UnitOfWork
from casebook.record.validation import check_values, load_codebook

M = TypeVar("M", bound=Base)

#: Bookkeeping columns only the services themselves may set.
BOOKKEEPING = frozenset({"cb_version", "cb_status", "cb_status_reason", "cb_row_id"})


@dataclass(frozen=True)
class Actor:
    """Who is making the change, as the history will name them."""

    username: str


SYSTEM = Actor("system")


# --------------------------------------------------------------------------- guards


@event.listens_for(Session, "before_flush")
def _refuse_deletes(session: Session, _ctx, _instances) -> None:
    """Nothing in the record is ever deleted outright, whatever the caller tries."""
    for obj in session.deleted:
        raise Invalid(
            [
                Problem(
                    type(obj).__tablename__,
                    "records are never deleted: mark the record entered in error instead",
                )
            ]
        )


# --------------------------------------------------------------------------- helpers


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj: Base) -> dict[str, Any]:
    """Every column of a row, as plain JSON-ready values."""
    return {c.key: _jsonable(getattr(obj, c.key)) for c in inspect(obj).mapper.column_attrs}


def _key_of(obj: Base) -> str:
    identity = inspect(obj).identity or tuple(
        getattr(obj, c.key) for c in inspect(type(obj)).primary_key
    )
    return "/".join(str(v) for v in identity)


def _coerce(model: type[Base], field: str, raw: Any) -> Any:
    """Turn typed input (or form text) into the column's Python type, or raise ValueError."""
    column = model.__table__.c[field]
    if raw is None or raw == "":
        return None
    if isinstance(column.type, Date):
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ValueError(f"'{raw}' is not a real date in the form YYYY-MM-DD") from None
    if isinstance(column.type, String) and column.type.length == 1:  # a Y/N flag
        value = str(raw).upper()
        if value not in FLAG_VALUES:
            raise ValueError(f"'{raw}' must be Y or N")
        return value
    if isinstance(column.type, Integer):
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ValueError(f"'{raw}' is not a whole number") from None
    if isinstance(column.type, Float):
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"'{raw}' is not a number") from None
    return str(raw).strip()


def _clean(model: type[Base], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check field names and types; every problem is reported at once."""
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    columns = model.__table__.c
    for field, raw in values.items():
        if field not in columns:
            problems.append(Problem(field, f"{model.__tablename__} has no field {field}"))
        elif field in BOOKKEEPING:
            problems.append(Problem(field, "is kept by Casebook and cannot be set"))
        else:
            try:
                clean[field] = _coerce(model, field, raw)
            except ValueError as exc:
                problems.append(Problem(field, str(exc)))
    if problems:
        raise Invalid(problems)
    return clean


def _check_references(session: Session, model: type[Base], row: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for column in model.__table__.c:
        value = row.get(column.key)
        if value is None or not column.foreign_keys:
            continue
        target = next(iter(column.foreign_keys)).column
        found = session.execute(
            target.table.select().with_only_columns(target).where(target == value).limit(1)
        ).first()
        if found is None:
            problems.append(Problem(column.key, f"no {target.table.name} with id '{value}'"))
    return problems


def _validate(session: Session, model: type[Base], row: Mapping[str, Any]) -> None:
    problems = check_values(row, load_codebook(session))
    problems += _check_references(session, model, row)
    for column in model.__table__.c:
        if (
            not column.nullable
            and column.key not in BOOKKEEPING
            and row.get(column.key) is None
            and column.server_default is None
            and column.default is None
            and column.autoincrement is not True
        ):
            problems.append(Problem(column.key, "is required"))
    if problems:
        raise Invalid(problems)


def _history(session: Session, actor: Actor, action: str, obj: Base, before, after, reason):
    session.add(
        HistoryEntry(
            at=datetime.now(UTC).replace(tzinfo=None),
            actor=actor.username,
            action=action,
            table_name=type(obj).__tablename__,
            record_id=_key_of(obj),
            before_json=json.dumps(before, sort_keys=True) if before is not None else None,
            after_json=json.dumps(after, sort_keys=True) if after is not None else None,
            reason=reason,
        )
    )


def _flush(session: Session) -> None:
    """Flush, turning a lost race into a clear refusal.

    PostgreSQL finds the row's version moved on (StaleDataError); SQLite refuses
    to let a transaction that read an older snapshot write at all.
    """
    try:
        session.flush()
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        raise Conflict(
            "Someone else was saving this record at the same moment. "
            "Your change was not saved: reload the record and try again."
        ) from None
    except StaleDataError:
        raise Conflict(
            "Someone else saved this record while you were editing it. "
            "Your change was not saved: reload the record to see theirs."
        ) from None


def new_id(model: type[Base]) -> str:
    """A fresh primary key for a record created in Casebook."""
    return f"{model.__tablename__.removeprefix('ssd_')[:4].upper()}-{uuid.uuid4().hex[:12]}"


def get(session: Session, model: type[M], key: Any) -> M:
    obj = session.get(model, key)
    if obj is None:
        raise NotFound(f"no {model.__tablename__} with id {key}")
    return obj


# --------------------------------------------------------------------------- services


def _one_transaction(service: Callable[..., M]) -> Callable[..., M]:
    """Make a one-transaction service of a session-level step: run it inside the unit
    of work and commit only if it finished. Services that change several records
    at once (e.g. a front-door decision opening a referral) call the steps
    (``add_record`` ...) inside their own unit of work instead."""

    @functools.wraps(service)
    def run(uow: UnitOfWork, *args: Any, **kwargs: Any) -> M:
        with uow:
            result = service(uow.session, *args, **kwargs)
            uow.commit()
            return result

    return run


def add_record(session: Session, model: type[M], values: Mapping[str, Any], actor: Actor) -> M:
    """Validate and add a new record, with its history entry."""
    clean = _clean(model, values)
    pk = list(model.__table__.primary_key.columns)
    if len(pk) == 1 and isinstance(pk[0].type, String) and clean.get(pk[0].key) is None:
        clean[pk[0].key] = new_id(model)
    _validate(session, model, clean)
    key = tuple(clean.get(c.key) for c in pk)
    if None not in key and session.get(model, key) is not None:
        raise Invalid([Problem(pk[0].key, f"a record with id '{key[-1]}' already exists")])
    obj = model(**clean)
    session.add(obj)
    _flush(session)
    _history(session, actor, "create", obj, None, snapshot(obj), None)
    return obj


def update_record(
    session: Session,
    model: type[M],
    key: Any,
    changes: Mapping[str, Any],
    expected_version: int,
    actor: Actor,
    reason: str | None = None,
) -> M:
    """Change fields of a record the user saw at ``expected_version``."""
    obj = get(session, model, key)
    _check_version(obj, expected_version)
    if obj.cb_status != ACTIVE:
        raise Invalid([Problem("cb_status", f"this record is {obj.cb_status.replace('_', ' ')}")])
    clean = _clean(model, changes)
    for pk in model.__table__.primary_key.columns:
        if pk.key in clean and clean[pk.key] != getattr(obj, pk.key):
            raise Invalid([Problem(pk.key, "an id cannot be changed")])
    before = snapshot(obj)
    _validate(session, model, {**before_values(obj), **clean})
    for field, value in clean.items():
        setattr(obj, field, value)
    _flush(session)
    _history(session, actor, "update", obj, before, snapshot(obj), reason)
    return obj


def mark_entered_in_error_record(
    session: Session, model: type[M], key: Any, reason: str, expected_version: int, actor: Actor
) -> M:
    """Take a wrongly entered record out of use, keeping it and saying why."""
    return _set_status(session, model, key, ENTERED_IN_ERROR, reason, expected_version, actor)


def supersede_record(
    session: Session,
    model: type[M],
    key: Any,
    replacement: Mapping[str, Any],
    reason: str,
    expected_version: int,
    actor: Actor,
) -> M:
    """Replace a record with a corrected one; the old one stays, marked superseded."""
    old = get(session, model, key)
    _check_version(old, expected_version)
    values = {
        k: v for k, v in before_values(old).items() if k not in BOOKKEEPING and k not in _pk(model)
    }
    values.update(replacement)
    clean = _clean(model, values)
    for pk in _pk(model):
        clean.setdefault(pk, new_id(model))
    _validate(session, model, clean)
    before = snapshot(old)
    old.cb_status = SUPERSEDED
    old.cb_status_reason = reason
    new = model(**clean)
    session.add(new)
    _flush(session)
    _history(session, actor, "supersede", old, before, snapshot(old), reason)
    _history(session, actor, "create", new, None, snapshot(new), f"replaces {_key_of(old)}")
    return new


def _pk(model: type[Base]) -> list[str]:
    return [c.key for c in model.__table__.primary_key.columns]


def before_values(obj: Base) -> dict[str, Any]:
    """The row's current values as Python objects (not JSON), for validation."""
    return {c.key: getattr(obj, c.key) for c in inspect(obj).mapper.column_attrs}


def _check_version(obj: Base, expected_version: int) -> None:
    if obj.cb_version != expected_version:
        raise Conflict(
            f"Someone else saved this record after you opened it (you saw version "
            f"{expected_version}, it is now version {obj.cb_version}). Your change was not "
            "saved: reload the record to see theirs."
        )


def _set_status(session, model, key, status, reason, expected_version, actor):
    if not reason or not reason.strip():
        raise Invalid([Problem("reason", "say why")])
    obj = get(session, model, key)
    _check_version(obj, expected_version)
    if obj.cb_status != ACTIVE:
        raise Invalid([Problem("cb_status", f"this record is already {obj.cb_status}")])
    before = snapshot(obj)
    obj.cb_status = status
    obj.cb_status_reason = reason.strip()
    _flush(session)
    _history(session, actor, status, obj, before, snapshot(obj), reason.strip())
    return obj


#: The services, each one transaction with its history: what routes and commands call.
create = _one_transaction(add_record)
update = _one_transaction(update_record)
mark_entered_in_error = _one_transaction(mark_entered_in_error_record)
supersede = _one_transaction(supersede_record)
