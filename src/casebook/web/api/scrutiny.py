"""JSON API: the scrutiny operations, the same as the scrutiny pages.

Reading needs ``Action.SCRUTINY_VIEW``; changing needs ``Action.SCRUTINY_MANAGE``
and ``X-CSRF-Token``. Bad input is 422 naming each field; an action changed
since it was read is 409. ``POST /api/scrutiny/items/{item_id}/scorecard``
(``{"as_at": "YYYY-MM-DD"}``) and ``.../pack`` (``{"pack_id": N}``, a published
board pack) freeze the performance scorecard or a pack onto an agenda item
(:mod:`casebook.scrutiny.performance_link`); ``.../figures`` stores given rows.
``GET``/``POST /api/scrutiny/items/{item_id}/report`` read and write the
item's cover sheet (appendices included).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from casebook.access.roles import Action
from casebook.record.errors import NotFound
from casebook.scrutiny import actions as actions_service
from casebook.scrutiny import agenda, bodies, performance_link, reports, roll, views
from casebook.web.api.front_door import Strict, Text
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import RecordId

router = APIRouter(prefix="/api", tags=["scrutiny"])

VIEW = [Depends(requires(Action.SCRUTINY_VIEW))]
MANAGE = [Depends(requires(Action.SCRUTINY_MANAGE)), Depends(csrf_protect)]


class BodyOut(BaseModel):
    id: str
    name: str
    kind: str
    quorum: int | None
    reports_to_id: str | None
    escalates_to_id: str | None


class ItemOut(BaseModel):
    id: str
    number: int
    group_title: str | None
    title: str
    presenter: str | None
    purpose: str | None
    page_from: int | None
    page_to: int | None
    exempt: bool = Field(description="Part 2: never on the public site")
    report_to_follow: bool
    verbal_update: bool


class QuorumOut(BaseModel):
    required: int | None
    present: int
    quorate: bool
    counted: list[str]


class MeetingOut(BaseModel):
    id: str
    body_id: str
    meeting_date: date
    start_time: str | None
    venue: str | None
    mode: str
    public: bool
    state: str
    published_on: date | None
    publication_deadline: date
    deadline_missed: bool
    items: list[ItemOut]
    quorum: QuorumOut


class ActionOut(BaseModel):
    id: str
    body_id: str
    meeting_id: str | None
    resolution_key: str | None
    asked: str
    description: str
    owner: str
    due_date: date
    status: str
    response: str | None
    overdue: bool
    version: int


class ItemIn(Strict):
    number: int | None = None
    group_title: Text | None = None
    title: Text | None = None
    presenter: Text | None = None
    purpose: Text | None = None
    page_from: int | None = None
    page_to: int | None = None
    exempt: bool = False
    exempt_reason: Text | None = None
    report_to_follow: bool = False
    verbal_update: bool = False


class RouteStep(BaseModel):
    body: str
    date: str | None = None


class Implication(BaseModel):
    kind: str
    text: str
    sign_off: str | None = None


class ReportOut(BaseModel):
    """A report's cover sheet, as the item page shows it."""

    item_id: str
    title: str
    designation: str | None
    lead_cabinet_members: str | None
    key_decision: bool | None
    forward_plan: bool | None
    wards: str | None
    accountable_director: str | None
    originating_service: str | None
    accountable_employee: str | None
    employee_job_title: str | None
    employee_contact: str | None
    route: list[RouteStep]
    recommendations_decision: list[str]
    recommendations_noting: list[str]
    implications: list[Implication]
    background_papers: str | None
    appendices: list[str] = Field(description="the titles of the appendices the cover sheet lists")


class RouteStepIn(Strict):
    body: Text | None = None
    date: Text | None = Field(None, description="YYYY-MM-DD")


class ImplicationIn(Strict):
    kind: Text | None = None
    text: Text | None = None
    sign_off: Text | None = Field(None, description="like JB/21102020/A")


