"""Local targets: one per measure per year, with a tolerance, giving red, amber or green.

A figure is **green** when it meets the target, **amber** when it misses by no
more than the tolerance, **red** beyond. "Meets" depends on the direction in
which the measure is better: for "higher" a figure at or above the target is
green; for "lower" at or below. The edges belong to the better colour: a
figure exactly at the target is green, exactly at target minus tolerance (for
"higher") is amber.

Years run April to March (``year`` 2025 is 2025-26), as authorities plan.
Setting a target again for the same measure and year supersedes the old row
(kept, marked superseded) in one transaction.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access.accounts import now
from casebook.performance.models import PerformanceTarget
from casebook.record.db import begin_write
from casebook.record.errors import Invalid, Problem
from casebook.record.models.base import ACTIVE, SUPERSEDED

GREEN, AMBER, RED = "green", "amber", "red"
DIRECTIONS = ("higher", "lower")
RAG_LABELS = {GREEN: "Green: meets the target", AMBER: "Amber: within tolerance", RED: "Red"}


@dataclass(frozen=True)
class Target:
    measure_id: str
    year: int
    target: float
    tolerance: float
    better: str

    def as_dict(self) -> dict:
        return {
            "measure_id": self.measure_id,
            "year": self.year,
            "target": self.target,
            "tolerance": self.tolerance,
            "better": self.better,
        }


def financial_year(day: date) -> int:
    """The planning year a date falls in: 2025 for 1 April 2025 to 31 March 2026."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def rag(value: float | None, target: Target | None) -> str | None:
    """Red, amber or green for ``value`` against ``target`` (None when either is missing)."""
    if value is None or target is None:
        return None
    gap = target.target - value if target.better == "higher" else value - target.target
    # A tiny epsilon keeps 0.1 + 0.2 style float noise on the right side of an edge.
    eps = 1e-9 * max(1.0, abs(target.target))
    if gap <= eps:
        return GREEN
    if gap <= target.tolerance + eps:
        return AMBER
    return RED


def check_target(
    measure_id: str,
    year: int | None,
    target: float | None,
    tolerance: float | None,
    better: str | None,
    known: Iterable[str] | None = None,
) -> list[Problem]:
    """Everything wrong with a target as given, naming each field."""
    problems = []
    if not measure_id:
        problems.append(Problem("measure_id", "enter the measure"))
    elif known is not None and measure_id not in set(known):
        problems.append(Problem("measure_id", f"there is no measure called {measure_id!r}"))
    if year is None or not (2000 <= year <= 2100):
        problems.append(Problem("year", "must be a year from 2000 to 2100, e.g. 2025 for 2025-26"))
    if target is None or not math.isfinite(target):
        problems.append(Problem("target", "must be a number"))
    if tolerance is None or not math.isfinite(tolerance) or tolerance < 0:
        problems.append(Problem("tolerance", "must be a number, 0 or more"))
    if better not in DIRECTIONS:
        problems.append(
            Problem("better", "must be 'higher' or 'lower' (the direction that is better)")
        )
    return problems


def set_target(
    session: Session,
    *,
    measure_id: str,
    year: int | None,
    target: float | None,
    tolerance: float | None,
    better: str | None,
    actor: str,
    known: Iterable[str] | None = None,
    at: datetime | None = None,
) -> Target:
    """Set (or replace) the target for a measure and year, in one transaction."""
    problems = check_target(measure_id, year, target, tolerance, better, known)
    if problems:
        raise Invalid(problems)
    begin_write(session)
    try:
        for old in session.scalars(
            select(PerformanceTarget).where(
                PerformanceTarget.measure_id == measure_id,
                PerformanceTarget.year == year,
                PerformanceTarget.cb_status == ACTIVE,
            )
        ):
            old.cb_status = SUPERSEDED
            old.cb_status_reason = f"replaced by {actor}"
        session.add(
            PerformanceTarget(
                id=uuid.uuid4().hex,
                measure_id=measure_id,
                year=year,
                target=float(target),
                tolerance=float(tolerance),
                better=better,
                set_by=actor,
                set_at=at or now(),
            )
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return Target(measure_id, year, float(target), float(tolerance), better)


def targets_for(session: Session, year: int) -> dict[str, Target]:
    """The targets in force for a year, by measure id."""
    rows = session.scalars(
        select(PerformanceTarget).where(
            PerformanceTarget.year == year, PerformanceTarget.cb_status == ACTIVE
        )
    )
    return {
        r.measure_id: Target(r.measure_id, r.year, r.target, r.tolerance, r.better) for r in rows
    }


def all_targets(session: Session) -> list[Target]:
    """Every target in force, by year then measure."""
    rows = session.scalars(
        select(PerformanceTarget)
        .where(PerformanceTarget.cb_status == ACTIVE)
        .order_by(PerformanceTarget.year.desc(), PerformanceTarget.measure_id)
    )
    return [Target(r.measure_id, r.year, r.target, r.tolerance, r.better) for r in rows]
