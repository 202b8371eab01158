"""JSON API: finding a child, adding one, the child's record, chronology and case notes.

The same operations as the pages, with the same guards: ``Action.SEARCH`` to
search (results limited to the children the user may see, the search logged
without its text), ``Action.CREATE_PERSON`` to add a child, and
``Action.VIEW_CHILD`` / ``Action.EDIT_CHILD`` with the child in scope (every
look logged) under ``/api/children/{person_id}``. Adding a child who may
already be recorded is refused with 409 and the candidates, unless the caller
sends ``confirm_not_duplicate``. Bad input is answered 422 naming each field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casebook.access.roles import Action
from casebook.record.child_summary import child_summary
from casebook.record.chronology import KINDS, chronology
from casebook.record.errors import Invalid, Problem
from casebook.record.models import Person
from casebook.record.search import SearchHit
from casebook.web.api.front_door import Strict, Text
from casebook.web.deps import ChildId, CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import NO_NUL
from casebook.web.routes.children import (
    CLEAN_PATH,
    LONGEST_NAME,
    LONGEST_NOTE,
    add_case_note,
    add_child,
    check_date,
    find_duplicates,
)
from casebook.web.routes.search import LONGEST, search_children

router = APIRouter(prefix="/api", tags=["children"])

#: A name as the record keeps it: trimmed, not blank, no NUL.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=LONGEST_NAME, pattern=NO_NUL),
]


class Out(BaseModel):
    """Output shapes read straight from the record's typed objects."""

    model_config = ConfigDict(from_attributes=True)


# --------------------------------------------------------------------------- shapes


class SearchHitOut(Out):
    person_id: str
    forename: str | None
    surname: str | None
    dob: date | None
    sex: str | None = Field(description="a code of the sex list")
    postcode: str | None = Field(description="of the current address")
    score: int = Field(description="100 for the exact person id; higher is a better match")
    why: str = Field(description="what matched, in words")


class ChildIn(Strict):
    forename: Name
    surname: Name
    dob: date = Field(description="from 1900 to today")
    sex: Text = Field(description="a code of the sex list (F, M, U)", max_length=10)
    ethnicity: Text | None = Field(
        default=None, description="a code of the ethnicity list", max_length=10
    )
    confirm_not_duplicate: bool = Field(
        default=False,
        description="add the child even though children already recorded may be them",
    )


class ChildOut(BaseModel):
    person_id: str
    forename: str | None
    surname: str | None
    dob: date | None
    sex: str | None
    ethnicity: str | None

    @classmethod
    def of(cls, person: Person) -> ChildOut:
        return cls(
            person_id=person.pers_person_id,
            forename=person.pers_forename,
            surname=person.pers_surname,
            dob=person.pers_dob,
            sex=person.pers_sex,
            ethnicity=person.pers_ethnicity,
        )


class DuplicatesOut(BaseModel):
    """409: children already recorded (those the caller may see) who may be the same child."""

    detail: str
    candidate_ids: list[str]
    candidates: list[SearchHitOut]


class PersonDetailsOut(Out):
    person_id: str
    name: str
    forename: str | None
    surname: str | None
    dob: date | None
    age: int | None
    sex: str | None = Field(description="in words")
    ethnicity: str | None = Field(description="in words")
    upn: str | None = Field(description="unique pupil number")
    person_type: str
    death_date: date | None


class AlertOut(Out):
    kind: str = Field(
        description="cp_plan, looked_after, missing, exploitation, restricted or disability"
    )
    title: str
    detail: str | None
    since: date | None


class AllocationOut(Out):
    involvement_id: str
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    team_name: str | None
    since: date | None


class FamilyMemberOut(Out):
    person_id: str
    name: str
    relationship: str = Field(description="what they are to the child, in words")
    dob: date | None
    person_type: str
    how_known: str = Field(description="relationship (recorded) or family (same family group)")


class ReferralOut(Out):
    referral_id: str
    referral_date: date | None
    source: str | None
    primary_need: str | None


class PlanOut(Out):
    plan_id: str
    kind: str = Field(description="cin or cp")
    start: date | None
    category: str | None


class PlacementOut(Out):
    placement_id: str
    start: date | None
    placement_type: str | None
    provider: str | None


class CarePeriodOut(Out):
    episode_id: str
    entered_care: date | None
    episode_start: date | None
    legal_status: str | None
    placement: PlacementOut | None


class CurrentWorkOut(Out):
    referral: ReferralOut | None
    cin_plan: PlanOut | None
    cp_plan: PlanOut | None
    care: CarePeriodOut | None


class DueItemOut(Out):
    key: str = Field(description="the timescale")
    title: str
    start: date
    due: date
    status: str = Field(description="due or overdue")
    days_left: int = Field(description="negative when overdue; working days for some timescales")
    label: str


class NoteLineOut(Out):
    note_id: str
    note_date: date
    note_type: str
    author: str | None
    text: str


class ChildSummaryOut(Out):
    """The front page of the child's record, as at ``on``."""

    on: date
    person: PersonDetailsOut
    alerts: list[AlertOut]
    allocation: AllocationOut | None
    family: list[FamilyMemberOut]
    current: CurrentWorkOut
    overdue: list[DueItemOut]
    due_next: list[DueItemOut]
    case_notes: list[NoteLineOut] = Field(description="the latest, newest first")


