"""The front door (MASH): contacts, what partner agencies know, the threshold decision.

A contact about a child reaches the single front door. The MASH may ask
partner agency officers (police, health, school, housing) what their agency
knows, and decides within the ``contact_decision`` timescale (1 working day
unless the authority sets another) on one of the ``contact_decision`` codes:
no further action, advice, early help, referral to children's social care,
or a strategy discussion.

Each write is a service: plain typed arguments, a unit of work and the
:class:`~casebook.record.services.Actor`. It checks everything first and
reports every problem at once, then writes every row it changes, each with
its history entry, in one transaction (the generic create and update, without
their own commit). Refusals:

- :class:`Invalid` - bad input, each problem naming the argument (``person_id``,
  ``named[1]``, ``decided_on``...);
- :class:`NotFound` - no such contact or partner request;
- :class:`Forbidden` - a partner answering a request addressed to someone else;
- :class:`Conflict` - the contact is already decided (a contact is decided once:
  a wrong decision is corrected by superseding the contact), or it changed
  since the user opened it.

A REFERRAL **or a STRATEGY** decision opens a referral (a child in need
episode, ``ssd_cin_episodes``) dated the day of the decision, in the same
transaction. A strategy discussion is held under a referral to children's
social care, so the episode it belongs to starts with the decision, and the
CIN census counts it as a referral. Both need the child's primary need. A
child has at most one open referral (the CIN census refuses overlapping
episodes): while one is open, both decisions are refused - a new worry about
an open case belongs to the allocated worker.

The referral is held by a team (``cine_referral_team``), so that it waits on
that team's unallocated list: the team the caller names (``team_id``), else the
front door team (``ssd_department.cb_front_door``; the first by id if an
authority marks several). The MASH made the decision and its manager allocates
the first worker or passes the case on, so that is where a MASH manager looks
for it. The referral's worker is left empty until a worker is allocated.

The reads settle the decision clock as at a date with the authority's
timescale and the bank-holiday calendar: :func:`decision_clock`,
:func:`open_contacts` (the MASH's worklist) and :func:`partner_requests_for`
(what a partner has been asked, and nothing more about the child).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Conflict, Forbidden, Invalid, Problem
from casebook.record.models import (
    CinEpisode,
    CodeValue,
    Contact,
    ContactPerson,
    Department,
    PartnerContribution,
    PartnerRequest,
    Person,
)
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.timescales import Timescale, due_date, load_timescales
from casebook.record.unit_of_work import UnitOfWork

#: Decisions that open a referral (a strategy discussion is held under one).
OPENS_REFERRAL = frozenset({"REFERRAL", "STRATEGY"})

#: Clock states: undecided and not yet late; decided in time; late (decided
#: after the due date, or still undecided after it).
OPEN, MET, LATE = "open", "met", "late"

# The generic services commit their own transaction; these are the same steps
# (validation, write, history) without the commit, so that one MASH operation
# writes every row it changes in one transaction.
_add = services.add_record
_change = services.update_record


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Decided:
    """What :func:`decide` wrote: the decided contact, and the referral it opened
    (REFERRAL and STRATEGY only; otherwise None)."""

    contact: Contact
    referral: CinEpisode | None


@dataclass(frozen=True)
class Clock:
    """A contact's decision clock as at a date.

    ``days_left`` counts working days (calendar days if the authority set the
    timescale in days, weeks or months) from the date asked about to the due
    date while undecided, from the decision to the due date once decided;
    negative when late.
    """

    contact_id: str
    received: date  # the contact date: the clock starts
    due: date
    decided: date | None  # the decision date, if decided by the date asked about
    status: str  # OPEN, MET or LATE
    days_left: int
    label: str  # "Decision due 16 Jan 2025, 1 working day left"

    @property
    def overdue(self) -> bool:
        """Undecided and past its due date."""
        return self.decided is None and self.status == LATE


@dataclass(frozen=True)
class OpenContact:
    """One undecided contact on the MASH's worklist."""

    contact: Contact
    clock: Clock
    partners_waiting: int  # partner requests not answered yet


