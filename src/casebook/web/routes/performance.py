"""Pages: the scorecard, drill-down, drift dashboards, data quality and board packs.

Figures (``Action.AGGREGATES``) pass through ``access.suppression`` for the
viewer's role before they are shown: :func:`scorecard` and :func:`drill` are
the only ways the pages and the JSON API read figures, and both suppress.
Lists of children (``Action.VIEW_CHILD``) show only the children the user may
see (``access.policy.visible_children``) and every list shown is logged with
the ids of the children on it. Targets, comparators and publishing a pack need
``Action.MANAGE_PERFORMANCE``. The reads shared with the JSON API are here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access import log, suppression
from casebook.access.policy import User
from casebook.access.roles import Action
from casebook.performance import comparators, data_quality, drift, packs, targets, trends
from casebook.performance import figures as stored_figures
from casebook.record.errors import Invalid, NotFound, Problem
from casebook.record.models import Department, Professional
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import FormErrors, FormFields, RecordId, labelled_message
from casebook.web.templating import render

router = APIRouter()

LIST = "list"  # the access log's action for a list of children shown
#: Months of trend on the scorecard's sparklines.
SPARK_MONTHS = 12
#: Months of trend on a measure's own page (``?months=`` up to six years).
TREND_MONTHS = 24
GROUPINGS = ("team", "worker", "locality")

# --------------------------------------------------------------------------- shared reads


def source_for(db: Session):
    from casebook.performance.engine import DatabaseSource

    return DatabaseSource(db.get_bind())


def cache_key(db: Session) -> tuple:
    """Finished periods' figures are kept a few minutes per database (``trends.CACHE``)."""
    bind = db.get_bind()
    return (id(bind), str(bind.url))


def read_period(text: str | None, today: date | None = None) -> trends.ReportPeriod:
    """The period asked for, or the last quarter that has ended."""
    if not (text or "").strip():
        return trends.latest_quarter(today or date.today())
    return trends.parse_period(text)


def measure_ids() -> dict[str, Any]:
    from casebook.performance.catalogue import CATALOGUE

    return {m.id: m for m in CATALOGUE}


def scorecard(db: Session, user: User, period: trends.ReportPeriod, months: int) -> dict:
    """The scorecard's figures as this user may see them (suppressed for aggregate-only)."""
    source = source_for(db)
    try:
        figures = packs.build_figures(
            db,
            packs.engine_results(source),
            period,
            months=months,
            cache_key=cache_key(db),
            stored=lambda periods: stored_figures.stored(db, periods),
        )
    finally:
        source.close()
    return packs.for_viewer(figures, user.role)


@dataclass(frozen=True)
class DrillRow:
    key: str | None
    label: str
    figure: suppression.Shown


def _names(db: Session, by: str) -> dict[str, str]:
    if by == "worker":
        rows = db.execute(
            select(Professional.prof_professional_id, Professional.prof_professional_name)
        )
    else:
        rows = db.execute(select(Department.dept_team_id, Department.dept_team_name))
    return {k: v or k for k, v in rows}


def drill(
    db: Session,
    user: User,
    measure_id: str,
    period: trends.ReportPeriod,
    *,
    team: str | None = None,
    by: str = "team",
) -> tuple[suppression.Shown, list[DrillRow]]:
    """The authority's (or a team's) figure and its breakdown by team, worker or
    locality, each as this user may see it."""
    from casebook.performance import engine
    from casebook.performance.catalogue import Context, measure_by_id

    if measure_id not in measure_ids():
        raise NotFound(f"There is no measure {measure_id}.")
    if by not in GROUPINGS:
        raise Invalid([Problem("by", "must be team, worker or locality")])
    measure = measure_by_id(measure_id)
    source = source_for(db)
    try:
        context = Context(source, engine.period_for(period.end, period.start))
        rows = measure.rows(context)
        if rows is None:
            whole = engine.compute(source, period.end, period.start, measures=[measure_id])[0]
            return suppression.present(whole, user.role), []
        as_shown = None
        if team:
            # The team's figure as the authority's breakdown by team shows it.
            as_shown = _shown_breakdown(measure, rows, context, "team", _names(db, "team"), user)
            as_shown = dict(zip(*as_shown[1:], strict=True)).get(team)
            rows = [r for r in rows if r.team == team]
        names = _names(db, by)
        top, keys, shown = _shown_breakdown(measure, rows, context, by, names, user, as_shown)
        found = [
            DrillRow(key, names.get(key, key) if key else "Not allocated", figure)
            for key, figure in zip(keys, shown, strict=True)
        ]
    finally:
        source.close()
    return top, found


