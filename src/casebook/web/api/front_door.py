"""JSON API: the front door (MASH) and partner agencies.

The same operations as the pages, with the same guards: ``Action.FRONT_DOOR``
for contacts and decisions, ``Action.CONTRIBUTE`` for a partner's requests.
Unsafe calls need ``X-CSRF-Token``. Bad input is answered 422 naming each
field (by pydantic for shapes, by the record services for meaning); a contact
already decided, or changed since it was read, is 409.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from casebook.access.roles import Action
from casebook.record import front_door, services
from casebook.record.errors import Invalid
from casebook.record.front_door import Clock
from casebook.record.models import Contact
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import RecordId, renamed
from casebook.web.routes.front_door import (
    CONTACT_COLUMNS,
    DECISION_COLUMNS,
    ContactDetail,
    contact_detail,
    log_contact_view,
    partner_problem,
)

router = APIRouter(prefix="/api", tags=["front_door"])


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


#: Text as the record keeps it: any characters but NUL.
Text = Annotated[str, AfterValidator(_no_nul)]


class Strict(BaseModel):
    """Input models refuse fields they do not know, naming them."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- shapes


class ClockOut(BaseModel):
    """A contact's decision clock (1 working day unless the authority sets another)."""

    received: date
    due: date
    decided: date | None
    status: str = Field(description="open, met or late")
    days_left: int = Field(description="negative when late")
    label: str = Field(examples=["Decision due 16 Jan 2025, 1 working day left"])
    overdue: bool = Field(description="undecided and past its due date")

    @classmethod
    def of(cls, clock: Clock) -> ClockOut:
        return cls(
            received=clock.received,
            due=clock.due,
            decided=clock.decided,
            status=clock.status,
            days_left=clock.days_left,
            label=clock.label,
            overdue=clock.overdue,
        )


class OpenContactOut(BaseModel):
    contact_id: str
    person_id: str | None
    contact_date: date | None
    source_code: str | None
    source: str | None
    clock: ClockOut
    partners_waiting: int = Field(description="partner requests not answered yet")


class NamedIn(Strict):
    person_id: Text
    role: Text = Field(description="their role in the contact, e.g. sibling")


class ContactIn(Strict):
    person_id: Text = Field(description="the child the contact is about")
    contact_date: date
    source_code: Text = Field(description="a code of the referral_source list")
    who: Text = Field(description="who made the contact")
    concerns: Text
    named: list[NamedIn] = Field(default=[], max_length=50)


class NamedOut(BaseModel):
    person_id: str
    role: str | None


class ContributionOut(BaseModel):
    id: str
    request_id: str
    contributed_on: date
    text: str


class PartnerRequestOut(BaseModel):
    id: str
    contact_id: str
    partner_username: str
    requested_by: str
    requested_on: date
    question: str | None
    contributions: list[ContributionOut] = []


class ContactOut(BaseModel):
    contact_id: str
    person_id: str | None
    contact_date: date | None
    source_code: str | None
    source: str | None
    who: str | None
    concerns: str | None
    named: list[NamedOut]
    clock: ClockOut
    decision: str | None
    decision_date: date | None
    decision_reason: str | None
    referral_id: str | None = Field(description="the referral a REFERRAL or STRATEGY opened")
    partner_requests: list[PartnerRequestOut]
    status: str
    version: int = Field(description="send as expected_version when deciding")

    @classmethod
    def of(cls, detail: ContactDetail) -> ContactOut:
        c = detail.contact
        return cls(
            contact_id=c.cont_contact_id,
            person_id=c.cont_person_id,
            contact_date=c.cont_contact_date,
            source_code=c.cont_contact_source_code,
            source=c.cont_contact_source_desc,
            who=c.cb_contact_who,
            concerns=c.cb_concerns,
            named=[NamedOut(person_id=n.person_id, role=n.role) for n in detail.named],
            clock=ClockOut.of(detail.clock),
            decision=c.cb_decision,
            decision_date=c.cb_decision_date,
            decision_reason=c.cb_decision_reason,
            referral_id=detail.referral_id,
            partner_requests=[
                PartnerRequestOut(
                    id=t.request.id,
                    contact_id=t.request.contact_id,
                    partner_username=t.request.partner_username,
                    requested_by=t.request.requested_by,
                    requested_on=t.request.requested_on,
                    question=t.request.question,
                    contributions=[_contribution(a) for a in t.contributions],
                )
                for t in detail.threads
            ],
            status=c.cb_status,
            version=c.cb_version,
        )


class PartnerRequestIn(Strict):
    partner_username: Text = Field(description="the partner agency officer's username")
    question: Text


class DecisionIn(Strict):
    decision: Text = Field(description="a code of the contact_decision list")
    reason: Text
    decided_on: date | None = Field(default=None, description="today if not given")
    expected_version: int = Field(description="the contact's version when it was read")
    primary_need: Text | None = Field(
        default=None, description="a primary_need code: required for REFERRAL and STRATEGY"
    )


class PartnerAskOut(BaseModel):
    """A request as the partner sees it: no detail of the child or the concerns."""

    request_id: str
    contact_id: str
    contact_date: date | None
    requested_on: date
    requested_by: str
    question: str | None
    answered_on: date | None
    can_contribute: bool


class ContributionIn(Strict):
    text: Text = Field(description="what the partner's agency knows")


def _contribution(row) -> ContributionOut:
    return ContributionOut(
        id=row.id, request_id=row.request_id, contributed_on=row.contributed_on, text=row.text
    )


