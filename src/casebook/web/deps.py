"""Named dependencies: the database session, the signed-in user, the one
permission guard, CSRF protection and the child-in-scope check.

Routes attach ``requires(Action.X)``; nothing re-checks permissions by hand.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from casebook.access import accounts, log
from casebook.access.accounts import ActiveSession
from casebook.access.policy import User, allowed, can_see_child
from casebook.access.roles import Action
from casebook.record.errors import Forbidden

SESSION_COOKIE = "casebook_session"
PRE_CSRF_COOKIE = "casebook_csrf"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: A child id in a path: any text but NUL, which no database column can hold.
NO_NUL_NONEMPTY = r"^[^\x00]+$"


class NotSignedIn(Exception):
    """No live session: HTML pages redirect to sign-in, the API answers 401."""


class CsrfFailed(Exception):
    """A form or API call without the session's CSRF token."""


def get_db(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_db)]


def get_active_session(request: Request, db: DbSession) -> ActiveSession | None:
    cached = getattr(request.state, "active_session", None)
    if cached is not None:
        return cached
    active = accounts.resume(db, request.cookies.get(SESSION_COOKIE), accounts.now())
    request.state.active_session = active
    return active


def get_user(active: Annotated[ActiveSession | None, Depends(get_active_session)]) -> User:
    if active is None:
        raise NotSignedIn()
    return active.user


CurrentUser = Annotated[User, Depends(get_user)]


async def csrf_protect(
    request: Request, active: Annotated[ActiveSession | None, Depends(get_active_session)]
) -> None:
    """Every unsafe request must carry the session's token (form field or header)."""
    if request.method not in UNSAFE:
        return
    expected = active.csrf_token if active else request.cookies.get(PRE_CSRF_COOKIE)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("csrf_token")
    if not expected or not sent or not secrets.compare_digest(str(sent), expected):
        raise CsrfFailed()


def requires(action: Action) -> Callable[[User], User]:
    """The guard every route declares: the user's role must allow ``action``."""

    def guard(user: CurrentUser) -> User:
        if not allowed(user, action):
            raise Forbidden(f"Your role cannot {action.value.replace('_', ' ')}.")
        return user

    guard.action = action  # type: ignore[attr-defined]  # read by the route-coverage test
    return guard


def child_in_scope(
    person_id: Annotated[str, Path(max_length=100, pattern=NO_NUL_NONEMPTY)],
    request: Request,
    db: DbSession,
    user: CurrentUser,
) -> str:
    """The child named in the path, if this user may see them; every look is logged."""
    ok = allowed(user, Action.VIEW_CHILD) and can_see_child(db, user, person_id, date.today())
    action = log.VIEW if request.method not in UNSAFE else "edit"
    log.log_access(
        db,
        user.username,
        action if ok else log.REFUSED,
        person_id=person_id,
        detail=request.url.path,
        allowed=ok,
    )
    if not ok:
        raise Forbidden("You do not have access to this child's record.")
    return person_id


ChildId = Annotated[str, Depends(child_in_scope)]
