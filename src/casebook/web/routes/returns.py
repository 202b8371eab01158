"""Pages: the statutory returns - export and download, validate uploaded files,
and the errors the record would raise today, by rule and by team, down to the
child and field.

Every route needs ``Action.RETURNS`` (the performance and data officer). An
upload is size-limited (:data:`MAX_UPLOAD_BYTES`, checked on the request's
length before anything is read) and parsed whole before anything is shown;
nothing uploaded is stored. The reads shared with the JSON API are here.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from casebook.access.roles import Action
from casebook.record.errors import Invalid, Problem
from casebook.returns import continuous, report
from casebook.returns.rules import ReturnError
from casebook.web.deps import DbSession, csrf_protect, requires
from casebook.web.forms import FormErrors
from casebook.web.templating import render

router = APIRouter()

#: Largest upload accepted (the whole request): a large authority's 903 is a few MB.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Most errors listed on a page (the downloads hold every one).
PAGE_ROWS = 1000
RETURNS = {"903": "SSDA903", "cin": "CIN census"}
FIRST_YEAR, LAST_YEAR = 2010, 2100


def read_year(
    text: str | None, errors: FormErrors, field: str = "year", today: date | None = None
) -> int | None:
    """The collection year typed (YYYY, the 31 March it ends on); this year's when blank."""
    text = (text or "").strip()
    if not text:
        return continuous.collection_year(today or date.today())
    if not (text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR):
        errors.add(field, f"Enter the collection year as 4 digits, like {date.today().year}")
        return None
    return int(text)


def export_zip(db: Session, which: str, year: int, xml: bool) -> tuple[str, bytes]:
    """The return for ``year`` as one zip (file name, content)."""
    with TemporaryDirectory() as tmp:
        out = Path(tmp)
        if which == "cin":
            from casebook.returns import cin

            written = cin.export(db, year, out)
        else:
            from casebook.returns.ssda903.export import export

            written = export(db, year, out, xml=xml)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in written:
                zf.write(path, path.name)
    name = f"{'cin_census' if which == 'cin' else 'ssda903'}_{year}.zip"
    return name, buf.getvalue()


def download(body: bytes, name: str, media_type: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def summarise(errors: list[ReturnError]) -> list[tuple[str, str, int, int]]:
    """(rule, message, errors, children) for a list of errors, most errors first."""
    counts: dict[str, list] = {}
    for e in errors:
        c = counts.setdefault(e.rule, [e.message, 0, set()])
        c[1] += 1
        c[2].add(e.child)
    return [
        (rule, m, n, len(kids))
        for rule, (m, n, kids) in sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[0]))
    ]


def problem_list(exc: Invalid) -> list[str]:
    return [str(p) for p in exc.problems[:100]]


def _page(
    request: Request, values: dict, errors: FormErrors, status: int = 200, **extra
) -> Response:
    return render(
        request,
        "returns/index.html",
        {
            "title": "Statutory returns",
            "values": values,
            "errors": errors,
            "returns": RETURNS,
            "this_year": continuous.collection_year(date.today()),
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            **extra,
        },
        status_code=status,
    )


@router.get("/returns", dependencies=[Depends(requires(Action.RETURNS))])
def returns_page(request: Request) -> Response:
    return _page(request, {}, FormErrors())


@router.get("/returns/download", dependencies=[Depends(requires(Action.RETURNS))])
def download_return(
    request: Request, db: DbSession, which: str = "", year: str = "", form: str = "csv"
) -> Response:
    """The record's return for a year, zipped: the 903's CSV tables (and XML), or the CIN XML."""
    errors = FormErrors()
    values = {"which": which, "year": year, "form": form}
    if which not in RETURNS:
        errors.add("which", "Choose the return to download")
    if form not in ("csv", "xml"):
        errors.add("form", "Choose CSV or CSV and XML")
    chosen = read_year(year, errors)
    if errors or chosen is None:
        return _page(request, values, errors, 422)
    name, body = export_zip(db, which, chosen, xml=form == "xml")
    return download(body, name, "application/zip")


def upload_limit(request: Request) -> None:
    """Refuse an upload larger than :data:`MAX_UPLOAD_BYTES` before any of it is read
    (declared before ``csrf_protect``, which reads the form)."""
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > MAX_UPLOAD_BYTES:
        raise Invalid(
            [Problem("files", f"upload at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB at once")]
        )


