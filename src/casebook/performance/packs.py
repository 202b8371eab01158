"""Board packs: the scorecard's figures for a period, as a PDF in the style of the
council's papers, with charts, comparator tables and space for commentary.

:func:`build_figures` gathers everything a pack (and the live scorecard) shows
into one JSON-able dict: each measure's figure, numerator and denominator,
target and RAG, the previous period and the direction of travel, a
month-by-month trend and the published comparators. A pack always shows the
figures as an aggregate-only reader may see them (:func:`for_publication`
passes every figure through the one suppression in ``access.suppression``),
because a published pack is read by councillors and the public.

:func:`publish` stores the figures and the commentary in ``cb_board_pack``;
the table is append-only, so a published pack never changes and its PDF
(:func:`render_pdf`, WeasyPrint, charts by matplotlib) regenerates identically
from what was stored. A correction is a new version of the same period.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.access.accounts import now
from casebook.performance import charts, comparators, targets, trends
from casebook.performance.models import BoardPack
from casebook.record.db import begin_write
from casebook.record.errors import Invalid, NotFound, Problem

DATA = Path(__file__).resolve().parent / "data"
SCHEMA = 1
LONGEST_COMMENTARY = 10_000
#: Sections of a pack, by measure id prefix, in the order the papers use.
AREAS = (
    ("FD", "The front door"),
    ("R", "Referrals"),
    ("A", "Assessments"),
    ("CP", "Child protection"),
    ("CIN", "Children in need"),
    ("LA", "Children looked after"),
    ("AD", "Adoption"),
    ("CL", "Care leavers"),
    ("WF", "Workforce"),
    ("EX", "Exploitation"),
    ("EH", "Early help"),
    ("QA", "Quality assurance"),
    ("other", "Other measures"),
)
AREA_TITLES = dict(AREAS)
COMMENTARY_KEYS = ("summary", *(key for key, _ in AREAS))


def area_of(measure_id: str) -> str:
    """The pack section a measure belongs to, from its id's letters (``CP8`` -> ``CP``)."""
    match = re.match(r"[A-Z]+", measure_id)
    prefix = match.group(0) if match else ""
    return prefix if prefix in AREA_TITLES else "other"


# --------------------------------------------------------------------------- figures


#: A function giving the engine's results for a period (start, end).
Results = Callable[[date, date], Sequence[Any]]


def engine_results(source) -> Results:
    """The engine's figures for every measure of the catalogue, for a period."""
    from casebook.performance.engine import compute

    def run(start: date, end: date) -> Sequence[Any]:
        return compute(source, end, start)

    return run


def _triples(results: Iterable[Any]) -> dict[str, tuple]:
    """{id: (value, numerator, denominator, title, unit, better, available, note)}."""
    return {
        r.id: (
            r.value,
            r.numerator,
            r.denominator,
            r.title,
            str(r.unit),
            r.better,
            getattr(r, "available", True),
            getattr(r, "note", ""),
        )
        for r in results
    }


@dataclass(frozen=True)
class _Described:
    id: str
    value: Any
    numerator: Any
    denominator: Any
    title: str
    unit: str
    better: str | None
    available: bool
    note: str


def _described(values: Mapping[str, tuple]) -> list[_Described]:
    return [_Described(key, *row) for key, row in values.items()]


def build_figures(
    session: Session,
    results: Results,
    period: trends.ReportPeriod,
    *,
    months: int = 12,
    cache_key: object | None = None,
    stored: Callable[[Sequence[tuple[date, date]]], Mapping] | None = None,
) -> dict:
    """Everything the scorecard and a pack show for ``period`` (unsuppressed).

    With ``stored`` (periods -> {(start, end): {id: (value, numerator,
    denominator)}}, e.g. :func:`casebook.performance.figures.stored`), the trend
    months and the previous period are read from it, not computed: a month it
    lacks is a gap; a previous period it lacks is computed (and cached).
    """
    full: dict[tuple[date, date], list] = {}

    def triples(start: date, end: date) -> dict[str, tuple]:
        found = list(results(start, end))
        full[(start, end)] = found
        return _triples(found)

    now_values = trends.cached(triples, period.start, period.end, cache_key)
    current = full.get((period.start, period.end))
    if current is None:  # from the cache: the results' descriptions are the catalogue's
        current = _described(now_values)
    before = period.previous()
    if stored is None:
        previous = trends.cached(triples, before.start, before.end, cache_key)
        series = trends.monthly(triples, period.end, months, cache_key)
    else:
        spans = trends.months_ending(period.end, months)
        held = stored([*spans, (before.start, before.end)])
        series = [(start, held.get((start, end), {})) for start, end in spans]
        previous = held.get((before.start, before.end)) or trends.cached(
            triples, before.start, before.end, cache_key
        )
    set_targets = targets.targets_for(session, period.target_year)
    compared = comparators.comparisons(
        session, {r.id: r.better for r in current}, {r.id: r.value for r in current}
    )
    measures = []
    for r in current:
        target = set_targets.get(r.id)
        comparison = compared.get(r.id)
        prev = previous.get(r.id, (None, None, None))[:3]
        points = [values.get(r.id, (None, None, None))[:3] for _, values in series]
        measures.append(
            {
                "id": r.id,
                "title": r.title or r.id,
                "unit": str(r.unit),
                "better": r.better,
                "area": area_of(r.id),
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "available": getattr(r, "available", True),
                "note": getattr(r, "note", ""),
                "target": target.as_dict() if target else None,
                "rag": targets.rag(r.value, target),
                "previous": prev[0],
                "previous_counts": list(prev[1:]),
                "direction": trends.direction(r.value, prev[0], r.better),
                "series": [p[0] for p in points],
                "series_counts": [list(p[1:]) for p in points],
                "comparison": comparison.as_dict() if comparison else None,
            }
        )
    return {
        "schema": SCHEMA,
        "period": {
            "name": period.name,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "kind": period.kind,
            "target_year": period.target_year,
            "target_year_label": targets.year_label(period.target_year),
            "previous": before.name,
        },
        "months": [m.isoformat() for m, _ in trends.months_ending(period.end, months)],
        "la_code": comparators.la_code(session),
        "illustrative": any(c.illustrative for c in compared.values()),
        "suppressed": False,
        "measures": measures,
    }


