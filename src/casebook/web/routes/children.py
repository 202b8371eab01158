"""Pages: a child's record - adding a child, the record's front page, the
chronology and case notes.

Every route under ``/children/{person_id}`` takes the child through ``ChildId``:
the user must be allowed to see that child, and every look (or refusal) is
logged. Adding a child first offers the children already recorded who may be
the same child (those the user may see), so that a duplicate is made only on
purpose. What the pages and the JSON API share - the checks on a new child and
on a case note, the duplicate look-up, the labels of the chronology's kinds -
is here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from casebook.access import log
from casebook.access.policy import User, allowed, can_see_child, visible_children
from casebook.access.roles import PERMISSIONS, ROLE_TITLES, Action
from casebook.record import services
from casebook.record.child_summary import child_summary
from casebook.record.chronology import KINDS, chronology
from casebook.record.code_lists import code_options
from casebook.record.errors import Invalid, Problem
from casebook.record.fields import EARLIEST_DATE_YEAR
from casebook.record.models import CaseNote, Person
from casebook.record.search import SearchHit, likely_duplicates
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.returns.continuous import errors_for_child
from casebook.web.deps import ChildId, CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import (
    NO_NUL,
    FormErrors,
    FormFields,
    date_values,
    problem_errors,
    read_date,
    renamed,
)
from casebook.web.routes.front_door import full_name
from casebook.web.routes.search import QueryFields, code_labels, log_search
from casebook.web.templating import render

router = APIRouter()

#: How many entries of "Who has looked at this record" the record shows.
LOOKS_SHOWN = 20
#: The longest name a child's record keeps.
LONGEST_NAME = 100
#: The longest case note.
LONGEST_NOTE = 20_000

#: The chronology's kinds of event, in words, in the record's order.
KIND_LABELS: dict[str, str] = {
    "contact": "Contacts",
    "early_help": "Early help",
    "referral": "Referrals",
    "allocation": "Allocations",
    "assessment": "Assessments",
    "strategy": "Strategy discussions",
    "s47": "Section 47 enquiries",
    "icpc": "Initial child protection conferences",
    "cp_plan": "Child protection plans",
    "cin_plan": "Child in need plans",
    "cp_review": "Child protection reviews",
    "cla_episode": "Periods of care",
    "legal_status": "Legal status",
    "placement": "Placements",
    "cla_review": "Looked-after reviews",
    "visit": "Visits",
    "health": "Health",
    "education": "Education",
    "missing": "Missing",
    "exploitation": "Exploitation",
    "permanence": "Permanence and adoption",
    "care_leaver": "Leaving care",
    "case_note": "Case notes",
    "oversight": "Management oversight",
}

#: The kinds of case note, in words.
NOTE_TYPES: dict[str, str] = {
    "case_note": "Case note",
    "oversight": "Management oversight",
}

#: The new child form's fields, as the record keeps them and as the form names them.
PERSON_COLUMNS = {
    "pers_forename": "forename",
    "pers_surname": "surname",
    "pers_dob": "dob",
    "pers_sex": "sex",
    "pers_ethnicity": "ethnicity",
}
PERSON_LABELS = {
    "forename": "First name",
    "surname": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
}
NOTE_LABELS = {"note_date": "Date of the note", "note_type": "Type of note", "text": "Note"}


def _no_nul_in_path(request: Request) -> None:
    """Refuse a path whose ids hold NUL (no database column can), before the child is
    looked up: ``child_in_scope`` takes the id as plain text."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise Invalid([Problem(name, "must not contain NUL characters")])


#: Declared on every route that takes ``ChildId``, after its ``requires``.
CLEAN_PATH = Depends(_no_nul_in_path)


# --------------------------------------------------------------------------- shared checks


def check_date(day: date | None, field: str, today: date) -> Problem | None:
    """A date the record may hold for something that has happened: 1900 to today."""
    if day is None:
        return None
    if day.year < EARLIEST_DATE_YEAR:
        return Problem(field, f"must be in {EARLIEST_DATE_YEAR} or later")
    if day > today:
        return Problem(field, "must be today or in the past")
    return None


