"""Pages: scrutiny for officers and members - bodies, meetings, agendas,
reports, minutes, actions, work programme.

Reading needs ``Action.SCRUTINY_VIEW`` (members see exempt papers too);
changing needs ``Action.SCRUTINY_MANAGE`` (the scrutiny officer). Each form's
fields are named ``<form>-<field>`` so a page with several forms shows an error
beside the right one; a refused form comes back with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from casebook.access.roles import Action
from casebook.record.errors import Invalid, NotFound, Problem
from casebook.scrutiny import actions as actions_service
from casebook.scrutiny import (
    agenda,
    bodies,
    documents,
    meetings,
    minutes,
    pack_import,
    performance_link,
    reports,
    roll,
    views,
    work_programme,
)
from casebook.scrutiny.common import get
from casebook.scrutiny.models import (
    ACTION_STATES,
    ATTENDANCE,
    ATTENDEE_KINDS,
    BODY_KINDS,
    DECLARATION_KINDS,
    DESIGNATIONS,
    MEETING_MODES,
    MEMBER_ROLES,
    NINE_TESTS,
    Document,
)
from casebook.scrutiny.reports import IMPLICATION_KINDS
from casebook.scrutiny.work_programme import TEST_LABELS
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import FormErrors, FormFields, RecordId, labelled_message, read_date
from casebook.web.templating import render

router = APIRouter()

VIEW = [Depends(requires(Action.SCRUTINY_VIEW))]
MANAGE = [Depends(requires(Action.SCRUTINY_MANAGE)), Depends(csrf_protect)]
#: Most uploads are far smaller; the service refuses anything over its limit.
UPLOAD_READ_LIMIT = documents.MAX_BYTES + 1
#: An agenda pack as text is well under this.
PACK_READ_LIMIT = 5 * 1024 * 1024

OPTIONS = {
    "kinds": [(k, k.replace("_", " ").capitalize()) for k in BODY_KINDS],
    "roles": [(r, r.replace("_", "-").capitalize()) for r in MEMBER_ROLES],
    "modes": [("in_room", "In the room"), ("online", "Online"), ("hybrid", "Hybrid")],
    "attendance": [(a, a.replace("_", " ").capitalize()) for a in ATTENDANCE],
    "attendee_kinds": [(k, k.replace("_", " ").capitalize()) for k in ATTENDEE_KINDS],
    "declaration_kinds": [(k, k.replace("_", " ").capitalize()) for k in DECLARATION_KINDS],
    "designations": [(d, d.upper()) for d in DESIGNATIONS],
    "action_states": [(s, s.replace("_", " ").capitalize()) for s in ACTION_STATES],
    "tests": [(t, TEST_LABELS[t]) for t in NINE_TESTS],
    "implication_kinds": IMPLICATION_KINDS,
    "mode_labels": dict([("in_room", "In the room"), ("online", "Online"), ("hybrid", "Hybrid")]),
}
assert {m for m, _ in OPTIONS["modes"]} == set(MEETING_MODES)


def _fields(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The form's fields for one form on the page, without the prefix."""
    start = f"{prefix}-"
    return {k[len(start) :]: v.strip() for k, v in form.items() if k.startswith(start)}


def _errors(exc: Invalid, prefix: str) -> FormErrors:
    errors = FormErrors()
    for problem in exc.problems:
        label = problem.field.replace("_", " ").capitalize()
        errors.add(f"{prefix}-{problem.field}", labelled_message(label, problem))
    return errors


def _iso(form: Mapping[str, str], name: str, label: str, errors: FormErrors, required=True) -> Any:
    day = read_date(form, name, label, errors, required=required)
    return day.isoformat() if day else None


def _attempt(
    action: Callable[[], Any],
    prefix: str,
    redirect: Callable[[Any], str],
    page: Callable[[FormErrors], Response],
    errors: FormErrors | None = None,
) -> Response:
    """Run a change; on success go to ``redirect(result)``, else show the page again
    with the errors beside the form's fields."""
    if errors:
        return page(errors)
    try:
        result = action()
    except Invalid as exc:
        return page(_errors(exc, prefix))
    return RedirectResponse(redirect(result), status_code=303)


