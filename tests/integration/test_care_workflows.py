"""The workflow steps of care, performed through the framework on SQLite and PostgreSQL:
each allowed or refused by the child's state (with the reason), each impossible
sequence refused with a message saying why and nothing written, the writes and
their history in one transaction, and the clock each form shows."""

from __future__ import annotations

from datetime import date
from itertools import count

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Invalid
from casebook.record.models import (
    CareLeaver,
    CareLeaverContact,
    ClaEpisode,
    ClaHealth,
    ClaImmunisation,
    ClaPlacement,
    EducationPlan,
    ExploitationScreening,
    HistoryEntry,
    LegalStatus,
    Missing,
    Permanence,
    Person,
    SdqScore,
)
from casebook.record.models.exploitation import MaceMeeting
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.record.workflows import care_entry, care_steps
from casebook.record.workflows.framework import (
    NotAvailable,
    child_state,
    clock_for,
    perform,
    step,
)

WORKER = Actor("sw.care")
_ids = count(1)

PLACEMENT = {
    "placement_type": "U6",
    "placement_provider": "PR1",
    "placement_postcode": "ls1 4ap",
    "placement_distance": "4.5",
    "placement_urn": "SC123456",
}


def _child(session: Session, dob: str = "2015-03-01") -> str:
    person_id = f"CARE-{next(_ids)}"
    services.create(
        UnitOfWork(session=session),
        Person,
        {"pers_person_id": person_id, "pers_forename": "Ash", "pers_dob": dob},
        WORKER,
    )
    return person_id


def _do(session: Session, person_id: str, key: str, values: dict, today: date):
    return perform(session, WORKER, person_id, key, values, today).result


def _problems(exc: pytest.ExceptionInfo[Invalid]) -> dict[str, str]:
    return {p.field: p.message for p in exc.value.problems}


def _in_care(session: Session, person_id: str, start: str = "2024-06-03", **extra) -> None:
    values = {"start_date": start, "legal_status": "C1", "primary_need": "N1", **PLACEMENT}
    values.update(extra)
    _do(session, person_id, "care_start", values, date(2025, 1, 6))