@router.post(
    "/returns/validate",
    dependencies=[
        Depends(requires(Action.RETURNS)),
        Depends(upload_limit),
        Depends(csrf_protect),
    ],
)
async def validate_upload(request: Request) -> Response:
    errors = FormErrors()
    form = await request.form(max_files=50, max_fields=50)
    files: list[tuple[str, bytes]] = []
    try:
        for upload in form.getlist("files"):
            if hasattr(upload, "read"):
                if getattr(upload, "filename", ""):
                    files.append((Path(upload.filename).name[:200], await upload.read()))
                await upload.close()
    finally:
        await form.close()
    values = {k: str(form.get(k) or "").replace("\x00", "") for k in ("for_year", "output")}
    year = read_year(values["for_year"], errors, "for_year")
    output = values["output"] or "html"
    if output not in ("html", *report.FORMATS):
        errors.add("output", "Choose to show the errors or download them")
    if not files:
        errors.add("files", "Choose the return's files: CSV tables (SSDA903) or XML (CIN census)")
    if errors or year is None:
        return _page(request, values, errors, 422)
    try:
        kind, found = report.validate_files(files, year)
    except Invalid as exc:
        errors.add("files", "The files could not be read: nothing was validated")
        return _page(request, values, errors, 422, problems=problem_list(exc))
    if output != "html":
        name = f"{'cin' if kind == 'cin' else 'ssda903'}_{year}_errors.{output}"
        return download(report.render(found, output), name, report.MEDIA_TYPES[output])
    return render(
        request,
        "returns/validated.html",
        {
            "title": "Validation results",
            "kind": RETURNS[kind],
            "year": year,
            "files": [n for n, _ in files],
            "errors_found": found[:PAGE_ROWS],
            "total": len(found),
            "by_rule": summarise(found),
            "page_rows": PAGE_ROWS,
            "year_param": year if not errors else "",
        },
    )


@router.get("/returns/errors", dependencies=[Depends(requires(Action.RETURNS))])
def open_errors_page(
    request: Request, db: DbSession, rule: str = "", team: str = "", year: str = ""
) -> Response:
    """Every error the record would raise today, by rule and by team; a rule's or a
    team's errors listed down to the child and field."""
    errors = FormErrors()
    chosen = read_year(year, errors)
    if chosen is None:
        chosen = continuous.collection_year(date.today())
    found = continuous.open_errors_cached(db, date.today(), chosen)
    rule = rule.strip()[:20]
    team = team.strip()[:200]
    listed = found.where(rule=rule or None, team=team or None) if (rule or team) else []
    return render(
        request,
        "returns/errors.html",
        {
            "title": "Return errors today",
            "year": found.year,
            "total": len(found.errors),
            "by_rule": found.by_rule(),
            "by_team": found.by_team(),
            "rule": rule,
            "team": team,
            "listed": listed[:PAGE_ROWS],
            "listed_total": len(listed),
            "team_of": found.team_of,
            "page_rows": PAGE_ROWS,
            "year_param": year if not errors else "",
            "computed_at": found.computed_at,
            "seconds": found.seconds,
            "cache_minutes": continuous.CACHE_SECONDS // 60,
        },
    )


@router.post(
    "/returns/errors/recompute",
    dependencies=[Depends(requires(Action.RETURNS)), Depends(csrf_protect)],
)
async def recompute_open_errors(request: Request, db: DbSession) -> Response:
    """Work today's open errors out afresh (the page keeps them a few minutes), then
    show them again with the rule, team and year that were on the page."""
    form = await request.form(max_files=0, max_fields=10)
    values = {
        k: str(form.get(k) or "").replace("\x00", "").strip() for k in ("year", "rule", "team")
    }
    errors = FormErrors()
    chosen = read_year(values["year"], errors)
    if chosen is None:
        chosen = continuous.collection_year(date.today())
        values["year"] = ""
    # a second or more of work: off the event loop
    await run_in_threadpool(continuous.open_errors_cached, db, date.today(), chosen, refresh=True)
    query = {k: v[:200] for k, v in values.items() if v}
    target = "/returns/errors"
    if query:
        target += "?" + urlencode(query)
    return RedirectResponse(target, status_code=303)
