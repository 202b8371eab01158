"""JSON API: the performance operations, the same as the performance pages.

Figures (``Action.AGGREGATES``) come suppressed for aggregate-only roles, read
through the same functions as the pages (``web.routes.performance``); lists of
children (``Action.VIEW_CHILD``) hold only the children the user may see and
are logged; setting a target needs ``Action.MANAGE_PERFORMANCE`` and the CSRF
header.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from casebook.access.roles import Action
from casebook.performance import data_quality, drift, packs, targets, trends
from casebook.record.errors import NotFound
from casebook.web.api.front_door import Strict, Text
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import NO_NUL, RecordId
from casebook.web.routes import performance as pages

router = APIRouter(prefix="/api", tags=["performance"])

PeriodQuery = Annotated[
    str, Query(max_length=20, pattern=NO_NUL, description="2025-Q3, 2025-09 or 2025-26")
]
IdQuery = Annotated[str, Query(max_length=100, pattern=NO_NUL)]


class Figure(BaseModel):
    id: str
    value: Any
    numerator: Any
    denominator: Any
    unit: str
    suppressed: bool


class BreakdownRow(BaseModel):
    key: str | None
    label: str
    figure: Figure


class Breakdown(BaseModel):
    measure_id: str
    period: str
    by: str
    whole: Figure
    rows: list[BreakdownRow]


class ChildOut(BaseModel):
    person_id: str
    name: str
    detail: str
    record_id: str | None = None
    due: date | None = None


class ChildList(BaseModel):
    children: list[ChildOut]
    outside_your_access: int


class TargetIn(Strict):
    measure_id: Text = Field(max_length=20)
    year: int = Field(ge=2000, le=2100, description="2025 for April 2025 to March 2026")
    target: float
    tolerance: float = Field(ge=0)
    better: Literal["higher", "lower"] | None = Field(
        default=None, description="default: the measure's own direction"
    )


class TargetOut(BaseModel):
    measure_id: str
    year: int
    target: float
    tolerance: float
    better: str


class PackOut(BaseModel):
    id: int
    period: str
    version: int
    title: str
    published_by: str
    published_at: str
    correction_note: str | None
    figures_sha256: str


def _shown(s) -> Figure:
    return Figure(**s.as_dict())


def _children(lines, hidden: int) -> ChildList:
    return ChildList(
        children=[
            ChildOut(
                person_id=x.person_id,
                name=x.name,
                detail=x.detail,
                record_id=x.record_id,
                due=x.due,
            )
            for x in lines
        ],
        outside_your_access=hidden,
    )


@router.get("/performance/scorecard", dependencies=[Depends(requires(Action.AGGREGATES))])
def scorecard(
    db: DbSession,
    user: CurrentUser,
    period: PeriodQuery = "",
    months: Annotated[int, Query(ge=1, le=trends.MAX_MONTHS)] = pages.SPARK_MONTHS,
) -> dict:
    """Every measure for the period: figure, target, RAG, trend, comparators
    (suppressed for aggregate-only roles)."""
    return pages.scorecard(db, user, pages.read_period(period), months)


@router.get(
    "/performance/measures/{measure_id}/breakdown",
    dependencies=[Depends(requires(Action.AGGREGATES))],
)
def breakdown(
    measure_id: RecordId,
    db: DbSession,
    user: CurrentUser,
    period: PeriodQuery = "",
    by: Literal["team", "worker", "locality"] = "team",
    team: IdQuery = "",
) -> Breakdown:
    chosen = pages.read_period(period)
    whole, rows = pages.drill(db, user, measure_id, chosen, team=team.strip() or None, by=by)
    return Breakdown(
        measure_id=measure_id,
        period=chosen.name,
        by=by,
        whole=_shown(whole),
        rows=[BreakdownRow(key=r.key, label=r.label, figure=_shown(r.figure)) for r in rows],
    )


@router.get(
    "/performance/measures/{measure_id}/children",
    dependencies=[Depends(requires(Action.VIEW_CHILD))],
)
def measure_children(
    measure_id: RecordId,
    db: DbSession,
    user: CurrentUser,
    period: PeriodQuery = "",
    team: IdQuery = "",
    worker: IdQuery = "",
    locality: IdQuery = "",
) -> ChildList:
    """The children behind a figure that you may see (the list is logged)."""
    chosen = pages.read_period(period)
    lines, hidden = pages.measure_children(
        db,
        user,
        measure_id,
        chosen,
        team.strip() or None,
        worker.strip() or None,
        locality.strip() or None,
    )
    return _children(lines, hidden)


@router.get("/performance/drift", dependencies=[Depends(requires(Action.AGGREGATES))])
def drift_counts(db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """How many children each drift check finds (suppressed for aggregate-only roles)."""
    return pages.counts_for(user, drift.cached_counts(db, date.today(), pages.cache_key(db)))


@router.get("/performance/drift/{check}", dependencies=[Depends(requires(Action.VIEW_CHILD))])
def drift_children(check: RecordId, db: DbSession, user: CurrentUser) -> ChildList:
    if check not in drift.CHECK_KEYS:
        raise NotFound(f"There is no drift check {check}.")
    rows = drift.rows_for(db, check, date.today())
    lines, hidden = pages.visible_lines(
        db, user, [(r.person_id, r.record_id, r.detail, r.since, r.due) for r in rows]
    )
    pages.log_list(db, user, f"drift {check}", lines)
    return _children(lines, hidden)


@router.get("/performance/data-quality", dependencies=[Depends(requires(Action.AGGREGATES))])
def data_quality_counts(db: DbSession, user: CurrentUser) -> dict[str, Any]:
    return pages.counts_for(user, data_quality.counts(db, date.today()))


@router.post(
    "/performance/targets",
    dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE)), Depends(csrf_protect)],
    status_code=201,
)
def set_target(body: TargetIn, db: DbSession, user: CurrentUser) -> TargetOut:
    catalogue = pages.measure_ids()
    measure = catalogue.get(body.measure_id)
    saved = targets.set_target(
        db,
        measure_id=body.measure_id,
        year=body.year,
        target=body.target,
        tolerance=body.tolerance,
        better=body.better or (measure.better if measure else None),
        actor=user.username,
        known=catalogue,
    )
    return TargetOut(**saved.as_dict())


@router.get("/performance/targets", dependencies=[Depends(requires(Action.AGGREGATES))])
def list_targets(db: DbSession) -> list[TargetOut]:
    return [TargetOut(**t.as_dict()) for t in targets.all_targets(db)]


def _pack_out(p) -> PackOut:
    return PackOut(
        id=p.id,
        period=p.period,
        version=p.version,
        title=p.title,
        published_by=p.published_by,
        published_at=p.published_at.isoformat(),
        correction_note=p.correction_note,
        figures_sha256=p.figures_sha256,
    )


@router.get("/performance/packs", dependencies=[Depends(requires(Action.AGGREGATES))])
def list_packs(db: DbSession) -> list[PackOut]:
    return [_pack_out(p) for p in packs.published(db)]


@router.get("/performance/packs/{pack_id}", dependencies=[Depends(requires(Action.AGGREGATES))])
def get_pack(pack_id: RecordId, db: DbSession) -> dict:
    """A published pack with the figures and commentary it showed (never changed)."""
    pack = packs.get_pack(db, pages.pack_number(pack_id))
    figures, commentary = packs.stored(pack)
    return {**_pack_out(pack).model_dump(), "figures": figures, "commentary": commentary}
