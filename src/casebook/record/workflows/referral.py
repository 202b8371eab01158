"""Steps: a referral to children's social care and the single assessment that follows.

The referral opens a child in need episode and leaves the child unallocated
(allocation is the worklists' step), held by a team (``cine_referral_team``):
the team chosen on the form, else the acting user's team (``StepActor.team_id``,
else their professional record's department). With neither the step refuses:
a referral no team holds would be on nobody's unallocated list. The referral's
worker (``cine_referral_worker_id``) is left empty: Annex A reads it as the
allocated worker, and the child has none until a manager allocates one.

The assessment: started, the child seen, its factors, completed by the worker
with an outcome, then authorised by a manager (``oversight.authorise``), which is
when it counts as done.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Problem
from casebook.record.models import (
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    Department,
    Professional,
)
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.workflows.framework import (
    AWAITING,
    CHOICE,
    CODE,
    DATE,
    LONG_TEXT,
    ChildState,
    Field,
    Step,
    clock_label,
    due_clock,
    fmt,
    not_before,
    refuse,
    register,
)

AREA = "referral"


def professional(actor: Actor) -> str | None:
    """The professional id of the actor, when the actor knows it."""
    return getattr(actor, "professional_id", None)


# --------------------------------------------------------------------------- the team


#: The form field naming the team that holds a referral (the SSD's column).
TEAM_FIELD = "cine_referral_team"


def team_options(state: ChildState) -> list[tuple[str, str]]:
    """Every team in use, by name: the teams a referral can be held by."""
    if state.session is None:
        return []
    rows = state.session.execute(
        select(Department.dept_team_id, Department.dept_team_name)
        .where(Department.cb_status == ACTIVE)
        .order_by(Department.dept_team_name, Department.dept_team_id)
    ).all()
    return [(team_id, name or team_id) for team_id, name in rows]


def team_field(label: str = "Team to hold the referral") -> Field:
    return Field(TEAM_FIELD, label, CHOICE, required=False, options=team_options,
                 hint="Leave empty for your own team. The child waits on this team's "
                 "unallocated list until a manager allocates a worker.")  # fmt: skip


def actor_team(session: Session, actor: Actor) -> str | None:
    """The acting user's team: theirs if the actor knows it, else their professional
    record's department (when that is a team)."""
    team = getattr(actor, "team_id", None)
    if team:
        return team
    prof_id = professional(actor)
    if not prof_id:
        return None
    return session.scalar(
        select(Department.dept_team_id)
        .join(Professional, Professional.prof_professional_department == Department.dept_team_id)
        .where(Professional.prof_professional_id == prof_id, Department.cb_status == ACTIVE)
    )


def referral_team(session: Session, actor: Actor, chosen: str | None) -> str:
    """The team to hold a new referral: the one chosen, else the actor's (else refused)."""
    team = chosen or actor_team(session, actor)
    if team is None:
        refuse(
            Problem(
                TEAM_FIELD,
                "Select the team to hold the referral: Casebook does not know your team",
            )
        )
    assert team is not None
    return team


# --------------------------------------------------------------------------- referral


def _referral_available(state: ChildState) -> str | None:
    r = state.open_referral
    if r is not None:
        return (
            f"a referral is already open (received {fmt(r.cine_referral_date)}); "
            "close it before recording another"
        )
    return None