# --------------------------------------------------------------------------- suppression


@dataclass(frozen=True)
class _Figure:
    id: str
    value: Any
    numerator: Any
    denominator: Any
    unit: str


def present_measure(measure: Mapping, role: Any = None) -> dict:
    """One measure as ``role`` may see it (None: the public), through ``access.suppression``.

    The figure, the previous period's and every month of the trend pass through
    the one suppression; a suppressed month is a gap in the trend.
    """
    from casebook.access import suppression

    shown = dict(measure)
    unit = measure["unit"]
    now_ = suppression.present(
        _Figure(measure["id"], measure["value"], measure["numerator"], measure["denominator"],
                unit),
        role,
    )  # fmt: skip
    shown.update(value=now_.value, numerator=now_.numerator, denominator=now_.denominator)
    prev_counts = measure.get("previous_counts") or [None, None]
    before = suppression.present(
        _Figure(measure["id"], measure.get("previous"), *prev_counts, unit), role
    )
    shown["previous"] = before.value
    shown.pop("previous_counts", None)
    counts = measure.get("series_counts") or [[None, None]] * len(measure.get("series", []))
    series = []
    for value, (numerator, denominator) in zip(measure.get("series", []), counts, strict=True):
        point = suppression.present(
            _Figure(measure["id"], value, numerator, denominator, unit), role
        )
        series.append(point.value if isinstance(point.value, int | float) else None)
    shown["series"] = series
    shown.pop("series_counts", None)
    shown["suppressed"] = now_.suppressed
    # RAG, direction, rank and quartile were judged from the unsuppressed figure.
    suppression.withhold_judgements(shown, now_, before)
    return shown


def for_viewer(figures: Mapping, role: Any) -> dict:
    """The figures as a signed-in role may see them (suppressed for aggregate-only roles)."""
    from casebook.access import suppression

    if figures.get("suppressed") or not suppression.must_suppress(role):
        return dict(figures)
    return for_publication(figures)


def for_publication(figures: Mapping) -> dict:
    """The figures with every number passed through the one suppression, as the
    public may see them (a published pack is read by councillors and the public)."""
    if figures.get("suppressed"):
        return dict(figures)
    shown = dict(figures)
    shown["measures"] = [present_measure(m, None) for m in figures["measures"]]
    shown["suppressed"] = True
    return shown


# --------------------------------------------------------------------------- rendering


_env = Environment(loader=FileSystemLoader(DATA), autoescape=select_autoescape(["j2", "html"]))
_env.filters["figure"] = lambda value, unit: trends.fmt(value, unit)
_env.filters["period"] = comparators.period_label


def _chart_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_CHARTS: dict[str, dict[str, str]] = {}


def charts_for(figures: Mapping) -> dict[str, str]:
    """A trend chart (as a data URI) for each measure with figures to plot; the same
    figures (a published pack downloaded again) reuse the charts already drawn."""
    key = hashlib.sha256(canonical(figures).encode("utf-8")).hexdigest()
    if key not in _CHARTS:
        if len(_CHARTS) >= 16:
            _CHARTS.clear()
        _CHARTS[key] = _draw_charts(figures)
    return _CHARTS[key]


def _draw_charts(figures: Mapping) -> dict[str, str]:
    months = [date.fromisoformat(m) for m in figures["months"]]
    found = {}
    for m in figures["measures"]:
        if not any(v is not None for v in m["series"]):
            continue
        target = (m.get("target") or {}).get("target")
        england = (m.get("comparison") or {}).get("england")
        fig = charts.trend_chart(
            f"{m['id']} {m['title']}",
            months,
            m["series"],
            target=target,
            england=england,
            unit=m["unit"],
            width=3.4,
            height=1.7,
            show_title=False,
        )
        found[m["id"]] = _chart_uri(charts.to_png(fig, dpi=120))
    return found


