"""JSON API: the worklists operations, the same as the worklists pages.

The same guards and scope as the pages: ``Action.WORKLISTS`` for the lists
and the missing briefing (each list logged with the children's ids),
``Action.OVERSEE`` to allocate, ``Action.MANAGE_SETTINGS`` for local standards.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from casebook.access.roles import Action
from casebook.record import local_standards
from casebook.record.errors import Invalid, NotFound, Problem
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.api.front_door import Strict, Text
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import RecordId
from casebook.web.routes.worklists import (
    EARLIEST,
    LATEST,
    ListQuery,
    allocate_child,
    briefing_for,
    log_list,
    my_worklist,
    team_scope,
    team_worklist,
)

router = APIRouter(prefix="/api", tags=["worklists"])

QueryText = Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")]


class WorklistRowOut(BaseModel):
    person_id: str
    child: str
    worker_id: str | None
    worker: str | None
    team_id: str | None
    type: str = Field(description="missing, unallocated, overdue, visit, drift or due")
    item: str
    start: date | None
    due: date | None
    overdue_days: int | None = Field(description="days past due, when overdue")
    detail: str


class WorklistOut(BaseModel):
    as_at: date
    children: int
    count: int
    rows: list[WorklistRowOut]


def _worklist_out(found, query: ListQuery) -> WorklistOut:
    rows = query.apply(found.rows)
    return WorklistOut(
        as_at=found.as_at,
        children=len(found.children),
        count=len(rows),
        rows=[
            WorklistRowOut(
                person_id=r.person_id,
                child=r.child_name,
                worker_id=r.worker_id,
                worker=r.worker_name,
                team_id=r.team_id,
                type=r.kind,
                item=r.item,
                start=r.start,
                due=r.due,
                overdue_days=r.overdue_days if r.overdue else None,
                detail=r.detail,
            )
            for r in rows
        ],
    )


def _query(sort: str | None, type_: str | None, worker: str | None, overdue: bool) -> ListQuery:
    values = {"sort": sort or "", "type": type_ or "", "worker": worker or ""}
    return ListQuery.read({**values, "overdue": "1" if overdue else ""})


@router.get(
    "/worklists/mine",
    response_model=WorklistOut,
    dependencies=[Depends(requires(Action.WORKLISTS))],
)
def api_my_children(
    db: DbSession,
    user: CurrentUser,
    sort: QueryText = None,
    type: QueryText = None,  # noqa: A002 - the query parameter's name
    worker: QueryText = None,
    overdue: bool = False,
) -> WorklistOut:
    """The signed-in worker's children: what is due, overdue, drifting or missing."""
    out = _worklist_out(my_worklist(db, user, date.today()), _query(sort, type, worker, overdue))
    log_list(db, user, "worklist my children", [r.person_id for r in out.rows], export=False)
    return out


@router.get(
    "/worklists/team",
    response_model=WorklistOut,
    dependencies=[Depends(requires(Action.WORKLISTS))],
)
def api_my_team(
    db: DbSession,
    user: CurrentUser,
    team: QueryText = None,
    sort: QueryText = None,
    type: QueryText = None,  # noqa: A002 - the query parameter's name
    worker: QueryText = None,
    overdue: bool = False,
) -> WorklistOut:
    """The team's children and the unallocated children it holds (a head of service
    may name a team of their service, or see them all)."""
    scope = team_scope(db, user, team)
    found = team_worklist(db, user, scope, date.today())
    out = _worklist_out(found, _query(sort, type, worker, overdue))
    what = f"worklist team {scope.team_id or 'service'}"
    log_list(db, user, what, [r.person_id for r in out.rows], export=False)
    return out


class AllocationIn(Strict):
    person_id: Text = Field(max_length=100)
    professional_id: Text = Field(max_length=100)
    reason: Text = Field(default="CHANGE", description="CHANGE, LEFT or TRANSFER")
    team: Text | None = Field(default=None, max_length=100, description="a head of service's team")
    expected_versions: dict[Text, int] | None = Field(
        default=None,
        max_length=50,
        description="the child's open involvements in the team as read: id -> cb_version",
    )


class AllocationOut(BaseModel):
    involvement_id: str
    person_id: str
    professional_id: str
    team_id: str
    start: date


