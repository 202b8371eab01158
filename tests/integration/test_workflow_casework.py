"""The social-work steps through the workflow framework, on SQLite and PostgreSQL:
allowed or refused by the child's state (with the reason), impossible sequences
refused naming the field, everything written with its history in one
transaction, and the clock each form shows."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.chronology import chronology
from casebook.record.errors import Invalid, NotFound
from casebook.record.models import (
    AssessmentFactor,
    CaseNote,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CinPlanReview,
    CinVisit,
    ClaEpisode,
    CpPlan,
    CpReview,
    CpVisit,
    Department,
    EarlyHelpEpisode,
    HistoryEntry,
    InitialCpConference,
    OutcomeStar,
    Person,
    S47Enquiry,
)
from casebook.record.unit_of_work import UnitOfWork
from casebook.record.workflows.framework import (
    NotAvailable,
    StepActor,
    child_state,
    clock_for,
    perform,
    step,
    steps_for,
)

TEAM = "WF-TEAM"  # the worker's team: it holds the referrals they record
WORKER = StepActor("sw.ada", team_id=TEAM)
MANAGER = StepActor("tm.bea")
DOB = date(2015, 3, 1)


def _child(db: Session, dob: date = DOB) -> str:
    person_id = f"WF-{uuid.uuid4().hex[:10]}"
    if db.get(Department, TEAM) is None:
        team = {"dept_team_id": TEAM, "dept_team_name": "Workflow team"}
        services.create(UnitOfWork(session=db), Department, team, WORKER)
    services.create(
        UnitOfWork(session=db),
        Person,
        {"pers_person_id": person_id, "pers_forename": "Wren", "pers_surname": "Halloway",
         "pers_dob": dob, "cb_person_type": "child"},
        WORKER,
    )  # fmt: skip
    return person_id


def go(db: Session, person_id: str, key: str, today: date, actor=WORKER, **values):
    return perform(db, actor, person_id, key, values, today)


def _count(db: Session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return db.scalar(query)


def _referral(db: Session, person_id: str, on: str = "2025-01-06", today=date(2025, 1, 10)):
    return go(db, person_id, "referral", today, cine_referral_date=on,
              cine_referral_source_code="6", cine_cin_primary_need_code="N1")  # fmt: skip


def _to_conference(db: Session, pid: str, today: date) -> None:
    """Referral, strategy discussion, section 47 enquiry ending in a conference."""
    _referral(db, pid, "2025-04-10", today)
    go(db, pid, "strategy_discussion", today, discussion_date="2025-04-14", outcome_s47="Y")
    go(db, pid, "s47_start", today, s47e_s47_start_date="2025-04-15")


def _to_cp_plan(db: Session, pid: str, today: date = date(2025, 6, 2)) -> None:
    _to_conference(db, pid, today)
    go(db, pid, "s47_outcome", today, s47e_s47_end_date="2025-04-25", outcome="icpc")
    go(db, pid, "icpc", today, icpc_icpc_date="2025-05-06", icpc_icpc_outcome_cp_flag="Y")
    go(db, pid, "cp_plan_start", today, cppl_cp_plan_start_date="2025-05-06",
       cppl_cp_plan_initial_category="NEG")  # fmt: skip


# --------------------------------------------------------------------------- the journey


def test_referral_and_assessment_authorised_by_a_manager(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 2, 20)
    done = _referral(db, pid)
    (referral,) = done.rows
    assert referral.cine_person_id == pid and referral.cine_referral_source_code == "6"

    go(db, pid, "assessment_start", today, cina_assessment_start_date="2025-01-07")
    go(db, pid, "assessment_child_seen", today, **{"seen_date-day": "9", "seen_date-month": "1",
                                                  "seen_date-year": "2025"})  # fmt: skip
    go(db, pid, "assessment_factors", today, factors=["3A", "4B"])
    go(db, pid, "assessment_factors", today, factors=["3A"])  # a second choice replaces the first
    go(db, pid, "assessment_complete", today, completed_on="2025-02-14", outcome="cin_plan")

    state = child_state(db, pid, today)
    (awaiting,) = state.awaiting_authorisation
    assert state.open_assessment is None
    assert step("authorise").available(state) is None
    assert awaiting.cina_assessment_auth_date is None  # not done until a manager says so

    go(db, pid, "authorise", today, actor=MANAGER, item=f"assessment:{awaiting.cina_assessment_id}",
       authorised_on="2025-02-17", note="Good analysis; plan within 10 days.")  # fmt: skip
    a = db.get(CinAssessment, awaiting.cina_assessment_id)
    assert a.cina_assessment_child_seen == "Y" and a.cb_child_seen_date == date(2025, 1, 9)
    assert a.cina_assessment_auth_date == date(2025, 2, 17)
    assert (a.cb_authorised_by, a.cb_authorisation_status) == ("tm.bea", "authorised")
    factors = db.scalars(
        select(AssessmentFactor).where(AssessmentFactor.cinf_assessment_id == a.cina_assessment_id)
    ).all()
    assert [json.loads(f.cinf_assessment_factors_json) for f in factors] == [["3A"]]
    assert step("authorise").available(child_state(db, pid, today)) is not None

    oversight = chronology(db, pid, kinds=["oversight"])
    assert len(oversight) == 1 and "Authorised: single assessment" in oversight[0].detail


def test_child_protection_from_strategy_discussion_to_plan_end(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 6, 2)
    _to_cp_plan(db, pid, today)
    state = child_state(db, pid, today)
    plan = state.open_cp_plan
    assert plan.cppl_cp_plan_initial_category == "NEG"
    assert plan.cb_authorisation_status == "awaiting"
    conference = db.get(InitialCpConference, plan.cppl_icpc_id)
    assert conference.icpc_cp_plan_id == plan.cppl_cp_plan_id  # linked in the same step
    assert conference.icpc_icpc_target_date == date(2025, 5, 8)
    enquiry = db.get(S47Enquiry, conference.icpc_s47_enquiry_id)
    assert enquiry.s47e_s47_end_date == date(2025, 4, 25) and enquiry.cb_icpc_not_required == "N"

    go(db, pid, "cp_review", today, cppr_cp_review_date="2025-06-01",
       cppr_cp_review_outcome_continue_cp="Y")  # fmt: skip
    review = db.scalars(select(CpReview).where(CpReview.cppr_person_id == pid)).one()
    assert review.cppr_cp_review_due == date(2025, 8, 6)  # 3 months from the conference
    go(db, pid, "cp_visit", today, visit_date="2025-05-20", seen="Y", seen_alone="Y",
       bedroom="Y", note="Wren showed me her room.")  # fmt: skip
    assert _count(db, CpVisit, cppv_person_id=pid, cppv_cp_plan_id=plan.cppl_cp_plan_id) == 1
    assert _count(db, CaseNote, person_id=pid, note_type="visit") == 1
    go(db, pid, "cp_plan_end", today, cppl_cp_plan_end_date="2025-06-02")
    assert child_state(db, pid, today).open_cp_plan is None


# --------------------------------------------------------------------------- refused by state


def test_a_second_referral_is_refused_while_one_is_open(db_session):
    db, pid = db_session, _child(db_session)
    _referral(db, pid)
    with pytest.raises(NotAvailable, match="a referral is already open \\(received 6 Jan 2025\\)"):
        _referral(db, pid)


def test_no_cp_review_without_a_cp_plan(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 2, 1)
    _referral(db, pid)
    reason = step("cp_review").available(child_state(db, pid, today))
    assert reason == "there is no open child protection plan"
    with pytest.raises(NotAvailable, match="there is no open child protection plan"):
        go(db, pid, "cp_review", today, cppr_cp_review_date="2025-01-20",
           cppr_cp_review_outcome_continue_cp="Y")  # fmt: skip
    assert _count(db, CpReview, cppr_person_id=pid) == 0


def test_a_second_open_cp_plan_is_refused(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 6, 2)
    _to_cp_plan(db, pid, today)
    state = child_state(db, pid, today)
    reason = step("cp_plan_start").available(state)
    assert "already has an open child protection plan (started 6 May 2025)" in reason
    with pytest.raises(NotAvailable, match="a second cannot be opened"):
        go(db, pid, "cp_plan_start", today, cppl_cp_plan_start_date="2025-05-07",
           cppl_cp_plan_initial_category="PHY")  # fmt: skip
    assert _count(db, CpPlan, cppl_person_id=pid) == 1


def test_steps_for_lists_every_step_with_its_reason(db_session):
    db, pid = db_session, _child(db_session)
    choices = {c.step.key: c for c in steps_for(child_state(db, pid, date(2025, 1, 10)))}
    assert choices["referral"].allowed
    assert choices["oversight_note"].allowed
    assert choices["assessment_start"].reason.startswith("there is no open referral")
    assert choices["cla_visit"].reason == "the child is not looked after"
    assert choices["close_episode"].reason == "there is no open child in need episode to close"


def test_no_step_for_a_child_who_does_not_exist(db_session):
    with pytest.raises(NotFound):
        go(db_session, "NO-SUCH-CHILD", "referral", date(2025, 1, 1))
    with pytest.raises(NotFound, match="no step called"):
        go(db_session, _child(db_session), "no_such_step", date(2025, 1, 1))


# --------------------------------------------------------------------------- impossible sequences


def test_a_plan_cannot_end_before_it_started(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 6, 2)
    _to_cp_plan(db, pid, today)
    with pytest.raises(Invalid) as refused:
        go(db, pid, "cp_plan_end", today, cppl_cp_plan_end_date="2025-05-01")
    (problem,) = refused.value.problems
    assert problem.field == "cppl_cp_plan_end_date"
    assert problem.message == "The end date cannot be before the plan started, 6 May 2025"
    assert child_state(db, pid, today).open_cp_plan is not None


def test_a_visit_cannot_be_before_the_child_was_born_or_in_the_future(db_session):
    db, pid, today = db_session, _child(db_session, dob=date(2024, 12, 1)), date(2025, 3, 1)
    _referral(db, pid)
    go(db, pid, "cin_plan_start", today, cinp_cin_plan_start_date="2025-01-20")
    for day, message in (
        ("2024-11-30", "Date of the visit cannot be before the child was born (1 Dec 2024)"),
        ("2025-03-02", "Date of the visit must be today or in the past"),
        ("2025-01-19", "The date of the visit cannot be before the child in need plan started"),
    ):
        with pytest.raises(Invalid) as refused:
            go(db, pid, "cin_visit", today, visit_date=day, seen="Y")
        assert refused.value.problems[0].field == "visit_date"
        assert refused.value.problems[0].message.startswith(message)
    assert _count(db, CinVisit, cinv_person_id=pid) == 0
    with pytest.raises(Invalid, match="cannot be seen alone if they were not seen"):
        go(db, pid, "cin_visit", today, visit_date="2025-02-01", seen="N", seen_alone="Y")


def test_bad_values_are_all_named_at_once(db_session):
    db, pid = db_session, _child(db_session)
    with pytest.raises(Invalid) as refused:
        go(db, pid, "referral", date(2025, 1, 10), cine_referral_date="2025-02-30",
           cine_referral_source_code="XX", surprise="hello")  # fmt: skip
    fields = {p.field: p.message for p in refused.value.problems}
    assert fields["cine_referral_date"].startswith("Referral date must be a real date")
    assert "is not one of the choices" in fields["cine_referral_source_code"]
    assert fields["cine_cin_primary_need_code"] == "Select primary need"
    assert "no field 'surprise'" in fields["surprise"]


def test_closure_waits_for_open_plans_and_cannot_predate_them(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 6, 1)
    _referral(db, pid)
    go(db, pid, "cin_plan_start", today, cinp_cin_plan_start_date="2025-02-01")
    reason = step("close_episode").available(child_state(db, pid, today))
    assert reason == "the child in need plan is still open: end it first"
    go(db, pid, "cin_plan_review", today, review_date="2025-04-01", plan_continues="N")
    assert _count(db, CinPlanReview, person_id=pid) == 1
    with pytest.raises(Invalid, match="cannot be before the plan started"):
        go(db, pid, "cin_plan_end", today, cinp_cin_plan_end_date="2025-01-31")
    go(db, pid, "cin_plan_end", today, cinp_cin_plan_end_date="2025-05-01")
    with pytest.raises(Invalid, match="cannot be before the child in need plan ended, 1 May 2025"):
        go(db, pid, "close_episode", today, cine_close_date="2025-04-30", cine_close_reason="RC7")
    go(db, pid, "close_episode", today, cine_close_date="2025-05-02", cine_close_reason="RC7")
    referral = db.scalars(select(CinEpisode).where(CinEpisode.cine_person_id == pid)).one()
    assert (referral.cine_close_date, referral.cine_close_reason) == (date(2025, 5, 2), "RC7")


def test_no_cin_plan_while_a_cp_plan_is_open(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 6, 2)
    _to_cp_plan(db, pid, today)
    reason = step("cin_plan_start").available(child_state(db, pid, today))
    assert reason.startswith("the child has an open child protection plan")


# --------------------------------------------------------------------------- one transaction


def test_a_step_writes_its_rows_and_history_together(db_session):
    db, pid = db_session, _child(db_session)
    before = _count(db, HistoryEntry)
    done = _referral(db, pid)
    (row,) = done.rows
    entries = db.scalars(
        select(HistoryEntry).where(HistoryEntry.record_id == row.cine_referral_id)
    ).all()
    assert [(e.action, e.actor, e.table_name) for e in entries] == [
        ("create", "sw.ada", "ssd_cin_episodes")
    ]
    assert _count(db, HistoryEntry) == before + 1
    assert done.written == [("ssd_cin_episodes", row.cine_referral_id)]


def test_nothing_is_half_written_when_a_later_write_fails(db_session, monkeypatch):
    db, pid, today = db_session, _child(db_session), date(2025, 3, 1)
    go(db, pid, "early_help_start", today, earl_episode_start_date="2025-01-10",
       earl_episode_organisation="North hub", earl_episode_reason="Routines")  # fmt: skip
    history = _count(db, HistoryEntry)
    real = services.add_record

    def failing(session, model, values, actor):
        if model is CinEpisode:
            raise Invalid([])
        return real(session, model, values, actor)

    monkeypatch.setattr(services, "add_record", failing)
    with pytest.raises(Invalid):
        go(db, pid, "early_help_step_up", today, step_up_date="2025-02-01",
           cine_cin_primary_need_code="N4", reason="Escalating neglect")  # fmt: skip
    monkeypatch.undo()
    db.expire_all()
    episode = db.scalars(
        select(EarlyHelpEpisode).where(EarlyHelpEpisode.earl_person_id == pid)
    ).one()
    assert episode.earl_episode_end_date is None  # the first write was rolled back too
    assert _count(db, HistoryEntry) == history


# --------------------------------------------------------------------------- clocks


def test_the_conference_clock_counts_working_days_over_easter(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 4, 16)
    _referral(db, pid, "2025-04-10", today)
    go(db, pid, "strategy_discussion", today, discussion_date="2025-04-14", outcome_s47="Y")
    state = child_state(db, pid, today)
    # Before the enquiry starts, its form says when the conference would be due.
    assert clock_for(db, step("s47_start"), state, today) == (
        "If an enquiry starts: initial conference due 8 May 2025, 13 working days left"
    )
    go(db, pid, "s47_start", today, s47e_s47_start_date="2025-04-15")
    state = child_state(db, pid, today)
    # 15 working days from Monday 14 April 2025: Good Friday, Easter Monday and
    # the early May bank holiday are not working days.
    assert clock_for(db, step("icpc"), state, today) == (
        "Initial conference due 8 May 2025, 13 working days left"
    )
    assert clock_for(db, step("s47_outcome"), state, today).startswith("Initial conference due")


def test_the_assessment_forms_show_their_clocks(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 1, 8)
    _referral(db, pid, "2025-01-06", today)
    state = child_state(db, pid, today)
    assert clock_for(db, step("assessment_start"), state, today) == (
        "Child seen due 13 Jan 2025, 3 working days left"
    )
    go(db, pid, "assessment_start", today, cina_assessment_start_date="2025-01-07")
    state = child_state(db, pid, today)
    assert clock_for(db, step("assessment_complete"), state, today) == (
        "Assessment due 11 Mar 2025, 44 working days left"
    )


# --------------------------------------------------------------------------- early help


def test_early_help_from_assessment_to_step_up_and_back_down(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 6, 1)
    go(db, pid, "early_help_start", today, earl_episode_start_date="2025-01-10",
       earl_episode_organisation="North hub", earl_episode_reason="Routines")  # fmt: skip
    with pytest.raises(Invalid, match="Record the early help assessment before the plan"):
        go(db, pid, "early_help_plan", today, plan_date="2025-01-20", outcomes="Bedtimes")
    go(db, pid, "early_help_assessment", today, assessment_date="2025-01-15", summary="Tired")
    go(db, pid, "early_help_plan", today, plan_date="2025-01-20", outcomes="Bedtimes")
    scores = {f.name: 4 for f in step("outcome_star").fields if f.kind == "number"}
    go(db, pid, "outcome_star", today, star_date="2025-01-20", **scores)
    with pytest.raises(Invalid, match="cannot be before the previous reading, 20 Jan 2025"):
        go(db, pid, "outcome_star", today, star_date="2025-01-19", **scores)
    with pytest.raises(Invalid, match="must be 10 or less"):
        go(db, pid, "outcome_star", today, star_date="2025-03-01", **{**scores, "star_work": 11})
    go(db, pid, "outcome_star", today, star_date="2025-03-01", **{**scores, "star_work": 7})
    readings = db.scalars(
        select(OutcomeStar).where(OutcomeStar.person_id == pid).order_by(OutcomeStar.star_date)
    ).all()
    assert [(r.reading, r.total) for r in readings] == [("baseline", 40), ("review", 43)]

    assert (
        step("early_help_start")
        .available(child_state(db, pid, today))
        .startswith("an early help episode is already open")
    )
    go(db, pid, "early_help_step_up", today, step_up_date="2025-04-01",
       cine_cin_primary_need_code="N4", reason="Escalating neglect")  # fmt: skip
    state = child_state(db, pid, today)
    assert state.open_early_help is None
    assert state.open_referral.cine_referral_source_code == "5D"

    go(db, pid, "early_help_step_down", today, step_down_date="2025-05-01",
       earl_episode_organisation="North hub", earl_episode_reason="Routines")  # fmt: skip
    state = child_state(db, pid, today)
    assert state.open_referral is None and state.open_early_help is not None
    closed = db.scalars(select(CinEpisode).where(CinEpisode.cine_person_id == pid)).one()
    assert closed.cine_close_reason == "RC9"
    go(db, pid, "early_help_end", today, earl_episode_end_date="2025-05-30",
       earl_episode_end_reason="OUTCOMES_MET")  # fmt: skip
    assert child_state(db, pid, today).open_early_help is None


# --------------------------------------------------------------------------- oversight


def test_plans_wait_for_authorisation_and_oversight_notes_reach_the_chronology(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 3, 1)
    _referral(db, pid)
    go(db, pid, "cin_plan_start", today, cinp_cin_plan_start_date="2025-02-01")
    state = child_state(db, pid, today)
    (plan,) = state.awaiting_authorisation
    options = dict(step("authorise").field("item").options(state))
    assert options == {f"cin_plan:{plan.cinp_cin_plan_id}": "Child in need plan started 1 Feb 2025"}
    with pytest.raises(Invalid, match="cannot be before it was ready, 1 Feb 2025"):
        go(db, pid, "authorise", today, actor=MANAGER, item=f"cin_plan:{plan.cinp_cin_plan_id}",
           authorised_on="2025-01-31")  # fmt: skip
    with pytest.raises(Invalid, match="is not one of the choices"):
        go(db, pid, "authorise", today, actor=MANAGER, item="cin_plan:SOMETHING-ELSE",
           authorised_on="2025-02-02")  # fmt: skip
    go(db, pid, "authorise", today, actor=MANAGER, item=f"cin_plan:{plan.cinp_cin_plan_id}",
       authorised_on="2025-02-02")  # fmt: skip
    assert db.get(CinPlan, plan.cinp_cin_plan_id).cb_authorised_on == date(2025, 2, 2)
    go(db, pid, "oversight_note", today, actor=MANAGER, note_date="2025-02-03",
       text="Visits must be fortnightly.")  # fmt: skip
    events = chronology(db, pid, kinds=["oversight"])
    assert [(e.date, e.title) for e in events] == [
        (date(2025, 2, 2), "Management oversight"),
        (date(2025, 2, 3), "Management oversight"),
    ]
    assert events[0].detail == "Authorised: child in need plan started 1 Feb 2025."
    assert events[1].detail == "Visits must be fortnightly."


def test_steps_without_a_timescale_of_their_own_still_show_one(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 1, 8)
    state = child_state(db, pid, today)
    assert clock_for(db, step("referral"), state, today) == (
        "Once recorded today: child seen due 15 Jan 2025, 5 working days left"
    )
    assert clock_for(db, step("oversight_note"), state, today) is None  # nothing due yet
    _referral(db, pid, "2024-12-20", today)
    state = child_state(db, pid, today)
    # Christmas, Boxing Day and New Year's Day are not working days.
    assert clock_for(db, step("oversight_note"), state, today) == (
        "Child seen overdue: was due 31 Dec 2024, 5 working days late"
    )


def test_a_visit_to_a_looked_after_child_belongs_to_their_period_of_care(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 3, 1)
    assert step("cla_visit").available(child_state(db, pid, today)) == (
        "the child is not looked after"
    )
    services.create(
        UnitOfWork(session=db),
        ClaEpisode,
        {"clae_cla_episode_id": f"E-{pid}", "clae_person_id": pid, "clae_cla_id": f"CLA-{pid}",
         "clae_cla_episode_start_date": date(2025, 2, 1), "clae_cla_episode_start_reason": "S"},
        WORKER,
    )  # fmt: skip
    with pytest.raises(Invalid, match="cannot be before the child came into care, 1 Feb 2025"):
        go(db, pid, "cla_visit", today, visit_date="2025-01-31", seen="Y")
    done = go(db, pid, "cla_visit", today, visit_date="2025-02-05", seen="Y", seen_alone="N")
    (visit,) = done.rows  # no note given: no case note written
    assert (visit.clav_cla_id, visit.clav_cla_visit_seen) == (f"CLA-{pid}", "Y")
    assert visit.cb_bedroom_seen is None  # not asked: not known


def test_a_visit_to_a_looked_after_child_records_whether_the_bedroom_was_seen(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 3, 1)
    services.create(
        UnitOfWork(session=db),
        ClaEpisode,
        {"clae_cla_episode_id": f"E-{pid}", "clae_person_id": pid, "clae_cla_id": f"CLA-{pid}",
         "clae_cla_episode_start_date": date(2025, 2, 1), "clae_cla_episode_start_reason": "S"},
        WORKER,
    )  # fmt: skip
    assert step("cla_visit").field("bedroom").kind == "yes_no"
    done = go(db, pid, "cla_visit", today, visit_date="2025-02-05", seen="Y", bedroom="yes")
    (visit,) = done.rows
    assert (visit.clav_cla_visit_seen, visit.cb_bedroom_seen) == ("Y", "Y")
    done = go(db, pid, "cla_visit", today, visit_date="2025-02-12", seen="Y", bedroom="N")
    assert done.rows[0].cb_bedroom_seen == "N"
    with pytest.raises(Invalid, match="answer yes or no"):
        go(db, pid, "cla_visit", today, visit_date="2025-02-19", seen="Y", bedroom="maybe")


def test_an_enquiry_ending_in_no_further_action_needs_no_conference(db_session):
    db, pid, today = db_session, _child(db_session), date(2025, 5, 1)
    _to_conference(db, pid, today)
    assert step("icpc").available(child_state(db, pid, today)) is None
    with pytest.raises(Invalid, match="cannot be before the enquiry started, 15 Apr 2025"):
        go(db, pid, "s47_outcome", today, s47e_s47_end_date="2025-04-14", outcome="nfa")
    go(db, pid, "s47_outcome", today, s47e_s47_end_date="2025-04-22", outcome="nfa")
    state = child_state(db, pid, today)
    assert step("icpc").available(state) == (
        "no section 47 enquiry is waiting for an initial child protection conference"
    )
    assert step("s47_start").available(state).startswith("no strategy discussion has agreed")
    assert step("cp_plan_start").available(state) == (
        "no initial child protection conference has decided on a plan"
    )