def _shown_breakdown(
    measure: Any,
    rows: list,
    context: Any,
    by: str,
    names: dict[str, str],
    user: User,
    as_shown: suppression.Shown | None = None,
) -> tuple[suppression.Shown, list[str | None], list[suppression.Shown]]:
    """The figure of ``rows`` and of each group by ``by`` as this user may see
    them: groups add up to the whole, so suppression is the breakdown's
    (secondary suppression: no hidden group is the whole minus the others)."""
    from casebook.performance import engine

    groups: dict[str | None, list] = defaultdict(list)
    for r in rows:
        groups[getattr(r, by)].append(r)
    keys = sorted(groups, key=lambda k: (k is None, names.get(k, k or ""), k or ""))
    top, shown = suppression.present_breakdown(
        engine.aggregate(measure, rows, context),
        [engine.aggregate(measure, groups[k], context) for k in keys],
        user.role,
        as_shown,
    )
    return top, keys, shown


def measure_trend(
    db: Session, user: User, measure_id: str, end: date, months: int
) -> list[tuple[date, Any]]:
    """One measure month by month (up to six years), each figure as this user may see it.

    The months are the figures ``casebook kpi refresh`` stored; a month with none
    stored is missing (None), never computed while the page waits."""
    unit = str(measure_ids()[measure_id].unit)
    spans = trends.months_ending(end, months)
    held = stored_figures.stored(db, spans, [measure_id])
    shown = []
    for start, last in spans:
        found = held.get((start, last), {}).get(measure_id)
        if found is None:
            shown.append((start, None))
            continue
        figure = _Figure(measure_id, *found, unit)
        shown.append((start, suppression.present(figure, user.role).value))
    return shown


@dataclass(frozen=True)
class _Figure:
    id: str
    value: Any
    numerator: Any
    denominator: Any
    unit: str


