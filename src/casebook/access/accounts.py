"""Accounts and sign-in: argon2 passwords, lock-out after repeated failures,
server-side sessions that end when idle.

The session cookie carries a random token; only its SHA-256 is stored, so a
copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access.models import AppUser, UserSession
from casebook.access.passwords import DUMMY_HASH, MIN_LENGTH, hash_password, verify_password
from casebook.access.policy import User
from casebook.access.roles import Role
from casebook.record import services
from casebook.record.db import begin_write
from casebook.record.errors import Invalid, Problem
from casebook.record.models import Department
from casebook.record.models.base import ACTIVE
from casebook.record.unit_of_work import UnitOfWork

#: Failures in a row before an account is locked, and for how long.
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
#: A session unused for this long is over.
IDLE_TIMEOUT = timedelta(minutes=30)


def now() -> datetime:
    """The time as stored: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def create_user(
    uow: UnitOfWork,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    actor: services.Actor,
    team_id: str | None = None,
    service_id: str | None = None,
    professional_id: str | None = None,
    agency: str | None = None,
    job_title: str | None = None,
) -> AppUser:
    """Add an account; the password is checked for length and stored hashed."""
    problems = []
    if role not in Role.__members__.values():
        problems.append(Problem("role", f"'{role}' is not a role: one of {', '.join(Role)}"))
    if len(password) < MIN_LENGTH:
        problems.append(Problem("password", f"must be at least {MIN_LENGTH} characters"))
    if not username or not username.replace(".", "").replace("-", "").isalnum():
        problems.append(Problem("username", "use letters, digits, dots and hyphens"))
    if problems:
        raise Invalid(problems)
    return services.create(
        uow,
        AppUser,
        {
            "username": username,
            "display_name": display_name,
            "role": role,
            "password_hash": hash_password(password),
            "team_id": team_id,
            "service_id": service_id,
            "professional_id": professional_id,
            "agency": agency,
            "job_title": job_title,
        },
        actor,
    )


@dataclass(frozen=True)
class SignIn:
    """The result of a sign-in attempt: a session token, or why not."""

    token: str | None
    error: str | None


_GENERIC = "Enter a correct username and password."


def sign_in(session: Session, username: str, password: str, at: datetime) -> SignIn:
    """Check a password, count failures, lock after too many; start a session."""
    account = session.get(AppUser, username)
    # Hash outside any transaction: argon2 is slow on purpose, and a connection
    # held meanwhile is one other requests queue for (a morning's sign-ins
    # would stall everyone's pages), as a write lock would on SQLite.
    session.commit()
    if account is None or not account.active or account.cb_status != ACTIVE:
        verify_password(DUMMY_HASH, password)
        return SignIn(None, _GENERIC)
    if account.locked_until is not None and account.locked_until > at:
        return _locked(account)
    correct = verify_password(account.password_hash, password)
    begin_write(session)
    account = session.get(AppUser, username, populate_existing=True)
    if account.locked_until is not None and account.locked_until > at:
        session.commit()
        return _locked(account)
    if not correct:
        account.failed_attempts = (account.failed_attempts or 0) + 1
        if account.failed_attempts >= MAX_FAILURES:
            account.locked_until = at + LOCKOUT
            account.failed_attempts = 0
        session.commit()
        return SignIn(None, _GENERIC)
    account.failed_attempts = 0
    account.locked_until = None
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_digest(token),
            username=username,
            csrf_token=secrets.token_urlsafe(32),
            created_at=at,
            last_seen_at=at,
        )
    )
    session.commit()
    return SignIn(token, None)


def _locked(account: AppUser) -> SignIn:
    return SignIn(
        None,
        "This account is locked after too many failed attempts. "
        f"Try again after {account.locked_until:%H:%M}, or ask an administrator.",
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    user: User
    csrf_token: str


def resume(session: Session, token: str | None, at: datetime) -> ActiveSession | None:
    """The user behind a session cookie, if the session is live; touching it keeps it so."""
    if not token:
        return None
    row = session.get(UserSession, _digest(token))
    if row is None or row.ended_at is not None:
        return None
    if at - row.last_seen_at > IDLE_TIMEOUT:
        begin_write(session)
        row.ended_at = at
        session.commit()
        return None
    account = session.get(AppUser, row.username)
    if account is None or not account.active or account.cb_status != ACTIVE:
        return None
    if at - row.last_seen_at > timedelta(minutes=1):
        begin_write(session)
        row.last_seen_at = at
        session.commit()
    return ActiveSession(user=as_policy_user(session, account), csrf_token=row.csrf_token)


def sign_out(session: Session, token: str | None, at: datetime) -> None:
    if not token:
        return
    row = session.get(UserSession, _digest(token))
    if row is not None and row.ended_at is None:
        row.ended_at = at
        session.commit()


def as_policy_user(session: Session, account: AppUser) -> User:
    front_door = False
    if account.team_id:
        front_door = (
            session.scalar(
                select(Department.cb_front_door).where(Department.dept_team_id == account.team_id)
            )
            == "Y"
        )
    return User(
        username=account.username,
        role=Role(account.role),
        display_name=account.display_name,
        team_id=account.team_id,
        service_id=account.service_id,
        professional_id=account.professional_id,
        front_door=front_door,
    )
