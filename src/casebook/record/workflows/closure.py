"""Step: closing the child in need episode with its reason (CIN census RC codes).

Refused while anything under the episode is still open or pending - an
assessment in progress or awaiting authorisation, a section 47 enquiry (or one
waiting for its initial conference), a conference that decided on a plan with
no plan yet, a CIN or CP plan, a period of care - with the reason; the closure
date cannot be before anything dated under the episode (the referral, the
assessment, strategy discussions, enquiries, conferences, plans, their reviews,
visits). :func:`closable` and :func:`check_close_date` are shared with the step
down to early help, which closes the episode too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import CinAssessment, CinEpisode, CinPlanReview
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.workflows.framework import (
    CODE,
    DATE,
    ChildState,
    Field,
    Step,
    fmt,
    next_due,
    not_before,
    refuse,
    register,
)

AREA = "closure"


def closable(state: ChildState) -> str | None:
    """None if the open episode may close now, else why not."""
    if state.open_referral is None:
        return "there is no open child in need episode to close"
    if state.open_assessment is not None:
        return "a single assessment is still in progress: complete it first"
    if any(isinstance(r, CinAssessment) for r in state.awaiting_authorisation):
        return "the assessment is waiting for a manager's authorisation"
    if state.open_s47 is not None:
        return "a section 47 enquiry is still open: record its outcome first"
    if state.s47_awaiting_conference is not None:
        started = fmt(state.s47_awaiting_conference.s47e_s47_start_date)
        return (
            f"the section 47 enquiry (started {started}) is waiting for its initial child "
            "protection conference: record the conference first"
        )
    conference = state.conference_for_plan
    if conference is not None and conference.icpc_referral_id in (
        None,
        state.open_referral.cine_referral_id,
    ):
        return (
            f"the initial conference of {fmt(conference.icpc_icpc_date)} decided on a child "
            "protection plan: start the plan first"
        )
    if state.open_cp_plan is not None:
        return "the child protection plan is still open: end it first"
    if state.open_cin_plan is not None:
        return "the child in need plan is still open: end it first"
    if state.looked_after:
        return "the child is looked after: the episode closes when care ends"
    return None


def _latest(session: Session, s: ChildState, referral_id: str) -> tuple[date | None, str]:
    """The latest date of anything under the referral, and what it was."""
    dated: list[tuple[date, str]] = []
    snap = s.snapshot
    for d in s.strategy_discussions:
        if d.referral_id == referral_id and d.discussion_date:
            dated.append((d.discussion_date, "the strategy discussion"))
    for e in snap.s47_enquiries:
        if e.s47e_referral_id == referral_id and e.s47e_s47_start_date:
            dated.append((e.s47e_s47_start_date, "the section 47 enquiry started"))
    icpcs = {i.icpc_icpc_id for i in snap.icpcs if i.icpc_referral_id == referral_id}
    for i in snap.icpcs:
        if i.icpc_icpc_id in icpcs and i.icpc_icpc_date:
            dated.append((i.icpc_icpc_date, "the initial child protection conference"))
    cin_plans = {p.cinp_cin_plan_id for p in snap.cin_plans if p.cinp_referral_id == referral_id}
    cp_plans = {p.cppl_cp_plan_id for p in snap.cp_plans if p.cppl_referral_id == referral_id}
    for p in snap.cin_plans:
        if p.cinp_cin_plan_id in cin_plans and p.cinp_cin_plan_start_date:
            dated.append((p.cinp_cin_plan_start_date, "the child in need plan started"))
    for p in snap.cp_plans:
        if p.cppl_cp_plan_id in cp_plans and p.cppl_cp_plan_start_date:
            dated.append((p.cppl_cp_plan_start_date, "the child protection plan started"))
    for r in snap.cp_reviews:
        if r.cppr_cp_plan_id in cp_plans and r.cppr_cp_review_date:
            dated.append((r.cppr_cp_review_date, "a child protection review"))
    for v in snap.cp_visits:
        if v.cppv_cp_plan_id in cp_plans and v.cppv_cp_visit_date:
            dated.append((v.cppv_cp_visit_date, "a child protection visit"))
    start = next(
        (r.cine_referral_date for r in snap.referrals if r.cine_referral_id == referral_id), None
    )
    for v in snap.cin_visits:  # a CIN visit names no plan: those since the referral
        if v.cinv_cin_visit_date and start and v.cinv_cin_visit_date >= start:
            dated.append((v.cinv_cin_visit_date, "a child in need visit"))
    if cin_plans:
        reviewed = session.scalar(
            select(func.max(CinPlanReview.review_date)).where(
                CinPlanReview.cin_plan_id.in_(cin_plans), CinPlanReview.cb_status == ACTIVE
            )
        )
        if reviewed:
            dated.append((reviewed, "a child in need plan review"))
    for a in s.snapshot.assessments:
        if a.cina_referral_id == referral_id:
            for d in (a.cina_assessment_start_date, a.cb_completed_on, a.cina_assessment_auth_date):
                if d:
                    dated.append((d, "the assessment"))
    for p in s.snapshot.cin_plans:
        if p.cinp_referral_id == referral_id and p.cinp_cin_plan_end_date:
            dated.append((p.cinp_cin_plan_end_date, "the child in need plan ended"))
    for p in s.snapshot.cp_plans:
        if p.cppl_referral_id == referral_id and p.cppl_cp_plan_end_date:
            dated.append((p.cppl_cp_plan_end_date, "the child protection plan ended"))
    for e in s.snapshot.s47_enquiries:
        if e.s47e_referral_id == referral_id and e.s47e_s47_end_date:
            dated.append((e.s47e_s47_end_date, "the section 47 enquiry ended"))
    if not dated:
        return None, ""
    return max(dated)


def check_close_date(
    session: Session, s: ChildState, day: date, field_name: str, label: str
) -> None:
    """Refuse closing the open episode on ``day`` before anything dated under it."""
    referral = s.open_referral
    assert referral is not None
    latest, what = _latest(session, s, referral.cine_referral_id)
    refuse(not_before(field_name, label, day, referral.cine_referral_date, "the referral"))
    refuse(not_before(field_name, label, day, latest, what))


def _close(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinEpisode:
    referral = s.open_referral
    assert referral is not None
    day = v["cine_close_date"]
    check_close_date(session, s, day, "cine_close_date", "The closure date")
    return services.update_record(
        session,
        CinEpisode,
        referral.cine_referral_id,
        {"cine_close_date": day, "cine_close_reason": v["cine_close_reason"]},
        referral.cb_version,
        actor,
    )


register(
    Step(
        key="close_episode",
        title="Close the child in need episode",
        area=AREA,
        fields=(
            Field("cine_close_date", "Closure date", DATE),
            Field("cine_close_reason", "Reason for closure", CODE, code_list="cin_closure_reason"),
        ),
        available=closable,
        run=_close,
        clock=next_due,
        button="Close the episode",
    )
)
