"""Steps: early help - the episode, its assessment and plan, Outcome Star readings,
step up to social care (a referral) and step down from it, and the episode's end."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Problem
from casebook.record.models import (
    CinEpisode,
    EarlyHelpAssessment,
    EarlyHelpEpisode,
    EarlyHelpPlan,
    OutcomeStar,
)
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.workflows.closure import check_close_date, closable
from casebook.record.workflows.framework import (
    CODE,
    DATE,
    LONG_TEXT,
    NUMBER,
    TEXT,
    ChildState,
    Field,
    Step,
    clock_label,
    fmt,
    next_due,
    not_before,
    refuse,
    register,
)
from casebook.record.workflows.referral import TEAM_FIELD, professional, referral_team, team_field

AREA = "early_help"
#: The referral source of a step up, and the closure reason of a step down (CIN census codes).
STEP_UP_SOURCE = "5D"
STEP_DOWN_REASON = "RC9"

#: The Family Star Plus areas, each scored 1 to 10.
STAR_AREAS = (
    ("star_physical_health", "Physical health"),
    ("star_wellbeing", "Your well-being"),
    ("star_emotional_needs", "Meeting emotional needs"),
    ("star_keeping_safe", "Keeping your children safe"),
    ("star_social_networks", "Social networks"),
    ("star_education", "Education and learning"),
    ("star_boundaries", "Boundaries and behaviour"),
    ("star_routine", "Family routine"),
    ("star_home_money", "Home and money"),
    ("star_work", "Progress to work"),
)


def _rows(session: Session, model, episode_id: str, order) -> list[Any]:
    return list(
        session.scalars(
            select(model)
            .where(model.episode_id == episode_id, model.cb_status == ACTIVE)
            .order_by(order, model.id)
        )
    )


# --------------------------------------------------------------------------- clocks


def _lower(label: str) -> str:
    return f"{label[:1].lower()}{label[1:]}"


def _start_clock(session: Session, _person_id: str, _s: ChildState, today: date) -> str | None:
    """Early help started today starts the family conversation clock."""
    label = clock_label(session, "family_conversation", today, today)
    return f"Once started today: {_lower(label)}" if label else None


def _conversation_clock(session: Session, person_id: str, s: ChildState, today: date) -> str | None:
    """The family conversation (met by the early help assessment) from the episode's
    start while no assessment is recorded; after it, the child's next due item."""
    e = s.open_early_help
    if e is not None and e.earl_episode_start_date is not None:
        assessed = _rows(session, EarlyHelpAssessment, e.earl_episode_id,
                         EarlyHelpAssessment.assessment_date)  # fmt: skip
        if not assessed:
            return clock_label(session, "family_conversation", e.earl_episode_start_date, today)
    return next_due(session, person_id, s, today)


def _step_up_clock(session: Session, _person_id: str, _s: ChildState, today: date) -> str | None:
    """A step up is a referral: the child seen clock starts with it."""
    label = clock_label(session, "child_seen", today, today)
    return f"Once stepped up today: {_lower(label)}" if label else None


# --------------------------------------------------------------------------- the episode


def _start_available(state: ChildState) -> str | None:
    if state.open_early_help is not None:
        started = fmt(state.open_early_help.earl_episode_start_date)
        return f"an early help episode is already open (started {started})"
    if state.open_episode:
        return "the child is open to children's social care: step down to early help instead"
    return None


def _episode_values(person_id: str, start: date, v: dict[str, Any], actor: Actor) -> dict:
    return {
        "earl_person_id": person_id,
        "earl_episode_start_date": start,
        "earl_episode_organisation": v["earl_episode_organisation"],
        "earl_episode_reason": v["earl_episode_reason"],
        "earl_episode_worker_id": professional(actor),
    }


