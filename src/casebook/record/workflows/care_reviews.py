"""Care reviews and checks while a child is looked after: the independent
reviewing officer's CLA review (with the child's participation), health
assessments, dental checks, the personal education plan and the SDQ score.

Each is allowed only while the child is looked after, may not come before the
period of care began, and shows the clock it runs against (first review in 20
working days, then 3 months, then 6 months; health assessments; dental checks;
the PEP), read from the child's due items so the form, the worklist and the
KPIs agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.record.models import (
    ClaHealth,
    ClaImmunisation,
    ClaReview,
    EducationPlan,
    SdqScore,
)
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.timescales.looked_after import DENTAL, HEALTH, PEP_FROM_AGE, PEP_UNTIL_AGE
from casebook.record.workflows.care_common import (
    add,
    age_on,
    change,
    cla_id_of,
    first_due,
    not_looked_after,
    period_start,
)
from casebook.record.workflows.care_entry import REVIEWS
from casebook.record.workflows.framework import (
    CODE,
    DATE,
    LONG_TEXT,
    NUMBER,
    TEXT,
    YES_NO,
    ChildState,
    Field,
    Step,
    fmt,
    not_before,
    register,
)

#: Review participation for a child under 4 at the review (903 PN0).
UNDER_FOUR = "PN0"
HEALTH_KEYS = ("health_assessment", "health_review_under_5", "health_review")
PEP_KEYS = ("pep", "pep_review")
SDQ_MAX = 40


def _in_care_since(state: ChildState, day: date, field: str) -> Problem | None:
    started = period_start(state)
    if started is not None and day < started:
        return Problem(field, f"cannot be before the child came into care, {fmt(started)}")
    return None


def _refuse(*problems: Problem | None) -> None:
    found = [p for p in problems if p is not None]
    if found:
        raise Invalid(found)


# --------------------------------------------------------------------------- CLA review


def record_review(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> ClaReview:
    """A CLA review held (or cancelled), due as the review clock said."""
    episode = state.open_cla_episode
    assert episode is not None
    day: date = values["review_date"]
    cancelled = values.get("cancelled") or "N"
    participation = values.get("participation")
    problems: list[Problem | None] = [_in_care_since(state, day, "review_date")]
    years = age_on(state.dob, day)
    if cancelled == "N":
        if participation is None:
            problems.append(Problem("participation", "Select how the child took part"))
        elif years is not None and years < 4 and participation != UNDER_FOUR:
            problems.append(
                Problem(
                    "participation", f"must be {UNDER_FOUR}: the child was under 4 at the review"
                )
            )
        elif years is not None and years >= 4 and participation == UNDER_FOUR:
            problems.append(
                Problem("participation", f"{UNDER_FOUR} is only for a child under 4 at the review")
            )
    cla_id = cla_id_of(episode)
    held = {
        r.clar_cla_review_date
        for r in state.snapshot.cla_reviews
        if r.clar_cla_id == cla_id and r.clar_cla_review_cancelled != "Y"
    }
    if cancelled == "N" and day in held:
        problems.append(Problem("review_date", f"a review on {fmt(day)} is already recorded"))
    else:
        last = max((d for d in held if d is not None), default=None)
        problems.append(not_before("review_date", "The review date", day, last, "the last review"))
    _refuse(*problems)

    due = next((i.due for i in state.due if i.key in REVIEWS), None)
    review = add(
        session,
        ClaReview,
        {
            "clar_cla_id": cla_id,
            "clar_cla_review_due_date": due,
            "clar_cla_review_date": day,
            "clar_cla_review_cancelled": cancelled,
            "clar_cla_review_participation": participation if cancelled == "N" else None,
        },
        actor,
    )
    last = episode.clae_cla_last_iro_contact_date
    if cancelled == "N" and (last is None or day > last):
        change(session, episode, {"clae_cla_last_iro_contact_date": day}, actor)
    return review


def review_clock(_session: Session, _person_id: str, state: ChildState, _today: date) -> str | None:
    return first_due(state, *REVIEWS)


# --------------------------------------------------------------------------- health and dental


def _check(kind: str):
    def run(
        session: Session,
        actor: Actor,
        person_id: str,
        values: dict[str, Any],
        today: date,
        state: ChildState,
    ) -> ClaHealth:
        day: date = values["check_date"]
        _refuse(_in_care_since(state, day, "check_date"))
        check = add(
            session,
            ClaHealth,
            {
                "clah_person_id": person_id,
                "clah_health_check_type": kind,
                "clah_health_check_date": day,
                "clah_health_check_status": values["status"],
            },
            actor,
        )
        if values.get("immunisations"):
            add(
                session,
                ClaImmunisation,
                {
                    "clai_person_id": person_id,
                    "clai_immunisations_status": values["immunisations"],
                    "clai_immunisations_status_date": day,
                },
                actor,
            )
        return check

    return run


def _clock(*keys: str):
    def clock(_session: Session, _person_id: str, state: ChildState, _today: date) -> str | None:
        return first_due(state, *keys)

    return clock


# --------------------------------------------------------------------------- PEP


def pep_available(state: ChildState) -> str | None:
    reason = not_looked_after(state)
    if reason:
        return reason
    years = state.age
    if years is not None and not PEP_FROM_AGE <= years < PEP_UNTIL_AGE:
        return (
            f"a personal education plan is for a child aged {PEP_FROM_AGE} to "
            f"{PEP_UNTIL_AGE - 1}; the child is {years}"
        )
    return None


def record_pep(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> EducationPlan:
    day: date = values["pep_date"]
    urn = (values.get("school_urn") or "").strip() or None
    problems = [_in_care_since(state, day, "pep_date")]
    if urn is not None and not (urn.isdigit() and len(urn) == 6):
        problems.append(Problem("school_urn", "must be the school's 6-digit URN"))
    _refuse(*problems)
    return add(
        session,
        EducationPlan,
        {"person_id": person_id, "pep_date": day, "school_urn": urn, "notes": values.get("notes")},
        actor,
    )


# --------------------------------------------------------------------------- SDQ


def record_sdq(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> SdqScore:
    day: date = values["sdq_date"]
    score, reason = values.get("score"), values.get("reason")
    problems = [_in_care_since(state, day, "sdq_date")]
    if score is None and reason is None:
        problems.append(Problem("score", "Enter the score, or select why there is none"))
    elif score is not None and reason is not None:
        problems.append(Problem("reason", "leave this empty when there is a score"))
    _refuse(*problems)
    return add(
        session,
        SdqScore,
        {
            "csdq_person_id": person_id,
            "csdq_sdq_completed_date": day,
            "csdq_sdq_score": None if score is None else str(score),
            "csdq_sdq_reason": reason,
        },
        actor,
    )


def sdq_clock(session: Session, person_id: str, _state: ChildState, _today: date) -> str:
    """The SDQ has no timescale of its own (the registry has none): show the latest."""
    latest = session.scalars(
        select(SdqScore)
        .where(SdqScore.csdq_person_id == person_id, SdqScore.cb_status == ACTIVE)
        .order_by(SdqScore.csdq_sdq_completed_date.desc())
    ).first()
    if latest is None or latest.csdq_sdq_completed_date is None:
        return "No timescale runs for the SDQ; none is recorded for this child yet"
    what = (
        f"score {latest.csdq_sdq_score}"
        if latest.csdq_sdq_score is not None
        else f"no score ({latest.csdq_sdq_reason})"
    )
    when = fmt(latest.csdq_sdq_completed_date)
    return f"No timescale runs for the SDQ; the latest was {what} on {when}"


# --------------------------------------------------------------------------- the steps

STATUS = Field("status", "Outcome", CODE, code_list="health_check_status")

STEPS = (
    register(
        Step(
            key="cla_review",
            title="CLA review",
            area="looked_after",
            fields=(
                Field("review_date", "Date of the review", DATE),
                Field(
                    "participation",
                    "How the child took part",
                    CODE,
                    code_list="review_participation",
                    required=False,
                    hint="PN0 for a child under 4 at the review. Leave empty if cancelled.",
                ),
                Field(
                    "cancelled",
                    "Was the review cancelled?",
                    YES_NO,
                    required=False,
                ),
            ),
            available=not_looked_after,
            run=record_review,
            clock=review_clock,
            description="The independent reviewing officer's review of the care plan.",
        )
    ),
    register(
        Step(
            key="health_assessment",
            title="Health assessment",
            area="care_health",
            fields=(
                Field("check_date", "Date of the health assessment", DATE),
                STATUS,
                Field(
                    "immunisations",
                    "Are the child's immunisations up to date?",
                    YES_NO,
                    required=False,
                ),
            ),
            available=not_looked_after,
            run=_check(HEALTH),
            clock=_clock(*HEALTH_KEYS),
            description="The initial health assessment, then reviews (6-monthly under 5).",
        )
    ),
    register(
        Step(
            key="dental_check",
            title="Dental check",
            area="care_health",
            fields=(Field("check_date", "Date of the dental check", DATE), STATUS),
            available=not_looked_after,
            run=_check(DENTAL),
            clock=_clock("dental_check"),
        )
    ),
    register(
        Step(
            key="personal_education_plan",
            title="Personal education plan",
            area="care_health",
            fields=(
                Field("pep_date", "Date of the PEP meeting", DATE),
                Field(
                    "school_urn",
                    "School URN",
                    TEXT,
                    required=False,
                    hint="The school's 6-digit unique reference number",
                ),
                Field("notes", "Notes", LONG_TEXT, required=False),
            ),
            available=pep_available,
            run=record_pep,
            clock=_clock(*PEP_KEYS),
        )
    ),
    register(
        Step(
            key="sdq_score",
            title="SDQ score",
            area="care_health",
            fields=(
                Field("sdq_date", "Date the SDQ was completed", DATE),
                Field(
                    "score",
                    "Total difficulties score",
                    NUMBER,
                    required=False,
                    minimum=0,
                    maximum=SDQ_MAX,
                    hint=f"0 to {SDQ_MAX}",
                ),
                Field(
                    "reason",
                    "Why there is no score",
                    CODE,
                    code_list="sdq_reason",
                    required=False,
                ),
            ),
            available=not_looked_after,
            run=record_sdq,
            clock=sdq_clock,
        )
    ),
)
