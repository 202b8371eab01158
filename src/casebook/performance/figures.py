"""Stored KPI figures (``cb_kpi_figure``): each measure's monthly figure, computed once.

The scorecard's sparklines and a measure's trend chart show one figure per month
for up to six years. Recomputing a month is a full engine pass, so the months are
computed by ``casebook kpi refresh`` (:func:`refresh`) and stored; the screens read
them (:func:`stored`) and show a month that has no stored figure as missing rather
than computing it while someone waits.

A month is stored as the period from its first day to its last (``period_start``,
``as_at``), and so is each calendar quarter among the months (the scorecard's
default period is a quarter, shown beside the one before it), for the whole
authority (``scope_kind`` ``authority``, ``scope_id`` ""), exactly as
:func:`casebook.performance.engine.compute` gives it. A refresh skips the periods
whose figures are all stored (a period missing a measure, such as one added to the
catalogue since, gets just that measure) unless ``force``, which replaces them.
Each period is written in one transaction of its own, so an
interrupted refresh keeps what it finished.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, delete, insert, inspect, select
from sqlalchemy.orm import Session

from casebook.access.accounts import now
from casebook.performance.models import KpiFigure
from casebook.performance.trends import MAX_MONTHS, month_end, months_ending
from casebook.record.db import begin_write

logger = logging.getLogger(__name__)
AUTHORITY = "authority"
#: {(period start, as at): {measure id: (value, numerator, denominator)}}
Stored = dict[tuple[date, date], dict[str, tuple]]


def finished_months(as_at: date, months: int) -> list[tuple[date, date]]:
    """The ``months`` months that have ended by ``as_at``, oldest first."""
    last = as_at if month_end(as_at) == as_at else date(as_at.year, as_at.month, 1) - timedelta(1)
    return months_ending(last, max(1, min(months, MAX_MONTHS)))


def finished_periods(as_at: date, months: int) -> list[tuple[date, date]]:
    """The finished months of :func:`finished_months`, each calendar quarter among them
    stored too (the scorecard's previous period), in date order."""
    found = []
    for start, end in finished_months(as_at, months):
        found.append((start, end))
        if end.month % 3 == 0:
            found.append((date(end.year, end.month - 2, 1), end))
    return found


def _number(x: float | None) -> float | int | None:
    """A stored float as the engine gave it: whole numbers back as ints."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _value(x: float | None, unit: str) -> float | int | None:
    if x is None:
        return None
    return int(x) if unit == "count" and float(x).is_integer() else x


def has_table(bind) -> bool:
    return "cb_kpi_figure" in inspect(bind).get_table_names()


def stored(
    session: Session,
    periods: Sequence[tuple[date, date]],
    measure_ids: Iterable[str] | None = None,
) -> Stored:
    """The stored authority figures of ``periods`` (a period with none is absent)."""
    from casebook.performance.catalogue import CATALOGUE

    units = {m.id: m.unit.value for m in CATALOGUE}
    found: Stored = {}
    if not periods or not has_table(session.get_bind()):
        return found
    ends = sorted({end for _, end in periods})
    wanted = set(periods)
    query = select(
        KpiFigure.measure_id,
        KpiFigure.period_start,
        KpiFigure.as_at,
        KpiFigure.value,
        KpiFigure.numerator,
        KpiFigure.denominator,
    ).where(
        KpiFigure.scope_kind == AUTHORITY,
        KpiFigure.scope_id == "",
        KpiFigure.as_at.in_(ends),
    )
    if measure_ids is not None:
        query = query.where(KpiFigure.measure_id.in_(sorted(set(measure_ids))))
    for mid, start, end, value, numerator, denominator in session.execute(query):
        if (start, end) not in wanted:
            continue
        found.setdefault((start, end), {})[mid] = (
            _value(value, units.get(mid, "")),
            _number(numerator),
            _number(denominator),
        )
    return found


@dataclass(frozen=True)
class Refreshed:
    computed: int  # periods computed (wholly or the measures they lacked)
    skipped: int  # periods already stored
    figures: int  # figures written


def refresh(
    engine: Engine,
    as_at: date,
    months: int = 12,
    *,
    force: bool = False,
    advance: Callable[[date], None] | None = None,
) -> Refreshed:
    """Compute and store the authority's figures for each of the ``months`` finished
    months to ``as_at`` and each quarter among them (:func:`finished_periods`);
    ``advance(period end)`` is called after each period."""
    from casebook.performance.catalogue import CATALOGUE
    from casebook.performance.engine import DatabaseSource, compute

    every = [m.id for m in CATALOGUE]
    periods = finished_periods(as_at, months)
    with Session(engine) as session:
        have = {
            (start, end): set(values) for (start, end), values in stored(session, periods).items()
        }
    source = DatabaseSource(engine)
    computed = skipped = written = 0
    try:
        for start, end in periods:
            missing = every if force else [i for i in every if i not in have.get((start, end), ())]
            if not missing:
                skipped += 1
            else:
                results = compute(source, end, start, measures=missing)
                written += _write(engine, start, end, results, replace=force)
                computed += 1
            if advance is not None:
                advance(end)
    finally:
        source.close()
    return Refreshed(computed, skipped, written)


def refresh_in_background(
    engine: Engine, as_at: date | None = None, months: int = 12
) -> threading.Thread:
    """:func:`refresh` in a daemon thread (``casebook demo`` starts serving at once; the
    trends fill in as each month is stored). A failure is logged, never raised."""

    def run() -> None:
        try:
            refresh(engine, as_at or date.today(), months)
        except Exception:  # noqa: BLE001 - a background job must not take the server down
            logger.exception("storing the monthly KPI figures failed")

    thread = threading.Thread(target=run, name="kpi-refresh", daemon=True)
    thread.start()
    return thread


def _write(engine: Engine, start: date, end: date, results, *, replace: bool) -> int:
    at = now()
    rows = [
        {
            "measure_id": r.id,
            "as_at": end,
            "period_start": start,
            "scope_kind": AUTHORITY,
            "scope_id": "",
            "value": r.value,
            "numerator": r.numerator,
            "denominator": r.denominator,
            "available": bool(r.available),
            "computed_at": at,
        }
        for r in results
    ]
    if not rows:
        return 0
    with Session(engine) as conn:
        begin_write(conn)
        same = (
            (KpiFigure.scope_kind == AUTHORITY)
            & (KpiFigure.scope_id == "")
            & (KpiFigure.as_at == end)
            & (KpiFigure.period_start == start)
        )
        ids = [r["measure_id"] for r in rows]
        if replace:
            conn.execute(delete(KpiFigure).where(same, KpiFigure.measure_id.in_(ids)))
        else:  # another refresh may have stored some meanwhile: keep theirs
            held = set(conn.scalars(select(KpiFigure.measure_id).where(same)))
            rows = [r for r in rows if r["measure_id"] not in held]
        if rows:
            conn.execute(insert(KpiFigure), rows)
        conn.commit()
    return len(rows)


__all__ = [
    "AUTHORITY",
    "Refreshed",
    "finished_months",
    "finished_periods",
    "refresh",
    "refresh_in_background",
    "stored",
]