def _start(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> EarlyHelpEpisode:
    return services.add_record(
        session,
        EarlyHelpEpisode,
        _episode_values(person_id, v["earl_episode_start_date"], v, actor),
        actor,
    )


_EPISODE_FIELDS = (
    Field("earl_episode_organisation", "Locality hub or organisation", TEXT),
    Field("earl_episode_reason", "Reason for early help", TEXT),
)

register(
    Step(
        key="early_help_start",
        title="Start early help",
        area=AREA,
        fields=(Field("earl_episode_start_date", "Start date", DATE), *_EPISODE_FIELDS),
        available=_start_available,
        run=_start,
        clock=_start_clock,
        button="Start early help",
    )
)


def _open(state: ChildState) -> str | None:
    if state.open_early_help is None:
        return "there is no open early help episode"
    return None


def _episode(s: ChildState) -> EarlyHelpEpisode:
    assert s.open_early_help is not None
    return s.open_early_help


def _assessment(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> EarlyHelpAssessment:
    e = _episode(s)
    refuse(
        not_before("assessment_date", "The date of the assessment", v["assessment_date"],
                   e.earl_episode_start_date, "early help started")
    )  # fmt: skip
    return services.add_record(
        session,
        EarlyHelpAssessment,
        {
            "person_id": person_id,
            "episode_id": e.earl_episode_id,
            "assessment_date": v["assessment_date"],
            "summary": v["summary"],
        },
        actor,
    )


register(
    Step(
        key="early_help_assessment",
        title="Record the early help assessment",
        area=AREA,
        fields=(
            Field("assessment_date", "Date of the assessment", DATE),
            Field("summary", "What the family need", LONG_TEXT),
        ),
        available=_open,
        run=_assessment,
        clock=_conversation_clock,
        button="Save the assessment",
    )
)


def _plan(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> EarlyHelpPlan:
    e = _episode(s)
    assessments = _rows(session, EarlyHelpAssessment, e.earl_episode_id,
                        EarlyHelpAssessment.assessment_date)  # fmt: skip
    if not assessments:
        refuse(Problem("plan_date", "Record the early help assessment before the plan"))
    refuse(
        not_before("plan_date", "The date of the plan", v["plan_date"],
                   assessments[-1].assessment_date, "the assessment")
    )  # fmt: skip
    return services.add_record(
        session,
        EarlyHelpPlan,
        {
            "person_id": person_id,
            "episode_id": e.earl_episode_id,
            "plan_date": v["plan_date"],
            "team_around_family": v.get("team_around_family"),
            "outcomes": v["outcomes"],
        },
        actor,
    )


register(
    Step(
        key="early_help_plan",
        title="Record the early help plan",
        area=AREA,
        fields=(
            Field("plan_date", "Date of the plan", DATE),
            Field("outcomes", "Outcomes the family are working towards", LONG_TEXT),
            Field("team_around_family", "Team around the family", LONG_TEXT, required=False,
                  hint="Who is in it, from which agencies"),
        ),
        available=_open,
        run=_plan,
        clock=_conversation_clock,
        button="Save the plan",
    )
)  # fmt: skip


def _star(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> OutcomeStar:
    e = _episode(s)
    earlier = _rows(session, OutcomeStar, e.earl_episode_id, OutcomeStar.star_date)
    refuse(
        not_before("star_date", "The date of the reading", v["star_date"],
                   e.earl_episode_start_date, "early help started"),
        not_before("star_date", "The date of the reading", v["star_date"],
                   earlier[-1].star_date if earlier else None, "the previous reading"),
    )  # fmt: skip
    scores = {name: v[name] for name, _ in STAR_AREAS}
    return services.add_record(
        session,
        OutcomeStar,
        {
            "person_id": person_id,
            "episode_id": e.earl_episode_id,
            "star_date": v["star_date"],
            "reading": "review" if earlier else "baseline",
            "scores_json": json.dumps(scores),
            "total": sum(scores.values()),
        },
        actor,
    )


register(
    Step(
        key="outcome_star",
        title="Record Outcome Star scores",
        area=AREA,
        description="The first reading of an episode is its baseline; later ones are reviews. "
        "Score each area from 1 (stuck) to 10 (effective parenting).",
        fields=(
            Field("star_date", "Date of the reading", DATE),
            *(Field(name, label, NUMBER, minimum=1, maximum=10) for name, label in STAR_AREAS),
        ),
        available=_open,
        run=_star,
        clock=_conversation_clock,
        button="Save the scores",
    )
)


# --------------------------------------------------------------------------- step up and down


def _step_up_available(state: ChildState) -> str | None:
    if reason := _open(state):
        return reason
    if state.open_referral is not None:
        return "the child already has an open referral to social care"
    return None


def _step_up(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    e = _episode(s)
    day = v["step_up_date"]
    refuse(
        not_before("step_up_date", "The date of the step up", day, e.earl_episode_start_date,
                   "early help started")
    )  # fmt: skip
    team = referral_team(session, actor, v.get(TEAM_FIELD))
    ended = services.update_record(
        session,
        EarlyHelpEpisode,
        e.earl_episode_id,
        {"earl_episode_end_date": day, "earl_episode_end_reason": "STEP_UP"},
        e.cb_version,
        actor,
    )
    referral = services.add_record(
        session,
        CinEpisode,
        {
            "cine_person_id": person_id,
            "cine_referral_date": day,
            "cine_referral_source_code": STEP_UP_SOURCE,
            "cine_cin_primary_need_code": v["cine_cin_primary_need_code"],
            "cine_referral_nfa": "N",
            "cine_referral_outcome_json": json.dumps({"reason": v["reason"]}),
            "cine_referral_team": team,
        },
        actor,
    )
    return [ended, referral]


register(
    Step(
        key="early_help_step_up",
        title="Step up to social care",
        area=AREA,
        description="Ends the early help episode and makes a referral to children's social care.",
        fields=(
            Field("step_up_date", "Date of the step up", DATE),
            Field("cine_cin_primary_need_code", "Primary need", CODE, code_list="primary_need"),
            Field("reason", "Why early help is no longer enough", LONG_TEXT),
            team_field(),
        ),
        available=_step_up_available,
        run=_step_up,
        clock=_step_up_clock,
        button="Step up",
    )
)


def _step_down_available(state: ChildState) -> str | None:
    """Stepping down closes the episode: closure's rules, then no early help open."""
    if state.open_referral is None:
        return "the child is not open to social care"
    if reason := closable(state):
        return reason
    if state.open_early_help is not None:
        return "an early help episode is already open"
    return None


def _step_down(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    referral = s.open_referral
    assert referral is not None
    day = v["step_down_date"]
    check_close_date(session, s, day, "step_down_date", "The date of the step down")
    closed = services.update_record(
        session,
        CinEpisode,
        referral.cine_referral_id,
        {"cine_close_date": day, "cine_close_reason": STEP_DOWN_REASON},
        referral.cb_version,
        actor,
    )
    episode = services.add_record(
        session, EarlyHelpEpisode, _episode_values(person_id, day, v, actor), actor
    )
    return [closed, episode]


register(
    Step(
        key="early_help_step_down",
        title="Step down to early help",
        area=AREA,
        description="Closes the child in need episode (closed after assessment, referred to "
        "early help) and opens an early help episode.",
        fields=(Field("step_down_date", "Date of the step down", DATE), *_EPISODE_FIELDS),
        available=_step_down_available,
        run=_step_down,
        clock=next_due,
        button="Step down",
    )
)


def _end(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> EarlyHelpEpisode:
    e = _episode(s)
    refuse(
        not_before("earl_episode_end_date", "The end date", v["earl_episode_end_date"],
                   e.earl_episode_start_date, "early help started")
    )  # fmt: skip
    return services.update_record(
        session,
        EarlyHelpEpisode,
        e.earl_episode_id,
        {
            "earl_episode_end_date": v["earl_episode_end_date"],
            "earl_episode_end_reason": v["earl_episode_end_reason"],
        },
        e.cb_version,
        actor,
    )


register(
    Step(
        key="early_help_end",
        title="End early help",
        area=AREA,
        fields=(
            Field("earl_episode_end_date", "End date", DATE),
            Field("earl_episode_end_reason", "Reason", CODE, code_list="early_help_end_reason"),
        ),
        available=_open,
        run=_end,
        clock=_conversation_clock,
        button="End early help",
    )
)
