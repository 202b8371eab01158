"""Pages: administration - the access log, and the users who may sign in.

``Action.READ_ACCESS_LOG`` reads the log (who looked at which child, newest
first, filtered by user or child); ``Action.MANAGE_USERS`` lists and adds
accounts. Passwords are never shown nor kept in a form that comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access import accounts, log
from casebook.access.models import AppUser
from casebook.access.passwords import MIN_LENGTH
from casebook.access.roles import ROLE_TITLES, Action
from casebook.record.errors import Invalid
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import NO_NUL, FormErrors, FormFields, problem_errors
from casebook.web.templating import render

router = APIRouter()

#: How many entries of the access log one page shows.
LOG_LIMIT = 200

#: The account form's fields: label, and the longest value the record keeps.
USER_FIELDS: dict[str, tuple[str, int | None]] = {
    "username": ("Username", 60),
    "display_name": ("Display name", 120),
    "role": ("Role", None),
    "team_id": ("Team ID", None),
    "service_id": ("Service ID", None),
    "professional_id": ("Professional ID", None),
    "agency": ("Agency", 60),
    "job_title": ("Job title", 120),
    "password": ("Password", None),
}
USER_LABELS = {field: label for field, (label, _) in USER_FIELDS.items()}


def all_users(db: Session) -> list[AppUser]:
    """Every account, by username."""
    return list(db.scalars(select(AppUser).order_by(AppUser.username)))


def check_lengths(values: Mapping[str, str | None]) -> FormErrors:
    """Values longer than the record keeps, as errors naming the field."""
    errors = FormErrors()
    for field, (label, longest) in USER_FIELDS.items():
        value = values.get(field) or ""
        if longest and len(value) > longest:
            errors.add(field, f"{label} must be {longest} characters or fewer")
    return errors


@router.get("/admin/access-log", dependencies=[Depends(requires(Action.READ_ACCESS_LOG))])
def access_log(
    request: Request,
    db: DbSession,
    username: Annotated[str | None, Query(pattern=NO_NUL)] = None,
    person_id: Annotated[str | None, Query(pattern=NO_NUL)] = None,
) -> Response:
    username = (username or "").strip() or None
    person_id = (person_id or "").strip() or None
    entries = log.read_log(db, username=username, person_id=person_id, limit=LOG_LIMIT)
    return render(
        request,
        "admin/access_log.html",
        {
            "title": "The access log",
            "entries": entries,
            "limit": LOG_LIMIT,
            "values": {"username": username or "", "person_id": person_id or ""},
            "filtered": bool(username or person_id),
        },
    )


def _users_page(
    request: Request,
    db: Session,
    values: Mapping[str, str],
    errors: FormErrors,
    *,
    created: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "admin/users.html",
        {
            "title": "Users",
            "users": all_users(db),
            "roles": list(ROLE_TITLES.items()),
            "values": {k: v for k, v in values.items() if k != "password"},
            "errors": errors,
            "created": created,
            "min_password": MIN_LENGTH,
        },
        status_code=status,
    )


@router.get("/admin/users", dependencies=[Depends(requires(Action.MANAGE_USERS))])
def users(request: Request, db: DbSession, created: str | None = None) -> Response:
    if created and db.get(AppUser, created) is None:
        created = None
    return _users_page(request, db, {}, FormErrors(), created=created)


@router.post(
    "/admin/users",
    dependencies=[Depends(requires(Action.MANAGE_USERS)), Depends(csrf_protect)],
)
def create_user(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    values = {field: form.get(field, "").strip() for field in USER_FIELDS}
    values["password"] = form.get("password", "")
    errors = FormErrors()
    if not values["username"]:
        errors.add("username", "Enter a username")
    if not values["display_name"]:
        errors.add("display_name", "Enter the name to show for this user")
    if not values["role"]:
        errors.add("role", "Select a role")
    if not values["password"]:
        errors.add("password", "Enter a password")
    for field, message in check_lengths(values).items():
        errors.add(field, message)
    if not errors:
        try:
            accounts.create_user(
                UnitOfWork(session=db),
                username=values["username"],
                display_name=values["display_name"],
                role=values["role"],
                password=values["password"],
                actor=Actor(user.username),
                team_id=values["team_id"] or None,
                service_id=values["service_id"] or None,
                professional_id=values["professional_id"] or None,
                agency=values["agency"] or None,
                job_title=values["job_title"] or None,
            )
        except Invalid as exc:
            errors = problem_errors(exc, USER_LABELS)
        else:
            return RedirectResponse(f"/admin/users?created={values['username']}", status_code=303)
    return _users_page(request, db, values, errors, status=422)
