"""The home page: what this user can do, and the authority's headline figures."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from casebook.access.roles import Action
from casebook.record.summary import authority_summary
from casebook.web.deps import DbSession, requires
from casebook.web.templating import render

router = APIRouter()


@router.get("/", dependencies=[Depends(requires(Action.SIGNED_IN))])
def home(request: Request, db: DbSession) -> Response:
    figures = authority_summary(db, date.today())
    return render(request, "home.html", {"title": "Home", "figures": figures})


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