def trend_chart_uri(title: str, series: list[tuple[date, Any]], unit: str) -> str:
    """The trend as a matplotlib chart in a data URI (the CSP allows data: images)."""
    import base64

    from casebook.performance import charts

    values = [v if isinstance(v, int | float) else None for _, v in series]
    fig = charts.trend_chart(title, [m for m, _ in series], values, unit=unit, show_title=False)
    svg = charts.to_svg(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@dataclass(frozen=True)
class ChildLine:
    person_id: str
    name: str
    detail: str
    record_id: str | None = None
    since: date | None = None
    due: date | None = None


def log_list(db: Session, user: User, what: str, lines: list[ChildLine]) -> None:
    """Log that ``user`` was shown a list of children: what, how many, their ids."""
    ids = sorted({line.person_id for line in lines})
    count = f"{len(ids)} child{'' if len(ids) == 1 else 'ren'}"
    log.log_access(
        db, user.username, LIST, detail=f"{what}: {count}" + (f": {', '.join(ids)}" if ids else "")
    )


def visible_lines(
    db: Session, user: User, rows: list[tuple[str, str | None, str, date | None, date | None]]
) -> tuple[list[ChildLine], int]:
    """The rows whose child the user may see, with names; and how many were left out."""
    today = date.today()
    ids = {pid for pid, *_ in rows if pid}
    seen = drift.visible_ids(db, user, ids, today)
    names = drift.names(db, list(seen))
    lines = [
        ChildLine(pid, names.get(pid, ""), detail, rid, since, due)
        for pid, rid, detail, since, due in rows
        if pid in seen
    ]
    return lines, len(ids - seen)


def measure_children(
    db: Session,
    user: User,
    measure_id: str,
    period: trends.ReportPeriod,
    team: str | None,
    worker: str | None,
    locality: str | None = None,
) -> tuple[list[ChildLine], int]:
    """The children behind a figure that this user may see (logged)."""
    from casebook.performance import engine

    if measure_id not in measure_ids():
        raise NotFound(f"There is no measure {measure_id}.")
    source = source_for(db)
    try:
        rows = engine.children_behind(
            source,
            measure_id,
            period.end,
            period.start,
            engine.Scope(team=team, worker=worker, locality=locality),
        )
    finally:
        source.close()
    found = [
        (
            r.person_id,
            r.record_id,
            ("Counted: " if r.in_numerator else "Not counted: ") + (r.detail or ""),
            None,
            None,
        )
        for r in rows
        if r.person_id
    ]
    lines, hidden = visible_lines(db, user, found)
    where = (
        f"{measure_id} {period.name}"
        + (f" team {team}" if team else "")
        + (f" worker {worker}" if worker else "")
    )
    log_list(db, user, f"children behind {where}", lines)
    return lines, hidden


def counts_for(user: User, counts: dict[str, int]) -> dict[str, Any]:
    """Counts of children as this user may see them (1 to 4 suppressed for aggregate-only)."""
    return {key: suppression.present(_Count(key, n), user.role).value for key, n in counts.items()}


@dataclass(frozen=True)
class _Count:
    id: str
    value: int
    unit: str = "count"

    @property
    def numerator(self) -> int:
        return self.value

    @property
    def denominator(self) -> None:
        return None


def sparklines(figures: dict) -> dict[str, Markup]:
    months = [date.fromisoformat(m) for m in figures["months"]]
    return {
        m["id"]: Markup(
            trends.sparkline_svg(
                [trends.Point(mo, v) for mo, v in zip(months, m["series"], strict=True)],
                m["unit"],
            )
        )
        for m in figures["measures"]
    }


def missing_months(figures: dict) -> int:
    """Trend months with no figure for any measure (nothing stored for them yet)."""
    series = [m["series"] for m in figures["measures"]]
    return sum(1 for month in zip(*series, strict=True) if all(v is None for v in month))


def _period_or_errors(text: str | None) -> tuple[trends.ReportPeriod | None, FormErrors]:
    errors = FormErrors()
    try:
        return read_period(text), errors
    except Invalid as exc:
        errors.add("period", labelled_message("Period", exc.problems[0]))
        return None, errors


# --------------------------------------------------------------------------- scorecard


@router.get("/performance", dependencies=[Depends(requires(Action.AGGREGATES))])
def scorecard_page(
    request: Request, db: DbSession, user: CurrentUser, period: str = "", months: int = SPARK_MONTHS
) -> Response:
    chosen, errors = _period_or_errors(period)
    months = max(1, min(months, trends.MAX_MONTHS))
    if chosen is None:
        return render(
            request,
            "performance/scorecard.html",
            {"title": "Scorecard", "errors": errors, "values": {"period": period}, "figures": None},
            status_code=422,
        )
    figures = scorecard(db, user, chosen, months)
    areas = [
        (title, [m for m in figures["measures"] if m["area"] == key]) for key, title in packs.AREAS
    ]
    return render(
        request,
        "performance/scorecard.html",
        {
            "title": f"Scorecard {chosen.name}",
            "errors": errors,
            "values": {"period": chosen.name},
            "period": chosen,
            "figures": figures,
            "areas": [(t, ms) for t, ms in areas if ms],
            "sparklines": sparklines(figures),
            "missing_months": missing_months(figures),
            "fmt": trends.fmt,
            "period_label": comparators.period_label,
        },
    )


# --------------------------------------------------------------------------- drill-down


@router.get(
    "/performance/measures/{measure_id}", dependencies=[Depends(requires(Action.AGGREGATES))]
)
def measure_page(
    request: Request,
    measure_id: RecordId,
    db: DbSession,
    user: CurrentUser,
    period: str = "",
    team: str = "",
    by: str = "",
    months: int = TREND_MONTHS,
) -> Response:
    chosen = read_period(period)
    team = team.replace("\x00", "").strip() or None
    by = by or ("worker" if team else "team")
    whole, rows = drill(db, user, measure_id, chosen, team=team, by=by)
    measure = measure_ids()[measure_id]
    team_name = _names(db, "team").get(team, team) if team else None
    months = max(1, min(months, trends.MAX_MONTHS))
    series = measure_trend(db, user, measure_id, chosen.end, months) if not team else []
    return render(
        request,
        "performance/measure.html",
        {
            "title": f"{measure_id} {measure.title}",
            "measure": measure,
            "period": chosen,
            "whole": whole,
            "rows": rows,
            "by": by,
            "team": team,
            "team_name": team_name,
            "fmt": trends.fmt,
            "series": series,
            "months": months,
            "missing": sum(1 for _, v in series if v is None),
            "chart": trend_chart_uri(measure.title, series, str(measure.unit)) if series else None,
        },
    )


@router.get(
    "/performance/measures/{measure_id}/children",
    dependencies=[Depends(requires(Action.VIEW_CHILD))],
)
def measure_children_page(
    request: Request,
    measure_id: RecordId,
    db: DbSession,
    user: CurrentUser,
    period: str = "",
    team: str = "",
    worker: str = "",
    locality: str = "",
) -> Response:
    chosen = read_period(period)
    team_id = team.replace("\x00", "").strip() or None
    worker_id = worker.replace("\x00", "").strip() or None
    locality_id = locality.replace("\x00", "").strip() or None
    lines, hidden = measure_children(db, user, measure_id, chosen, team_id, worker_id, locality_id)
    measure = measure_ids()[measure_id]
    return render(
        request,
        "performance/children.html",
        {
            "title": f"Children behind {measure_id} {measure.title}",
            "heading": f"{measure_id} {measure.title}",
            "caption": f"{chosen.label}"
            + (f", team {team_id}" if team_id else "")
            + (f", worker {worker_id}" if worker_id else "")
            + (f", locality {locality_id}" if locality_id else ""),
            "lines": lines,
            "hidden": hidden,
            "back": f"/performance/measures/{measure_id}?period={chosen.name}",
        },
    )


# --------------------------------------------------------------------------- drift


@router.get("/performance/drift", dependencies=[Depends(requires(Action.AGGREGATES))])
def drift_page(request: Request, db: DbSession, user: CurrentUser) -> Response:
    today = date.today()
    return render(
        request,
        "performance/drift.html",
        {
            "title": "Drift",
            "checks": drift.CHECKS,
            "counts": counts_for(user, drift.cached_counts(db, today, cache_key(db))),
            "today": today,
        },
    )


@router.get("/performance/drift/{check}", dependencies=[Depends(requires(Action.VIEW_CHILD))])
def drift_list(request: Request, check: RecordId, db: DbSession, user: CurrentUser) -> Response:
    if check not in drift.CHECK_KEYS:
        raise NotFound(f"There is no drift check {check}.")
    today = date.today()
    rows = drift.rows_for(db, check, today)
    lines, hidden = visible_lines(
        db, user, [(r.person_id, r.record_id, r.detail, r.since, r.due) for r in rows]
    )
    log_list(db, user, f"drift {check}", lines)
    item = drift.CHECK_KEYS[check]
    return render(
        request,
        "performance/children.html",
        {
            "title": item.title,
            "heading": item.title,
            "caption": item.description,
            "lines": lines,
            "hidden": hidden,
            "dates": True,
            "back": "/performance/drift",
        },
    )


# --------------------------------------------------------------------------- data quality


@router.get("/performance/data-quality", dependencies=[Depends(requires(Action.AGGREGATES))])
def data_quality_page(request: Request, db: DbSession, user: CurrentUser) -> Response:
    today = date.today()
    return render(
        request,
        "performance/data_quality.html",
        {
            "title": "Data quality",
            "checks": data_quality.CHECKS,
            "counts": counts_for(user, data_quality.counts(db, today)),
        },
    )


@router.get(
    "/performance/data-quality/{check}", dependencies=[Depends(requires(Action.VIEW_CHILD))]
)
def data_quality_list(
    request: Request, check: RecordId, db: DbSession, user: CurrentUser
) -> Response:
    if check not in data_quality.CHECK_KEYS:
        raise NotFound(f"There is no data quality check {check}.")
    found = data_quality.findings_for(db, check, date.today())
    lines, hidden = visible_lines(
        db, user, [(f.person_id, f.record_id, f.detail, None, None) for f in found]
    )
    log_list(db, user, f"data quality {check}", lines)
    item = data_quality.CHECK_KEYS[check]
    return render(
        request,
        "performance/children.html",
        {
            "title": item.title,
            "heading": item.title,
            "caption": item.description,
            "lines": lines,
            "hidden": hidden,
            "back": "/performance/data-quality",
        },
    )


# --------------------------------------------------------------------------- targets

TARGET_LABELS = {
    "measure_id": "Measure",
    "year": "Year",
    "target": "Target",
    "tolerance": "Tolerance",
    "better": "Better",
}


def _targets_page(
    request: Request, db: Session, values: dict, errors: FormErrors, status: int = 200
) -> Response:
    catalogue = measure_ids()
    return render(
        request,
        "performance/targets.html",
        {
            "title": "Targets",
            "targets": targets.all_targets(db),
            "measures": [(m.id, f"{m.id} {m.title}") for m in catalogue.values()],
            "titles": {m.id: m.title for m in catalogue.values()},
            "values": values,
            "errors": errors,
            "year_label": targets.year_label,
        },
        status_code=status,
    )


@router.get("/performance/targets", dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE))])
def targets_page(request: Request, db: DbSession) -> Response:
    year = targets.financial_year(date.today())
    return _targets_page(request, db, {"year": str(year)}, FormErrors())