def _count(session: Session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return session.scalar(query)


def _episodes(session: Session, person_id: str) -> list[ClaEpisode]:
    return list(
        session.scalars(
            select(ClaEpisode)
            .where(ClaEpisode.clae_person_id == person_id)
            .order_by(ClaEpisode.clae_cla_episode_start_date, ClaEpisode.clae_cla_episode_id)
        )
    )


def test_every_care_step_is_registered() -> None:
    keys = {s.key for s in care_steps.CARE_STEPS}
    assert {
        "care_start",
        "care_placement_change",
        "care_legal_status",
        "care_leave",
        "cla_review",
        "health_assessment",
        "dental_check",
        "personal_education_plan",
        "sdq_score",
        "missing_episode",
        "missing_return",
        "return_interview",
        "exploitation_screening",
        "mace_meeting",
        "care_leaver_contact",
        "adoption_milestone",
        "special_guardianship",
    } <= keys
    assert all(step(k).area for k in keys)


# --------------------------------------------------------------------------- coming into care


def test_coming_into_care_writes_episode_legal_status_placement_and_history(
    db_session: Session,
) -> None:
    child = _child(db_session)
    episode = _do(
        db_session,
        child,
        "care_start",
        {"start_date": "2024-06-03", "legal_status": "C1", "primary_need": "N1", **PLACEMENT},
        date(2025, 1, 6),
    )
    assert episode.clae_cla_episode_start_reason == "S"
    assert episode.clae_entered_care_date == date(2024, 6, 3)
    placement = db_session.get(ClaPlacement, episode.clae_cla_placement_id)
    assert placement.clap_cla_id == episode.clae_cla_id
    assert placement.clap_cla_placement_postcode == "LS1 4AP"
    assert placement.clap_cla_placement_distance == 4.5
    legal = db_session.scalars(select(LegalStatus).where(LegalStatus.lega_person_id == child)).one()
    assert legal.lega_legal_status == "C1"
    written = {
        h.table_name
        for h in db_session.scalars(
            select(HistoryEntry).where(HistoryEntry.actor == WORKER.username)
        )
    }
    assert {"ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status"} <= written


def test_coming_into_care_refused_while_looked_after(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child)
    with pytest.raises(NotAvailable, match="already looked after"):
        _in_care(db_session, child, start="2024-09-01")


def test_a_second_open_cla_episode_is_refused(db_session: Session) -> None:
    child = _child(db_session)
    # an imported episode, open, starting after the day the step is taken
    db_session.add(
        ClaEpisode(
            clae_cla_episode_id="IMP-1",
            clae_person_id=child,
            clae_cla_episode_start_date=date(2025, 2, 1),
            clae_cla_id="IMP-CLA",
        )
    )
    db_session.flush()
    with pytest.raises(Invalid) as exc:
        _in_care(db_session, child, start="2024-06-03")
    assert "second period of care" in _problems(exc)["start_date"]
    assert _count(db_session, ClaPlacement, clap_person_id=child) == 0


def test_dates_before_birth_or_in_the_future_are_refused(db_session: Session) -> None:
    child = _child(db_session, dob="2015-03-01")
    with pytest.raises(Invalid) as exc:
        _in_care(db_session, child, start="2015-02-01")
    assert "before the child was born" in _problems(exc)["start_date"]
    with pytest.raises(Invalid) as exc:
        _in_care(db_session, child, start="2025-02-01")
    assert "today or in the past" in _problems(exc)["start_date"]
    assert _count(db_session, ClaEpisode, clae_person_id=child) == 0


def test_a_new_period_cannot_start_before_the_last_one_ended(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-01-08")
    _do(
        db_session,
        child,
        "care_leave",
        {"end_date": "2024-05-01", "reason": "E4A"},
        date(2025, 1, 6),
    )
    with pytest.raises(Invalid) as exc:
        _in_care(db_session, child, start="2024-04-01")
    assert "previous period of care ended, 1 May 2024" in _problems(exc)["start_date"]
    with pytest.raises(Invalid) as exc:
        _in_care(db_session, child, start="2024-05-01")
    assert "must be after" in _problems(exc)["start_date"]
    _in_care(db_session, child, start="2024-05-02")
    assert len({e.clae_cla_id for e in _episodes(db_session, child)}) == 2


def test_placement_fields_are_checked(db_session: Session) -> None:
    child = _child(db_session)
    with pytest.raises(Invalid) as exc:
        _in_care(db_session, child, placement_postcode="nowhere", placement_distance="far")
    problems = _problems(exc)
    assert "postcode" in problems["placement_postcode"]
    assert "number of miles" in problems["placement_distance"]


def test_nothing_is_half_written_when_a_later_write_fails(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _child(db_session)
    real_add = care_entry.add

    def failing_add(session, model, values, actor):
        if model is ClaEpisode:  # the third write: placement and legal status are written
            raise Invalid([services.Problem("start_date", "refused for the test")])
        return real_add(session, model, values, actor)

    monkeypatch.setattr(care_entry, "add", failing_add)
    before = _count(db_session, HistoryEntry)
    with pytest.raises(Invalid):
        _in_care(db_session, child)
    assert _count(db_session, ClaPlacement, clap_person_id=child) == 0
    assert _count(db_session, LegalStatus, lega_person_id=child) == 0
    assert _count(db_session, HistoryEntry) == before


# --------------------------------------------------------------------------- placements


def test_placement_change_refused_for_a_child_not_looked_after(db_session: Session) -> None:
    child = _child(db_session)
    values = {"change_date": "2024-08-01", "change_reason": "CARPL", "same_carer": "N"}
    with pytest.raises(NotAvailable, match="record coming into care first"):
        _do(db_session, child, "care_placement_change", {**values, **PLACEMENT}, date(2025, 1, 6))


def test_placement_change_after_leaving_care_is_refused(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child)
    _do(
        db_session,
        child,
        "care_leave",
        {"end_date": "2024-09-02", "reason": "E4A"},
        date(2025, 1, 6),
    )
    values = {"change_date": "2024-10-01", "change_reason": "CARPL", "same_carer": "N"}
    with pytest.raises(NotAvailable, match="left care on 2 Sep 2024"):
        _do(db_session, child, "care_placement_change", {**values, **PLACEMENT}, date(2025, 1, 6))


def test_placement_cannot_start_before_the_episode(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    values = {"change_date": "2024-05-01", "change_reason": "CARPL", "same_carer": "N"}
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "care_placement_change", {**values, **PLACEMENT}, date(2025, 1, 6))
    assert "came into care, 3 Jun 2024" in _problems(exc)["change_date"]
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "care_placement_change",
            {**values, "change_date": "2024-06-03", **PLACEMENT},
            date(2025, 1, 6),
        )
    assert "after the current placement started" in _problems(exc)["change_date"]
    assert len(_episodes(db_session, child)) == 1


def test_placement_change_ends_the_old_one_and_starts_a_new_episode(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    values = {"change_date": "2024-08-01", "change_reason": "CREQB", "same_carer": "N"}
    new = _do(
        db_session,
        child,
        "care_placement_change",
        {**values, **PLACEMENT, "placement_type": "K2", "placement_provider": "PR4"},
        date(2025, 1, 6),
    )
    first, second = _episodes(db_session, child)
    assert (first.clae_cla_episode_ceased_date, first.clae_cla_episode_ceased_reason) == (
        date(2024, 8, 1),
        "X1",
    )
    assert second.clae_cla_episode_start_reason == "P"
    assert second.clae_cla_placement_id == new.clap_cla_placement_id
    assert second.clae_cla_id == first.clae_cla_id
    assert second.clae_entered_care_date == date(2024, 6, 3)
    old = db_session.get(ClaPlacement, first.clae_cla_placement_id)
    assert (old.clap_cla_placement_end_date, old.clap_cla_placement_change_reason) == (
        date(2024, 8, 1),
        "CREQB",
    )


def test_same_day_legal_status_and_placement_change_is_one_episode_b(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    today = date(2025, 1, 6)
    _do(
        db_session,
        child,
        "care_legal_status",
        {"change_date": "2024-09-02", "legal_status": "C2"},
        today,
    )
    values = {"change_date": "2024-09-02", "change_reason": "CARPL", "same_carer": "Y"}
    _do(db_session, child, "care_placement_change", {**values, **PLACEMENT}, today)
    reasons = [e.clae_cla_episode_start_reason for e in _episodes(db_session, child)]
    assert reasons == ["S", "U"]


# --------------------------------------------------------------------------- legal status, leaving


def test_change_of_legal_status(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    today = date(2025, 1, 6)
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "care_legal_status",
            {"change_date": "2024-09-02", "legal_status": "C1"},
            today,
        )
    assert "already the child's legal status" in _problems(exc)["legal_status"]
    new = _do(
        db_session,
        child,
        "care_legal_status",
        {"change_date": "2024-09-02", "legal_status": "C2"},
        today,
    )
    assert new.lega_legal_status == "C2"
    statuses = db_session.scalars(
        select(LegalStatus)
        .where(LegalStatus.lega_person_id == child)
        .order_by(LegalStatus.lega_legal_status_start_date)
    ).all()
    assert [s.lega_legal_status_end_date for s in statuses] == [date(2024, 9, 2), None]
    assert [e.clae_cla_episode_start_reason for e in _episodes(db_session, child)] == ["S", "L"]


def test_leaving_care_before_coming_in_is_refused(db_session: Session) -> None:
    child = _child(db_session)
    today = date(2025, 1, 6)
    with pytest.raises(NotAvailable, match="not looked after"):
        _do(db_session, child, "care_leave", {"end_date": "2024-09-02", "reason": "E4A"}, today)
    _in_care(db_session, child, start="2024-06-03")
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "care_leave", {"end_date": "2024-05-02", "reason": "E4A"}, today)
    assert "before the child came into care, 3 Jun 2024" in _problems(exc)["end_date"]
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "care_leave", {"end_date": "2024-09-02", "reason": "X1"}, today)
    assert "X1" in _problems(exc)["reason"]


def test_leaving_care_ends_episode_placement_and_legal_status(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    episode = _do(
        db_session,
        child,
        "care_leave",
        {"end_date": "2024-09-02", "reason": "E4A"},
        date(2025, 1, 6),
    )
    assert episode.clae_cla_episode_ceased_reason == "E4A"
    placement = db_session.get(ClaPlacement, episode.clae_cla_placement_id)
    assert placement.clap_cla_placement_end_date == date(2024, 9, 2)
    legal = db_session.scalars(select(LegalStatus).where(LegalStatus.lega_person_id == child)).one()
    assert legal.lega_legal_status_end_date == date(2024, 9, 2)
    assert not child_state(db_session, child, date(2025, 1, 6)).looked_after


# --------------------------------------------------------------------------- reviews and checks


def test_cla_review_clock_over_christmas_bank_holidays(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-12-16")
    today = date(2025, 1, 6)
    state = child_state(db_session, child, today)
    # 20 working days from 16 Dec 2024, skipping 25 and 26 Dec and 1 Jan: 16 Jan 2025
    assert clock_for(db_session, step("cla_review"), state, today) == (
        "First CLA review due 16 Jan 2025, 8 working days left"
    )


def test_cla_review_records_due_date_and_moves_the_clock_on(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-12-16")
    today = date(2025, 1, 20)
    review = _do(
        db_session,
        child,
        "cla_review",
        {"review_date": "2025-01-14", "participation": "PN1"},
        today,
    )
    assert review.clar_cla_review_due_date == date(2025, 1, 16)
    assert review.clar_cla_review_participation == "PN1"
    state = child_state(db_session, child, today)
    assert clock_for(db_session, step("cla_review"), state, today).startswith(
        "Second CLA review due 14 Apr 2025"
    )
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "cla_review",
            {"review_date": "2025-01-14", "participation": "PN1"},
            today,
        )
    assert "already recorded" in _problems(exc)["review_date"]


def test_cla_review_participation_rules(db_session: Session) -> None:
    toddler = _child(db_session, dob="2022-05-01")
    _in_care(db_session, toddler, start="2024-06-03")
    today = date(2025, 1, 6)
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            toddler,
            "cla_review",
            {"review_date": "2024-07-01", "participation": "PN1"},
            today,
        )
    assert "PN0" in _problems(exc)["participation"]
    with pytest.raises(Invalid) as exc:
        _do(db_session, toddler, "cla_review", {"review_date": "2024-07-01"}, today)
    assert "participation" in _problems(exc)
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            toddler,
            "cla_review",
            {"review_date": "2024-05-01", "participation": "PN0"},
            today,
        )
    assert "came into care" in _problems(exc)["review_date"]
    cancelled = _do(
        db_session, toddler, "cla_review", {"review_date": "2024-07-01", "cancelled": "yes"}, today
    )
    assert (cancelled.clar_cla_review_cancelled, cancelled.clar_cla_review_participation) == (
        "Y",
        None,
    )


def test_review_refused_for_a_child_not_looked_after(db_session: Session) -> None:
    child = _child(db_session)
    with pytest.raises(NotAvailable, match="not looked after"):
        _do(
            db_session,
            child,
            "cla_review",
            {"review_date": "2024-07-01", "participation": "PN1"},
            date(2025, 1, 6),
        )


def test_health_assessment_dental_check_and_their_clocks(db_session: Session) -> None:
    child = _child(db_session, dob="2021-02-01")
    _in_care(db_session, child, start="2024-06-03")
    today = date(2025, 1, 6)
    assert clock_for(
        db_session, step("health_assessment"), child_state(db_session, child, today), today
    ).startswith("Initial health assessment overdue")
    check = _do(
        db_session,
        child,
        "health_assessment",
        {"check_date": "2024-06-20", "status": "DONE", "immunisations": "Y"},
        today,
    )
    assert check.clah_health_check_type == "HEALTH_ASSESSMENT"
    assert _count(db_session, ClaImmunisation, clai_person_id=child) == 1
    state = child_state(db_session, child, today)
    # under 5: the review health assessment is 6-monthly
    assert clock_for(db_session, step("health_assessment"), state, today) == (
        "Health review (under 5) overdue: was due 20 Dec 2024, 17 days late"
    )
    _do(db_session, child, "dental_check", {"check_date": "2024-07-01", "status": "DONE"}, today)
    assert _count(db_session, ClaHealth, clah_person_id=child) == 2
    state = child_state(db_session, child, today)
    assert clock_for(db_session, step("dental_check"), state, today) == (
        "Dental check due 1 Jul 2025, 176 days left"
    )
    with pytest.raises(Invalid) as exc:
        _do(
            db_session, child, "dental_check", {"check_date": "2024-05-01", "status": "DONE"}, today
        )
    assert "came into care" in _problems(exc)["check_date"]


def test_pep_only_for_a_child_of_school_age(db_session: Session) -> None:
    baby = _child(db_session, dob="2023-05-01")
    _in_care(db_session, baby, start="2024-06-03")
    with pytest.raises(NotAvailable, match="aged 3 to 17"):
        _do(
            db_session,
            baby,
            "personal_education_plan",
            {"pep_date": "2024-07-01"},
            date(2025, 1, 6),
        )
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "personal_education_plan",
            {"pep_date": "2024-07-01", "school_urn": "12"},
            date(2025, 1, 6),
        )
    assert "6-digit" in _problems(exc)["school_urn"]
    pep = _do(
        db_session,
        child,
        "personal_education_plan",
        {"pep_date": "2024-07-01", "school_urn": "107654"},
        date(2025, 1, 6),
    )
    assert _count(db_session, EducationPlan, person_id=child) == 1
    assert pep.school_urn == "107654"


def test_sdq_needs_a_score_or_a_reason_not_both(db_session: Session) -> None:
    child = _child(db_session)
    _in_care(db_session, child, start="2024-06-03")
    today = date(2025, 1, 6)
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "sdq_score", {"sdq_date": "2024-09-01"}, today)
    assert "score" in _problems(exc)
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "sdq_score",
            {"sdq_date": "2024-09-01", "score": 12, "reason": "SDQ2"},
            today,
        )
    assert "reason" in _problems(exc)
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "sdq_score", {"sdq_date": "2024-09-01", "score": 41}, today)
    assert "40 or less" in _problems(exc)["score"]
    _do(db_session, child, "sdq_score", {"sdq_date": "2024-09-01", "score": 12}, today)
    assert _count(db_session, SdqScore, csdq_person_id=child, csdq_sdq_score="12") == 1
    state = child_state(db_session, child, today)
    assert "score 12 on 1 Sep 2024" in clock_for(db_session, step("sdq_score"), state, today)


# --------------------------------------------------------------------------- missing


def test_missing_episode_return_and_interview(db_session: Session) -> None:
    child = _child(db_session)
    today = date(2025, 1, 6)
    with pytest.raises(NotAvailable, match="no missing episode"):
        _do(
            db_session,
            child,
            "return_interview",
            {"offered_date": "2025-01-03", "accepted": "Y"},
            today,
        )
    _do(
        db_session,
        child,
        "missing_episode",
        {"start_date": "2025-01-02", "missing_type": "M"},
        today,
    )
    with pytest.raises(NotAvailable, match="already recorded missing since 2 Jan 2025"):
        _do(
            db_session,
            child,
            "missing_episode",
            {"start_date": "2025-01-03", "missing_type": "A"},
            today,
        )
    with pytest.raises(NotAvailable, match="has not returned"):
        _do(
            db_session,
            child,
            "return_interview",
            {"offered_date": "2025-01-03", "accepted": "Y"},
            today,
        )
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "missing_return", {"end_date": "2025-01-01"}, today)
    assert "before the child went missing" in _problems(exc)["end_date"]
    _do(db_session, child, "missing_return", {"end_date": "2025-01-03"}, today)
    state = child_state(db_session, child, today)
    assert clock_for(db_session, step("return_interview"), state, today) == (
        "Return home interview due 6 Jan 2025, today"
    )
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "return_interview",
            {"offered_date": "2025-01-02", "accepted": "Y"},
            today,
        )
    assert "before the child returned" in _problems(exc)["offered_date"]
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "return_interview",
            {"offered_date": "2025-01-04", "accepted": "N", "done_date": "2025-01-05"},
            today,
        )
    assert "did not accept" in _problems(exc)["done_date"]
    episode = _do(
        db_session,
        child,
        "return_interview",
        {"offered_date": "2025-01-04", "accepted": "Y", "done_date": "2025-01-05"},
        today,
    )
    assert (episode.miss_missing_rhi_offered, episode.miss_missing_rhi_accepted) == ("Y", "Y")
    assert episode.cb_rhi_done_date == date(2025, 1, 5)


def test_missing_episode_end_before_start_and_overlaps(db_session: Session) -> None:
    child = _child(db_session)
    today = date(2025, 1, 6)
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "missing_episode",
            {"start_date": "2024-12-10", "end_date": "2024-12-09", "missing_type": "M"},
            today,
        )
    assert "before the episode started" in _problems(exc)["end_date"]
    _do(
        db_session,
        child,
        "missing_episode",
        {"start_date": "2024-12-10", "end_date": "2024-12-12", "missing_type": "M"},
        today,
    )
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "missing_episode",
            {"start_date": "2024-12-11", "end_date": "2024-12-14", "missing_type": "A"},
            today,
        )
    assert "overlaps" in _problems(exc)["start_date"]
    assert _count(db_session, Missing, miss_person_id=child) == 1


# --------------------------------------------------------------------------- exploitation


def test_mace_meeting_needs_a_screening_before_it(db_session: Session) -> None:
    child = _child(db_session)
    today = date(2025, 1, 6)
    state = child_state(db_session, child, today)
    assert state.screenings == ()
    assert "not been screened" in step("mace_meeting").available(state)
    # A child with no rows at all: the step itself is refused, with the reason.
    with pytest.raises(NotAvailable, match="not been screened"):
        _do(db_session, child, "mace_meeting", {"meeting_date": "2025-01-03"}, today)
    _in_care(db_session, child)  # and still when the child has other rows
    with pytest.raises(NotAvailable, match="not been screened"):
        _do(db_session, child, "mace_meeting", {"meeting_date": "2025-01-03"}, today)
    screening = _do(
        db_session,
        child,
        "exploitation_screening",
        {"screening_date": "2024-12-20", "risk_level": "SIGNIFICANT", "exploitation_type": "CCE"},
        today,
    )
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "mace_meeting", {"meeting_date": "2024-12-19"}, today)
    assert "before the screening it follows, 20 Dec 2024" in _problems(exc)["meeting_date"]
    meeting = _do(
        db_session,
        child,
        "mace_meeting",
        {"meeting_date": "2025-01-03", "risk_level": "SERIOUS", "actions": "Disruption plan."},
        today,
    )
    assert meeting.screening_id == screening.id
    assert db_session.get(ExploitationScreening, screening.id).mace_date == date(2025, 1, 3)
    assert _count(db_session, MaceMeeting, person_id=child) == 1
    state = child_state(db_session, child, today)
    assert "MACE meeting 3 Jan 2025" in clock_for(db_session, step("mace_meeting"), state, today)


def test_the_childs_state_holds_their_screenings_latest_first(db_session: Session) -> None:
    child, other = _child(db_session), _child(db_session)
    today = date(2025, 1, 6)
    for day, risk in (("2024-10-01", "AT_RISK"), ("2024-12-20", "SIGNIFICANT")):
        values = {"screening_date": day, "risk_level": risk}
        _do(db_session, child, "exploitation_screening", values, today)
    wrong = _do(db_session, child, "exploitation_screening",
                {"screening_date": "2024-11-01", "risk_level": "AT_RISK"}, today)  # fmt: skip
    uow = UnitOfWork(session=db_session)
    services.mark_entered_in_error(
        uow, ExploitationScreening, wrong.id, "typed in error", wrong.cb_version, WORKER
    )
    _do(db_session, other, "exploitation_screening",
        {"screening_date": "2024-12-30", "risk_level": "SERIOUS"}, today)  # fmt: skip
    state = child_state(db_session, child, today)
    assert [(s.screening_date, s.risk_level) for s in state.screenings] == [
        (date(2024, 12, 20), "SIGNIFICANT"),
        (date(2024, 10, 1), "AT_RISK"),
    ]
    options = step("mace_meeting").field("screening_id").options(state)
    assert [label for _, label in options] == [
        "Screening 20 Dec 2024 (significant)",
        "Screening 1 Oct 2024 (at risk)",
    ]
    assert "the latest was 20 Dec 2024 (significant), no MACE meeting yet" in clock_for(
        db_session, step("exploitation_screening"), state, today
    )
    earlier = options[1][0]
    meeting = _do(db_session, child, "mace_meeting",
                  {"meeting_date": "2025-01-02", "screening_id": earlier}, today)  # fmt: skip
    assert meeting.screening_id == earlier
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "mace_meeting",
            {"meeting_date": "2025-01-02", "screening_id": wrong.id}, today)  # fmt: skip
    assert "not one of the choices" in _problems(exc)["screening_id"]


# --------------------------------------------------------------------------- care leavers


CONTACT = {
    "contact_date": "2025-01-03",
    "in_touch": "YES",
    "accommodation": "D",
    "accommodation_suitable": "Y",
    "activity": "F2",
}


def test_care_leaver_contact_refused_if_never_looked_after_or_under_16(db_session: Session) -> None:
    today = date(2025, 1, 6)
    never = _child(db_session, dob="2007-01-01")
    with pytest.raises(NotAvailable, match="never looked after"):
        _do(db_session, never, "care_leaver_contact", CONTACT, today)
    young = _child(db_session, dob="2010-01-01")
    _in_care(db_session, young)
    with pytest.raises(NotAvailable, match="starts at 16; the child is 15"):
        _do(db_session, young, "care_leaver_contact", CONTACT, today)


def test_care_leaver_contact_adds_then_updates_one_row(db_session: Session) -> None:
    today = date(2025, 1, 6)
    child = _child(db_session, dob="2007-01-01")
    _in_care(db_session, child, start="2023-02-01")
    _do(db_session, child, "care_leave", {"end_date": "2024-12-31", "reason": "E5"}, today)
    first, first_contact = _do(
        db_session,
        child,
        "care_leaver_contact",
        {**CONTACT, "pathway_plan_review": "2025-01-03"},
        today,
    )
    assert isinstance(first_contact, CareLeaverContact)
    assert first.clea_care_leaver_eligibility == "FORMER_RELEVANT"
    state = child_state(db_session, child, today)
    assert clock_for(db_session, step("care_leaver_contact"), state, today).startswith(
        "Pathway plan review due 3 Jul 2025"
    )
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "care_leaver_contact",
            {**CONTACT, "contact_date": "2025-01-02"},
            today,
        )
    assert "latest contact recorded, 3 Jan 2025" in _problems(exc)["contact_date"]
    second, _ = _do(
        db_session,
        child,
        "care_leaver_contact",
        {**CONTACT, "contact_date": "2025-01-06", "in_touch": "NO", "accommodation": ""},
        today,
    )
    assert second.clea_table_id == first.clea_table_id
    assert second.clea_care_leaver_in_touch == "NO"
    assert second.clea_pathway_plan_review_date == date(2025, 1, 3)
    assert _count(db_session, CareLeaver, clea_person_id=child) == 1
    assert (
        _count(
            db_session, HistoryEntry, table_name="ssd_care_leavers", record_id=first.clea_table_id
        )
        == 2
    )
    # Every contact is kept as it was recorded, not only the latest.
    contacts = db_session.scalars(
        select(CareLeaverContact)
        .where(CareLeaverContact.person_id == child)
        .order_by(CareLeaverContact.contact_date)
    ).all()
    assert [
        (
            c.contact_date,
            c.clea_care_leaver_in_touch,
            c.clea_care_leaver_accommodation,
            c.clea_care_leaver_accom_suitable,
            c.clea_care_leaver_activity,
            c.clea_pathway_plan_review_date,
            c.care_leaver_id,
        )
        for c in contacts
    ] == [
        (date(2025, 1, 3), "YES", "D", "Y", "F2", date(2025, 1, 3), first.clea_table_id),
        (date(2025, 1, 6), "NO", None, "Y", "F2", None, first.clea_table_id),
    ]
    assert first_contact.id == contacts[0].id
    assert _count(db_session, HistoryEntry, table_name="cb_care_leaver_contact") >= 2


