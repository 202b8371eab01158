"""Pages: the front door (MASH) - open contacts and their clocks, recording a
contact, asking partner agencies, the threshold decision.

Every route needs ``Action.FRONT_DOOR`` (a worker in a front door team). The
contact page shows a child's data, so each look at it is logged. The reads the
pages and the JSON API share (the contact with what hangs off it, code list
options) are here too, named for what they return.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access import log
from casebook.access.models import AppUser
from casebook.access.policy import User
from casebook.access.roles import Action, Role
from casebook.record import front_door, services
from casebook.record.code_lists import code_options
from casebook.record.errors import Conflict, Invalid, Problem
from casebook.record.front_door import OPENS_REFERRAL, Clock
from casebook.record.models import (
    Contact,
    ContactPerson,
    PartnerContribution,
    PartnerRequest,
    Person,
)
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import (
    FormErrors,
    FormFields,
    RecordId,
    date_values,
    labelled_message,
    problem_errors,
    read_date,
    renamed,
)
from casebook.web.templating import render

router = APIRouter()

#: How many "people named" rows the contact form offers.
NAMED_ROWS = 4

#: Labels of the contact form's fields, for messages from the record services.
CONTACT_LABELS = {
    "person_id": "Child's person ID",
    "contact_date": "Contact date",
    "source_code": "Source",
    "who": "Who made the contact",
    "concerns": "Concerns",
}
DECISION_LABELS = {
    "decision": "Decision",
    "reason": "Reason",
    "primary_need": "Primary need",
    "decided_on": "Date of the decision",
    "contact_id": "Contact",
}
ASK_LABELS = {"partner_username": "Partner's username", "question": "Question"}

#: The record's column names, as the services' arguments (and the forms' fields) name them.
CONTACT_COLUMNS = {
    "cont_person_id": "person_id",
    "cont_contact_date": "contact_date",
    "cont_contact_source_code": "source_code",
    "cb_contact_who": "who",
    "cb_concerns": "concerns",
}
DECISION_COLUMNS = {
    "cb_decision": "decision",
    "cb_decision_date": "decided_on",
    "cb_decision_reason": "reason",
    "cine_referral_date": "decided_on",
    "cine_cin_primary_need_code": "primary_need",
}

# --------------------------------------------------------------------------- shared reads


@dataclass(frozen=True)
class NamedPerson:
    """Someone a contact names besides its subject."""

    person_id: str
    role: str | None
    name: str


@dataclass(frozen=True)
class PartnerThread:
    """A request to a partner and what they added in answer."""

    request: PartnerRequest
    contributions: list[PartnerContribution]

    @property
    def answered(self) -> bool:
        return bool(self.contributions)


@dataclass(frozen=True)
class ContactDetail:
    """Everything the contact page shows: the contact, its child, the people it
    names, the decision clock and the partner requests with their answers."""

    contact: Contact
    child: Person | None
    named: list[NamedPerson]
    clock: Clock
    threads: list[PartnerThread]

    @property
    def decided(self) -> bool:
        return self.contact.cb_decision is not None

    @property
    def referral_id(self) -> str | None:
        outcome = self.contact.cont_contact_outcome_json
        if not outcome:
            return None
        try:
            return json.loads(outcome).get("referral_id")
        except (ValueError, AttributeError):
            return None

    @property
    def person_ids(self) -> list[str]:
        """Every person whose data the contact shows: its child, then the people named."""
        ids = [self.contact.cont_person_id] if self.contact.cont_person_id else []
        return ids + [n.person_id for n in self.named]


def full_name(person: Person | None) -> str:
    if person is None:
        return ""
    return " ".join(p for p in (person.pers_forename, person.pers_surname) if p)


def contact_detail(db: Session, contact_id: str, on: date) -> ContactDetail:
    """The contact and what hangs off it (NotFound if there is no such contact)."""
    contact = services.get(db, Contact, contact_id)
    named_rows = db.scalars(
        select(ContactPerson)
        .where(ContactPerson.contact_id == contact_id, ContactPerson.cb_status == ACTIVE)
        .order_by(ContactPerson.id)
    ).all()
    named = [
        NamedPerson(n.person_id, n.role_in_contact, full_name(db.get(Person, n.person_id)))
        for n in named_rows
    ]
    requests = db.scalars(
        select(PartnerRequest)
        .where(PartnerRequest.contact_id == contact_id, PartnerRequest.cb_status == ACTIVE)
        .order_by(PartnerRequest.requested_on, PartnerRequest.id)
    ).all()
    answers: dict[str, list[PartnerContribution]] = {r.id: [] for r in requests}
    if requests:
        for answer in db.scalars(
            select(PartnerContribution)
            .where(
                PartnerContribution.request_id.in_(list(answers)),
                PartnerContribution.cb_status == ACTIVE,
            )
            .order_by(PartnerContribution.contributed_on, PartnerContribution.id)
        ):
            answers[answer.request_id].append(answer)
    child = db.get(Person, contact.cont_person_id) if contact.cont_person_id else None
    return ContactDetail(
        contact=contact,
        child=child,
        named=named,
        clock=front_door.decision_clock(db, contact, on),
        threads=[PartnerThread(r, answers[r.id]) for r in requests],
    )


def log_contact_view(db: Session, user: User, detail: ContactDetail, path: str) -> None:
    """Opening a contact shows a child's data (and the people named): log each."""
    for person_id in detail.person_ids:
        log.log_access(db, user.username, log.VIEW, person_id=person_id, detail=path)