@dataclass(frozen=True)
class PartnerAsk:
    """One request to a partner, as the partner sees it: the contact's id and
    date, the question, and no other detail of the child or the concerns."""

    request_id: str
    contact_id: str
    contact_date: date | None
    requested_on: date
    requested_by: str
    question: str | None
    answered_on: date | None  # their latest contribution, if any
    can_contribute: bool  # the contact is still undecided


# --------------------------------------------------------------------------- services


def record_contact(
    uow: UnitOfWork,
    *,
    person_id: str,
    contact_date: date,
    source_code: str,
    who: str,
    concerns: str,
    named: Sequence[tuple[str, str]] = (),
    actor: Actor,
) -> Contact:
    """Record a contact about a child, and the other people it names (person id, role)."""
    with uow:
        session = uow.session
        problems: list[Problem] = []
        subject = _person(session, person_id, "person_id", problems)
        if subject is not None and subject.cb_person_type != "child":
            problems.append(
                Problem(
                    "person_id",
                    f"'{person_id}' is not a child: a contact is about a child "
                    "(name the adults it mentions with their role)",
                )
            )
        _not_future(contact_date, "contact_date", problems)
        source = _code(session, "referral_source", source_code, "source_code", problems)
        who_text = _required(who, "who", problems)
        concerns_text = _required(concerns, "concerns", problems)
        seen = {person_id}
        roles: list[tuple[str, str]] = []
        for i, (other_id, role) in enumerate(named):
            field = f"named[{i}]"
            if other_id in seen:
                problems.append(Problem(field, f"'{other_id}' is named more than once"))
                continue
            seen.add(other_id)
            _person(session, other_id, field, problems)
            role_text = _required(role, field, problems, "give their role in the contact")
            if role_text and len(role_text) > 40:
                problems.append(Problem(field, "the role is longer than 40 characters"))
            roles.append((other_id, role_text or ""))
        if problems:
            raise Invalid(problems)

        contact = _add(
            uow.session,
            Contact,
            {
                "cont_person_id": person_id,
                "cont_contact_date": contact_date,
                "cont_contact_source_code": source_code,
                "cont_contact_source_desc": source.label if source else None,
                "cb_contact_who": who_text,
                "cb_concerns": concerns_text,
            },
            actor,
        )
        for other_id, role in roles:
            _add(
                uow.session,
                ContactPerson,
                {
                    "contact_id": contact.cont_contact_id,
                    "person_id": other_id,
                    "role_in_contact": role,
                },
                actor,
            )
        uow.commit()
        return contact


def ask_partner(
    uow: UnitOfWork,
    *,
    contact_id: str,
    partner_username: str,
    question: str,
    actor: Actor,
    on: date,
) -> PartnerRequest:
    """Ask a partner agency officer what their agency knows about an undecided contact.

    A partner has one open (unanswered) request per contact at a time.
    """
    with uow:
        session = uow.session
        contact = _undecided_contact(session, contact_id, "partners can no longer be asked")
        problems: list[Problem] = []
        partner = _required(partner_username, "partner_username", problems)
        if partner and len(partner) > 60:
            problems.append(Problem("partner_username", "is longer than 60 characters"))
        question_text = _required(question, "question", problems, "say what you need to know")
        _within(on, "on", contact.cont_contact_date, "the contact", problems)
        if partner and not problems:
            waiting = session.scalars(
                select(PartnerRequest.requested_on)
                .where(
                    PartnerRequest.contact_id == contact_id,
                    PartnerRequest.partner_username == partner,
                    PartnerRequest.cb_status == ACTIVE,
                    ~_answered(),
                )
                .limit(1)
            ).first()
            if waiting is not None:
                problems.append(
                    Problem(
                        "partner_username",
                        f"{partner} was asked on {_fmt(waiting)} and has not answered yet",
                    )
                )
        if problems:
            raise Invalid(problems)
        request = _add(
            uow.session,
            PartnerRequest,
            {
                "contact_id": contact_id,
                "partner_username": partner,
                "requested_by": actor.username,
                "requested_on": on,
                "question": question_text,
            },
            actor,
        )
        uow.commit()
        return request