def _record_referral(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinEpisode:
    closed = [r.cine_close_date for r in s.snapshot.referrals if r.cine_close_date]
    refuse(
        not_before(
            "cine_referral_date",
            "The referral date",
            v["cine_referral_date"],
            max(closed, default=None),
            "the last referral closed",
        )
    )
    return services.add_record(
        session,
        CinEpisode,
        {
            "cine_person_id": person_id,
            "cine_referral_date": v["cine_referral_date"],
            "cine_referral_source_code": v["cine_referral_source_code"],
            "cine_cin_primary_need_code": v["cine_cin_primary_need_code"],
            "cine_referral_nfa": "N",
            "cine_referral_outcome_json": json.dumps({"reason": v["reason"]})
            if v.get("reason")
            else None,
            "cine_referral_team": referral_team(session, actor, v.get(TEAM_FIELD)),
        },
        actor,
    )


def _referral_clock(session: Session, _person_id: str, _s: ChildState, today: date) -> str | None:
    label = clock_label(session, "child_seen", today, today)
    return f"Once recorded today: {label[:1].lower()}{label[1:]}" if label else None


register(
    Step(
        key="referral",
        title="Record a referral",
        area=AREA,
        description="Opens a child in need episode. The child is unallocated until a manager "
        "allocates a worker.",
        fields=(
            Field("cine_referral_date", "Referral date", DATE),
            Field("cine_referral_source_code", "Source of the referral", CODE,
                  code_list="referral_source"),
            Field("cine_cin_primary_need_code", "Primary need", CODE, code_list="primary_need"),
            Field("reason", "Reason for the referral", LONG_TEXT, required=False),
            team_field(),
        ),
        available=_referral_available,
        run=_record_referral,
        clock=_referral_clock,
        button="Record the referral",
    )
)  # fmt: skip


# --------------------------------------------------------------------------- the assessment


def _start_available(state: ChildState) -> str | None:
    if state.open_referral is None:
        return "there is no open referral: record a referral first"
    a = state.open_assessment
    if a is not None:
        started = fmt(a.cina_assessment_start_date)
        return f"a single assessment is already in progress (started {started})"
    return None


def _start(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinAssessment:
    referral = s.open_referral
    assert referral is not None
    refuse(
        not_before(
            "cina_assessment_start_date",
            "The start date",
            v["cina_assessment_start_date"],
            referral.cine_referral_date,
            "the referral",
        )
    )
    return services.add_record(
        session,
        CinAssessment,
        {
            "cina_person_id": person_id,
            "cina_referral_id": referral.cine_referral_id,
            "cina_assessment_start_date": v["cina_assessment_start_date"],
            "cina_assessment_worker_id": professional(actor),
        },
        actor,
    )


def _referral_id(state: ChildState) -> str | None:
    return state.open_referral.cine_referral_id if state.open_referral else None


def _assessment_id(state: ChildState) -> str | None:
    a = state.open_assessment
    return a.cina_assessment_id if a else None


register(
    Step(
        key="assessment_start",
        title="Start a single assessment",
        area=AREA,
        fields=(Field("cina_assessment_start_date", "Start date", DATE),),
        available=_start_available,
        run=_start,
        clock=due_clock("child_seen", ref=_referral_id),
        button="Start the assessment",
    )
)


def _in_progress(state: ChildState) -> str | None:
    if state.open_assessment is None:
        return "no single assessment is in progress: start one first"
    return None


def _seen_available(state: ChildState) -> str | None:
    if reason := _in_progress(state):
        return reason
    a = state.open_assessment
    if a is not None and a.cina_assessment_child_seen == "Y":
        when = a.cb_child_seen_date or a.cina_assessment_start_date
        return f"the child was already recorded as seen for this assessment ({fmt(when)})"
    return None


def _seen(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinAssessment:
    a = s.open_assessment
    assert a is not None
    refuse(
        not_before(
            "seen_date",
            "The date the child was seen",
            v["seen_date"],
            s.open_referral.cine_referral_date if s.open_referral else None,
            "the referral",
        )
    )
    return services.update_record(
        session,
        CinAssessment,
        a.cina_assessment_id,
        {"cina_assessment_child_seen": "Y", "cb_child_seen_date": v["seen_date"]},
        a.cb_version,
        actor,
    )


register(
    Step(
        key="assessment_child_seen",
        title="Record that the child was seen",
        area=AREA,
        fields=(Field("seen_date", "Date the child was seen", DATE),),
        available=_seen_available,
        run=_seen,
        clock=due_clock("child_seen", ref=_referral_id),
        button="Record the child as seen",
    )
)


def _factors(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> AssessmentFactor:
    a = s.open_assessment
    assert a is not None
    codes = v["factors"]
    if "21" in codes and len(codes) > 1:
        refuse(Problem("factors", "'No factors identified' cannot be chosen with other factors"))
    existing = session.scalars(
        select(AssessmentFactor).where(
            AssessmentFactor.cinf_assessment_id == a.cina_assessment_id,
            AssessmentFactor.cb_status == ACTIVE,
        )
    ).first()
    value = json.dumps(codes)
    if existing is not None:
        return services.update_record(
            session,
            AssessmentFactor,
            existing.cinf_table_id,
            {"cinf_assessment_factors_json": value},
            existing.cb_version,
            actor,
        )
    return services.add_record(
        session,
        AssessmentFactor,
        {"cinf_assessment_id": a.cina_assessment_id, "cinf_assessment_factors_json": value},
        actor,
    )


register(
    Step(
        key="assessment_factors",
        title="Record the assessment factors",
        area=AREA,
        description="The CIN census factors identified at the end of the assessment. "
        "Recording them again replaces the earlier choice.",
        fields=(
            Field("factors", "Factors identified", CODE, code_list="assessment_factor",
                  multiple=True, hint="Select all that apply"),
        ),
        available=_in_progress,
        run=_factors,
        clock=due_clock("assessment", ref=_assessment_id),
        button="Save the factors",
    )
)  # fmt: skip

#: What an assessment can lead to.
OUTCOMES = (
    ("nfa", "No further action"),
    ("cin_plan", "Child in need plan"),
    ("strategy", "Strategy discussion"),
    ("early_help", "Step down to early help"),
    ("cla", "Child to become looked after"),
)


def _complete(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinAssessment:
    a = s.open_assessment
    assert a is not None
    refuse(
        not_before(
            "completed_on",
            "The completion date",
            v["completed_on"],
            a.cina_assessment_start_date,
            "the assessment started",
        ),
        not_before(
            "completed_on",
            "The completion date",
            v["completed_on"],
            a.cb_child_seen_date,
            "the child was seen",
        ),
    )
    outcome = {"outcome": v["outcome"]}
    if v.get("summary"):
        outcome["summary"] = v["summary"]
    return services.update_record(
        session,
        CinAssessment,
        a.cina_assessment_id,
        {
            "cb_completed_on": v["completed_on"],
            "cina_assessment_outcome_json": json.dumps(outcome),
            "cina_assessment_outcome_nfa": "Y" if v["outcome"] == "nfa" else "N",
            "cb_authorisation_status": AWAITING,
        },
        a.cb_version,
        actor,
    )


register(
    Step(
        key="assessment_complete",
        title="Complete the assessment",
        area=AREA,
        description="The worker's conclusion. The assessment counts as completed once a "
        "manager authorises it.",
        fields=(
            Field("completed_on", "Date completed", DATE),
            Field("outcome", "Outcome", CHOICE, options=lambda _s: OUTCOMES),
            Field("summary", "Summary of the analysis", LONG_TEXT, required=False),
        ),
        available=_in_progress,
        run=_complete,
        clock=due_clock("assessment", ref=_assessment_id),
        needs_authorisation=True,
        button="Send for authorisation",
    )
)