def partner_problem(db: Session, username: str) -> Problem | None:
    """Why a username cannot be asked as a partner, if it cannot."""
    account = db.get(AppUser, username) if username else None
    if (
        account is None
        or account.role != Role.PARTNER
        or not account.active
        or account.cb_status != ACTIVE
    ):
        return Problem(
            "partner_username", f"there is no partner agency officer with username '{username}'"
        )
    return None


# --------------------------------------------------------------------------- worklist


@router.get("/front-door", dependencies=[Depends(requires(Action.FRONT_DOOR))])
def worklist(request: Request, db: DbSession) -> Response:
    today = date.today()
    rows = front_door.open_contacts(db, today)
    return render(
        request,
        "front_door/worklist.html",
        {
            "title": "The front door",
            "rows": rows,
            "overdue": sum(1 for r in rows if r.clock.overdue),
            "waiting": sum(r.partners_waiting for r in rows),
        },
    )


# --------------------------------------------------------------------------- record a contact


def _new_contact_page(
    request: Request, db: Session, values: Mapping[str, str], errors: FormErrors, status: int
) -> Response:
    return render(
        request,
        "front_door/new_contact.html",
        {
            "title": "Record a contact",
            "values": values,
            "errors": errors,
            "sources": code_options(db, "referral_source"),
            "named_rows": range(NAMED_ROWS),
        },
        status_code=status,
    )


@router.get("/front-door/contacts/new", dependencies=[Depends(requires(Action.FRONT_DOOR))])
def new_contact(request: Request, db: DbSession) -> Response:
    return _new_contact_page(
        request, db, date_values("contact_date", date.today()), FormErrors(), 200
    )


