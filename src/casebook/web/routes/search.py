"""Pages: find a child - by name however it was spelled, date of birth or person ID.

Results are limited to the children the user may see (the access policy's
``visible_children`` is part of the search's SQL) and every search is logged
with how many children it showed and their ids, never what was typed. The
logging is here, shared with the JSON API and the duplicate check that
``/children/new`` makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from casebook.access import log
from casebook.access.policy import User, visible_children
from casebook.access.roles import Action
from casebook.record.code_lists import code_options
from casebook.record.search import SearchHit, find_children
from casebook.web.deps import CurrentUser, DbSession, requires
from casebook.web.forms import FormErrors, read_date
from casebook.web.templating import render

router = APIRouter()

#: The longest name or person ID a search box takes.
LONGEST = {"name": 200, "person_id": 100}
#: The search form's fields: a search was made when any of them was sent.
FIELDS = ("name", "dob-day", "dob-month", "dob-year", "person_id")


def _query_fields(request: Request) -> dict[str, str]:
    """The query string's values as typed (less any NUL characters)."""
    return {k: v.replace("\x00", "") for k, v in request.query_params.items()}


#: A GET form's fields, read from the query string.
QueryFields = Annotated[dict[str, str], Depends(_query_fields)]


def code_labels(db: Session, list_name: str) -> dict[str, str]:
    """A code list's labels by code, as the results show them ("Female")."""
    return {code: text.rsplit(" (", 1)[0] for code, text in code_options(db, list_name)}


def log_search(db: Session, user: User, hits: list[SearchHit], what: str = "search") -> None:
    """Log that ``user`` was shown ``hits``: how many and their ids, never the search text."""
    ids = ", ".join(h.person_id for h in hits)
    count = f"{len(hits)} result{'' if len(hits) == 1 else 's'}"
    log.log_access(
        db, user.username, log.SEARCH, detail=f"{what}: {count}" + (f": {ids}" if ids else "")
    )


def search_children(
    db: Session,
    user: User,
    *,
    name: str | None = None,
    dob: date | None = None,
    person_id: str | None = None,
) -> list[SearchHit]:
    """The children this user may see who match, best first; the search is logged."""
    hits = find_children(
        db,
        name=name or None,
        dob=dob,
        person_id=person_id or None,
        visible=visible_children(user, date.today()),
    )
    log_search(db, user, hits)
    return hits


def read_search(values: Mapping[str, str]) -> tuple[str, date | None, str, FormErrors]:
    """The search form's name, date of birth and person ID, with what is wrong with them."""
    errors = FormErrors()
    name = values.get("name", "").strip()
    dob = read_date(values, "dob", "Date of birth", errors, required=False)
    person_id = values.get("person_id", "").strip()
    for field, label in (("name", "Name"), ("person_id", "Person ID")):
        if len(values.get(field, "").strip()) > LONGEST[field]:
            errors.add(field, f"{label} must be {LONGEST[field]} characters or fewer")
    if not errors and not (name or dob or person_id):
        errors.add("name", "Enter a name, a date of birth or a person ID")
    return name, dob, person_id, errors


@router.get("/search", dependencies=[Depends(requires(Action.SEARCH))])
def search(request: Request, db: DbSession, user: CurrentUser, values: QueryFields) -> Response:
    searched = any(field in values for field in FIELDS)
    hits: list[SearchHit] = []
    errors = FormErrors()
    if searched:
        name, dob, person_id, errors = read_search(values)
        if not errors:
            hits = search_children(db, user, name=name, dob=dob, person_id=person_id)
    return render(
        request,
        "search/search.html",
        {
            "title": "Find a child",
            "values": values,
            "errors": errors,
            "searched": searched and not errors,
            "hits": hits,
            "sexes": code_labels(db, "sex"),
        },
        status_code=422 if errors else 200,
    )
