"""Steps: child protection - strategy discussion, section 47 enquiry and its
outcome, the initial conference (due 15 working days from the strategy
discussion that started the enquiry), the CP plan, its reviews and its end."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.calendar import WorkingCalendar
from casebook.record.models import (
    CpPlan,
    CpReview,
    InitialCpConference,
    S47Enquiry,
    StrategyDiscussion,
)
from casebook.record.services import Actor
from casebook.record.timescales.registry import due_date, load_timescales
from casebook.record.workflows.framework import (
    AWAITING,
    CHOICE,
    CODE,
    DATE,
    LONG_TEXT,
    YES_NO,
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
from casebook.record.workflows.referral import professional

AREA = "protection"


def _needs_referral(state: ChildState) -> str | None:
    if state.open_referral is None:
        return "there is no open referral: child protection work follows a referral"
    return None


# --------------------------------------------------------------------------- strategy discussion


def _strategy(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> StrategyDiscussion:
    referral = s.open_referral
    assert referral is not None
    refuse(
        not_before(
            "discussion_date",
            "The date of the discussion",
            v["discussion_date"],
            referral.cine_referral_date,
            "the referral",
        )
    )
    return services.add_record(
        session,
        StrategyDiscussion,
        {
            "person_id": person_id,
            "referral_id": referral.cine_referral_id,
            "discussion_date": v["discussion_date"],
            "outcome_s47": v["outcome_s47"],
            "worker_id": professional(actor),
            "notes": v.get("notes"),
        },
        actor,
    )


register(
    Step(
        key="strategy_discussion",
        title="Record a strategy discussion",
        area=AREA,
        description="Where there is reasonable cause to suspect significant harm. If it agrees "
        "a section 47 enquiry, the initial conference is due 15 working days from its date.",
        fields=(
            Field("discussion_date", "Date of the discussion", DATE),
            Field("outcome_s47", "Was a section 47 enquiry agreed?", YES_NO),
            Field("notes", "Who took part, and what was agreed", LONG_TEXT, required=False),
        ),
        available=_needs_referral,
        run=_strategy,
        clock=due_clock("child_seen", "assessment"),
        button="Record the discussion",
    )
)


# --------------------------------------------------------------------------- section 47


def _discussion_for_s47(state: ChildState) -> StrategyDiscussion | None:
    """The latest discussion in the open referral that agreed an enquiry not yet started."""
    if state.open_referral is None:
        return None
    started = {e.cb_strategy_discussion_id for e in state.snapshot.s47_enquiries}
    for d in reversed(state.strategy_discussions):
        if (
            d.referral_id == state.open_referral.cine_referral_id
            and d.outcome_s47 == "Y"
            and d.id not in started
        ):
            return d
    return None


def _s47_available(state: ChildState) -> str | None:
    if reason := _needs_referral(state):
        return reason
    if state.open_s47 is not None:
        started = fmt(state.open_s47.s47e_s47_start_date)
        return f"a section 47 enquiry is already open (started {started})"
    if _discussion_for_s47(state) is None:
        return "no strategy discussion has agreed a section 47 enquiry: record one first"
    return None


def _s47(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> S47Enquiry:
    discussion = _discussion_for_s47(s)
    assert discussion is not None and s.open_referral is not None
    refuse(
        not_before(
            "s47e_s47_start_date",
            "The start date",
            v["s47e_s47_start_date"],
            discussion.discussion_date,
            "the strategy discussion",
        )
    )
    return services.add_record(
        session,
        S47Enquiry,
        {
            "s47e_person_id": person_id,
            "s47e_referral_id": s.open_referral.cine_referral_id,
            "s47e_s47_start_date": v["s47e_s47_start_date"],
            "cb_strategy_discussion_id": discussion.id,
            "s47e_s47_completed_by_worker_id": professional(actor),
        },
        actor,
    )


def _conference_if_started(
    session: Session, _person_id: str, state: ChildState, today: date
) -> str | None:
    discussion = _discussion_for_s47(state)
    if discussion is None:
        return None
    label = clock_label(session, "icpc", discussion.discussion_date, today)
    return f"If an enquiry starts: {label[:1].lower()}{label[1:]}" if label else None


register(
    Step(
        key="s47_start",
        title="Start a section 47 enquiry",
        area=AREA,
        fields=(Field("s47e_s47_start_date", "Start date", DATE),),
        available=_s47_available,
        run=_s47,
        clock=_conference_if_started,
        button="Start the enquiry",
    )
)

#: How a section 47 enquiry can end.
S47_OUTCOMES = (
    ("icpc", "Concerns substantiated: initial child protection conference"),
    ("no_icpc", "Concerns substantiated: conference not required"),
    ("nfa", "Concerns not substantiated: no further action"),
)


def _s47_open(state: ChildState) -> str | None:
    if state.open_s47 is None:
        return "no section 47 enquiry is open"
    return None


def _s47_id(state: ChildState) -> str | None:
    e = state.open_s47 or state.s47_awaiting_conference
    return e.s47e_s47_enquiry_id if e else None


def _s47_outcome(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> S47Enquiry:
    e = s.open_s47
    assert e is not None
    refuse(
        not_before(
            "s47e_s47_end_date",
            "The end date",
            v["s47e_s47_end_date"],
            e.s47e_s47_start_date,
            "the enquiry started",
        )
    )
    outcome = v["outcome"]
    return services.update_record(
        session,
        S47Enquiry,
        e.s47e_s47_enquiry_id,
        {
            "s47e_s47_end_date": v["s47e_s47_end_date"],
            "s47e_s47_nfa": "Y" if outcome == "nfa" else "N",
            "cb_icpc_not_required": "N" if outcome == "icpc" else "Y",
            "s47e_s47_outcome_json": f'{{"outcome": "{outcome}"}}',
        },
        e.cb_version,
        actor,
    )


register(
    Step(
        key="s47_outcome",
        title="Record the outcome of the section 47 enquiry",
        area=AREA,
        fields=(
            Field("s47e_s47_end_date", "Date the enquiry ended", DATE),
            Field("outcome", "Outcome", CHOICE, options=lambda _s: S47_OUTCOMES),
        ),
        available=_s47_open,
        run=_s47_outcome,
        clock=due_clock("icpc", ref=_s47_id),
        button="Record the outcome",
    )
)


# --------------------------------------------------------------------------- initial conference


def _icpc_available(state: ChildState) -> str | None:
    if reason := _needs_referral(state):
        return reason
    if state.s47_awaiting_conference is None:
        return "no section 47 enquiry is waiting for an initial child protection conference"
    return None


def _icpc(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> InitialCpConference:
    e = s.s47_awaiting_conference
    assert e is not None
    refuse(
        not_before(
            "icpc_icpc_date",
            "The date of the conference",
            v["icpc_icpc_date"],
            e.s47e_s47_start_date,
            "the section 47 enquiry started",
        )
    )
    discussion = next(
        (d for d in s.strategy_discussions if d.id == e.cb_strategy_discussion_id), None
    )
    start = discussion.discussion_date if discussion else e.s47e_s47_start_date
    target = None
    if start is not None:
        target = due_date(
            load_timescales(session)["icpc"], start, WorkingCalendar.from_session(session)
        )
    return services.add_record(
        session,
        InitialCpConference,
        {
            "icpc_person_id": person_id,
            "icpc_s47_enquiry_id": e.s47e_s47_enquiry_id,
            "icpc_referral_id": e.s47e_referral_id,
            "icpc_icpc_transfer_in": "N",
            "icpc_icpc_target_date": target,
            "icpc_icpc_date": v["icpc_icpc_date"],
            "icpc_icpc_outcome_cp_flag": v["icpc_icpc_outcome_cp_flag"],
            "icpc_icpc_worker_id": professional(actor),
        },
        actor,
    )


register(
    Step(
        key="icpc",
        title="Record the initial child protection conference",
        area=AREA,
        description="Due 15 working days from the strategy discussion that started the "
        "section 47 enquiry.",
        fields=(
            Field("icpc_icpc_date", "Date of the conference", DATE),
            Field("icpc_icpc_outcome_cp_flag", "Did the conference decide on a plan?", YES_NO),
        ),
        available=_icpc_available,
        run=_icpc,
        clock=due_clock("icpc", ref=_s47_id),
        button="Record the conference",
    )
)  # fmt: skip


# --------------------------------------------------------------------------- the plan


def _open_plan_reason(state: ChildState) -> str | None:
    plan = state.open_cp_plan
    if plan is not None:
        return (
            "the child already has an open child protection plan "
            f"(started {fmt(plan.cppl_cp_plan_start_date)}): a second cannot be opened"
        )
    return None


def _plan_available(state: ChildState) -> str | None:
    if reason := _needs_referral(state):
        return reason
    if reason := _open_plan_reason(state):
        return reason
    if state.conference_for_plan is None:
        return "no initial child protection conference has decided on a plan"
    return None


def _plan(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    conference = s.conference_for_plan
    assert conference is not None
    refuse(
        not_before(
            "cppl_cp_plan_start_date",
            "The start date",
            v["cppl_cp_plan_start_date"],
            conference.icpc_icpc_date,
            "the conference",
        )
    )
    plan = services.add_record(
        session,
        CpPlan,
        {
            "cppl_person_id": person_id,
            "cppl_referral_id": conference.icpc_referral_id,
            "cppl_icpc_id": conference.icpc_icpc_id,
            "cppl_cp_plan_start_date": v["cppl_cp_plan_start_date"],
            "cppl_cp_plan_initial_category": v["cppl_cp_plan_initial_category"],
            "cppl_cp_plan_latest_category": v["cppl_cp_plan_initial_category"],
            "cppl_cp_plan_ola": "N",
            "cb_authorisation_status": AWAITING,
        },
        actor,
    )
    linked = services.update_record(
        session,
        InitialCpConference,
        conference.icpc_icpc_id,
        {"icpc_cp_plan_id": plan.cppl_cp_plan_id},
        conference.cb_version,
        actor,
    )
    return [plan, linked]


def _plan_clock(session: Session, _person_id: str, s: ChildState, today: date) -> str | None:
    """The first review of a plan is due 3 months from the initial conference."""
    conference = s.conference_for_plan
    held = conference.icpc_icpc_date if conference is not None else None
    label = clock_label(session, "cp_first_review", held or today, today)
    if label is None:
        return None
    if held is None:
        return f"Once started today: {label[:1].lower()}{label[1:]}"
    return f"From the conference of {fmt(held)}: {label[:1].lower()}{label[1:]}"


register(
    Step(
        key="cp_plan_start",
        title="Start a child protection plan",
        area=AREA,
        fields=(
            Field("cppl_cp_plan_start_date", "Start date", DATE),
            Field("cppl_cp_plan_initial_category", "Category of abuse", CODE,
                  code_list="cp_category"),
        ),
        available=_plan_available,
        run=_plan,
        clock=_plan_clock,
        needs_authorisation=True,
        button="Start the plan",
    )
)  # fmt: skip


def _plan_open(state: ChildState) -> str | None:
    if state.open_cp_plan is None:
        return "there is no open child protection plan"
    return None


def _plan_id(state: ChildState) -> str | None:
    return state.open_cp_plan.cppl_cp_plan_id if state.open_cp_plan else None


def _review(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CpReview:
    plan = s.open_cp_plan
    assert plan is not None
    day = v["cppr_cp_review_date"]
    previous = [
        r.cppr_cp_review_date
        for r in s.snapshot.cp_reviews
        if r.cppr_cp_plan_id == plan.cppl_cp_plan_id and r.cppr_cp_review_date
    ]
    refuse(
        not_before("cppr_cp_review_date", "The review date", day,
                   plan.cppl_cp_plan_start_date, "the plan started"),
        not_before("cppr_cp_review_date", "The review date", day,
                   max(previous, default=None), "the previous review"),
    )  # fmt: skip
    due = next(
        (
            i.due
            for i in s.due
            if i.key in ("cp_first_review", "cp_review") and i.ref == plan.cppl_cp_plan_id
        ),
        None,
    )
    return services.add_record(
        session,
        CpReview,
        {
            "cppr_person_id": person_id,
            "cppr_cp_plan_id": plan.cppl_cp_plan_id,
            "cppr_cp_review_due": due,
            "cppr_cp_review_date": day,
            "cppr_cp_review_outcome_continue_cp": v["cppr_cp_review_outcome_continue_cp"],
            "cppr_cp_review_quorate": v.get("cppr_cp_review_quorate"),
            "cppr_cp_review_participation": v.get("cppr_cp_review_participation"),
        },
        actor,
    )


register(
    Step(
        key="cp_review",
        title="Record a child protection review",
        area=AREA,
        fields=(
            Field("cppr_cp_review_date", "Date of the review", DATE),
            Field("cppr_cp_review_outcome_continue_cp", "Is the plan to continue?", YES_NO),
            Field("cppr_cp_review_quorate", "Was the review quorate?", YES_NO, required=False),
            Field("cppr_cp_review_participation", "Did the child take part?", YES_NO,
                  required=False),
        ),
        available=_plan_open,
        run=_review,
        clock=due_clock("cp_first_review", "cp_review", ref=_plan_id),
        button="Record the review",
    )
)  # fmt: skip


def _end(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CpPlan:
    plan = s.open_cp_plan
    assert plan is not None
    end = v["cppl_cp_plan_end_date"]
    refuse(
        not_before("cppl_cp_plan_end_date", "The end date", end,
                   plan.cppl_cp_plan_start_date, "the plan started"),
    )  # fmt: skip
    changes: dict[str, Any] = {"cppl_cp_plan_end_date": end}
    if v.get("cppl_cp_plan_latest_category"):
        changes["cppl_cp_plan_latest_category"] = v["cppl_cp_plan_latest_category"]
    return services.update_record(
        session, CpPlan, plan.cppl_cp_plan_id, changes, plan.cb_version, actor
    )


register(
    Step(
        key="cp_plan_end",
        title="End the child protection plan",
        area=AREA,
        fields=(
            Field("cppl_cp_plan_end_date", "Date the plan ended", DATE),
            Field("cppl_cp_plan_latest_category", "Latest category of abuse", CODE,
                  code_list="cp_category", required=False,
                  hint="If it changed while the plan was open"),
        ),
        available=_plan_open,
        run=_end,
        clock=due_clock("cp_first_review", "cp_review", ref=_plan_id),
        button="End the plan",
    )
)  # fmt: skip
