"""Performance to scrutiny: freeze the scorecard or a published board pack on an
agenda item.

:func:`attach_scorecard` computes every measure of the catalogue for the whole
authority with the performance engine (``compute(DatabaseSource(...), as_at,
start)``), adds the target in force for the as-at date's planning year (April
to March) with its red/amber/green, and the latest published comparators
(England, the region, the statistical neighbours' median); :func:`attach_pack`
takes a *published* board pack's stored figures. Either way the rows go
through :func:`casebook.scrutiny.agenda.attach_figures`, which passes every
number through the one suppression (``access.suppression.present`` for the
public: counts of 1 to 4 shown as ``c``) and stores them: the item shows them as
they were when attached, whatever later happens to the record, the targets or
the packs.

Each frozen row carries its provenance (``source``: ``scorecard`` or ``pack``,
``as_at``, ``start``, and for a pack ``pack_id``, ``pack_version``,
``pack_period``), read back by :func:`provenance`. A RAG colour is not kept
beside a suppressed figure (it would hint at the hidden number).

Attaching to an item of an agenda already published follows the rule for every
other change after publication: it changes the live agenda (and the members'
item page) only; what was published stays as published until the agenda is
published again, with a reason, as a new version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.access import suppression
from casebook.performance import comparators, packs, targets
from casebook.performance.engine import DatabaseSource, compute, period_for
from casebook.record.errors import Invalid, NotFound, Problem
from casebook.scrutiny import agenda
from casebook.scrutiny.common import Checks, get
from casebook.scrutiny.models import AgendaItem, Meeting

#: The largest pack id looked up (the table's ids are ordinary integers).
LARGEST_ID = 2**31 - 1
#: Keys of a frozen row that say where it came from (the same on every row).
PROVENANCE = ("source", "as_at", "start", "pack_id", "pack_version", "pack_period")


def _comparison_words(comparison: dict[str, Any] | None) -> dict[str, Any]:
    if not comparison:
        return {}
    return {
        "england": comparison.get("england"),
        "region": comparison.get("region"),
        "region_name": comparison.get("region_name"),
        "neighbours_median": comparison.get("neighbours_median"),
        "comparator_period": comparators.period_label(str(comparison.get("time_period") or "")),
    }


def scorecard_rows(session: Session, as_at: date, start: date | None = None) -> list[dict]:
    """Every measure for the authority as at ``as_at`` (unsuppressed), with its target,
    RAG and comparators, as rows for :func:`casebook.scrutiny.agenda.attach_figures`."""
    period = period_for(as_at, start)
    source = DatabaseSource(session.connection())
    try:
        results = compute(source, period.end, period.start)
    finally:
        source.close()
    in_force = targets.targets_for(session, targets.financial_year(period.end))
    compared = comparators.comparisons(
        session, {r.id: r.better for r in results}, {r.id: r.value for r in results}
    )
    rows = []
    for r in results:
        target = in_force.get(r.id)
        comparison = compared.get(r.id)
        rows.append(
            {
                "id": r.id,
                "title": r.title or r.id,
                "label": r.title or r.id,
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "unit": str(r.unit),
                "better": r.better,
                "available": r.available,
                "note": r.note,
                "target": target.target if target else None,
                "tolerance": target.tolerance if target else None,
                "rag": targets.rag(r.value, target),
                **_comparison_words(comparison.as_dict() if comparison else None),
                "source": "scorecard",
                "as_at": period.end.isoformat(),
                "start": period.start.isoformat(),
            }
        )
    return rows


def _as_at(value: Any, start: Any) -> tuple[date, date | None]:
    checks = Checks()
    as_at = checks.day("as_at", value)
    first = checks.day("start", start, required=False)
    if as_at and as_at > date.today():
        checks.add("as_at", "must be today or earlier")
    if as_at and first and first > as_at:
        checks.add("start", "must be on or before the as-at date")
    checks.done()
    return as_at, first


def attach_scorecard(
    session: Session, item_id: str, as_at: Any, actor: str, start: Any = None
) -> AgendaItem:
    """Compute the scorecard as at ``as_at`` (the 12 months ending then, unless
    ``start``) and freeze it, small numbers suppressed, on the agenda item."""
    get(session, AgendaItem, item_id, "agenda item")
    day, first = _as_at(as_at, start)
    rows = scorecard_rows(session, day, first)
    title = f"Performance scorecard as at {day:%-d %B %Y}"
    return agenda.attach_figures(session, item_id, title, _safe(rows), actor=actor)


def _pack_number(pack_id: Any) -> int:
    checks = Checks()
    number = checks.whole("pack_id", pack_id, low=1, high=LARGEST_ID)
    checks.done()
    return number


def published_pack(session: Session, pack_id: Any):
    """A published board pack, or NotFound; Invalid if the id is not a number."""
    pack = packs.get_pack(session, _pack_number(pack_id))
    if getattr(pack, "published_at", None) is None:
        raise Invalid([Problem("pack_id", "that board pack is not published")])
    return pack


def pack_rows(pack) -> list[dict]:
    """A published pack's stored figures (already as the public may see them) as rows."""
    figures, _ = packs.stored(pack)
    if not figures.get("suppressed"):
        figures = packs.for_publication(figures)
    period = figures.get("period") or {}
    rows = []
    for m in figures.get("measures", []):
        target = m.get("target") or {}
        rows.append(
            {
                "id": m.get("id"),
                "title": m.get("title") or m.get("id"),
                "label": m.get("title") or m.get("id"),
                "value": m.get("value"),
                "numerator": m.get("numerator"),
                "denominator": m.get("denominator"),
                "unit": m.get("unit") or "count",
                "better": m.get("better"),
                "available": m.get("available", True),
                "note": m.get("note") or "",
                "target": target.get("target"),
                "tolerance": target.get("tolerance"),
                "rag": m.get("rag"),
                **_comparison_words(m.get("comparison")),
                "source": "pack",
                "as_at": period.get("end"),
                "start": period.get("start"),
                "pack_id": pack.id,
                "pack_version": pack.version,
                "pack_period": pack.period,
            }
        )
    return rows