def test_the_care_leaver_row_followed_is_the_one_with_the_latest_contact(
    db_session: Session,
) -> None:
    today = date(2025, 1, 6)
    child = _child(db_session, dob="2007-01-01")
    _in_care(db_session, child, start="2023-02-01")
    _do(db_session, child, "care_leave", {"end_date": "2024-12-31", "reason": "E5"}, today)
    # Two rows, as an SSD extract may hold them; the later contact is added first.
    for table_id, day in (("CL-B", date(2024, 12, 20)), ("CL-A", date(2024, 6, 1))):
        services.create(
            UnitOfWork(session=db_session),
            CareLeaver,
            {"clea_table_id": table_id, "clea_person_id": child,
             "clea_care_leaver_latest_contact": day, "clea_care_leaver_in_touch": "YES"},
            WORKER,
        )  # fmt: skip
    assert child_state(db_session, child, today).care_leaver.clea_table_id == "CL-B"
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "care_leaver_contact", {**CONTACT, "contact_date": "2024-12-19"},
            today)  # fmt: skip
    assert "latest contact recorded, 20 Dec 2024" in _problems(exc)["contact_date"]
    leaver, contact = _do(db_session, child, "care_leaver_contact", CONTACT, today)
    assert (leaver.clea_table_id, contact.care_leaver_id) == ("CL-B", "CL-B")


def test_a_refused_care_leaver_contact_writes_no_contact(db_session: Session) -> None:
    today = date(2025, 1, 6)
    child = _child(db_session, dob="2007-01-01")
    _in_care(db_session, child, start="2023-02-01")
    with pytest.raises(Invalid) as exc:
        _do(db_session, child, "care_leaver_contact", {**CONTACT, "in_touch": "MAYBE"}, today)
    assert "not one of the choices" in _problems(exc)["in_touch"]
    with pytest.raises(Invalid):
        _do(db_session, child, "care_leaver_contact",
            {**CONTACT, "accommodation_suitable": ""}, today)  # fmt: skip
    assert _count(db_session, CareLeaverContact, person_id=child) == 0
    assert _count(db_session, CareLeaver, clea_person_id=child) == 0


# --------------------------------------------------------------------------- permanence


def test_adoption_milestones_in_order(db_session: Session) -> None:
    today = date(2025, 1, 6)
    child = _child(db_session, dob="2023-01-10")
    _in_care(db_session, child, start="2023-03-01")
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "adoption_milestone",
            {"milestone": "order", "milestone_date": "2024-12-01"},
            today,
        )
    assert "placement for adoption is not recorded yet" in _problems(exc)["milestone"]
    _do(
        db_session,
        child,
        "adoption_milestone",
        {"milestone": "decision", "milestone_date": "2023-06-01"},
        today,
    )
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "adoption_milestone",
            {"milestone": "placement_order", "milestone_date": "2023-05-01"},
            today,
        )
    assert "cannot be before the decision" in _problems(exc)["milestone_date"]
    _do(
        db_session,
        child,
        "adoption_milestone",
        {"milestone": "placement_order", "milestone_date": "2023-09-01"},
        today,
    )
    legal = child_state(db_session, child, today)
    assert legal.open_cla_episode.clae_cla_episode_start_reason == "L"
    for key, day in (("matched", "2024-02-01"), ("placed", "2024-03-01"), ("order", "2024-11-01")):
        perm = _do(
            db_session,
            child,
            "adoption_milestone",
            {"milestone": key, "milestone_date": day},
            today,
        )
    assert perm.perm_permanence_order_type == "Adoption order"
    assert perm.perm_placed_for_adoption_date == date(2024, 3, 1)
    assert _count(db_session, Permanence, perm_person_id=child) == 1
    statuses = db_session.scalars(
        select(LegalStatus.lega_legal_status)
        .where(LegalStatus.lega_person_id == child)
        .order_by(LegalStatus.lega_legal_status_start_date)
    ).all()
    assert statuses == ["C1", "E1"]