def may_record_oversight(user: User) -> bool:
    """Management oversight is for whoever may oversee (``Action.OVERSEE``): the same
    permission as the management oversight step. The notes pages also need
    ``edit_child``, so there it is the roles with both (:data:`OVERSIGHT_NOTE_ROLES`);
    a head of service (oversee without edit_child) records oversight as the step."""
    return allowed(user, Action.OVERSEE)


#: Who may add an oversight note on the notes pages, in words ("team manager").
OVERSIGHT_NOTE_ROLES = " or ".join(
    ROLE_TITLES[role].lower()
    for role, actions in PERMISSIONS.items()
    if {Action.EDIT_CHILD, Action.OVERSEE} <= actions
)


def find_duplicates(
    db: Session, user: User, forename: str, surname: str, dob: date | None
) -> list[SearchHit]:
    """Children this user may see who may be the child about to be added (logged as a search:
    their names are shown)."""
    hits = likely_duplicates(
        db, forename, surname, dob, visible=visible_children(user, date.today())
    )
    if hits:
        log_search(db, user, hits, "duplicate check")
    return hits


def add_child(
    db: Session,
    user: User,
    *,
    forename: str,
    surname: str,
    dob: date,
    sex: str,
    ethnicity: str | None,
) -> Person:
    """Add the child to the record; problems name the fields as the form does."""
    problem = check_date(dob, "dob", date.today())
    if problem:
        raise Invalid([problem])
    try:
        return services.create(
            UnitOfWork(session=db),
            Person,
            {
                "pers_forename": forename,
                "pers_surname": surname,
                "pers_dob": dob,
                "pers_sex": sex,
                "pers_ethnicity": ethnicity or None,
                "cb_person_type": "child",
            },
            Actor(user.username),
        )
    except Invalid as exc:
        raise renamed(exc, PERSON_COLUMNS) from None


def add_case_note(
    db: Session,
    user: User,
    person_id: str,
    *,
    note_date: date,
    note_type: str,
    text: str,
) -> CaseNote:
    """Add a case note (or, for someone who may oversee, a management oversight note)."""
    problems = []
    if note_type not in NOTE_TYPES:
        problems.append(Problem("note_type", f"there is no type of note called {note_type!r}"))
    elif note_type == "oversight" and not may_record_oversight(user):
        problems.append(
            Problem("note_type", f"only a {OVERSIGHT_NOTE_ROLES} can record management oversight")
        )
    if problem := check_date(note_date, "note_date", date.today()):
        problems.append(problem)
    if not text.strip():
        problems.append(Problem("text", "must not be blank"))
    elif len(text) > LONGEST_NOTE:
        problems.append(Problem("text", f"must be {LONGEST_NOTE:,} characters or fewer"))
    if problems:
        raise Invalid(problems)
    return services.create(
        UnitOfWork(session=db),
        CaseNote,
        {
            "person_id": person_id,
            "note_date": note_date,
            "note_type": note_type,
            "text": text.strip(),
            "author_id": user.professional_id,
        },
        Actor(user.username),
    )


def child_name(db: Session, person_id: str) -> str:
    """The child's name as the record's pages head it (the id if there is no name)."""
    return full_name(services.get(db, Person, person_id)) or person_id


# --------------------------------------------------------------------------- add a child


def _new_child_page(
    request: Request,
    db: Session,
    values: Mapping[str, str],
    errors: FormErrors,
    *,
    duplicates: list[SearchHit] | None = None,
    added: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "children/new.html",
        {
            "title": "Add a child",
            "values": values,
            "errors": errors,
            "sexes": code_options(db, "sex"),
            "ethnicities": code_options(db, "ethnicity"),
            "duplicates": duplicates or [],
            "sex_labels": code_labels(db, "sex"),
            "added": added,
        },
        status_code=status,
    )