class ReportIn(Strict):
    """The whole cover sheet: what is left out is cleared."""

    title: Text | None = None
    designation: Text | None = Field(None, description="red, amber or green")
    lead_cabinet_members: Text | None = None
    key_decision: bool | None = None
    forward_plan: bool | None = None
    wards: Text | None = None
    accountable_director: Text | None = None
    originating_service: Text | None = None
    accountable_employee: Text | None = None
    employee_job_title: Text | None = None
    employee_contact: Text | None = None
    route: list[RouteStepIn] | None = None
    recommendations_decision: list[Text] | None = None
    recommendations_noting: list[Text] | None = None
    implications: list[ImplicationIn] | None = None
    background_papers: Text | None = None
    appendices: list[Text] | None = Field(None, description="appendix titles, in order")


class ScorecardIn(Strict):
    as_at: Text | None = Field(None, description="the scorecard's as-at date, YYYY-MM-DD")
    start: Text | None = Field(
        None, description="the period's first day (default: the 12 months ending on as_at)"
    )


class PackIn(Strict):
    pack_id: int | Text | None = Field(None, description="a published board pack's id")


class FiguresOut(BaseModel):
    item_id: str
    title: str | None
    frozen_at: datetime | None
    provenance: dict[str, Any] = Field(
        description="source (scorecard or pack), as_at, start; for a pack its id, version, period"
    )
    pdf: str | None = Field(description="the attached board pack's PDF, if any")
    figures: list[dict[str, Any]]


class FiguresIn(Strict):
    title: Text | None = None
    figures: list[dict[str, Any]] = Field(
        default_factory=list,
        description="rows such as {label, count, percent}; counts of 1 to 4 are suppressed",
    )


class ActionIn(Strict):
    resolution_key: Text | None = None
    body_id: Text | None = None
    asked: Text | None = None
    description: Text | None = None
    owner: Text | None = None
    due_date: date | None = None


class ActionUpdateIn(Strict):
    status: Text | None = None
    response: Text | None = None
    due_date: date | None = None
    owner: Text | None = None
    expected_version: int | None = None


def _quorum(db, meeting_id: str) -> QuorumOut:
    q = roll.quorum(db, meeting_id)
    return QuorumOut(required=q.required, present=q.present, quorate=q.quorate, counted=q.counted)


def _action(a, today: date) -> ActionOut:
    return ActionOut(
        id=a.id,
        body_id=a.body_id,
        meeting_id=a.meeting_id,
        resolution_key=a.resolution_key,
        asked=a.asked,
        description=a.description,
        owner=a.owner,
        due_date=a.due_date,
        status=a.status,
        response=a.response,
        overdue=actions_service.is_overdue(a, today),
        version=a.cb_version,
    )


def _item(i) -> ItemOut:
    return ItemOut.model_validate(i, from_attributes=True)


@router.get("/scrutiny/bodies", dependencies=VIEW)
def list_bodies(db: DbSession) -> list[BodyOut]:
    return [BodyOut.model_validate(b, from_attributes=True) for b in bodies.all_bodies(db)]


@router.get("/scrutiny/meetings/{meeting_id}", dependencies=VIEW)
def get_meeting(meeting_id: RecordId, db: DbSession) -> MeetingOut:
    page = views.meeting_page(db, meeting_id, date.today())
    m = page["meeting"]
    return MeetingOut(
        id=m.id,
        body_id=m.body_id,
        meeting_date=m.meeting_date,
        start_time=m.start_time,
        venue=m.venue,
        mode=m.mode,
        public=m.public,
        state=m.state,
        published_on=m.published_on,
        publication_deadline=page["deadline"].deadline,
        deadline_missed=page["deadline"].missed,
        items=[_item(i) for i in page["items"]],
        quorum=_quorum(db, m.id),
    )


@router.get("/scrutiny/meetings/{meeting_id}/quorum", dependencies=VIEW)
def get_quorum(meeting_id: RecordId, db: DbSession) -> QuorumOut:
    return _quorum(db, meeting_id)


@router.post("/scrutiny/meetings/{meeting_id}/items", dependencies=MANAGE, status_code=201)
def add_item(meeting_id: RecordId, body: ItemIn, db: DbSession, user: CurrentUser) -> ItemOut:
    return _item(agenda.add_item(db, meeting_id, body.model_dump(), actor=user.username))


