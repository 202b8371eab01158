"""Steps: the child in need plan - its start (authorised by a manager), its reviews, its end."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import CinPlan, CinPlanReview
from casebook.record.services import Actor
from casebook.record.workflows.framework import (
    AWAITING,
    DATE,
    LONG_TEXT,
    YES_NO,
    ChildState,
    Field,
    Step,
    clock_label,
    due_clock,
    fmt,
    next_due,
    not_before,
    refuse,
    register,
)
from casebook.record.workflows.referral import professional

AREA = "child_in_need"


def _start_available(state: ChildState) -> str | None:
    if state.open_referral is None:
        return "there is no open referral: a child in need plan follows a referral and assessment"
    if state.open_cin_plan is not None:
        started = fmt(state.open_cin_plan.cinp_cin_plan_start_date)
        return f"a child in need plan is already open (started {started})"
    if state.open_cp_plan is not None:
        return (
            "the child has an open child protection plan: a child in need plan is for "
            "children in need without one"
        )
    return None


def _start(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinPlan:
    referral = s.open_referral
    assert referral is not None
    refuse(
        not_before("cinp_cin_plan_start_date", "The start date", v["cinp_cin_plan_start_date"],
                   referral.cine_referral_date, "the referral")
    )  # fmt: skip
    return services.add_record(
        session,
        CinPlan,
        {
            "cinp_person_id": person_id,
            "cinp_referral_id": referral.cine_referral_id,
            "cinp_cin_plan_start_date": v["cinp_cin_plan_start_date"],
            "cinp_cin_plan_worker_id": professional(actor),
            "cb_authorisation_status": AWAITING,
        },
        actor,
    )


def _start_clock(session: Session, _person_id: str, _s: ChildState, today: date) -> str | None:
    """A plan started today starts the CIN visits clock (the first visit runs from it)."""
    label = clock_label(session, "cin_visit", today, today)
    if label is None:
        return None
    if label[1:2].islower():  # "CIN visit" keeps its capitals
        label = f"{label[:1].lower()}{label[1:]}"
    return f"Once started today: first {label}"


register(
    Step(
        key="cin_plan_start",
        title="Start a child in need plan",
        area=AREA,
        fields=(Field("cinp_cin_plan_start_date", "Start date", DATE),),
        available=_start_available,
        run=_start,
        clock=_start_clock,
        needs_authorisation=True,
        button="Start the plan",
    )
)


def _plan_open(state: ChildState) -> str | None:
    if state.open_cin_plan is None:
        return "there is no open child in need plan"
    return None


def _plan_id(state: ChildState) -> str | None:
    return state.open_cin_plan.cinp_cin_plan_id if state.open_cin_plan else None


def _review(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinPlanReview:
    plan = s.open_cin_plan
    assert plan is not None
    refuse(
        not_before("review_date", "The review date", v["review_date"],
                   plan.cinp_cin_plan_start_date, "the plan started")
    )  # fmt: skip
    return services.add_record(
        session,
        CinPlanReview,
        {
            "person_id": person_id,
            "cin_plan_id": plan.cinp_cin_plan_id,
            "review_date": v["review_date"],
            "plan_continues": v["plan_continues"],
            "notes": v.get("notes"),
        },
        actor,
    )


def _review_clock(session: Session, person_id: str, s: ChildState, today: date) -> str | None:
    """No timescale for CIN plan reviews (the domain's timescales give none): the
    child's next due item instead, saying so."""
    label = next_due(session, person_id, s, today)
    nothing = "No timescale is set for child in need plan reviews"
    return f"{nothing}. Next due for the child: {label}" if label else f"{nothing}."


register(
    Step(
        key="cin_plan_review",
        title="Record a child in need plan review",
        area=AREA,
        fields=(
            Field("review_date", "Date of the review", DATE),
            Field("plan_continues", "Is the plan to continue?", YES_NO),
            Field("notes", "What the review found and decided", LONG_TEXT, required=False),
        ),
        available=_plan_open,
        run=_review,
        clock=_review_clock,
        button="Record the review",
    )
)


def _end(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinPlan:
    plan = s.open_cin_plan
    assert plan is not None
    refuse(
        not_before("cinp_cin_plan_end_date", "The end date", v["cinp_cin_plan_end_date"],
                   plan.cinp_cin_plan_start_date, "the plan started")
    )  # fmt: skip
    return services.update_record(
        session,
        CinPlan,
        plan.cinp_cin_plan_id,
        {"cinp_cin_plan_end_date": v["cinp_cin_plan_end_date"]},
        plan.cb_version,
        actor,
    )


register(
    Step(
        key="cin_plan_end",
        title="End the child in need plan",
        area=AREA,
        fields=(Field("cinp_cin_plan_end_date", "Date the plan ended", DATE),),
        available=_plan_open,
        run=_end,
        clock=due_clock("cin_visit", ref=_plan_id),
        button="End the plan",
    )
)
