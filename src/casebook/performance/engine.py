"""The KPI engine: any measure of the catalogue, for a period or as at a date, for the
authority or any team, worker or locality, from any :mod:`~casebook.performance.sources`.

Interface (stable; other parts of Casebook build on it)::

    from casebook.performance.engine import (
        Period, Scope, Result, ChildRow, compute, breakdown, children_behind, period_for)
    from casebook.performance.sources import DatabaseSource, SsdFolderSource

    source = DatabaseSource(engine)            # or SsdFolderSource("extract/")
    compute(source, as_at, start=None, scope=None, measures=None, population=None)
        -> list[Result]
    breakdown(source, "R2", as_at, start=None, by="team", population=None)
        -> list[tuple[str | None, Result]]     # sorted by group id, None (unallocated) last
    children_behind(source, "R2", as_at, start=None, scope=None) -> list[ChildRow]

- ``start`` defaults to the day after ``as_at`` minus 12 months: the 12 months
  ending on ``as_at`` (:func:`period_for`). As-at measures look only at ``as_at``.
- ``Scope(team=..., worker=..., locality=...)`` keeps the rows of that team
  (``dept_team_id``), worker (``prof_professional_id``) or locality (the team's
  parent department id); ``None`` or ``Scope()`` is the whole authority.
- ``population``: children aged 0-17 in the authority, the per-10,000 base of
  the rate measures (kpis.md: an administrator enters it per year). Without it
  the engine counts the living children aged 0-17 in ``ssd_person``, which is
  right only for a record (like the synthetic city) that holds every child.
  Rates keep the authority's population as their base for a team or worker.
- ``measures``: ids to compute (default: the whole catalogue, in its order).
  An unknown id raises ``KeyError``.
- :class:`Result`: ``id, value, numerator, denominator, unit`` (+ ``title``,
  ``better``, ``available``, ``note``). ``value`` is ``None`` when the
  denominator is 0 or the source lacks the data (``available=False``, e.g.
  Casebook-only data asked of an SSD folder). ``denominator`` is ``None`` for a
  plain count. Percentages and rates are rounded to 1 decimal place.
- :class:`ChildRow`: one row behind a figure (a referral, a plan, a child):
  ``person_id, record_id, team, worker, locality, in_denominator,
  in_numerator, value, detail``. The figure is exactly the aggregate of these
  rows (:func:`aggregate`), so a number always opens onto its children.
- Figures are unsuppressed: anything shown to an aggregate-only role goes
  through :func:`casebook.access.suppression.present` first.

Each measure is declared once in :mod:`casebook.performance.catalogue`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from casebook.performance.catalogue import CATALOGUE, Context, Measure, Unit, measure_by_id
from casebook.performance.rows import ChildRow, Period
from casebook.performance.sources import DatabaseSource, Source, SsdFolderSource
from casebook.record.calendar import add_months

__all__ = [
    "CATALOGUE",
    "ChildRow",
    "DatabaseSource",
    "Measure",
    "Period",
    "Result",
    "Scope",
    "Source",
    "SsdFolderSource",
    "aggregate",
    "breakdown",
    "children_behind",
    "compute",
    "period_for",
]

GROUPINGS = ("team", "worker", "locality")


def period_for(as_at: date, start: date | None = None) -> Period:
    """``start``..``as_at``; without ``start``, the 12 months ending on ``as_at``."""
    if start is None:
        start = add_months(as_at, -12) + timedelta(days=1)
    if start > as_at:
        raise ValueError("the period must start on or before the as-at date")
    return Period(start, as_at)


@dataclass(frozen=True)
class Scope:
    """Which rows count: all (no fields set), or one team, worker or locality."""

    team: str | None = None
    worker: str | None = None
    locality: str | None = None

    def keeps(self, row: ChildRow) -> bool:
        return (
            (self.team is None or row.team == self.team)
            and (self.worker is None or row.worker == self.worker)
            and (self.locality is None or row.locality == self.locality)
        )

    @property
    def everyone(self) -> bool:
        return self.team is None and self.worker is None and self.locality is None


@dataclass(frozen=True)
class Result:
    id: str
    value: float | int | None
    numerator: float | int | None
    denominator: float | int | None
    unit: str
    title: str = ""
    better: str | None = None
    available: bool = True
    note: str = ""
    period: Period | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unit": self.unit,
            "better": self.better,
            "available": self.available,
            "note": self.note,
        }


def compute(
    source: Source,
    as_at: date,
    start: date | None = None,
    scope: Scope | None = None,
    measures: Sequence[str] | None = None,
    population: int | None = None,
) -> list[Result]:
    """Each measure's figure (the catalogue's order, or ``measures``' order)."""
    chosen = _chosen(measures)
    context = Context(source, period_for(as_at, start), population)
    scope = scope or Scope()
    return [_result(m, context, scope) for m in chosen]


