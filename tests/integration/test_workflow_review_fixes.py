"""The reviewer's findings on the workflow steps, fixed (SQLite and PostgreSQL):
referrals are held by a team (so they reach its unallocated list), an episode
cannot close with child protection work pending, impossible dates are refused,
every form shows a clock, and a manager cannot authorise their own assessment."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.allocation import held_unallocated
from casebook.record.errors import Invalid
from casebook.record.front_door import decide, record_contact
from casebook.record.models import CinAssessment, CinEpisode, Department, Person, Professional
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.record.workflows.framework import (
    NotAvailable,
    StepActor,
    child_state,
    clock_for,
    perform,
    step,
)
from casebook.record.worklists import worklist

ADMIN = Actor("admin.setup")
TODAY = date(2025, 6, 2)
REFERRAL = {"cine_referral_source_code": "6", "cine_cin_primary_need_code": "N1"}


def _tag() -> str:
    return uuid.uuid4().hex[:10]


def _make(db: Session, model, values: dict):
    return services.create(UnitOfWork(session=db), model, values, ADMIN)


def _team(db: Session, front_door: bool = False) -> str:
    team_id = f"RF-T-{_tag()}"
    _make(db, Department, {"dept_team_id": team_id, "dept_team_name": f"Team {team_id}",
                           "cb_front_door": "Y" if front_door else "N"})  # fmt: skip
    return team_id


def _child(db: Session, dob: date = date(2015, 3, 1)) -> str:
    person_id = f"RF-{_tag()}"
    _make(db, Person, {"pers_person_id": person_id, "pers_forename": "Wren",
                       "pers_surname": "Fixes", "pers_dob": dob,
                       "cb_person_type": "child"})  # fmt: skip
    return person_id


@pytest.fixture
def worker(db_session: Session) -> StepActor:
    """A social worker whose team is known (as the web layer would pass it)."""
    return StepActor(f"sw.{_tag()}", team_id=_team(db_session))


def go(db: Session, pid: str, key: str, actor: Actor, today: date = TODAY, **values):
    return perform(db, actor, pid, key, values, today)


def _problems(exc: pytest.ExceptionInfo[Invalid]) -> dict[str, str]:
    return {p.field: p.message for p in exc.value.problems}


def _unallocated_on_list(db: Session, team_id: str, pid: str, on: date = TODAY) -> bool:
    rows = worklist(db, on, team_ids=[team_id]).rows
    return any(r.person_id == pid and r.kind == "unallocated" for r in rows)


# --------------------------------------------------------------------------- 1. the referral's team


def test_a_referral_step_puts_the_child_on_the_actors_team_unallocated_list(db_session, worker):
    db, pid = db_session, _child(db_session)
    assert not _unallocated_on_list(db, worker.team_id, pid)
    (referral,) = go(db, pid, "referral", worker, cine_referral_date="2025-05-28", **REFERRAL).rows
    assert referral.cine_referral_team == worker.team_id
    assert referral.cine_referral_worker_id is None  # unallocated: no worker yet
    assert held_unallocated(db, [worker.team_id], TODAY) == [pid]
    assert _unallocated_on_list(db, worker.team_id, pid)


def test_a_worker_known_by_their_professional_record_refers_to_their_department(db_session):
    db, pid, team = db_session, _child(db_session), _team(db_session)
    prof = f"RF-P-{_tag()}"
    _make(db, Professional, {"prof_professional_id": prof, "prof_professional_name": "Ada",
                             "prof_professional_department": team})  # fmt: skip
    actor = StepActor("sw.ada", professional_id=prof)
    (referral,) = go(db, pid, "referral", actor, cine_referral_date="2025-05-28", **REFERRAL).rows
    assert referral.cine_referral_team == team
    assert _unallocated_on_list(db, team, pid)


def test_a_referral_by_someone_with_no_known_team_asks_which_team(db_session):
    db, pid, team = db_session, _child(db_session), _team(db_session)
    nobody = StepActor("duty.someone")
    with pytest.raises(Invalid) as exc:
        go(db, pid, "referral", nobody, cine_referral_date="2025-05-28", **REFERRAL)
    assert "Select the team to hold the referral" in _problems(exc)["cine_referral_team"]
    assert child_state(db, pid, TODAY).open_referral is None  # nothing written
    # the form offers the teams, and the one chosen holds the referral
    state = child_state(db, pid, TODAY)
    assert (team, f"Team {team}") in step("referral").field("cine_referral_team").options(state)
    go(db, pid, "referral", nobody, cine_referral_date="2025-05-28", cine_referral_team=team,
       **REFERRAL)  # fmt: skip
    assert _unallocated_on_list(db, team, pid)


def test_a_chosen_team_must_be_one_of_the_teams(db_session, worker):
    db, pid = db_session, _child(db_session)
    with pytest.raises(Invalid) as exc:
        go(db, pid, "referral", worker, cine_referral_date="2025-05-28",
           cine_referral_team="NO-SUCH-TEAM", **REFERRAL)  # fmt: skip
    assert "is not one of the choices" in _problems(exc)["cine_referral_team"]


def test_a_step_up_puts_the_child_on_the_teams_unallocated_list(db_session, worker):
    db, pid = db_session, _child(db_session)
    go(db, pid, "early_help_start", worker, earl_episode_start_date="2025-03-03",
       earl_episode_organisation="North hub", earl_episode_reason="Parenting")  # fmt: skip
    done = go(db, pid, "early_help_step_up", worker, step_up_date="2025-05-20",
              cine_cin_primary_need_code="N1", reason="Neglect is getting worse")  # fmt: skip
    referral = next(r for r in done.rows if isinstance(r, CinEpisode))
    assert referral.cine_referral_team == worker.team_id
    assert _unallocated_on_list(db, worker.team_id, pid)


def _front_door_referral(db: Session, pid: str, **extra):
    contact = record_contact(
        UnitOfWork(session=db),
        person_id=pid,
        contact_date=date(2025, 5, 27),
        source_code="2A",
        who="Designated safeguarding lead",
        concerns="Bruise on the cheek.",
        actor=Actor("mash.rowan"),
    )
    return decide(
        UnitOfWork(session=db),
        contact_id=contact.cont_contact_id,
        decision="REFERRAL",
        reason="Threshold met for an assessment.",
        decided_on=date(2025, 5, 28),
        expected_version=contact.cb_version,
        actor=Actor("mash.rowan"),
        primary_need="N1",
        **extra,
    )


def test_a_front_door_referral_is_held_by_the_front_door_team(db_session):
    db, pid = db_session, _child(db_session)
    _team(db, front_door=True)
    referral = _front_door_referral(db, pid).referral
    assert referral is not None and referral.cine_referral_team is not None
    # the front door team (the first by id, should the database hold others)
    first = min(
        t.dept_team_id for t in db.query(Department).filter(Department.cb_front_door == "Y")
    )
    assert referral.cine_referral_team == first
    assert _unallocated_on_list(db, first, pid)


def test_a_front_door_referral_can_go_to_a_named_team(db_session):
    db, pid, team = db_session, _child(db_session), _team(db_session)
    referral = _front_door_referral(db, pid, team_id=team).referral
    assert referral.cine_referral_team == team
    assert _unallocated_on_list(db, team, pid)
    other = _child(db)
    with pytest.raises(Invalid) as exc:
        _front_door_referral(db, other, team_id="NO-SUCH-TEAM")
    assert "team_id" in {p.field for p in exc.value.problems}


# --------------------------------------------------------------------------- 2. pending CP work


def _to_s47_outcome(db: Session, pid: str, actor: StepActor) -> None:
    go(db, pid, "referral", actor, cine_referral_date="2025-04-10", **REFERRAL)
    go(db, pid, "strategy_discussion", actor, discussion_date="2025-04-14", outcome_s47="Y")
    go(db, pid, "s47_start", actor, s47e_s47_start_date="2025-04-15")
    go(db, pid, "s47_outcome", actor, s47e_s47_end_date="2025-04-25", outcome="icpc")


def _close_by_hand(db: Session, pid: str) -> None:
    referral = child_state(db, pid, TODAY).open_referral
    services.update(UnitOfWork(session=db), CinEpisode, referral.cine_referral_id,
                    {"cine_close_date": date(2025, 5, 1), "cine_close_reason": "RC8"},
                    referral.cb_version, ADMIN)  # fmt: skip


def test_an_episode_cannot_close_while_an_enquiry_waits_for_its_conference(db_session, worker):
    db, pid = db_session, _child(db_session)
    _to_s47_outcome(db, pid, worker)
    reason = step("close_episode").available(child_state(db, pid, TODAY))
    assert reason is not None and "waiting for its initial child protection conference" in reason
    with pytest.raises(NotAvailable):
        go(db, pid, "close_episode", worker, cine_close_date="2025-05-01",
           cine_close_reason="RC8")  # fmt: skip
    # stepping down closes the episode too: the same rule
    step_down = step("early_help_step_down").available(child_state(db, pid, TODAY))
    assert step_down == reason


def test_an_episode_cannot_close_while_a_conference_waits_for_its_plan(db_session, worker):
    db, pid = db_session, _child(db_session)
    _to_s47_outcome(db, pid, worker)
    go(db, pid, "icpc", worker, icpc_icpc_date="2025-05-06", icpc_icpc_outcome_cp_flag="Y")
    reason = step("close_episode").available(child_state(db, pid, TODAY))
    assert reason is not None and "start the plan first" in reason
    assert step("early_help_step_down").available(child_state(db, pid, TODAY)) == reason


def test_a_conference_needs_an_open_referral(db_session, worker):
    db, pid = db_session, _child(db_session)
    _to_s47_outcome(db, pid, worker)
    _close_by_hand(db, pid)
    reason = step("icpc").available(child_state(db, pid, TODAY))
    assert reason is not None and "no open referral" in reason


def test_a_cp_plan_needs_an_open_referral(db_session, worker):
    db, pid = db_session, _child(db_session)
    _to_s47_outcome(db, pid, worker)
    go(db, pid, "icpc", worker, icpc_icpc_date="2025-05-06", icpc_icpc_outcome_cp_flag="Y")
    _close_by_hand(db, pid)
    reason = step("cp_plan_start").available(child_state(db, pid, TODAY))
    assert reason is not None and "no open referral" in reason


# --------------------------------------------------------------------------- 3. impossible dates


def test_closure_cannot_be_before_a_later_strategy_discussion(db_session, worker):
    db, pid = db_session, _child(db_session)
    go(db, pid, "referral", worker, cine_referral_date="2025-04-10", **REFERRAL)
    go(db, pid, "strategy_discussion", worker, discussion_date="2025-04-20", outcome_s47="N")
    with pytest.raises(Invalid) as exc:
        go(db, pid, "close_episode", worker, cine_close_date="2025-04-15",
           cine_close_reason="RC8")  # fmt: skip
    assert _problems(exc)["cine_close_date"] == (
        "The closure date cannot be before the strategy discussion, 20 Apr 2025"
    )
    # the step down checks the date the same way
    with pytest.raises(Invalid) as exc:
        go(db, pid, "early_help_step_down", worker, step_down_date="2025-04-15",
           earl_episode_organisation="North hub", earl_episode_reason="Parenting")  # fmt: skip
    assert (
        "cannot be before the strategy discussion, 20 Apr 2025"
        in (_problems(exc)["step_down_date"])
    )
    go(db, pid, "close_episode", worker, cine_close_date="2025-04-20", cine_close_reason="RC8")


def test_closure_cannot_be_before_a_cp_visit_or_review(db_session, worker):
    db, pid = db_session, _child(db_session)
    _to_s47_outcome(db, pid, worker)
    go(db, pid, "icpc", worker, icpc_icpc_date="2025-05-06", icpc_icpc_outcome_cp_flag="Y")
    go(db, pid, "cp_plan_start", worker, cppl_cp_plan_start_date="2025-05-06",
       cppl_cp_plan_initial_category="NEG")  # fmt: skip
    go(db, pid, "cp_visit", worker, visit_date="2025-05-20", seen="Y")
    plan = child_state(db, pid, TODAY).open_cp_plan
    services.update(UnitOfWork(session=db), type(plan), plan.cppl_cp_plan_id,
                    {"cppl_cp_plan_end_date": date(2025, 5, 12)}, plan.cb_version,
                    ADMIN)  # fmt: skip
    with pytest.raises(Invalid) as exc:
        go(db, pid, "close_episode", worker, cine_close_date="2025-05-15",
           cine_close_reason="RC8")  # fmt: skip
    assert "a child protection visit, 20 May 2025" in _problems(exc)["cine_close_date"]


PLACEMENT = {"placement_type": "U6", "placement_provider": "PR1", "placement_postcode": "ls1 4ap",
             "placement_distance": "4.5", "placement_urn": "SC123456"}  # fmt: skip


def _in_care(db: Session, pid: str, actor: Actor) -> None:
    go(db, pid, "care_start", actor, start_date="2024-06-03", legal_status="C1",
       primary_need="N1", **PLACEMENT)  # fmt: skip


def test_leaving_care_cannot_be_before_a_later_cla_review(db_session, worker):
    db, pid = db_session, _child(db_session)
    _in_care(db, pid, worker)
    go(db, pid, "cla_review", worker, review_date="2024-06-25", participation="PN1")
    with pytest.raises(Invalid) as exc:
        go(db, pid, "care_leave", worker, end_date="2024-06-20", reason="E4A")
    assert (
        "cannot be before the last looked after review, 25 Jun 2024" in (_problems(exc)["end_date"])
    )


def test_leaving_care_cannot_be_before_a_later_visit(db_session, worker):
    db, pid = db_session, _child(db_session)
    _in_care(db, pid, worker)
    go(db, pid, "cla_visit", worker, visit_date="2024-07-01", seen="Y")
    with pytest.raises(Invalid) as exc:
        go(db, pid, "care_leave", worker, end_date="2024-06-20", reason="E4A")
    assert (
        "cannot be before the last visit to the child in care, 1 Jul 2024"
        in (_problems(exc)["end_date"])
    )
    go(db, pid, "care_leave", worker, end_date="2024-07-01", reason="E4A")


def test_a_cla_review_cannot_be_before_an_earlier_review(db_session, worker):
    db, pid = db_session, _child(db_session)
    _in_care(db, pid, worker)
    go(db, pid, "cla_review", worker, review_date="2024-06-25", participation="PN1")
    with pytest.raises(Invalid) as exc:
        go(db, pid, "cla_review", worker, review_date="2024-06-20", participation="PN1")
    assert _problems(exc)["review_date"] == (
        "The review date cannot be before the last review, 25 Jun 2024"
    )


# --------------------------------------------------------------------------- 4. every form's clock


def test_the_plan_forms_show_their_clocks(db_session, worker):
    db, pid = db_session, _child(db_session)
    go(db, pid, "referral", worker, cine_referral_date="2025-05-28", **REFERRAL)
    state = child_state(db, pid, TODAY)
    assert clock_for(db, step("cin_plan_start"), state, TODAY) == (
        "Once started today: first CIN visit due 2 Jul 2025, 30 days left"
    )
    go(db, pid, "cin_plan_start", worker, cinp_cin_plan_start_date="2025-06-02")
    review = clock_for(db, step("cin_plan_review"), child_state(db, pid, TODAY), TODAY)
    assert review.startswith("No timescale is set for child in need plan reviews")

    other = _child(db)
    _to_s47_outcome(db, other, worker)
    go(db, other, "icpc", worker, icpc_icpc_date="2025-05-06", icpc_icpc_outcome_cp_flag="Y")
    state = child_state(db, other, TODAY)
    assert clock_for(db, step("cp_plan_start"), state, TODAY) == (
        "From the conference of 6 May 2025: first CP review due 6 Aug 2025, 65 days left"
    )


def test_every_early_help_form_shows_a_clock(db_session, worker):
    db, pid = db_session, _child(db_session)
    state = child_state(db, pid, TODAY)
    assert clock_for(db, step("early_help_start"), state, TODAY) == (
        "Once started today: family conversation due 12 Jun 2025, 10 days left"
    )
    go(db, pid, "early_help_start", worker, earl_episode_start_date="2025-05-26",
       earl_episode_organisation="North hub", earl_episode_reason="Parenting")  # fmt: skip
    state = child_state(db, pid, TODAY)
    keys = ("early_help_assessment", "early_help_plan", "outcome_star", "early_help_end")
    for key in keys:
        assert clock_for(db, step(key), state, TODAY) == (
            "Family conversation due 5 Jun 2025, 3 days left"
        ), key
    assert clock_for(db, step("early_help_step_up"), state, TODAY).startswith(
        "Once stepped up today: child seen due 9 Jun 2025"
    )
    other = _child(db)
    go(db, other, "referral", worker, cine_referral_date="2025-05-28", **REFERRAL)
    state = child_state(db, other, TODAY)
    assert clock_for(db, step("early_help_step_down"), state, TODAY).startswith("Child seen due")
    seven = (*keys, "early_help_start", "early_help_step_up", "early_help_step_down")
    assert all(step(k).clock is not None for k in seven)


# --------------------------------------------------------------------------- 5. own assessment


def _completed_assessment(db: Session, pid: str, actor: StepActor) -> str:
    go(db, pid, "referral", actor, cine_referral_date="2025-05-20", **REFERRAL)
    go(db, pid, "assessment_start", actor, cina_assessment_start_date="2025-05-21")
    go(db, pid, "assessment_complete", actor, completed_on="2025-05-30", outcome="nfa")
    (awaiting,) = child_state(db, pid, TODAY).awaiting_authorisation
    return f"assessment:{awaiting.cina_assessment_id}"


def test_a_manager_cannot_authorise_an_assessment_they_completed(db_session, worker):
    db, pid = db_session, _child(db_session)
    manager = StepActor("tm.self", team_id=worker.team_id)
    item = _completed_assessment(db, pid, manager)
    with pytest.raises(Invalid) as exc:
        go(db, pid, "authorise", manager, item=item, authorised_on="2025-06-02")
    assert _problems(exc)["item"] == (
        "You cannot authorise an assessment you completed: another manager must authorise it"
    )
    other = StepActor("tm.other", team_id=worker.team_id)
    (updated, _note) = go(db, pid, "authorise", other, item=item, authorised_on="2025-06-02").rows
    assert isinstance(updated, CinAssessment) and updated.cb_authorised_by == "tm.other"


def test_a_manager_cannot_authorise_an_assessment_they_are_the_worker_for(db_session, worker):
    db, pid = db_session, _child(db_session)
    prof = f"RF-P-{_tag()}"
    _make(db, Professional, {"prof_professional_id": prof, "prof_professional_name": "Bea"})
    started_by = StepActor("sw.bea", professional_id=prof, team_id=worker.team_id)
    item = _completed_assessment(db, pid, started_by)
    same_person = StepActor("tm.bea", professional_id=prof)  # another account, same professional
    with pytest.raises(Invalid) as exc:
        go(db, pid, "authorise", same_person, item=item,
           authorised_on=(TODAY - timedelta(days=1)).isoformat())  # fmt: skip
    assert "you are the worker for" in _problems(exc)["item"]