@dataclass(frozen=True)
class PackMeta:
    """What the cover sheet says beyond the figures."""

    title: str
    status: str  # "Draft" or "Published"
    version: int | None = None
    published_at: datetime | None = None
    published_by: str | None = None
    correction_note: str | None = None
    authority: str = "Fernmouth City Council"
    board: str = "Children's Services Performance Board"


def render_html(figures: Mapping, commentary: Mapping[str, str], meta: PackMeta) -> str:
    areas = []
    for key, title in AREAS:
        rows = [m for m in figures["measures"] if m["area"] == key]
        if rows:
            areas.append({"key": key, "title": title, "measures": rows})
    rag_counts = {c: 0 for c in (targets.GREEN, targets.AMBER, targets.RED)}
    for m in figures["measures"]:
        if m.get("rag") in rag_counts:
            rag_counts[m["rag"]] += 1
    return _env.get_template("pack.html.j2").render(
        figures=figures,
        commentary=commentary,
        meta=meta,
        areas=areas,
        rag_counts=rag_counts,
        charts=charts_for(figures),
        css=(DATA / "pack.css").read_text(encoding="utf-8"),
    )


def render_pdf(figures: Mapping, commentary: Mapping[str, str], meta: PackMeta) -> bytes:
    """The pack as PDF bytes (the same inputs give the same bytes)."""
    from weasyprint import HTML

    html = render_html(figures, commentary, meta)
    return HTML(string=html, base_url=str(DATA)).write_pdf()


def pdf_text_titles(pdf_html: str) -> list[str]:
    """The measure headings a rendered pack carries (for checks without a PDF reader)."""
    return re.findall(r'<h4 class="measure">([^<]+)</h4>', pdf_html)


# --------------------------------------------------------------------------- publishing


def clean_commentary(raw: Mapping[str, str]) -> dict[str, str]:
    """Commentary by section, trimmed; Invalid naming the section if too long."""
    problems, kept = [], {}
    for key in COMMENTARY_KEYS:
        text = (raw.get(key) or "").replace("\x00", "").strip()
        if len(text) > LONGEST_COMMENTARY:
            problems.append(
                Problem(f"commentary_{key}", f"must be at most {LONGEST_COMMENTARY:,} characters")
            )
        if text:
            kept[key] = text
    if problems:
        raise Invalid(problems)
    return kept


def canonical(figures: Mapping) -> str:
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def publish(
    session: Session,
    figures: Mapping,
    commentary: Mapping[str, str],
    *,
    title: str,
    actor: str,
    correction_note: str | None = None,
    at: datetime | None = None,
) -> BoardPack:
    """Store a pack as published: the suppressed figures and the commentary, frozen."""
    title = (title or "").strip()
    problems = []
    if not title:
        problems.append(Problem("title", "enter the pack's title"))
    elif len(title) > 200:
        problems.append(Problem("title", "must be at most 200 characters"))
    kept = {}
    try:
        kept = clean_commentary(commentary)
    except Invalid as exc:
        problems += exc.problems
    if problems:
        raise Invalid(problems)
    shown = for_publication(figures)
    text = canonical(shown)
    period = shown["period"]["name"]
    begin_write(session)
    try:
        latest = session.scalar(
            select(func.max(BoardPack.version)).where(BoardPack.period == period)
        )
        note = (correction_note or "").strip() or None
        if latest and not note:
            raise Invalid(
                [
                    Problem(
                        "correction_note",
                        f"a pack for {period} is already published: say what this version corrects",
                    )
                ]
            )
        pack = BoardPack(
            period=period,
            version=(latest or 0) + 1,
            title=title,
            figures_json=text,
            commentary_json=canonical(kept),
            figures_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            correction_note=note,
            published_by=actor,
            published_at=at or now(),
        )
        session.add(pack)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return pack


def published(session: Session) -> list[BoardPack]:
    return list(
        session.scalars(
            select(BoardPack).order_by(BoardPack.period.desc(), BoardPack.version.desc())
        )
    )


def get_pack(session: Session, pack_id: int) -> BoardPack:
    pack = session.get(BoardPack, pack_id)
    if pack is None:
        raise NotFound(f"There is no published pack {pack_id}.")
    return pack


def pack_meta(pack: BoardPack) -> PackMeta:
    return PackMeta(
        title=pack.title,
        status="Published",
        version=pack.version,
        published_at=pack.published_at,
        published_by=pack.published_by,
        correction_note=pack.correction_note,
    )


def stored(pack: BoardPack) -> tuple[dict, dict]:
    """The figures and commentary a published pack showed."""
    return json.loads(pack.figures_json), json.loads(pack.commentary_json)


def pack_pdf(pack: BoardPack) -> bytes:
    """The published pack's PDF, regenerated from its stored figures."""
    figures, commentary = stored(pack)
    return render_pdf(figures, commentary, pack_meta(pack))