@router.post("/scrutiny/items/{item_id}/figures", dependencies=MANAGE)
def attach_figures(item_id: RecordId, body: FiguresIn, db: DbSession, user: CurrentUser) -> dict:
    item = agenda.attach_figures(db, item_id, body.title, body.figures, actor=user.username)
    return {"item_id": item.id, "title": item.figures_title, "figures": agenda.figures_of(item)}


def _figures(item) -> FiguresOut:
    rows = agenda.figures_of(item)
    where = performance_link.provenance(rows)
    return FiguresOut(
        item_id=item.id,
        title=item.figures_title,
        frozen_at=item.figures_frozen_at,
        provenance=where,
        pdf=f"/scrutiny/items/{item.id}/pack.pdf" if "pack_id" in where else None,
        figures=rows,
    )


@router.get("/scrutiny/items/{item_id}/figures", dependencies=VIEW)
def get_figures(item_id: RecordId, db: DbSession) -> FiguresOut:
    """The figures frozen on an agenda item (as attached: small numbers suppressed)."""
    return _figures(views.item_page(db, item_id)["item"])


@router.post("/scrutiny/items/{item_id}/scorecard", dependencies=MANAGE)
def attach_scorecard(
    item_id: RecordId, body: ScorecardIn, db: DbSession, user: CurrentUser
) -> FiguresOut:
    """Freeze the performance scorecard as at ``as_at`` on the item."""
    item = performance_link.attach_scorecard(
        db, item_id, body.as_at, user.username, start=body.start
    )
    return _figures(item)


@router.post("/scrutiny/items/{item_id}/pack", dependencies=MANAGE)
def attach_pack(item_id: RecordId, body: PackIn, db: DbSession, user: CurrentUser) -> FiguresOut:
    """Freeze a published board pack's figures on the item (404: no such pack)."""
    return _figures(performance_link.attach_pack(db, item_id, body.pack_id, user.username))


def _report(item_id: str, values: dict[str, Any] | None) -> ReportOut:
    if values is None:
        raise NotFound("This agenda item has no report yet.")
    return ReportOut(item_id=item_id, **values)


@router.get("/scrutiny/items/{item_id}/report", dependencies=VIEW)
def get_report(item_id: RecordId, db: DbSession) -> ReportOut:
    """The item's cover sheet (404: the item has no report yet)."""
    return _report(item_id, views.item_page(db, item_id)["report"])


@router.post("/scrutiny/items/{item_id}/report", dependencies=MANAGE)
def set_report(item_id: RecordId, body: ReportIn, db: DbSession, user: CurrentUser) -> ReportOut:
    """Write the item's cover sheet, creating it the first time."""
    report = reports.set_report(db, item_id, body.model_dump(), actor=user.username)
    return _report(item_id, agenda.report_dict(report))


@router.get("/scrutiny/actions", dependencies=VIEW)
def list_actions(db: DbSession, overdue: bool = False) -> list[ActionOut]:
    today = date.today()
    rows = views.action_rows(db, today, overdue_only=overdue)["actions"]
    return [_action(a, today) for a in rows]


@router.post("/scrutiny/actions", dependencies=MANAGE, status_code=201)
def create_action(body: ActionIn, db: DbSession, user: CurrentUser) -> ActionOut:
    action = actions_service.create_action(
        db,
        resolution_key=body.resolution_key,
        body_id=body.body_id,
        asked=body.asked,
        description=body.description,
        owner=body.owner,
        due_date=body.due_date,
        actor=user.username,
    )
    return _action(action, date.today())


@router.post("/scrutiny/actions/{action_id}", dependencies=MANAGE)
def update_action(
    action_id: RecordId, body: ActionUpdateIn, db: DbSession, user: CurrentUser
) -> ActionOut:
    action = actions_service.update_action(
        db,
        action_id,
        status=body.status,
        response=body.response,
        due_date=body.due_date,
        owner=body.owner,
        expected_version=body.expected_version,
        actor=user.username,
    )
    return _action(action, date.today())
