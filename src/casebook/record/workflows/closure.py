"""Step: closing the child in need episode with its reason (CIN census RC codes).

Refused while anything under the episode is still open - an assessment in
progress, a section 47 enquiry, a CIN or CP plan, a period of care - with the
reason; the closure date cannot be before anything it closes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.models import CinAssessment, CinEpisode
from casebook.record.services import Actor
from casebook.record.workflows.framework import (
    CODE,
    DATE,
    ChildState,
    Field,
    Step,
    next_due,
    not_before,
    refuse,
    register,
)

AREA = "closure"


def _available(state: ChildState) -> str | None:
    if state.open_referral is None:
        return "there is no open child in need episode to close"
    if state.open_assessment is not None:
        return "a single assessment is still in progress: complete it first"
    if any(isinstance(r, CinAssessment) for r in state.awaiting_authorisation):
        return "the assessment is waiting for a manager's authorisation"
    if state.open_s47 is not None:
        return "a section 47 enquiry is still open: record its outcome first"
    if state.open_cp_plan is not None:
        return "the child protection plan is still open: end it first"
    if state.open_cin_plan is not None:
        return "the child in need plan is still open: end it first"
    if state.looked_after:
        return "the child is looked after: the episode closes when care ends"
    return None


def _latest(s: ChildState, referral_id: str) -> tuple[date | None, str]:
    """The latest date of anything under the referral, and what it was."""
    dated: list[tuple[date, str]] = []
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


def _close(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CinEpisode:
    referral = s.open_referral
    assert referral is not None
    day = v["cine_close_date"]
    latest, what = _latest(s, referral.cine_referral_id)
    refuse(
        not_before("cine_close_date", "The closure date", day, referral.cine_referral_date,
                   "the referral"),
    )  # fmt: skip
    refuse(not_before("cine_close_date", "The closure date", day, latest, what))
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
        available=_available,
        run=_close,
        clock=next_due,
        button="Close the episode",
    )
)