def add_contribution(
    uow: UnitOfWork, *, request_id: str, text: str, actor: Actor, on: date
) -> PartnerContribution:
    """A partner adds what their agency knows, in answer to a request addressed to them,
    while the contact is undecided."""
    with uow:
        session = uow.session
        request = services.get(session, PartnerRequest, request_id)
        if request.partner_username != actor.username:
            raise Forbidden(
                "This request was addressed to another partner: only they can answer it."
            )
        if request.cb_status != ACTIVE:
            raise Invalid([Problem("request_id", f"this request is {_state(request)}")])
        _undecided_contact(
            session, request.contact_id, "partners can no longer add to it", show_decision=False
        )
        problems: list[Problem] = []
        body = _required(text, "text", problems, "say what your agency knows")
        _within(on, "on", request.requested_on, "the request", problems)
        if problems:
            raise Invalid(problems)
        contribution = _add(
            uow.session,
            PartnerContribution,
            {"request_id": request_id, "contributed_on": on, "text": body},
            actor,
        )
        uow.commit()
        return contribution


def decide(
    uow: UnitOfWork,
    *,
    contact_id: str,
    decision: str,
    reason: str,
    decided_on: date,
    expected_version: int,
    actor: Actor,
    primary_need: str | None = None,
    team_id: str | None = None,
) -> Decided:
    """Make the contact's threshold decision, once; REFERRAL and STRATEGY also open a
    referral with the child's ``primary_need``, in the same transaction, held by
    ``team_id`` (else the front door team)."""
    with uow:
        session = uow.session
        contact = _undecided_contact(
            session,
            contact_id,
            "a contact is decided once: a wrong decision is corrected by superseding "
            "the contact, not by deciding again",
        )
        problems: list[Problem] = []
        _code(session, "contact_decision", decision, "decision", problems)
        reason_text = _required(
            reason, "reason", problems, "say why: the reason is part of the record"
        )
        _within(decided_on, "decided_on", contact.cont_contact_date, "the contact", problems)
        opens = decision in OPENS_REFERRAL
        if opens and not primary_need:
            problems.append(
                Problem("primary_need", "is required: a referral records the child's primary need")
            )
        elif primary_need and not opens:
            problems.append(
                Problem("primary_need", "only a referral or a strategy discussion records one")
            )
        elif primary_need:
            _code(session, "primary_need", primary_need, "primary_need", problems)
        if opens and not problems:
            _no_open_referral(session, contact.cont_person_id, decided_on, problems)
        team = _referral_team(session, team_id, problems) if opens else None
        if problems:
            raise Invalid(problems)

        outcome: dict[str, str] = {"decision": decision}
        if opens:
            outcome["referral_id"] = services.new_id(CinEpisode)
        decided = _change(
            uow.session,
            Contact,
            contact_id,
            {
                "cb_decision": decision,
                "cb_decision_date": decided_on,
                "cb_decision_reason": reason_text,
                "cont_contact_outcome_json": json.dumps(outcome),
            },
            expected_version,
            actor,
        )
        referral = None
        if opens:
            referral = _add(
                uow.session,
                CinEpisode,
                {
                    "cine_referral_id": outcome["referral_id"],
                    "cine_person_id": contact.cont_person_id,
                    "cine_referral_date": decided_on,
                    "cine_referral_source_code": contact.cont_contact_source_code,
                    "cine_referral_source_desc": contact.cont_contact_source_desc,
                    "cine_cin_primary_need_code": primary_need,
                    "cine_referral_team": team,
                },
                actor,
            )
        uow.commit()
        return Decided(decided, referral)


def _referral_team(session: Session, team_id: str | None, problems: list[Problem]) -> str | None:
    """The team to hold a referral the decision opens: the one named, else the
    front door team (None only where the authority has marked none)."""
    if team_id is not None:
        known = session.scalar(
            select(Department.dept_team_id).where(
                Department.dept_team_id == team_id, Department.cb_status == ACTIVE
            )
        )
        if known is None:
            problems.append(Problem("team_id", "is not a team of the authority"))
        return known
    return session.scalar(
        select(Department.dept_team_id)
        .where(Department.cb_front_door == "Y", Department.cb_status == ACTIVE)
        .order_by(Department.dept_team_id)
        .limit(1)
    )


# --------------------------------------------------------------------------- reads


def decision_clock(session: Session, contact: Contact, on: date) -> Clock:
    """The contact's decision clock as at ``on``, with the timescale in force and
    the bank holidays."""
    return _clock(
        contact,
        on,
        load_timescales(session)["contact_decision"],
        WorkingCalendar.from_session(session),
    )


def open_contacts(session: Session, on: date) -> list[OpenContact]:
    """Contacts received by ``on`` and undecided on it, oldest first, with their clocks."""
    undecided = (
        Contact.cb_status == ACTIVE,
        Contact.cont_contact_date <= on,
        or_(Contact.cb_decision.is_(None), Contact.cb_decision_date > on),
    )
    contacts = session.scalars(
        select(Contact)
        .where(*undecided)
        .order_by(Contact.cont_contact_date, Contact.cont_contact_id)
    ).all()
    if not contacts:
        return []
    waiting: Mapping[str, int] = dict(
        session.execute(
            select(PartnerRequest.contact_id, func.count())
            .join(Contact, Contact.cont_contact_id == PartnerRequest.contact_id)
            .where(*undecided, PartnerRequest.cb_status == ACTIVE, ~_answered())
            .group_by(PartnerRequest.contact_id)
        ).all()
    )
    timescale = load_timescales(session)["contact_decision"]
    calendar = WorkingCalendar.from_session(session)
    return [
        OpenContact(c, _clock(c, on, timescale, calendar), waiting.get(c.cont_contact_id, 0))
        for c in contacts
    ]


def partner_requests_for(session: Session, username: str) -> list[PartnerAsk]:
    """What a partner has been asked: those they can still answer first, oldest first."""
    answered_on = (
        select(func.max(PartnerContribution.contributed_on))
        .where(
            PartnerContribution.request_id == PartnerRequest.id,
            PartnerContribution.cb_status == ACTIVE,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            PartnerRequest.id,
            PartnerRequest.contact_id,
            Contact.cont_contact_date,
            PartnerRequest.requested_on,
            PartnerRequest.requested_by,
            PartnerRequest.question,
            answered_on,
            Contact.cb_decision,
        )
        .join(Contact, Contact.cont_contact_id == PartnerRequest.contact_id)
        .where(
            PartnerRequest.partner_username == username,
            PartnerRequest.cb_status == ACTIVE,
            Contact.cb_status == ACTIVE,
        )
    ).all()
    asks = [
        PartnerAsk(rid, cid, cdate, asked, by, question, answered, decision is None)
        for rid, cid, cdate, asked, by, question, answered, decision in rows
    ]
    return sorted(asks, key=lambda a: (not a.can_contribute, a.requested_on, a.request_id))


# --------------------------------------------------------------------------- helpers

_UNIT_WORDS = {
    "working_days": "working day",
    "days": "day",
    "weeks": "week",
    "months": "month",
    "hours": "hour",
}


def _clock(contact: Contact, on: date, timescale: Timescale, calendar: WorkingCalendar) -> Clock:
    received = contact.cont_contact_date
    if received is None:
        raise Invalid([Problem("cont_contact_date", "the contact has no date, so no clock")])
    due = due_date(timescale, received, calendar)
    decided = contact.cb_decision_date
    if not contact.cb_decision or decided is None or decided > on:
        decided = None
    measured_from = decided or on
    if timescale.unit == "working_days":
        days = calendar.working_days_between(measured_from, due)
    else:
        days = (due - measured_from).days
    status = LATE if days < 0 else (MET if decided else OPEN)
    day = "working day" if timescale.unit == "working_days" else "day"
    if decided and status == MET:
        within = _count(timescale.amount, _UNIT_WORDS.get(timescale.unit, timescale.unit))
        label = f"Decided {_fmt(decided)}, within {within}"
    elif decided:
        label = f"Decided {_fmt(decided)}, {_count(-days, day)} late (due {_fmt(due)})"
    elif status == LATE:
        label = f"Decision overdue: was due {_fmt(due)}, {_count(-days, day)} late"
    else:
        left = "today" if days == 0 else f"{_count(days, day)} left"
        label = f"Decision due {_fmt(due)}, {left}"
    return Clock(contact.cont_contact_id, received, due, decided, status, days, label)


def _fmt(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _state(row: Contact | PartnerRequest | Person) -> str:
    return row.cb_status.replace("_", " ")


def _answered():
    """SQL: the partner request has an (active) contribution."""
    return exists().where(
        PartnerContribution.request_id == PartnerRequest.id,
        PartnerContribution.cb_status == ACTIVE,
    )


def _required(value: str | None, field: str, problems: list[Problem], hint: str = "") -> str:
    text = (value or "").strip()
    if not text:
        problems.append(Problem(field, f"is required{': ' + hint if hint else ''}"))
    return text


def _not_future(value: date | None, field: str, problems: list[Problem]) -> bool:
    if value is None:
        problems.append(Problem(field, "is required"))
        return False
    if value > date.today():
        problems.append(Problem(field, f"{_fmt(value)} is in the future"))
        return False
    return True


def _within(
    value: date | None, field: str, start: date | None, what: str, problems: list[Problem]
) -> None:
    """A date that is not in the future, nor before ``start`` (the date of ``what``)."""
    if _not_future(value, field, problems) and start is not None and value < start:
        problems.append(Problem(field, f"{_fmt(value)} is before {what} ({_fmt(start)})"))


def _person(session: Session, person_id: str, field: str, problems: list[Problem]) -> Person | None:
    person = session.get(Person, person_id) if person_id else None
    if person is None:
        problems.append(Problem(field, f"no person with id '{person_id}'"))
    elif person.cb_status != ACTIVE:
        problems.append(Problem(field, f"the record of '{person_id}' is {_state(person)}"))
        return None
    return person


def _code(
    session: Session, list_name: str, code: str | None, field: str, problems: list[Problem]
) -> CodeValue | None:
    found = session.get(CodeValue, (list_name, code)) if code else None
    if found is not None and found.cb_status == ACTIVE:
        return found
    choices = session.scalars(
        select(CodeValue.code)
        .where(CodeValue.list_name == list_name, CodeValue.cb_status == ACTIVE)
        .order_by(CodeValue.sort_order, CodeValue.code)
    ).all()
    problems.append(
        Problem(
            field, f"'{code or ''}' is not a code in the {list_name} list: {', '.join(choices)}"
        )
    )
    return None


def _undecided_contact(
    session: Session, contact_id: str, why_refused: str, *, show_decision: bool = True
) -> Contact:
    """The contact, in use and not yet decided; Conflict (saying ``why_refused``) once
    decided. A partner is not told what the decision was (``show_decision=False``)."""
    contact = services.get(session, Contact, contact_id)
    if contact.cb_status != ACTIVE:
        raise Invalid([Problem("contact_id", f"this contact is {_state(contact)}")])
    if contact.cb_decision is not None:
        when = f" on {_fmt(contact.cb_decision_date)}" if contact.cb_decision_date else ""
        what = f" ({contact.cb_decision})" if show_decision else ""
        raise Conflict(f"Contact {contact_id} was already decided{when}{what}: {why_refused}.")
    return contact


def _no_open_referral(
    session: Session, person_id: str | None, on: date, problems: list[Problem]
) -> None:
    """A child has one open referral at a time; refuse a decision that would open a second."""
    open_referral = session.execute(
        select(CinEpisode.cine_referral_id, CinEpisode.cine_referral_date)
        .where(
            CinEpisode.cine_person_id == person_id,
            CinEpisode.cb_status == ACTIVE,
            or_(CinEpisode.cine_close_date.is_(None), CinEpisode.cine_close_date > on),
        )
        .order_by(CinEpisode.cine_referral_date)
        .limit(1)
    ).first()
    if open_referral is not None:
        referral_id, since = open_referral
        started = f" since {_fmt(since)}" if since else ""
        problems.append(
            Problem(
                "decision",
                f"the child already has an open referral ({referral_id}{started}): "
                "a new worry about an open case goes to the allocated worker",
            )
        )