def breakdown(
    source: Source,
    measure_id: str,
    as_at: date,
    start: date | None = None,
    by: str = "team",
    population: int | None = None,
) -> list[tuple[str | None, Result]]:
    """The measure for each team, worker or locality that has rows (``None``: unallocated)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    measure = measure_by_id(measure_id)
    context = Context(source, period_for(as_at, start), population)
    rows = measure.rows(context)
    if rows is None:
        return []
    groups: dict[str | None, list[ChildRow]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, by)].append(row)
    return [
        (key, aggregate(measure, groups[key], context))
        for key in sorted(groups, key=lambda k: (k is None, k or ""))
    ]


def children_behind(
    source: Source,
    measure_id: str,
    as_at: date,
    start: date | None = None,
    scope: Scope | None = None,
) -> list[ChildRow]:
    """The rows behind the figure (its denominator; for a count, what is counted), in
    (person_id, record_id) order."""
    measure = measure_by_id(measure_id)
    context = Context(source, period_for(as_at, start))
    rows = measure.rows(context) or []
    scope = scope or Scope()
    kept = [r for r in rows if scope.keeps(r)]
    return sorted(kept, key=lambda r: (r.person_id or "", r.record_id or ""))


def aggregate(measure: Measure, rows: Iterable[ChildRow], context: Context) -> Result:
    """The figure of ``rows``: the one place a measure's value is worked out from its rows."""
    rows = list(rows)
    base = Result(
        measure.id,
        None,
        None,
        None,
        measure.unit.value,
        measure.title,
        measure.better,
        True,
        "",
        context.period,
    )
    counted = [r for r in rows if r.in_denominator]
    hits = sum(1 for r in counted if r.in_numerator)
    if measure.unit is Unit.COUNT:
        return replace(base, value=hits, numerator=hits)
    if measure.unit is Unit.PERCENT:
        value = round(100 * hits / len(counted), 1) if counted else None
        return replace(base, value=value, numerator=hits, denominator=len(counted))
    if measure.unit is Unit.RATE:
        population = context.population
        value = round(10_000 * hits / population, 1) if population else None
        return replace(base, value=value, numerator=hits, denominator=population)
    if measure.unit is Unit.DAYS:
        total = sum(r.value for r in counted if r.value is not None)
        value = round(total / len(counted), 1) if counted else None
        return replace(base, value=value, numerator=total, denominator=len(counted))
    if measure.unit is Unit.PER_WORKER:
        fte = round(sum(r.value or 0 for r in counted), 2)
        value = round(hits / fte, 1) if fte else None
        return replace(base, value=value, numerator=hits, denominator=fte)
    raise ValueError(measure.unit)  # pragma: no cover - every unit is handled above


def _chosen(ids: Sequence[str] | None) -> list[Measure]:
    if ids is None:
        return list(CATALOGUE)
    return [measure_by_id(i) for i in ids]


def _result(measure: Measure, context: Context, scope: Scope) -> Result:
    rows = measure.rows(context)
    if rows is None:
        return Result(
            measure.id,
            None,
            None,
            None,
            measure.unit.value,
            measure.title,
            measure.better,
            False,
            measure.note or "not available from this source",
            context.period,
        )
    return aggregate(measure, (r for r in rows if scope.keeps(r)), context)