class EventOut(Out):
    date: date
    kind: str = Field(description="one of the chronology's kinds")
    title: str
    detail: str | None
    source_table: str
    source_id: str


class NoteIn(Strict):
    note_date: date | None = Field(default=None, description="today if not given")
    note_type: Literal["case_note", "oversight"] = Field(
        default="case_note", description="oversight (management oversight): team managers only"
    )
    text: Text = Field(min_length=1, max_length=LONGEST_NOTE)


class NoteOut(Out):
    id: str
    person_id: str
    note_date: date
    note_type: str
    text: str
    author_id: str | None


# --------------------------------------------------------------------------- routes


@router.get(
    "/children/search",
    dependencies=[Depends(requires(Action.SEARCH))],
    response_model=list[SearchHitOut],
)
def search(
    db: DbSession,
    user: CurrentUser,
    name: Annotated[str | None, Query(pattern=NO_NUL, max_length=LONGEST["name"])] = None,
    dob: date | None = None,
    person_id: Annotated[str | None, Query(pattern=NO_NUL, max_length=LONGEST["person_id"])] = None,
) -> list[SearchHitOut]:
    """Children the caller may see matching a name (however spelled), a date of birth or
    a person id, best first. The search is logged with the ids shown, never its text."""
    name, person_id = (name or "").strip(), (person_id or "").strip()
    if not (name or dob or person_id):
        raise Invalid([Problem("name", "give a name, a date of birth (dob) or a person_id")])
    hits = search_children(db, user, name=name, dob=dob, person_id=person_id)
    return [SearchHitOut.model_validate(h) for h in hits]


def _duplicates(hits: list[SearchHit]) -> JSONResponse:
    body = DuplicatesOut(
        detail=(
            f"{len(hits)} {'child' if len(hits) == 1 else 'children'} already recorded may be "
            "this child: open their record, or send confirm_not_duplicate to add the child anyway"
        ),
        candidate_ids=[h.person_id for h in hits],
        candidates=[SearchHitOut.model_validate(h) for h in hits],
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=409)


@router.post(
    "/children",
    dependencies=[Depends(requires(Action.CREATE_PERSON)), Depends(csrf_protect)],
    response_model=ChildOut,
    status_code=201,
    responses={409: {"model": DuplicatesOut, "description": "the child may already be recorded"}},
)
def create_child(body: ChildIn, db: DbSession, user: CurrentUser) -> ChildOut | JSONResponse:
    """Add a child. Children already recorded who may be them (among those the caller may
    see) are offered first: 409 with their ids, unless ``confirm_not_duplicate``."""
    if problem := check_date(body.dob, "dob", date.today()):
        raise Invalid([problem])
    if not body.confirm_not_duplicate:
        hits = find_duplicates(db, user, body.forename, body.surname, body.dob)
        if hits:
            return _duplicates(hits)
    child = add_child(
        db,
        user,
        forename=body.forename,
        surname=body.surname,
        dob=body.dob,
        sex=body.sex.strip(),
        ethnicity=(body.ethnicity or "").strip() or None,
    )
    return ChildOut.of(child)


@router.get(
    "/children/{person_id}",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
    response_model=ChildSummaryOut,
)
def get_child(db: DbSession, person_id: ChildId) -> ChildSummaryOut:
    """The front page of the child's record: alerts, allocation, family, what is open,
    overdue and due next, the latest case notes (the look is logged)."""
    return ChildSummaryOut.model_validate(child_summary(db, person_id, date.today()))


@router.get(
    "/children/{person_id}/chronology",
    dependencies=[Depends(requires(Action.VIEW_CHILD)), CLEAN_PATH],
    response_model=list[EventOut],
)
def get_chronology(
    db: DbSession,
    person_id: ChildId,
    kind: Annotated[
        list[str] | None,
        Query(description=f"only these kinds of event: {', '.join(KINDS)}", max_length=50),
    ] = None,
    since: date | None = None,
    until: date | None = None,
) -> list[EventOut]:
    """Every event in the child's record in date order, optionally only some kinds and
    only from ``since`` to ``until`` (both included)."""
    if since and until and until < since:
        raise Invalid([Problem("until", "must be the same as or after since")])
    unknown = sorted({k for k in kind or () if k not in KINDS})
    if unknown:
        raise Invalid([Problem("kind", f"no kind of event called {', '.join(map(repr, unknown))}")])
    events = chronology(db, person_id, kinds=kind or None, since=since, until=until)
    return [EventOut.model_validate(e) for e in events]


@router.post(
    "/children/{person_id}/notes",
    dependencies=[Depends(requires(Action.EDIT_CHILD)), Depends(csrf_protect), CLEAN_PATH],
    response_model=NoteOut,
    status_code=201,
)
def add_note(body: NoteIn, db: DbSession, user: CurrentUser, person_id: ChildId) -> NoteOut:
    """Add a case note to the child's record (a team manager may add management oversight)."""
    note = add_case_note(
        db,
        user,
        person_id,
        note_date=body.note_date or date.today(),
        note_type=body.note_type,
        text=body.text,
    )
    return NoteOut.model_validate(note)
