"""JSON API: administration - the access log and user accounts.

``Action.READ_ACCESS_LOG`` reads the log; ``Action.MANAGE_USERS`` lists and
adds accounts. No answer ever carries a password or its hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from casebook.access import accounts, log
from casebook.access.models import AppUser
from casebook.access.roles import ROLE_TITLES, Action, Role
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.api.front_door import Strict, Text
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import NO_NUL
from casebook.web.routes.admin import all_users

router = APIRouter(prefix="/api", tags=["admin"])


class AccessLogEntryOut(BaseModel):
    id: int
    at: datetime = Field(description="UTC")
    username: str
    action: str = Field(description="view, search, export, edit or refused")
    person_id: str | None
    detail: str | None
    allowed: bool


class UserIn(Strict):
    username: Text = Field(
        max_length=60, description="letters, digits, dots and hyphens", examples=["mash.rowan"]
    )
    display_name: Text = Field(min_length=1, max_length=120)
    role: Role
    password: Text = Field(description="at least 12 characters; stored hashed")
    team_id: Text | None = None
    service_id: Text | None = None
    professional_id: Text | None = None
    agency: Text | None = Field(default=None, max_length=60)
    job_title: Text | None = Field(default=None, max_length=120)


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    role_title: str
    team_id: str | None
    service_id: str | None
    professional_id: str | None
    agency: str | None
    job_title: str | None
    active: bool

    @classmethod
    def of(cls, account: AppUser) -> UserOut:
        return cls(
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            role_title=ROLE_TITLES.get(account.role, account.role),
            team_id=account.team_id,
            service_id=account.service_id,
            professional_id=account.professional_id,
            agency=account.agency,
            job_title=account.job_title,
            active=bool(account.active and account.cb_status == "active"),
        )


@router.get(
    "/access-log",
    dependencies=[Depends(requires(Action.READ_ACCESS_LOG))],
    response_model=list[AccessLogEntryOut],
)
def access_log(
    db: DbSession,
    username: Annotated[str | None, Query(pattern=NO_NUL)] = None,
    person_id: Annotated[str | None, Query(pattern=NO_NUL)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AccessLogEntryOut]:
    """The access log, newest first, filtered by username or child's person id."""
    entries = log.read_log(db, username=username or None, person_id=person_id or None, limit=limit)
    return [
        AccessLogEntryOut(
            id=e.id,
            at=e.at,
            username=e.username,
            action=e.action,
            person_id=e.person_id,
            detail=e.detail,
            allowed=e.allowed,
        )
        for e in entries
    ]


@router.get(
    "/users", dependencies=[Depends(requires(Action.MANAGE_USERS))], response_model=list[UserOut]
)
def users(db: DbSession) -> list[UserOut]:
    """Every account, by username."""
    return [UserOut.of(account) for account in all_users(db)]


@router.post(
    "/users",
    dependencies=[Depends(requires(Action.MANAGE_USERS)), Depends(csrf_protect)],
    response_model=UserOut,
    status_code=201,
)
def create_user(body: UserIn, db: DbSession, user: CurrentUser) -> UserOut:
    """Add an account who can sign in with the role given."""
    account = accounts.create_user(
        UnitOfWork(session=db),
        username=body.username.strip(),
        display_name=body.display_name.strip(),
        role=body.role.value,
        password=body.password,
        actor=Actor(user.username),
        team_id=body.team_id or None,
        service_id=body.service_id or None,
        professional_id=body.professional_id or None,
        agency=body.agency or None,
        job_title=body.job_title or None,
    )
    return UserOut.of(account)