def _number(form: dict, name: str, label: str, errors: FormErrors) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        errors.add(name, f"Enter the {label.lower()}")
        return None
    try:
        value = float(text)
    except ValueError:
        errors.add(name, f"{label} must be a number, like 85 or 2.5")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors.add(name, f"{label} must be a number, like 85 or 2.5")
        return None
    return value


@router.post(
    "/performance/targets",
    dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE)), Depends(csrf_protect)],
)
def set_target(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    errors = FormErrors()
    catalogue = measure_ids()
    measure_id = form.get("measure_id", "").strip()
    if not measure_id:
        errors.add("measure_id", "Select the measure")
    year_text = form.get("year", "").strip()
    year = int(year_text[:4]) if year_text[:4].isdigit() else None
    if year is None:
        errors.add("year", "Enter the year the target is for, like 2025 for 2025-26")
    target = _number(form, "target", "Target", errors)
    tolerance = _number(form, "tolerance", "Tolerance", errors)
    better = form.get("better", "").strip() or (
        catalogue[measure_id].better if measure_id in catalogue else None
    )
    if not errors:
        try:
            targets.set_target(
                db,
                measure_id=measure_id,
                year=year,
                target=target,
                tolerance=tolerance,
                better=better,
                actor=user.username,
                known=catalogue,
            )
        except Invalid as exc:
            for p in exc.problems:
                errors.add(p.field, labelled_message(TARGET_LABELS.get(p.field), p))
        else:
            return RedirectResponse("/performance/targets", status_code=303)
    return _targets_page(request, db, form, errors, 422)


# --------------------------------------------------------------------------- comparators


def _comparators_page(
    request: Request, db: Session, errors: FormErrors, status: int = 200, done: str = ""
) -> Response:
    return render(
        request,
        "performance/comparators.html",
        {
            "title": "Comparators",
            "imports": comparators.imports(db),
            "la_code": comparators.la_code(db),
            "errors": errors,
            "values": {"la_code": comparators.la_code(db) or ""},
            "done": done,
        },
        status_code=status,
    )


@router.get("/performance/comparators", dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE))])
def comparators_page(request: Request, db: DbSession) -> Response:
    return _comparators_page(request, db, FormErrors())