def test_special_guardianship_order_ends_care(db_session: Session) -> None:
    today = date(2025, 1, 6)
    child = _child(db_session)
    _in_care(db_session, child, start="2024-01-08")
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "special_guardianship",
            {"order_date": "2023-12-01", "carers": "E48"},
            today,
        )
    assert "came into care" in _problems(exc)["order_date"]
    perm = _do(
        db_session,
        child,
        "special_guardianship",
        {"order_date": "2024-11-04", "carers": "E48"},
        today,
    )
    assert perm.perm_permanence_order_type == "Special guardianship order"
    last = _episodes(db_session, child)[-1]
    assert (last.clae_cla_episode_ceased_date, last.clae_cla_episode_ceased_reason) == (
        date(2024, 11, 4),
        "E48",
    )
    with pytest.raises(NotAvailable, match="left care on 4 Nov 2024"):
        _do(
            db_session,
            child,
            "special_guardianship",
            {"order_date": "2024-12-04", "carers": "E48"},
            today,
        )


def test_steps_for_a_child_in_care_and_not(db_session: Session) -> None:
    from casebook.record.workflows.framework import steps_for

    child = _child(db_session)
    choices = {
        c.step.key: c.reason for c in steps_for(child_state(db_session, child, date(2025, 1, 6)))
    }
    assert choices["care_start"] is None
    assert "not looked after" in choices["care_placement_change"]
    _in_care(db_session, child)
    choices = {
        c.step.key: c.reason for c in steps_for(child_state(db_session, child, date(2025, 1, 6)))
    }
    assert "already looked after" in choices["care_start"]
    assert choices["care_placement_change"] is None
    assert choices["missing_episode"] is None


def test_clocks_follow_the_authoritys_local_standards(db_session: Session) -> None:
    from casebook.record.local_standards import set_local_standard

    set_local_standard(
        UnitOfWork(session=db_session), "cla_first_review", 15, "working_days", WORKER
    )
    set_local_standard(UnitOfWork(session=db_session), "cla_visit_new_placement", 3, "days", WORKER)
    child = _child(db_session)
    today = date(2025, 1, 6)
    state = child_state(db_session, child, today)
    assert "First CLA review within 15 working days" in clock_for(
        db_session, step("care_start"), state, today
    )
    _in_care(db_session, child, start="2024-12-16")
    state = child_state(db_session, child, today)
    assert clock_for(db_session, step("cla_review"), state, today) == (
        "First CLA review due 9 Jan 2025, 3 working days left"
    )
    assert "needs a visit within 3 days" in clock_for(
        db_session, step("care_placement_change"), state, today
    )


def test_care_leaver_contact_dated_before_16_is_refused(db_session: Session) -> None:
    today = date(2025, 1, 6)
    child = _child(db_session, dob="2008-12-01")  # 16 today, 15 in November
    _in_care(db_session, child, start="2023-02-01")
    with pytest.raises(Invalid) as exc:
        _do(
            db_session,
            child,
            "care_leaver_contact",
            {**CONTACT, "contact_date": "2024-11-20"},
            today,
        )
    assert "was 15 then" in _problems(exc)["contact_date"]
    assert _count(db_session, CareLeaver, clea_person_id=child) == 0
    row, _ = _do(db_session, child, "care_leaver_contact", CONTACT, today)
    assert row.clea_care_leaver_eligibility == "ELIGIBLE"  # 16 and still looked after


def test_the_chronology_shows_every_care_leaver_contact_once(db_session: Session) -> None:
    from casebook.record.chronology import chronology

    today = date(2025, 1, 6)
    child = _child(db_session, dob="2007-01-01")
    _in_care(db_session, child, start="2023-02-01")
    _do(db_session, child, "care_leave", {"end_date": "2024-12-31", "reason": "E5"}, today)
    first = {**CONTACT, "contact_date": "2025-01-02", "pathway_plan_review": "2025-01-02"}
    _do(db_session, child, "care_leaver_contact", first, today)
    second = {**CONTACT, "contact_date": "2025-01-06", "in_touch": "NO", "accommodation": ""}
    _do(db_session, child, "care_leaver_contact", second, today)
    events = chronology(db_session, child, kinds=["care_leaver"])
    assert [(e.date, e.title) for e in events] == [
        (date(2025, 1, 2), "Care leaver contact: in touch"),
        (date(2025, 1, 2), "Pathway plan reviewed"),
        (date(2025, 1, 6), "Care leaver contact: not in touch"),
    ]
    assert "suitable" in events[0].detail