@router.get("/children/new", dependencies=[Depends(requires(Action.CREATE_PERSON))])
def new_child(
    request: Request,
    db: DbSession,
    added: Annotated[str | None, Query(pattern=NO_NUL, max_length=100)] = None,
) -> Response:
    return _new_child_page(request, db, {}, FormErrors(), added=added)


@router.post(
    "/children/new",
    dependencies=[Depends(requires(Action.CREATE_PERSON)), Depends(csrf_protect)],
)
def create_child(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    errors = FormErrors()
    values = {k: v for k, v in form.items() if k not in ("csrf_token", "confirm")}
    forename = form.get("forename", "").strip()
    surname = form.get("surname", "").strip()
    for field, name, wording in (
        ("forename", forename, "first name"),
        ("surname", surname, "last name"),
    ):
        if not name:
            errors.add(field, f"Enter the child's {wording}")
        elif len(name) > LONGEST_NAME:
            errors.add(field, f"{PERSON_LABELS[field]} must be {LONGEST_NAME} characters or fewer")
    dob = read_date(form, "dob", "Date of birth", errors)
    if problem := check_date(dob, "dob", date.today()):
        errors.add("dob", f"Date of birth {problem.message}")
    sex = form.get("sex", "").strip()
    if sex not in dict(code_options(db, "sex")):
        errors.add("sex", "Select the child's sex")
    ethnicity = form.get("ethnicity", "").strip()
    if ethnicity and ethnicity not in dict(code_options(db, "ethnicity")):
        errors.add("ethnicity", "Select the child's ethnicity from the list")
    if errors:
        return _new_child_page(request, db, values, errors, status=422)
    if form.get("confirm") != "yes":
        duplicates = find_duplicates(db, user, forename, surname, dob)
        if duplicates:
            return _new_child_page(request, db, values, errors, duplicates=duplicates)
    try:
        child = add_child(
            db,
            user,
            forename=forename,
            surname=surname,
            dob=dob,
            sex=sex,
            ethnicity=ethnicity,
        )
    except Invalid as exc:
        return _new_child_page(request, db, values, problem_errors(exc, PERSON_LABELS), status=422)
    person_id = child.pers_person_id
    if can_see_child(db, user, person_id, date.today()):
        return RedirectResponse(f"/children/{person_id}", status_code=303)
    # Not theirs to open yet (not allocated, not named in a contact): say it was added.
    return RedirectResponse(f"/children/new?added={person_id}", status_code=303)


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Look:
    """One line of "Who has looked at this record"."""

    at: datetime  # UK time when the zone is known, else UTC
    zone: str
    username: str
    action: str
    allowed: bool


def _uk_zone() -> tuple[object, str]:
    try:
        return ZoneInfo("Europe/London"), ""
    except ZoneInfoNotFoundError:  # no time zone data: show UTC and say so
        return UTC, "UTC"


def looks(db: Session, person_id: str) -> list[Look]:
    """The latest looks at the record, newest first, in UK time."""
    zone, name = _uk_zone()
    return [
        Look(
            at=entry.at.replace(tzinfo=UTC).astimezone(zone),
            zone=name,
            username=entry.username,
            action=entry.action,
            allowed=entry.allowed,
        )
        for entry in log.who_looked(db, person_id, limit=LOOKS_SHOWN)
    ]


@router.get(
    "/children/{person_id}",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
)
def child_record(request: Request, db: DbSession, person_id: ChildId) -> Response:
    summary = child_summary(db, person_id, date.today())
    return render(
        request,
        "children/record.html",
        {
            "title": summary.person.name,
            "s": summary,
            "person_id": person_id,
            "looks": looks(db, person_id),
            "looks_shown": LOOKS_SHOWN,
            "note_types": NOTE_TYPES,
        },
    )


@router.get(
    "/children/{person_id}/return-errors",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
)
def child_return_errors(request: Request, db: DbSession, person_id: ChildId) -> Response:
    """What the child's record would raise in this year's CIN census and SSDA903 if
    they were sent today (its own page: working it out takes longer than the summary)."""
    summary = child_summary(db, person_id, date.today())
    return render(
        request,
        "children/return_errors.html",
        {
            "title": f"Return errors: {summary.person.name}",
            "s": summary,
            "person_id": person_id,
            "return_errors": errors_for_child(db, person_id, date.today()),
        },
    )


# --------------------------------------------------------------------------- chronology


def read_chronology_filter(
    values: Mapping[str, str], kinds: list[str]
) -> tuple[list[str] | None, date | None, date | None, FormErrors]:
    """The chronology's filter: the kinds ticked (None for all) and the dates from and to."""
    errors = FormErrors()
    chosen = [k for k in dict.fromkeys(kinds) if k]
    unknown = [k for k in chosen if k not in KIND_LABELS]
    if unknown:
        errors.add("kind", "Select kinds of event from the list")
    since = read_date(values, "from", "From date", errors, required=False)
    until = read_date(values, "to", "To date", errors, required=False)
    if since and until and until < since:
        errors.add("to", "To date must be the same as or after the from date")
    return (chosen or None), since, until, errors


@router.get(
    "/children/{person_id}/chronology",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
)
def child_chronology(
    request: Request, db: DbSession, person_id: ChildId, values: QueryFields
) -> Response:
    kinds_ticked = [k.replace("\x00", "") for k in request.query_params.getlist("kind")]
    kinds, since, until, errors = read_chronology_filter(values, kinds_ticked)
    events = [] if errors else chronology(db, person_id, kinds=kinds, since=since, until=until)
    return render(
        request,
        "children/chronology.html",
        {
            "title": f"Chronology: {child_name(db, person_id)}",
            "name": child_name(db, person_id),
            "person_id": person_id,
            "events": events,
            "kinds": [(k, KIND_LABELS.get(k, k)) for k in KINDS],
            "kind_labels": KIND_LABELS,
            "ticked": set(kinds or ()),
            "filtered": bool(kinds or since or until),
            "values": values,
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


# --------------------------------------------------------------------------- case notes


def _note_page(
    request: Request,
    db: Session,
    user: User,
    person_id: str,
    values: Mapping[str, str],
    errors: FormErrors,
    status: int,
) -> Response:
    types = [
        (code, text)
        for code, text in NOTE_TYPES.items()
        if code != "oversight" or may_record_oversight(user)
    ]
    return render(
        request,
        "children/note.html",
        {
            "title": f"Add a case note: {child_name(db, person_id)}",
            "name": child_name(db, person_id),
            "person_id": person_id,
            "note_types": types,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )


@router.get(
    "/children/{person_id}/notes",
    dependencies=[Depends(requires(Action.EDIT_CHILD)), CLEAN_PATH],
)
def new_note(request: Request, db: DbSession, user: CurrentUser, person_id: ChildId) -> Response:
    values = {**date_values("note_date", date.today()), "note_type": "case_note"}
    return _note_page(request, db, user, person_id, values, FormErrors(), 200)


@router.post(
    "/children/{person_id}/notes",
    dependencies=[Depends(requires(Action.EDIT_CHILD)), Depends(csrf_protect), CLEAN_PATH],
)
def add_note(
    request: Request, db: DbSession, user: CurrentUser, person_id: ChildId, form: FormFields
) -> Response:
    errors = FormErrors()
    note_type = form.get("note_type", "").strip() or "case_note"
    note_date = read_date(form, "note_date", "Date of the note", errors)
    text = form.get("text", "")
    if not text.strip():
        errors.add("text", "Enter the note")
    if not errors:
        try:
            add_case_note(db, user, person_id, note_date=note_date, note_type=note_type, text=text)
        except Invalid as exc:
            errors = problem_errors(exc, NOTE_LABELS)
        else:
            return RedirectResponse(f"/children/{person_id}#case-notes", status_code=303)
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    return _note_page(request, db, user, person_id, values, errors, 422)