@router.post(
    "/performance/comparators",
    dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE)), Depends(csrf_protect)],
)
async def import_comparators(request: Request, db: DbSession, user: CurrentUser) -> Response:
    form = await request.form()
    files = []
    for upload in form.getlist("files"):
        if hasattr(upload, "read"):
            if getattr(upload, "filename", ""):
                files.append((upload.filename, await upload.read()))
            await upload.close()
    la_code = str(form.get("la_code") or "").replace("\x00", "").strip()
    errors = FormErrors()
    if not files and not la_code:
        errors.add("files", "Choose one or more CSV files, or enter the authority's code")
        return _comparators_page(request, db, errors, 422)
    try:
        if files:
            summary = comparators.import_files(db, files, actor=user.username, known=measure_ids())
        if la_code:
            comparators.set_la_code(db, la_code, user.username)
    except Invalid as exc:
        for p in exc.problems[:30]:
            field = "la_code" if p.field == "la_code" else "files"
            message = str(p) if p.file else labelled_message(None, p)
            if field in errors:
                errors[field] += f"; {message}"
            else:
                errors.add(field, message)
        return _comparators_page(request, db, errors, 422)
    done = (
        f"Imported {summary.figures:,} figures and {summary.neighbours:,} neighbour lists."
        if files
        else "Saved."
    )
    return _comparators_page(request, db, FormErrors(), 200, done)