def attach_pack(session: Session, item_id: str, pack_id: Any, actor: str) -> AgendaItem:
    """Freeze a published board pack's figures on the agenda item, with a link to its PDF."""
    get(session, AgendaItem, item_id, "agenda item")
    pack = published_pack(session, pack_id)
    title = f"{pack.title} (board pack, version {pack.version})"
    return agenda.attach_figures(session, item_id, title, _safe(pack_rows(pack)), actor=actor)


def _safe(rows: list[dict]) -> list[dict]:
    """The rows with no RAG beside a figure that suppression will hide."""
    out = []
    for row in rows:
        shown = suppression.present(agenda._as_result(row), None)
        if shown.value in (suppression.SUPPRESSED, suppression.ROUNDS_TO_ZERO):
            row = {**row, "rag": None}
        out.append(row)
    return out


def provenance(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """Where frozen rows came from: ``source``, ``as_at``, ``start`` and, for a pack,
    ``pack_id``, ``pack_version`` and ``pack_period`` (empty for other figures)."""
    if not figures:
        return {}
    first = figures[0]
    return {k: first.get(k) for k in PROVENANCE if first.get(k) is not None}


def pack_of_item(session: Session, item_id: str):
    """The board pack whose figures are frozen on the item (NotFound if none)."""
    item = get(session, AgendaItem, item_id, "agenda item")
    found = provenance(agenda.figures_of(item)).get("pack_id")
    if found is None:
        raise NotFound("No board pack is attached to that item.")
    return packs.get_pack(session, int(found))


def pack_in_public_copy(items: list[dict[str, Any]], pack_id: str) -> bool:
    """Whether a published public copy's items show the pack (never an exempt item:
    the public copy has none)."""
    return any(
        str(provenance(item.get("figures") or []).get("pack_id")) == pack_id
        and not item.get("exempt")
        for item in items
    )


def is_published(session: Session, item: AgendaItem) -> bool:
    meeting = session.get(Meeting, item.meeting_id)
    return bool(meeting and meeting.published_on)


def pack_choices(session: Session) -> list[tuple[str, str]]:
    """Published packs to choose from, newest period first."""
    return [
        (str(p.id), f"{p.title} ({p.period}, version {p.version}, {p.published_at:%-d %B %Y})")
        for p in packs.published(session)
    ]