@router.post(
    "/front-door/contacts/new",
    dependencies=[Depends(requires(Action.FRONT_DOOR)), Depends(csrf_protect)],
)
def record_contact(
    request: Request, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    errors = FormErrors()
    person_id = form.get("person_id", "").strip()
    if not person_id:
        errors.add("person_id", "Enter the child's person ID")
    contact_date = read_date(form, "contact_date", "Contact date", errors)
    source_code = form.get("source_code", "").strip()
    if not source_code:
        errors.add("source_code", "Select where the contact came from")
    who = form.get("who", "").strip()
    if not who:
        errors.add("who", "Enter who made the contact")
    concerns = form.get("concerns", "").strip()
    if not concerns:
        errors.add("concerns", "Enter the concerns")
    named: list[tuple[str, str]] = []
    field_map: dict[str, str] = {}
    for row in range(NAMED_ROWS):
        other = form.get(f"named-{row}-person_id", "").strip()
        role = form.get(f"named-{row}-role", "").strip()
        if other and not role:
            errors.add(f"named-{row}-role", f"Enter the role of {other} in the contact")
        elif role and not other:
            errors.add(f"named-{row}-person_id", f"Enter the person ID of the {role}")
        elif other:
            field_map[f"named[{len(named)}]"] = f"named-{row}-person_id"
            named.append((other, role))
    if not errors:
        try:
            contact = front_door.record_contact(
                UnitOfWork(session=db),
                person_id=person_id,
                contact_date=contact_date,
                source_code=source_code,
                who=who,
                concerns=concerns,
                named=named,
                actor=Actor(user.username),
            )
        except Invalid as exc:
            labels = {**CONTACT_LABELS, **{f: "Person named" for f in field_map}}
            errors = problem_errors(renamed(exc, CONTACT_COLUMNS), labels, field_map)
        else:
            return RedirectResponse(
                f"/front-door/contacts/{contact.cont_contact_id}", status_code=303
            )
    return _new_contact_page(request, db, form, errors, 422)


# --------------------------------------------------------------------------- the contact


def _decision_defaults(detail: ContactDetail) -> dict[str, str]:
    return {
        **date_values("decided_on", date.today()),
        "expected_version": str(detail.contact.cb_version),
    }


def _contact_page(
    request: Request,
    db: Session,
    user: User,
    contact_id: str,
    *,
    values: Mapping[str, str] | None = None,
    errors: FormErrors | None = None,
    conflict: str | None = None,
    status: int = 200,
) -> Response:
    detail = contact_detail(db, contact_id, date.today())
    log_contact_view(db, user, detail, request.url.path)
    form_values = {**_decision_defaults(detail), **(values or {})}
    if conflict:  # the contact moved on: the form starts from what it is now
        form_values["expected_version"] = str(detail.contact.cb_version)
    return render(
        request,
        "front_door/contact.html",
        {
            "title": f"Contact {contact_id}",
            "detail": detail,
            "contact": detail.contact,
            "child_name": full_name(detail.child),
            "values": form_values,
            "errors": errors or FormErrors(),
            "conflict": conflict,
            "decisions": code_options(db, "contact_decision"),
            "needs": code_options(db, "primary_need"),
            "opens_referral": sorted(OPENS_REFERRAL),
        },
        status_code=status,
    )


@router.get(
    "/front-door/contacts/{contact_id}", dependencies=[Depends(requires(Action.FRONT_DOOR))]
)
def contact_page(
    request: Request, contact_id: RecordId, db: DbSession, user: CurrentUser
) -> Response:
    return _contact_page(request, db, user, contact_id)


@router.post(
    "/front-door/contacts/{contact_id}/partner-requests",
    dependencies=[Depends(requires(Action.FRONT_DOOR)), Depends(csrf_protect)],
)
def ask_partner(
    request: Request, contact_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    services.get(db, Contact, contact_id)  # no such contact: 404 before anything else
    errors = FormErrors()
    partner = form.get("partner_username", "").strip()
    question = form.get("question", "").strip()
    if not partner:
        errors.add("partner_username", "Enter the partner's username")
    elif problem := partner_problem(db, partner):
        errors.add("partner_username", labelled_message(ASK_LABELS["partner_username"], problem))
    if not question:
        errors.add("question", "Enter what you need to know")
    if not errors:
        try:
            front_door.ask_partner(
                UnitOfWork(session=db),
                contact_id=contact_id,
                partner_username=partner,
                question=question,
                actor=Actor(user.username),
                on=date.today(),
            )
        except Invalid as exc:
            errors = problem_errors(exc, ASK_LABELS)
        except Conflict as exc:
            return _contact_page(
                request, db, user, contact_id, values=form, conflict=str(exc), status=409
            )
        else:
            return RedirectResponse(f"/front-door/contacts/{contact_id}#partners", status_code=303)
    return _contact_page(request, db, user, contact_id, values=form, errors=errors, status=422)


@router.post(
    "/front-door/contacts/{contact_id}/decision",
    dependencies=[Depends(requires(Action.FRONT_DOOR)), Depends(csrf_protect)],
)
def decide(
    request: Request, contact_id: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    errors = FormErrors()
    decision = form.get("decision", "").strip()
    if not decision:
        errors.add("decision", "Select the decision")
    reason = form.get("reason", "").strip()
    if not reason:
        errors.add("reason", "Enter the reason for the decision")
    primary_need = form.get("primary_need", "").strip() or None
    if decision in OPENS_REFERRAL and not primary_need:
        errors.add("primary_need", "Select the child's primary need: a referral records it")
    decided_on = read_date(form, "decided_on", "Date of the decision", errors)
    try:
        expected_version = int(form.get("expected_version", ""))
    except ValueError:
        expected_version = None
        errors.add("decision", "The form was incomplete: reload the contact and decide again")
    if not errors:
        try:
            front_door.decide(
                UnitOfWork(session=db),
                contact_id=contact_id,
                decision=decision,
                reason=reason,
                decided_on=decided_on,
                expected_version=expected_version,
                actor=Actor(user.username),
                primary_need=primary_need,
                team_id=user.team_id if user.front_door else None,
            )
        except Invalid as exc:
            errors = problem_errors(renamed(exc, DECISION_COLUMNS), DECISION_LABELS)
        except Conflict as exc:
            return _contact_page(
                request, db, user, contact_id, values=form, conflict=str(exc), status=409
            )
        else:
            return RedirectResponse(f"/front-door/contacts/{contact_id}#decision", status_code=303)
    return _contact_page(request, db, user, contact_id, values=form, errors=errors, status=422)