@router.post(
    "/worklists/allocations",
    status_code=201,
    response_model=AllocationOut,
    dependencies=[Depends(requires(Action.OVERSEE)), Depends(csrf_protect)],
)
def api_allocate(
    request: Request, body: AllocationIn, db: DbSession, user: CurrentUser
) -> AllocationOut:
    """Allocate (or re-allocate) a child to a worker of the team: the current
    allocation ends today, the new one starts today, in one transaction."""
    new = allocate_child(
        db,
        user,
        person_id=body.person_id.strip(),
        professional_id=body.professional_id.strip(),
        reason=body.reason.strip(),
        team=body.team,
        expected_versions=body.expected_versions,
        path=request.url.path,
    )
    return AllocationOut(
        involvement_id=new.invo_involvements_id,
        person_id=new.invo_person_id,
        professional_id=new.invo_professional_id,
        team_id=new.invo_professional_team,
        start=new.invo_involvement_start_date,
    )


class BriefingRowOut(BaseModel):
    episode_id: str
    person_id: str
    child: str
    worker: str | None
    started: date | None
    ended: date | None
    event: str
    rhi_offered: str | None
    rhi_offered_date: date | None
    rhi_accepted: str | None
    rhi_done_date: date | None
    rhi_due: date | None
    rhi_status: str
    rhi_overdue: bool


class BriefingOut(BaseModel):
    on: date
    since: date = Field(description="the previous working day: the briefing covers since then")
    rows: list[BriefingRowOut]


@router.get(
    "/missing-briefing",
    response_model=BriefingOut,
    dependencies=[Depends(requires(Action.WORKLISTS))],
)
def api_missing_briefing(
    db: DbSession, user: CurrentUser, on: Annotated[date | None, Query(alias="date")] = None
) -> BriefingOut:
    """Missing episodes that started or ended since the previous working day."""
    on = on or date.today()
    if not EARLIEST <= on <= LATEST:
        raise Invalid([Problem("date", f"must be between {EARLIEST.year} and {LATEST.year}")])
    briefing = briefing_for(db, user, on)
    log_list(db, user, f"missing briefing {on}", [r.person_id for r in briefing.rows], False)
    return BriefingOut(
        on=briefing.on,
        since=briefing.since,
        rows=[
            BriefingRowOut(
                episode_id=r.episode_id,
                person_id=r.person_id,
                child=r.child_name,
                worker=r.worker_name,
                started=r.started,
                ended=r.ended,
                event=r.event,
                rhi_offered=r.offered,
                rhi_offered_date=r.offered_date,
                rhi_accepted=r.accepted,
                rhi_done_date=r.done_date,
                rhi_due=r.rhi_due,
                rhi_status=r.rhi_status,
                rhi_overdue=r.rhi_overdue,
            )
            for r in briefing.rows
        ],
    )


class StandardOut(BaseModel):
    key: str
    title: str
    kind: str
    default_amount: int
    default_unit: str
    amount: int
    unit: str
    settable: bool


class StandardIn(Strict):
    amount: int = Field(ge=0, le=9999)
    unit: Text = Field(description="working_days, days, weeks, months or hours")


def _standard_out(s: local_standards.Standard) -> StandardOut:
    return StandardOut(
        key=s.key,
        title=s.title,
        kind=s.kind,
        default_amount=s.default_amount,
        default_unit=s.default_unit,
        amount=s.amount,
        unit=s.unit,
        settable=s.settable,
    )


@router.get(
    "/local-standards",
    response_model=list[StandardOut],
    dependencies=[Depends(requires(Action.MANAGE_SETTINGS))],
)
def api_standards(db: DbSession) -> list[StandardOut]:
    """Every timescale with its default and the value in force here."""
    return [_standard_out(s) for s in local_standards.standards(db)]


@router.post(
    "/local-standards/{key}",
    response_model=StandardOut,
    dependencies=[Depends(requires(Action.MANAGE_SETTINGS)), Depends(csrf_protect)],
)
def api_set_standard(
    key: RecordId, body: StandardIn, db: DbSession, user: CurrentUser
) -> StandardOut | JSONResponse:
    """Set this authority's value for one timescale (kept with its history)."""
    found = local_standards.standard(db, key)
    if found is None or not found.settable:
        raise NotFound(f"there is no timescale called {key!r} that can be set")
    local_standards.set_local_standard(
        UnitOfWork(session=db), key, body.amount, body.unit, Actor(user.username)
    )
    return _standard_out(local_standards.standard(db, key))