# --------------------------------------------------------------------------- overview


def _dashboard(request: Request, db, values=None, errors=None, status=200) -> Response:
    context = views.dashboard(db, date.today())
    return render(
        request,
        "scrutiny/index.html",
        {
            "title": "Scrutiny",
            **context,
            "options": OPTIONS,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


@router.get("/scrutiny", dependencies=VIEW)
def index(request: Request, db: DbSession) -> Response:
    return _dashboard(request, db)


@router.post("/scrutiny/bodies", dependencies=MANAGE)
def create_body(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    f = _fields(form, "body")
    return _attempt(
        lambda: bodies.create_body(
            db,
            name=f.get("name"),
            kind=f.get("kind"),
            remit=f.get("remit"),
            quorum=f.get("quorum"),
            reports_to_id=f.get("reports_to_id") or None,
            escalates_to_id=f.get("escalates_to_id") or None,
            online_counts_for_quorum=f.get("online_counts_for_quorum"),
            actor=user.username,
        ),
        "body",
        lambda body: f"/scrutiny/bodies/{body.id}",
        lambda errors: _dashboard(request, db, form, errors, 422),
    )


@router.post("/scrutiny/settings", dependencies=MANAGE)
def save_settings(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    f = _fields(form, "settings")
    return _attempt(
        lambda: meetings.set_clear_days(db, f.get("clear_days"), actor=user.username),
        "settings",
        lambda _: "/scrutiny",
        lambda errors: _dashboard(request, db, form, errors, 422),
    )


@router.post("/scrutiny/import", dependencies=MANAGE)
async def import_pack(request: Request, db: DbSession, user: CurrentUser) -> Response:
    """Import an agenda pack (text), as ``casebook scrutiny import-pack`` does."""
    form = await request.form()
    try:
        upload = form.get("import-file")
        data, filename = b"", "pack.txt"
        if upload is not None and not isinstance(upload, str):
            filename = documents.safe_filename(upload.filename or filename)
            data = await upload.read(PACK_READ_LIMIT)
    finally:
        await form.close()

    def run() -> Any:
        if not data:
            raise Invalid([Problem("file", "choose the agenda pack (a text file)")])
        if len(data) >= PACK_READ_LIMIT:
            raise Invalid([Problem("file", "is too big for an agenda pack (over 5 MB of text)")])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid([Problem("file", "must be text (UTF-8)")]) from None
        return pack_import.import_pack(db, text, actor=user.username, source=filename)

    def page(errors: FormErrors) -> Response:
        return _dashboard(request, db, {}, errors, 422)

    try:
        result = run()
    except Invalid as exc:
        errors = FormErrors()
        for problem in exc.problems:
            where = f"{problem.file}, line {problem.row}: " if problem.row else ""
            errors.setdefault("import-file", "")
            errors["import-file"] += ("; " if errors["import-file"] else "") + (
                where + labelled_message(problem.field.replace("_", " ").capitalize(), problem)
            )
        return page(errors)
    return RedirectResponse(f"/scrutiny/meetings/{result.meeting.id}", status_code=303)


# --------------------------------------------------------------------------- a body


def _body(request: Request, db, body_id: str, values=None, errors=None, status=200) -> Response:
    context = views.body_page(db, body_id, date.today())
    return render(
        request,
        "scrutiny/body.html",
        {
            "title": context["body"].name,
            **context,
            "options": OPTIONS,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


@router.get("/scrutiny/bodies/{body_id}", dependencies=VIEW)
def body_page(request: Request, body_id: RecordId, db: DbSession) -> Response:
    return _body(request, db, body_id)


@router.post("/scrutiny/bodies/{body_id}/members", dependencies=MANAGE)
def add_member(
    request: Request, body_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    views.body_page(db, body_id, date.today())  # 404 first
    f = _fields(form, "member")
    errors = FormErrors()
    start = _iso(form, "member-term_start", "Start of the term", errors, required=False)
    return _attempt(
        lambda: bodies.add_member(
            db,
            body_id,
            name=f.get("name"),
            role=f.get("role"),
            party=f.get("party"),
            voting=f.get("voting"),
            organisation=f.get("organisation"),
            term_start=start,
            actor=user.username,
        ),
        "member",
        lambda _: f"/scrutiny/bodies/{body_id}#members",
        lambda e: _body(request, db, body_id, form, e, 422),
        errors,
    )


@router.post("/scrutiny/members/{member_id}/end-term", dependencies=MANAGE)
def end_term(request: Request, member_id: RecordId, db: DbSession, user: CurrentUser) -> Response:
    member = get(db, bodies.Member, member_id, "member")
    return _attempt(
        lambda: bodies.end_term(db, member_id, on=date.today(), actor=user.username),
        "member",
        lambda _: f"/scrutiny/bodies/{member.body_id}#members",
        lambda e: _body(request, db, member.body_id, {}, e, 422),
    )


@router.post("/scrutiny/bodies/{body_id}/meetings", dependencies=MANAGE)
def create_meeting(
    request: Request, body_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    views.body_page(db, body_id, date.today())
    f = _fields(form, "meeting")
    errors = FormErrors()
    day = _iso(form, "meeting-meeting_date", "Date of the meeting", errors)
    return _attempt(
        lambda: meetings.create_meeting(
            db,
            body_id,
            meeting_date=day,
            start_time=f.get("start_time"),
            venue=f.get("venue"),
            mode=f.get("mode"),
            public=f.get("public"),
            actor=user.username,
        ),
        "meeting",
        lambda m: f"/scrutiny/meetings/{m.id}",
        lambda e: _body(request, db, body_id, form, e, 422),
        errors,
    )


# --------------------------------------------------------------------------- a meeting


def _meeting(request: Request, db, meeting_id: str, values=None, errors=None, status=200):
    context = views.meeting_page(db, meeting_id, date.today())
    return render(
        request,
        "scrutiny/meeting.html",
        {
            "title": f"{context['body'].name}, {context['meeting'].meeting_date:%-d %B %Y}",
            **context,
            "options": OPTIONS,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


@router.get("/scrutiny/meetings/{meeting_id}", dependencies=VIEW)
def meeting_page(request: Request, meeting_id: RecordId, db: DbSession) -> Response:
    return _meeting(request, db, meeting_id)


def _meeting_change(
    request: Request, db, meeting_id: str, form, prefix: str, action, anchor: str, errors=None
) -> Response:
    views.meeting_page(db, meeting_id, date.today())  # 404 before anything else
    return _attempt(
        action,
        prefix,
        lambda _: f"/scrutiny/meetings/{meeting_id}#{anchor}",
        lambda e: _meeting(request, db, meeting_id, form, e, 422),
        errors,
    )


@router.post("/scrutiny/meetings/{meeting_id}/state", dependencies=MANAGE)
def meeting_state(
    request: Request, meeting_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    f = _fields(form, "state")
    return _meeting_change(
        request,
        db,
        meeting_id,
        form,
        "state",
        lambda: meetings.set_state(db, meeting_id, f.get("state"), actor=user.username),
        "top",
    )


@router.post("/scrutiny/meetings/{meeting_id}/items", dependencies=MANAGE)
def add_item(
    request: Request, meeting_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    f = _fields(form, "item")
    return _meeting_change(
        request,
        db,
        meeting_id,
        form,
        "item",
        lambda: agenda.add_item(db, meeting_id, f, actor=user.username),
        "agenda",
    )


@router.post("/scrutiny/meetings/{meeting_id}/publish", dependencies=MANAGE)
def publish(
    request: Request, meeting_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    f = _fields(form, "publish")
    return _meeting_change(
        request,
        db,
        meeting_id,
        form,
        "publish",
        lambda: agenda.publish(db, meeting_id, reason=f.get("reason"), actor=user.username),
        "published",
    )


@router.post("/scrutiny/meetings/{meeting_id}/roll", dependencies=MANAGE)
def record_roll(
    request: Request, meeting_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    f = _fields(form, "roll")
    return _meeting_change(
        request,
        db,
        meeting_id,
        form,
        "roll",
        lambda: roll.record_attendance(
            db,
            meeting_id,
            kind=f.get("kind"),
            status=f.get("status"),
            member_id=f.get("member_id") or None,
            name=f.get("name"),
            job_title=f.get("job_title"),
            substitute_for_id=f.get("substitute_for_id") or None,
            actor=user.username,
        ),
        "roll",
    )


@router.post("/scrutiny/meetings/{meeting_id}/declarations", dependencies=MANAGE)
def declare(
    request: Request, meeting_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    f = _fields(form, "declaration")
    return _meeting_change(
        request,
        db,
        meeting_id,
        form,
        "declaration",
        lambda: roll.declare_interest(
            db,
            meeting_id,
            agenda_item_id=f.get("agenda_item_id"),
            name=f.get("name"),
            kind=f.get("kind"),
            detail=f.get("detail"),
            left_room=f.get("left_room"),
            actor=user.username,
        ),
        "declarations",
    )


@router.post("/scrutiny/meetings/{meeting_id}/minutes", dependencies=MANAGE)
def add_minute_item(
    request: Request, meeting_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    f = _fields(form, "minute")

    def add() -> Any:
        draft = minutes.start(db, meeting_id, actor=user.username)
        return minutes.add_item(
            db,
            draft.id,
            number=f.get("number"),
            title=f.get("title"),
            narrative=f.get("narrative"),
            exempt=f.get("exempt"),
            resolutions=f.get("resolutions"),
            actor=user.username,
        )

    return _meeting_change(request, db, meeting_id, form, "minute", add, "minutes")


@router.post("/scrutiny/minutes/{minutes_id}/approve", dependencies=MANAGE)
def approve_minutes(
    request: Request, minutes_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    record = get(db, minutes.Minutes, minutes_id, "minutes")
    f = _fields(form, "approve")
    errors = FormErrors()
    on = _iso(form, "approve-on", "Date approved", errors)
    return _meeting_change(
        request,
        db,
        record.meeting_id,
        form,
        "approve",
        lambda: minutes.approve(
            db,
            minutes_id,
            at_meeting_id=f.get("at_meeting_id") or None,
            on=on,
            amendments=f.get("amendments"),
            actor=user.username,
        ),
        "minutes",
        errors,
    )


@router.post("/scrutiny/minutes/{minutes_id}/correct", dependencies=MANAGE)
def correct_minutes(
    request: Request, minutes_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    record = get(db, minutes.Minutes, minutes_id, "minutes")
    f = _fields(form, "correct")
    return _meeting_change(
        request,
        db,
        record.meeting_id,
        form,
        "correct",
        lambda: minutes.correct(db, minutes_id, reason=f.get("reason"), actor=user.username),
        "minutes",
    )


@router.post("/scrutiny/minute-items/{item_id}", dependencies=MANAGE)
def edit_minute_item(
    request: Request, item_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    item = get(db, minutes.MinuteItem, item_id, "minute item")
    record = db.get(minutes.Minutes, item.minutes_id)
    f = _fields(form, f"mi{item.number}")
    return _meeting_change(
        request,
        db,
        record.meeting_id,
        form,
        f"mi{item.number}",
        lambda: minutes.update_item(
            db,
            item_id,
            title=f.get("title"),
            narrative=f.get("narrative", ""),
            resolutions=f.get("resolutions", ""),
            exempt=f.get("exempt", ""),
            actor=user.username,
        ),
        "minutes",
    )


@router.get("/scrutiny/meetings/{meeting_id}/published", dependencies=VIEW)
def published(
    request: Request, meeting_id: RecordId, db: DbSession, version: int | None = None
) -> Response:
    """The pack as published (members see Part 2 too)."""
    publication, pack = agenda.published_pack(db, meeting_id, version=version, include_exempt=True)
    return render(
        request,
        "scrutiny/published.html",
        {
            "title": f"{pack['body']}: agenda as published",
            "publication": publication,
            "pack": pack,
            "versions": agenda.publications(db, meeting_id),
        },
    )


# --------------------------------------------------------------------------- an agenda item


def _item(request: Request, db, item_id: str, values=None, errors=None, status=200) -> Response:
    context = views.item_page(db, item_id)
    if values is None and context["report"]:
        values = _report_values(context["report"])
    return render(
        request,
        "scrutiny/item.html",
        {
            "title": context["item"].title,
            **context,
            "provenance": performance_link.provenance(context["figures"]),
            "agenda_published": performance_link.is_published(db, context["item"]),
            "pack_options": performance_link.pack_choices(db),
            "options": OPTIONS,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


def _report_values(report: dict[str, Any]) -> dict[str, str]:
    def yes_no(v):
        return "" if v is None else ("yes" if v else "no")

    values = {f"report-{k}": v or "" for k, v in report.items() if isinstance(v, str | None)}
    values["report-key_decision"] = yes_no(report["key_decision"])
    values["report-forward_plan"] = yes_no(report["forward_plan"])
    values["report-route"] = "\n".join(f"{r['body']} | {r['date'] or ''}" for r in report["route"])
    values["report-recommendations_decision"] = "\n".join(report["recommendations_decision"])
    values["report-recommendations_noting"] = "\n".join(report["recommendations_noting"])
    values["report-implications"] = "\n".join(
        f"{i['kind']} | {i['text']} | {i['sign_off'] or ''}" for i in report["implications"]
    )
    values["report-appendices"] = "\n".join(report.get("appendices") or [])
    return values


@router.get("/scrutiny/items/{item_id}", dependencies=VIEW)
def item_page(request: Request, item_id: RecordId, db: DbSession) -> Response:
    return _item(request, db, item_id)


@router.post("/scrutiny/items/{item_id}", dependencies=MANAGE)
def edit_item(
    request: Request, item_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    views.item_page(db, item_id)
    f = _fields(form, "item")
    for flag_name in ("exempt", "report_to_follow", "verbal_update"):
        f.setdefault(flag_name, "")
    return _attempt(
        lambda: agenda.update_item(db, item_id, f, actor=user.username),
        "item",
        lambda _: f"/scrutiny/items/{item_id}",
        lambda e: _item(request, db, item_id, form, e, 422),
    )


@router.post("/scrutiny/items/{item_id}/report", dependencies=MANAGE)
def set_report(
    request: Request, item_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    views.item_page(db, item_id)
    f = _fields(form, "report")
    return _attempt(
        lambda: reports.set_report(db, item_id, f, actor=user.username),
        "report",
        lambda _: f"/scrutiny/items/{item_id}#cover-sheet",
        lambda e: _item(request, db, item_id, form, e, 422),
    )


@router.post("/scrutiny/items/{item_id}/scorecard", dependencies=MANAGE)
def attach_scorecard(
    request: Request, item_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    """Freeze the performance scorecard as at a date on the item."""
    views.item_page(db, item_id)
    errors = FormErrors()
    try:
        as_at = _iso(form, "scorecard-as_at", "The as-at date", errors)
    except OverflowError:  # a year too big for a date (read_date lets it through)
        as_at = None
        errors.add("scorecard-as_at", "The as-at date must be a real date")
    return _attempt(
        lambda: performance_link.attach_scorecard(db, item_id, as_at, user.username),
        "scorecard",
        lambda _: f"/scrutiny/items/{item_id}#figures",
        lambda e: _item(request, db, item_id, form, e, 422),
        errors,
    )


@router.post("/scrutiny/items/{item_id}/pack", dependencies=MANAGE)
def attach_pack(
    request: Request, item_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    """Freeze a published board pack's figures on the item."""
    views.item_page(db, item_id)
    errors = FormErrors()
    pack_id = form.get("pack-pack_id", "")
    if not pack_id:
        errors.add("pack-pack_id", "Choose a published board pack")

    def attach() -> Any:
        try:
            return performance_link.attach_pack(db, item_id, pack_id, user.username)
        except NotFound as exc:  # a pack gone from the list: say so beside the field
            raise Invalid([Problem("pack_id", str(exc))]) from None

    return _attempt(
        attach,
        "pack",
        lambda _: f"/scrutiny/items/{item_id}#figures",
        lambda e: _item(request, db, item_id, form, e, 422),
        errors,
    )


@router.get("/scrutiny/items/{item_id}/pack.pdf", dependencies=VIEW)
def item_pack_pdf(item_id: RecordId, db: DbSession) -> Response:
    """The PDF of the board pack frozen on the item (regenerated identically from the
    published pack, which never changes)."""
    pack = performance_link.pack_of_item(db, item_id)
    return pack_pdf_response(pack)


def pack_pdf_response(pack) -> Response:
    from casebook.performance import packs

    return Response(
        packs.pack_pdf(pack),
        media_type="application/pdf",
        headers={
            "Content-Disposition": _disposition(f"casebook-pack-{pack.period}-v{pack.version}.pdf"),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/scrutiny/items/{item_id}/documents", dependencies=MANAGE)
async def upload_document(
    request: Request, item_id: RecordId, db: DbSession, user: CurrentUser
) -> Response:
    views.item_page(db, item_id)
    form = await request.form()
    try:
        upload = form.get("document-file")
        title = form.get("document-title")
        data, filename = b"", ""
        if upload is not None and not isinstance(upload, str):
            filename = upload.filename or ""
            data = await upload.read(UPLOAD_READ_LIMIT)
    finally:
        await form.close()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    data_dir = request.app.state.settings.data_dir
    return _attempt(
        lambda: documents.attach(
            db,
            item_id,
            title=title if isinstance(title, str) else None,
            filename=filename,
            data=data,
            data_dir=data_dir,
            actor=user.username,
        ),
        "document",
        lambda _: f"/scrutiny/items/{item_id}#documents",
        lambda e: _item(request, db, item_id, values, e, 422),
    )


def _disposition(filename: str) -> str:
    """An attachment header any browser reads, whatever characters the name has."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def document_response(request: Request, doc: Document) -> Response:
    data = documents.read(request.app.state.settings.data_dir, doc)
    return Response(
        data,
        media_type=doc.content_type,
        headers={
            "Content-Disposition": _disposition(doc.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=0",
        },
    )


@router.get("/scrutiny/documents/{document_id}", dependencies=VIEW)
def download(request: Request, document_id: RecordId, db: DbSession) -> Response:
    return document_response(request, get(db, Document, document_id, "document"))


# --------------------------------------------------------------------------- actions


def _actions(request: Request, db, overdue=False, values=None, errors=None, status=200):
    context = views.action_rows(db, date.today(), overdue_only=overdue)
    return render(
        request,
        "scrutiny/actions.html",
        {
            "title": "Overdue actions" if overdue else "Actions",
            **context,
            "overdue_only": overdue,
            "options": OPTIONS,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


@router.get("/scrutiny/actions", dependencies=VIEW)
def action_list(request: Request, db: DbSession, overdue: bool = False) -> Response:
    return _actions(request, db, overdue)


@router.post("/scrutiny/actions", dependencies=MANAGE)
def create_action(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    f = _fields(form, "action")
    errors = FormErrors()
    due = _iso(form, "action-due_date", "Due date", errors)
    back = f.get("back", "")
    if not back.startswith("/scrutiny/"):
        back = "/scrutiny/actions"

    def page(e: FormErrors) -> Response:
        meeting_id = back.removeprefix("/scrutiny/meetings/").split("#")[0]
        if back.startswith("/scrutiny/meetings/") and "/" not in meeting_id:
            return _meeting(request, db, meeting_id, form, e, 422)
        return _actions(request, db, False, form, e, 422)

    return _attempt(
        lambda: actions_service.create_action(
            db,
            resolution_key=f.get("resolution_key") or None,
            body_id=f.get("body_id") or None,
            asked=f.get("asked"),
            description=f.get("description"),
            owner=f.get("owner"),
            due_date=due,
            public=f.get("public", "Y"),
            actor=user.username,
        ),
        "action",
        lambda _: back,
        page,
        errors,
    )


@router.post("/scrutiny/actions/{action_id}", dependencies=MANAGE)
def update_action(
    request: Request, action_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    get(db, actions_service.FollowUpAction, action_id, "action")
    f = _fields(form, f"a{action_id[:8]}")
    errors = FormErrors()
    due = _iso(form, f"a{action_id[:8]}-due_date", "New due date", errors, required=False)
    return _attempt(
        lambda: actions_service.update_action(
            db,
            action_id,
            status=f.get("status") or None,
            response=f.get("response"),
            due_date=due,
            owner=f.get("owner"),
            expected_version=f.get("expected_version"),
            actor=user.username,
        ),
        f"a{action_id[:8]}",
        lambda _: f"/scrutiny/actions#action-{action_id}",
        lambda e: _actions(request, db, False, form, e, 422),
        errors,
    )


# --------------------------------------------------------------------------- work programme


def _programme(request: Request, db, body_id: str, values=None, errors=None, status=200):
    body = get(db, bodies.Body, body_id, "body")
    plan, future = work_programme.programme(db, body.id)
    return render(
        request,
        "scrutiny/work_programme.html",
        {
            "title": f"{body.name}: work programme",
            "body": body,
            "plan": plan,
            "future": future,
            "tests_met": work_programme.tests_met,
            "meeting_options": [
                (m.id, m.meeting_date.strftime("%-d %B %Y"))
                for m in meetings.meetings_of(db, body.id)
            ],
            "moves_of": lambda item_id: work_programme.moves_of(db, item_id),
            "options": OPTIONS,
            "values": values or {},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


@router.get("/scrutiny/bodies/{body_id}/work-programme", dependencies=VIEW)
def programme_page(request: Request, body_id: RecordId, db: DbSession) -> Response:
    return _programme(request, db, body_id)


@router.post("/scrutiny/bodies/{body_id}/work-programme", dependencies=MANAGE)
def add_programme_item(
    request: Request, body_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    get(db, bodies.Body, body_id, "body")
    f: dict[str, Any] = _fields(form, "wp")
    f["tests"] = [t for t in NINE_TESTS if form.get(f"wp-test-{t}")]
    return _attempt(
        lambda: work_programme.add_item(db, body_id, f, actor=user.username),
        "wp",
        lambda _: f"/scrutiny/bodies/{body_id}/work-programme",
        lambda e: _programme(request, db, body_id, form, e, 422),
    )


@router.post("/scrutiny/work-programme/{wp_id}/move", dependencies=MANAGE)
def move_programme_item(
    request: Request, wp_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    item = get(db, work_programme.WorkProgrammeItem, wp_id, "work programme item")
    f = _fields(form, f"move{wp_id[:8]}")
    return _attempt(
        lambda: work_programme.move(
            db,
            wp_id,
            to_meeting_id=f.get("meeting_id") or None,
            reason=f.get("reason"),
            actor=user.username,
        ),
        f"move{wp_id[:8]}",
        lambda _: f"/scrutiny/bodies/{item.body_id}/work-programme",
        lambda e: _programme(request, db, item.body_id, form, e, 422),
    )


# --------------------------------------------------------------------------- roll-up


@router.get("/scrutiny/bodies/{body_id}/roll-up", dependencies=VIEW)
def roll_up(
    request: Request, body_id: RecordId, db: DbSession, start: str = "", end: str = ""
) -> Response:
    body = get(db, bodies.Body, body_id, "body")
    today = date.today()
    year = today.year if today.month >= 4 else today.year - 1
    start = start or date(year, 4, 1).isoformat()
    end = end or date(year + 1, 3, 31).isoformat()
    try:
        up = actions_service.roll_up(db, body.id, start, end, today)
        errors = FormErrors()
    except Invalid as exc:
        up, errors = None, _errors(exc, "rollup")
    return render(
        request,
        "scrutiny/roll_up.html",
        {
            "title": f"{body.name}: outcomes",
            "body": body,
            "up": up,
            "start": start,
            "end": end,
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )
