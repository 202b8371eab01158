"""The front door (MASH) services and its decision clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record import front_door, services
from casebook.record.errors import Conflict, Forbidden, Invalid, NotFound
from casebook.record.front_door import (
    LATE,
    MET,
    OPEN,
    PartnerAsk,
    add_contribution,
    ask_partner,
    decide,
    decision_clock,
    open_contacts,
    partner_requests_for,
    record_contact,
)
from casebook.record.models import (
    CinEpisode,
    Contact,
    ContactPerson,
    HistoryEntry,
    PartnerContribution,
    PartnerRequest,
    Person,
    TimescaleSetting,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork

MASH = Actor("mash.rowan")
POLICE = Actor("police.ivo")
HEALTH = Actor("health.juno")


# --------------------------------------------------------------------------- helpers


def _person(session: Session, person_id: str, kind: str = "child") -> Person:
    return services.create(
        UnitOfWork(session=session),
        Person,
        {
            "pers_person_id": person_id,
            "pers_forename": "Wren" if kind == "child" else "Orrin",
            "pers_surname": "Halloway",
            "pers_dob": "2016-05-04" if kind == "child" else "1988-09-12",
            "cb_person_type": kind,
        },
        MASH,
    )


@pytest.fixture
def family(db_session: Session) -> Session:
    """A child (FD-C1), their sibling (FD-C2) and their father (FD-A1)."""
    _person(db_session, "FD-C1")
    _person(db_session, "FD-C2")
    _person(db_session, "FD-A1", kind="adult")
    return db_session


def _contact(session: Session, on: date = date(2025, 1, 15), **overrides) -> Contact:
    values = {
        "person_id": "FD-C1",
        "contact_date": on,
        "source_code": "2A",
        "who": "Designated safeguarding lead, Larkspur Primary",
        "concerns": "Bruise on the cheek; says dad was angry.",
        "actor": MASH,
        **overrides,
    }
    return record_contact(UnitOfWork(session=session), **values)


def _ask(session: Session, contact: Contact, partner: Actor = POLICE, on=date(2025, 1, 15)):
    return ask_partner(
        UnitOfWork(session=session),
        contact_id=contact.cont_contact_id,
        partner_username=partner.username,
        question="Any call-outs to the address?",
        actor=MASH,
        on=on,
    )


def _answer(session: Session, request: PartnerRequest, actor: Actor = POLICE, on=date(2025, 1, 15)):
    return add_contribution(
        UnitOfWork(session=session),
        request_id=request.id,
        text="Two domestic call-outs in 2024.",
        actor=actor,
        on=on,
    )


def _decide(session: Session, contact: Contact, decision: str = "NFA", **overrides):
    values = {
        "contact_id": contact.cont_contact_id,
        "decision": decision,
        "reason": "Below threshold; school will monitor.",
        "decided_on": contact.cont_contact_date + timedelta(days=1),
        "expected_version": contact.cb_version,
        "actor": MASH,
        **overrides,
    }
    return decide(UnitOfWork(session=session), **values)


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _fields(caught: pytest.ExceptionInfo[Invalid]) -> set[str]:
    return {p.field for p in caught.value.problems}


# --------------------------------------------------------------------------- record_contact


def test_a_contact_is_recorded_with_the_people_it_names_and_their_history(family):
    contact = _contact(family, named=[("FD-C2", "sibling"), ("FD-A1", "father")])

    assert contact.cont_person_id == "FD-C1"
    assert contact.cont_contact_source_code == "2A"
    assert contact.cont_contact_source_desc == "schools"
    assert contact.cb_decision is None
    named = family.scalars(
        select(ContactPerson).where(ContactPerson.contact_id == contact.cont_contact_id)
    ).all()
    assert {(n.person_id, n.role_in_contact) for n in named} == {
        ("FD-C2", "sibling"),
        ("FD-A1", "father"),
    }
    history = family.scalars(
        select(HistoryEntry).where(HistoryEntry.table_name.in_(["ssd_contacts", "contact_person"]))
    ).all()
    assert sorted(h.table_name for h in history) == [
        "contact_person",
        "contact_person",
        "ssd_contacts",
    ]
    assert {h.actor for h in history} == {"mash.rowan"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"person_id": "FD-A1"}, "person_id", "is not a child"),
        ({"person_id": "NOBODY"}, "person_id", "no person with id 'NOBODY'"),
        ({"contact_date": date.today() + timedelta(days=1)}, "contact_date", "in the future"),
        ({"source_code": "99"}, "source_code", "not a code in the referral_source list"),
        ({"who": "  "}, "who", "is required"),
        ({"concerns": ""}, "concerns", "is required"),
        ({"named": [("NOBODY", "uncle")]}, "named[0]", "no person with id 'NOBODY'"),
        ({"named": [("FD-A1", "")]}, "named[0]", "give their role"),
        ({"named": [("FD-C1", "self")]}, "named[0]", "named more than once"),
    ],
)
def test_a_bad_contact_is_refused_naming_the_field_and_nothing_is_written(
    family, overrides, field, message
):
    history, contacts = _count(family, HistoryEntry), _count(family, Contact)
    with pytest.raises(Invalid) as caught:
        _contact(family, **overrides)
    assert any(p.field == field and message in p.message for p in caught.value.problems)
    assert (_count(family, HistoryEntry), _count(family, Contact)) == (history, contacts)
    assert _count(family, ContactPerson) == 0


def test_every_problem_with_a_contact_is_reported_at_once(family):
    with pytest.raises(Invalid) as caught:
        _contact(family, person_id="FD-A1", source_code="X", concerns="", named=[("NOBODY", "")])
    assert _fields(caught) == {"person_id", "source_code", "concerns", "named[0]"}


# --------------------------------------------------------------------------- ask_partner


def test_the_mash_asks_a_partner(family):
    contact = _contact(family)
    request = _ask(family, contact)
    assert (request.contact_id, request.partner_username) == (contact.cont_contact_id, "police.ivo")
    assert (request.requested_by, request.requested_on) == ("mash.rowan", date(2025, 1, 15))
    (entry,) = family.scalars(
        select(HistoryEntry).where(HistoryEntry.table_name == "partner_request")
    ).all()
    assert entry.action == "create"


def test_one_open_request_per_partner_per_contact(family):
    contact = _contact(family)
    first = _ask(family, contact)
    with pytest.raises(Invalid) as caught:
        _ask(family, contact)
    assert _fields(caught) == {"partner_username"}
    assert "was asked on 15 Jan 2025 and has not answered yet" in str(caught.value)
    _ask(family, contact, partner=HEALTH)  # another partner may be asked
    _answer(family, first)
    _ask(family, contact)  # once answered, the partner may be asked again
    assert _count(family, PartnerRequest) == 3


def test_partners_cannot_be_asked_about_a_decided_contact(family):
    contact = _contact(family)
    _decide(family, contact)
    with pytest.raises(Conflict, match="already decided on 16 Jan 2025 .NFA.: partners can no"):
        _ask(family, contact, on=date(2025, 1, 16))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"partner_username": ""}, "partner_username", "is required"),
        ({"question": " "}, "question", "is required"),
        ({"on": date(2025, 1, 14)}, "on", "before the contact (15 Jan 2025)"),
        ({"on": date.today() + timedelta(days=1)}, "on", "in the future"),
    ],
)
def test_a_bad_request_is_refused_naming_the_field(family, overrides, field, message):
    contact = _contact(family)
    values = {
        "contact_id": contact.cont_contact_id,
        "partner_username": "police.ivo",
        "question": "Anything known?",
        "actor": MASH,
        "on": date(2025, 1, 15),
        **overrides,
    }
    with pytest.raises(Invalid) as caught:
        ask_partner(UnitOfWork(session=family), **values)
    assert any(p.field == field and message in p.message for p in caught.value.problems)
    assert _count(family, PartnerRequest) == 0


def test_asking_about_an_unknown_contact_is_not_found(family):
    with pytest.raises(NotFound):
        ask_partner(
            UnitOfWork(session=family),
            contact_id="NO-SUCH",
            partner_username="police.ivo",
            question="?",
            actor=MASH,
            on=date(2025, 1, 15),
        )


# --------------------------------------------------------------------------- add_contribution


def test_the_partner_asked_adds_what_their_agency_knows(family):
    request = _ask(family, _contact(family))
    contribution = _answer(family, request)
    assert (contribution.request_id, contribution.contributed_on) == (request.id, date(2025, 1, 15))
    assert contribution.text == "Two domestic call-outs in 2024."
    (entry,) = family.scalars(
        select(HistoryEntry).where(HistoryEntry.table_name == "partner_contribution")
    ).all()
    assert entry.actor == "police.ivo"


@pytest.mark.parametrize("intruder", [HEALTH, MASH])
def test_only_the_partner_asked_may_answer(family, intruder):
    request = _ask(family, _contact(family))
    with pytest.raises(Forbidden, match="addressed to another partner"):
        _answer(family, request, actor=intruder)
    assert _count(family, PartnerContribution) == 0


def test_no_contribution_after_the_decision(family):
    contact = _contact(family)
    request = _ask(family, contact)
    _decide(family, contact)
    with pytest.raises(Conflict, match="decided on 16 Jan 2025: partners can no longer add") as e:
        _answer(family, request, on=date(2025, 1, 16))
    assert "NFA" not in str(e.value)  # the partner is not told what the MASH decided
    assert _count(family, PartnerContribution) == 0


def test_a_bad_contribution_is_refused_naming_the_field(family):
    request = _ask(family, _contact(family))
    with pytest.raises(Invalid) as caught:
        add_contribution(
            UnitOfWork(session=family),
            request_id=request.id,
            text="",
            actor=POLICE,
            on=date(2025, 1, 14),
        )
    assert _fields(caught) == {"text", "on"}
    with pytest.raises(NotFound):
        add_contribution(
            UnitOfWork(session=family), request_id="NONE", text="x", actor=POLICE, on=date.today()
        )


# --------------------------------------------------------------------------- decide


def test_a_decision_is_recorded_once_with_its_reason(family):
    contact = _contact(family)
    result = _decide(family, contact, "ADVICE")

    assert result.referral is None
    decided = result.contact
    assert (decided.cb_decision, decided.cb_decision_date) == ("ADVICE", date(2025, 1, 16))
    assert decided.cb_decision_reason == "Below threshold; school will monitor."
    assert json.loads(decided.cont_contact_outcome_json) == {"decision": "ADVICE"}
    assert decided.cb_version == 2
    entry = family.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.record_id == decided.cont_contact_id)
        .order_by(HistoryEntry.id)
    ).all()[-1]
    assert entry.action == "update"
    assert json.loads(entry.before_json)["cb_decision"] is None
    assert json.loads(entry.after_json)["cb_decision"] == "ADVICE"
    assert _count(family, CinEpisode) == 0


@pytest.mark.parametrize("decision", ["REFERRAL", "STRATEGY"])
def test_a_referral_or_strategy_decision_opens_a_referral(family, decision):
    contact = _contact(family, source_code="6")
    result = _decide(family, contact, decision, primary_need="N1")

    referral = result.referral
    assert referral is not None
    assert referral.cine_person_id == "FD-C1"
    assert referral.cine_referral_date == date(2025, 1, 16)
    assert (referral.cine_referral_source_code, referral.cine_referral_source_desc) == (
        "6",
        "police",
    )
    assert referral.cine_cin_primary_need_code == "N1"
    assert json.loads(result.contact.cont_contact_outcome_json) == {
        "decision": decision,
        "referral_id": referral.cine_referral_id,
    }
    created = family.scalars(
        select(HistoryEntry.action).where(HistoryEntry.record_id == referral.cine_referral_id)
    ).all()
    assert created == ["create"]


def test_the_referral_is_written_in_the_decisions_transaction(family, monkeypatch):
    """If opening the referral fails, the decision is not kept either."""
    contact = _contact(family)
    history = _count(family, HistoryEntry)
    real_add = front_door._add

    def failing_add(session, model, values, actor):
        if model is CinEpisode:
            assert session.get(Contact, contact.cont_contact_id).cb_decision == "REFERRAL"
            raise RuntimeError("the database went away")
        return real_add(session, model, values, actor)

    monkeypatch.setattr(front_door, "_add", failing_add)
    with pytest.raises(RuntimeError):
        _decide(family, contact, "REFERRAL", primary_need="N1")

    family.expire_all()
    kept = family.get(Contact, contact.cont_contact_id)
    assert (kept.cb_decision, kept.cb_decision_date, kept.cb_version) == (None, None, 1)
    assert _count(family, HistoryEntry) == history
    assert _count(family, CinEpisode) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"decision": "MAYBE"}, "decision", "REFERRAL, STRATEGY"),
        ({"reason": " "}, "reason", "is required"),
        ({"decided_on": date(2025, 1, 14)}, "decided_on", "before the contact (15 Jan 2025)"),
        ({"decided_on": date.today() + timedelta(days=1)}, "decided_on", "in the future"),
        ({"decision": "REFERRAL"}, "primary_need", "is required"),
        ({"decision": "STRATEGY"}, "primary_need", "is required"),
        ({"decision": "REFERRAL", "primary_need": "N99"}, "primary_need", "primary_need list"),
        ({"decision": "NFA", "primary_need": "N1"}, "primary_need", "only a referral"),
    ],
)
def test_a_refused_decision_writes_nothing(family, overrides, field, message):
    contact = _contact(family)
    history = _count(family, HistoryEntry)
    with pytest.raises(Invalid) as caught:
        _decide(family, contact, **overrides)
    assert any(p.field == field and message in p.message for p in caught.value.problems)

    family.expire_all()
    kept = family.get(Contact, contact.cont_contact_id)
    assert (kept.cb_decision, kept.cb_decision_reason, kept.cont_contact_outcome_json) == (
        None,
        None,
        None,
    )
    assert kept.cb_version == 1
    assert _count(family, HistoryEntry) == history
    assert _count(family, CinEpisode) == 0


def test_every_problem_with_a_decision_is_reported_at_once(family):
    contact = _contact(family)
    with pytest.raises(Invalid) as caught:
        _decide(family, contact, "REFERRAL", reason="", decided_on=date(2025, 1, 1))
    assert _fields(caught) == {"reason", "decided_on", "primary_need"}


def test_a_second_decision_is_refused_with_a_clear_message(family):
    contact = _contact(family)
    first = _decide(family, contact, "EARLY_HELP").contact
    history = _count(family, HistoryEntry)
    with pytest.raises(Conflict) as caught:
        _decide(family, first, "REFERRAL", primary_need="N1", expected_version=first.cb_version)
    assert str(caught.value) == (
        f"Contact {contact.cont_contact_id} was already decided on 16 Jan 2025 (EARLY_HELP): "
        "a contact is decided once: a wrong decision is corrected by superseding the contact, "
        "not by deciding again."
    )
    assert family.get(Contact, contact.cont_contact_id).cb_decision == "EARLY_HELP"
    assert _count(family, HistoryEntry) == history
    assert _count(family, CinEpisode) == 0


def test_a_decision_on_a_stale_screen_is_refused(family):
    contact = _contact(family)
    services.update(
        UnitOfWork(session=family),
        Contact,
        contact.cont_contact_id,
        {"cb_concerns": "Bruise on the cheek and the arm."},
        expected_version=1,
        actor=Actor("mash.other"),
    )
    with pytest.raises(Conflict, match="you saw version 1, it is now version 2"):
        _decide(family, contact, expected_version=1)
    assert family.get(Contact, contact.cont_contact_id).cb_decision is None


def test_no_second_referral_while_one_is_open(family):
    services.create(
        UnitOfWork(session=family),
        CinEpisode,
        {
            "cine_referral_id": "FD-R1",
            "cine_person_id": "FD-C1",
            "cine_referral_date": "2024-11-04",
        },
        MASH,
    )
    contact = _contact(family)
    with pytest.raises(Invalid) as caught:
        _decide(family, contact, "REFERRAL", primary_need="N1")
    assert caught.value.problems[0].field == "decision"
    assert "already has an open referral (FD-R1 since 4 Nov 2024)" in str(caught.value)
    assert _count(family, CinEpisode) == 1


def test_deciding_an_unknown_contact_is_not_found(family):
    with pytest.raises(NotFound):
        decide(
            UnitOfWork(session=family),
            contact_id="NO-SUCH",
            decision="NFA",
            reason="x",
            decided_on=date(2025, 1, 16),
            expected_version=1,
            actor=MASH,
        )


# --------------------------------------------------------------------------- decision_clock


def test_christmas_eve_is_due_after_the_bank_holidays_and_the_weekend(family):
    contact = _contact(family, on=date(2025, 12, 24))  # a Wednesday
    clock = decision_clock(family, contact, date(2025, 12, 24))
    assert clock.due == date(2025, 12, 29)  # 25, 26 Dec holidays; 27, 28 weekend
    assert (clock.status, clock.days_left) == (OPEN, 1)
    assert clock.label == "Decision due 29 Dec 2025, 1 working day left"
    # Over the holidays it is still one working day away, then due today.
    assert decision_clock(family, contact, date(2025, 12, 27)).days_left == 1
    assert decision_clock(family, contact, date(2025, 12, 29)).label == (
        "Decision due 29 Dec 2025, today"
    )


@pytest.mark.parametrize(
    ("friday", "due"),
    [
        (date(2025, 1, 10), date(2025, 1, 13)),  # due Monday
        (date(2025, 5, 2), date(2025, 5, 6)),  # Monday 5 May a bank holiday: due Tuesday
    ],
)
def test_a_contact_on_a_friday_is_due_the_next_working_day(family, friday, due):
    contact = _contact(family, on=friday)
    clock = decision_clock(family, contact, friday)
    assert (clock.received, clock.due, clock.days_left) == (friday, due, 1)


def test_a_clock_settles_as_met_or_late(family):
    contact = _contact(family)  # Wednesday 15 Jan 2025, due Thursday 16 Jan
    overdue = decision_clock(family, contact, date(2025, 1, 20))
    assert (overdue.status, overdue.days_left, overdue.overdue) == (LATE, -2, True)
    assert overdue.label == "Decision overdue: was due 16 Jan 2025, 2 working days late"

    decided = _decide(family, contact, decided_on=date(2025, 1, 16)).contact
    met = decision_clock(family, decided, date(2025, 2, 1))
    assert (met.status, met.decided, met.days_left, met.overdue) == (
        MET,
        date(2025, 1, 16),
        0,
        False,
    )
    assert met.label == "Decided 16 Jan 2025, within 1 working day"
    # As at a date before the decision, it was still open.
    assert decision_clock(family, decided, date(2025, 1, 15)).status == OPEN


def test_a_late_decision(family):
    contact = _contact(family)
    decided = _decide(family, contact, decided_on=date(2025, 1, 17)).contact
    clock = decision_clock(family, decided, date(2025, 1, 31))
    assert (clock.status, clock.days_left, clock.overdue) == (LATE, -1, False)
    assert clock.label == "Decided 17 Jan 2025, 1 working day late (due 16 Jan 2025)"


def test_the_clock_uses_the_authoritys_timescale(family):
    services.create(
        UnitOfWork(session=family),
        TimescaleSetting,
        {"key": "contact_decision", "amount": 2, "unit": "working_days"},
        MASH,
    )
    contact = _contact(family)
    clock = decision_clock(family, contact, date(2025, 1, 15))
    assert (clock.due, clock.days_left) == (date(2025, 1, 17), 2)
    assert clock.label == "Decision due 17 Jan 2025, 2 working days left"


# --------------------------------------------------------------------------- reads


def test_open_contacts_are_the_undecided_ones_oldest_first_with_their_clocks(family):
    newer = _contact(family, on=date(2025, 1, 15))
    older = _contact(family, on=date(2025, 1, 13), person_id="FD-C2")
    decided = _contact(family, on=date(2025, 1, 10))
    _decide(family, decided)
    wrong = _contact(family, on=date(2025, 1, 9))
    services.mark_entered_in_error(
        UnitOfWork(session=family), Contact, wrong.cont_contact_id, "wrong child", 1, MASH
    )
    _contact(family, on=date(2025, 1, 17))  # not yet received on the 16th
    asked = _ask(family, newer)
    _ask(family, newer, partner=HEALTH)
    _answer(family, asked)

    listed = open_contacts(family, date(2025, 1, 16))

    assert [o.contact.cont_contact_id for o in listed] == [
        older.cont_contact_id,
        newer.cont_contact_id,
    ]
    assert [o.clock.status for o in listed] == [LATE, OPEN]
    assert listed[1].clock.label == "Decision due 16 Jan 2025, today"
    assert [o.partners_waiting for o in listed] == [0, 1]
    # As at the day before its decision, the decided contact was open too.
    assert decided.cont_contact_id in {
        o.contact.cont_contact_id for o in open_contacts(family, date(2025, 1, 10))
    }


def test_a_partner_sees_what_they_were_asked_and_no_more(family):
    first = _contact(family, on=date(2025, 1, 13))
    second = _contact(family, on=date(2025, 1, 15), person_id="FD-C2")
    answered = _ask(family, first, on=date(2025, 1, 13))
    _answer(family, answered, on=date(2025, 1, 14))
    _decide(family, first)
    waiting = _ask(family, second)
    _ask(family, second, partner=HEALTH)

    asks = partner_requests_for(family, "police.ivo")

    assert [a.request_id for a in asks] == [waiting.id, answered.id]  # still to answer first
    assert asks[0] == PartnerAsk(
        request_id=waiting.id,
        contact_id=second.cont_contact_id,
        contact_date=date(2025, 1, 15),
        requested_on=date(2025, 1, 15),
        requested_by="mash.rowan",
        question="Any call-outs to the address?",
        answered_on=None,
        can_contribute=True,
    )
    assert (asks[1].answered_on, asks[1].can_contribute) == (date(2025, 1, 14), False)
    # Nothing about the child or the concerns travels with a request.
    assert {f.name for f in fields(PartnerAsk)}.isdisjoint(
        {"person_id", "concerns", "who", "decision", "reason"}
    )
    assert partner_requests_for(family, "nobody") == []