# --------------------------------------------------------------------------- routes


@router.get(
    "/front-door/contacts",
    dependencies=[Depends(requires(Action.FRONT_DOOR))],
    response_model=list[OpenContactOut],
)
def open_contacts(db: DbSession) -> list[OpenContactOut]:
    """Contacts waiting for a decision, oldest first, with their clocks."""
    return [
        OpenContactOut(
            contact_id=row.contact.cont_contact_id,
            person_id=row.contact.cont_person_id,
            contact_date=row.contact.cont_contact_date,
            source_code=row.contact.cont_contact_source_code,
            source=row.contact.cont_contact_source_desc,
            clock=ClockOut.of(row.clock),
            partners_waiting=row.partners_waiting,
        )
        for row in front_door.open_contacts(db, date.today())
    ]


@router.post(
    "/contacts",
    dependencies=[Depends(requires(Action.FRONT_DOOR)), Depends(csrf_protect)],
    response_model=ContactOut,
    status_code=201,
)
def record_contact(body: ContactIn, db: DbSession, user: CurrentUser) -> ContactOut:
    """Record a contact about a child and the other people it names."""
    try:
        contact = front_door.record_contact(
            UnitOfWork(session=db),
            person_id=body.person_id,
            contact_date=body.contact_date,
            source_code=body.source_code,
            who=body.who,
            concerns=body.concerns,
            named=[(n.person_id, n.role) for n in body.named],
            actor=Actor(user.username),
        )
    except Invalid as exc:
        raise renamed(exc, CONTACT_COLUMNS) from None
    return ContactOut.of(contact_detail(db, contact.cont_contact_id, date.today()))


@router.get(
    "/contacts/{contact_id}",
    dependencies=[Depends(requires(Action.FRONT_DOOR))],
    response_model=ContactOut,
)
def get_contact(
    contact_id: RecordId, request: Request, db: DbSession, user: CurrentUser
) -> ContactOut:
    """The contact, the people named, its clock and the partner requests (the look is logged)."""
    detail = contact_detail(db, contact_id, date.today())
    log_contact_view(db, user, detail, request.url.path)
    return ContactOut.of(detail)


@router.post(
    "/contacts/{contact_id}/partner-requests",
    dependencies=[Depends(requires(Action.FRONT_DOOR)), Depends(csrf_protect)],
    response_model=PartnerRequestOut,
    status_code=201,
)
def ask_partner(
    contact_id: RecordId, body: PartnerRequestIn, db: DbSession, user: CurrentUser
) -> PartnerRequestOut:
    """Ask a partner agency officer what their agency knows about an undecided contact."""
    services.get(db, Contact, contact_id)  # no such contact: 404 before anything else
    username = body.partner_username.strip()
    if username and (problem := partner_problem(db, username)):
        raise Invalid([problem])
    asked = front_door.ask_partner(
        UnitOfWork(session=db),
        contact_id=contact_id,
        partner_username=username,
        question=body.question,
        actor=Actor(user.username),
        on=date.today(),
    )
    return PartnerRequestOut(
        id=asked.id,
        contact_id=asked.contact_id,
        partner_username=asked.partner_username,
        requested_by=asked.requested_by,
        requested_on=asked.requested_on,
        question=asked.question,
    )


@router.post(
    "/contacts/{contact_id}/decision",
    dependencies=[Depends(requires(Action.FRONT_DOOR)), Depends(csrf_protect)],
    response_model=ContactOut,
)
def decide(contact_id: RecordId, body: DecisionIn, db: DbSession, user: CurrentUser) -> ContactOut:
    """Make the threshold decision, once; REFERRAL and STRATEGY open a referral."""
    try:
        front_door.decide(
            UnitOfWork(session=db),
            contact_id=contact_id,
            decision=body.decision,
            reason=body.reason,
            decided_on=body.decided_on or date.today(),
            expected_version=body.expected_version,
            actor=Actor(user.username),
            primary_need=body.primary_need or None,
            team_id=user.team_id if user.front_door else None,
        )
    except Invalid as exc:
        raise renamed(exc, DECISION_COLUMNS) from None
    return ContactOut.of(contact_detail(db, contact_id, date.today()))


@router.get(
    "/partner/requests",
    dependencies=[Depends(requires(Action.CONTRIBUTE))],
    response_model=list[PartnerAskOut],
)
def my_requests(db: DbSession, user: CurrentUser) -> list[PartnerAskOut]:
    """What the front door has asked this partner: those still open first."""
    return [
        PartnerAskOut(
            request_id=a.request_id,
            contact_id=a.contact_id,
            contact_date=a.contact_date,
            requested_on=a.requested_on,
            requested_by=a.requested_by,
            question=a.question,
            answered_on=a.answered_on,
            can_contribute=a.can_contribute,
        )
        for a in front_door.partner_requests_for(db, user.username)
    ]


@router.post(
    "/partner-requests/{request_id}/contributions",
    dependencies=[Depends(requires(Action.CONTRIBUTE)), Depends(csrf_protect)],
    response_model=ContributionOut,
    status_code=201,
)
def contribute(
    request_id: RecordId, body: ContributionIn, db: DbSession, user: CurrentUser
) -> ContributionOut:
    """Add what the partner's agency knows, in answer to a request addressed to them."""
    added = front_door.add_contribution(
        UnitOfWork(session=db),
        request_id=request_id,
        text=body.text,
        actor=Actor(user.username),
        on=date.today(),
    )
    return _contribution(added)
