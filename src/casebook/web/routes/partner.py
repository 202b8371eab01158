"""Pages: a partner agency officer's requests from the front door, and their answers.

Every route needs ``Action.CONTRIBUTE``. Least privilege: a partner sees the
contact's reference and date and the question asked, never the child's name,
record or the concerns; a request addressed to someone else is refused (403).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access.policy import User
from casebook.access.roles import Action
from casebook.record import front_door, services
from casebook.record.errors import Conflict, Forbidden, Invalid, NotFound
from casebook.record.front_door import PartnerAsk
from casebook.record.models import PartnerContribution, PartnerRequest
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import FormErrors, FormFields, RecordId, problem_errors
from casebook.web.templating import render

router = APIRouter()

LABELS = {"text": "What your agency knows", "on": "Date"}


def my_request(db: Session, user: User, request_id: str) -> PartnerAsk:
    """One request addressed to this partner, as a partner may see it.

    NotFound when there is no such request, Forbidden when it is someone else's.
    """
    for ask in front_door.partner_requests_for(db, user.username):
        if ask.request_id == request_id:
            return ask
    request = services.get(db, PartnerRequest, request_id)
    if request.partner_username != user.username:
        raise Forbidden("This request was addressed to another partner: only they can see it.")
    raise NotFound(f"no open partner request with id {request_id}")


def my_contributions(db: Session, request_id: str) -> list[PartnerContribution]:
    """What this partner has already added in answer to the request."""
    return list(
        db.scalars(
            select(PartnerContribution)
            .where(
                PartnerContribution.request_id == request_id,
                PartnerContribution.cb_status == ACTIVE,
            )
            .order_by(PartnerContribution.contributed_on, PartnerContribution.id)
        )
    )


@router.get("/partner", dependencies=[Depends(requires(Action.CONTRIBUTE))])
def requests_to_me(request: Request, db: DbSession, user: CurrentUser) -> Response:
    asks = front_door.partner_requests_for(db, user.username)
    return render(
        request,
        "partner/requests.html",
        {
            "title": "Requests to my agency",
            "asks": asks,
            "waiting": sum(1 for a in asks if a.can_contribute and a.answered_on is None),
        },
    )


def _request_page(
    request: Request,
    db: Session,
    user: User,
    request_id: str,
    *,
    values: Mapping[str, str] | None = None,
    errors: FormErrors | None = None,
    conflict: str | None = None,
    added: bool = False,
    status: int = 200,
) -> Response:
    ask = my_request(db, user, request_id)
    return render(
        request,
        "partner/request.html",
        {
            "title": f"Request about contact {ask.contact_id}",
            "ask": ask,
            "contributions": my_contributions(db, request_id),
            "values": values or {},
            "errors": errors or FormErrors(),
            "conflict": conflict,
            "added": added,
        },
        status_code=status,
    )


@router.get("/partner/requests/{request_id}", dependencies=[Depends(requires(Action.CONTRIBUTE))])
def request_page(
    request: Request, request_id: RecordId, db: DbSession, user: CurrentUser, added: bool = False
) -> Response:
    return _request_page(request, db, user, request_id, added=added)


@router.post(
    "/partner/requests/{request_id}",
    dependencies=[Depends(requires(Action.CONTRIBUTE)), Depends(csrf_protect)],
)
def contribute(
    request: Request, request_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    my_request(db, user, request_id)  # 404 / 403 before anything else
    errors = FormErrors()
    text = form.get("text", "").strip()
    if not text:
        errors.add("text", "Enter what your agency knows")
    if not errors:
        try:
            front_door.add_contribution(
                UnitOfWork(session=db),
                request_id=request_id,
                text=text,
                actor=Actor(user.username),
                on=date.today(),
            )
        except Invalid as exc:
            errors = problem_errors(exc, LABELS)
        except Conflict as exc:
            return _request_page(
                request, db, user, request_id, values=form, conflict=str(exc), status=409
            )
        else:
            return RedirectResponse(f"/partner/requests/{request_id}?added=true", status_code=303)
    return _request_page(request, db, user, request_id, values=form, errors=errors, status=422)