# --------------------------------------------------------------------------- board packs


@router.get("/performance/packs", dependencies=[Depends(requires(Action.AGGREGATES))])
def packs_page(request: Request, db: DbSession) -> Response:
    return render(
        request,
        "performance/packs.html",
        {"title": "Board packs", "packs": packs.published(db), "latest": read_period("")},
    )


@router.get("/performance/packs/new", dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE))])
def new_pack(request: Request, db: DbSession, user: CurrentUser, period: str = "") -> Response:
    chosen, errors = _period_or_errors(period)
    return _new_pack_page(request, db, user, chosen, {"period": period}, errors)


def _new_pack_page(
    request: Request,
    db: Session,
    user: User,
    chosen: trends.ReportPeriod | None,
    values: dict,
    errors: FormErrors,
    status: int = 200,
) -> Response:
    figures = None
    if chosen is not None:
        figures = packs.for_publication(scorecard(db, user, chosen, SPARK_MONTHS))
        values = {"title": f"Children's services performance: {chosen.name}", **values}
        values["period"] = chosen.name
    return render(
        request,
        "performance/pack_new.html",
        {
            "title": "Prepare a board pack",
            "period": chosen,
            "figures": figures,
            "areas": [(k, t) for k, t in packs.AREAS if figures and any(
                m["area"] == k for m in figures["measures"])],
            "values": values,
            "errors": errors,
            "fmt": trends.fmt,
        },
        status_code=status if chosen is not None or not errors else 422,
    )  # fmt: skip


@router.get(
    "/performance/packs/draft.pdf", dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE))]
)
def draft_pdf(db: DbSession, user: CurrentUser, period: str = "") -> Response:
    chosen = read_period(period)
    figures = packs.for_publication(scorecard(db, user, chosen, SPARK_MONTHS))
    pdf = packs.render_pdf(
        figures, {}, packs.PackMeta(f"Children's services performance: {chosen.name}", "Draft")
    )
    return _pdf(pdf, f"casebook-pack-{chosen.name}-draft.pdf")


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/performance/packs",
    dependencies=[Depends(requires(Action.MANAGE_PERFORMANCE)), Depends(csrf_protect)],
)
def publish_pack(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    chosen, errors = _period_or_errors(form.get("period", "") or None)
    if not form.get("period", "").strip():
        errors.add("period", "Enter the period, like 2025-Q3")
        chosen = None
    if chosen is None:
        return _new_pack_page(request, db, user, None, form, errors, 422)
    commentary = {k: form.get(f"commentary_{k}", "") for k in packs.COMMENTARY_KEYS}
    figures = scorecard(db, user, chosen, SPARK_MONTHS)
    try:
        pack = packs.publish(
            db,
            figures,
            commentary,
            title=form.get("title", ""),
            actor=user.username,
            correction_note=form.get("correction_note", ""),
        )
    except Invalid as exc:
        for p in exc.problems:
            errors.add(p.field, labelled_message(None, p))
        return _new_pack_page(request, db, user, chosen, form, errors, 422)
    return RedirectResponse(f"/performance/packs/{pack.id}", status_code=303)


def pack_number(text: str) -> int:
    if not text.isdigit() or len(text) > 12:
        raise NotFound(f"There is no published pack {text}.")
    return int(text)


@router.get("/performance/packs/{pack_id}", dependencies=[Depends(requires(Action.AGGREGATES))])
def pack_page(request: Request, pack_id: RecordId, db: DbSession) -> Response:
    pack = packs.get_pack(db, pack_number(pack_id))
    figures, commentary = packs.stored(pack)
    return render(
        request,
        "performance/pack.html",
        {
            "title": pack.title,
            "pack": pack,
            "figures": figures,
            "commentary": commentary,
            "areas": [
                (k, t, [m for m in figures["measures"] if m["area"] == k])
                for k, t in packs.AREAS
                if any(m["area"] == k for m in figures["measures"])
            ],
            "fmt": trends.fmt,
        },
    )


@router.get("/performance/packs/{pack_id}/pdf", dependencies=[Depends(requires(Action.AGGREGATES))])
def pack_pdf(pack_id: RecordId, db: DbSession) -> Response:
    pack = packs.get_pack(db, pack_number(pack_id))
    return _pdf(packs.pack_pdf(pack), f"casebook-pack-{pack.period}-v{pack.version}.pdf")
