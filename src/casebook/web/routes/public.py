"""Pages anyone may read without signing in: published agendas, reports,
minutes, resolution status and the meetings calendar. Exempt (Part 2) items
never appear here.

Every page reads what was *published* (the frozen copies), through
:mod:`casebook.scrutiny.public`, which never reads an exempt item.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from casebook.performance import packs
from casebook.record.errors import NotFound
from casebook.scrutiny import ical, performance_link
from casebook.scrutiny import public as public_site
from casebook.web.deps import DbSession
from casebook.web.forms import RecordId
from casebook.web.routes.scrutiny import document_response, pack_pdf_response
from casebook.web.templating import render

router = APIRouter()

#: A version of a published agenda (``?version=N``).
Version = Annotated[int | None, Query(ge=1, le=100_000)]


@router.get("/public")
def index(request: Request, db: DbSession) -> Response:
    feed = str(request.base_url).rstrip("/") + "/public/meetings.ics"
    return render(
        request,
        "public/index.html",
        {
            "title": "Council meetings",
            "meetings": public_site.public_meetings(db),
            "feed": feed,
            "webcal": "webcal://" + feed.split("://", 1)[1],
        },
    )


@router.get("/public/meetings.ics")
def calendar(request: Request, db: DbSession) -> Response:
    base = str(request.base_url).rstrip("/")
    return Response(
        ical.calendar(db, base),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="meetings.ics"'},
    )


@router.get("/public/meetings/{meeting_id}")
def meeting(
    request: Request, meeting_id: RecordId, db: DbSession, version: Version = None
) -> Response:
    page = public_site.agenda_page(db, meeting_id, version)
    return render(
        request,
        "public/meeting.html",
        {"title": f"{page['pack']['body']}, {page['meeting'].meeting_date:%-d %B %Y}", **page},
    )


@router.get("/public/meetings/{meeting_id}/packs/{pack_id}/pdf")
def pack_pdf(
    meeting_id: RecordId, pack_id: RecordId, db: DbSession, version: Version = None
) -> Response:
    """A board pack's PDF, only when the published agenda (Part 1) carries it."""
    page = public_site.agenda_page(db, meeting_id, version)
    if not pack_id.isdigit() or not performance_link.pack_in_public_copy(
        page["pack"]["items"], pack_id
    ):
        raise NotFound("That agenda has no such board pack.")
    return pack_pdf_response(packs.get_pack(db, int(pack_id)))


@router.get("/public/meetings/{meeting_id}/minutes")
def minutes(request: Request, meeting_id: RecordId, db: DbSession) -> Response:
    page = public_site.minutes_page(db, meeting_id)
    return render(
        request,
        "public/minutes.html",
        {
            "title": f"Minutes: {page['body'].name}, {page['meeting'].meeting_date:%-d %B %Y}",
            **page,
        },
    )


@router.get("/public/documents/{document_id}")
def document(request: Request, document_id: RecordId, db: DbSession) -> Response:
    return document_response(request, public_site.document(db, document_id))


@router.get("/public/you-said-we-did")
def you_said_we_did(request: Request, db: DbSession) -> Response:
    return render(
        request,
        "public/you_said_we_did.html",
        {"title": "You said, we did", "rows": public_site.you_said_we_did(db)},
    )
