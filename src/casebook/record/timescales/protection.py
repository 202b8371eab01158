"""Child protection and child in need clocks: initial conferences after a
section 47 enquiry, CP reviews and visits for each CP plan, visits for each CIN plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from casebook.record.models.child_in_need import CinPlan
from casebook.record.models.protection import CpPlan
from casebook.record.timescales.clocks import Clock, always, chain, first_then, seen, within, yes
from casebook.record.timescales.snapshot import ChildSnapshot


def conferences(s: ChildSnapshot) -> Iterator[Clock]:
    """An initial conference for each section 47 enquiry that needs one."""
    closed_on = {r.cine_referral_id: r.cine_close_date for r in s.referrals}
    discussed = {d.id: d.discussion_date for d in s.strategy_discussions}
    for e in s.s47_enquiries:
        if yes(e.s47e_s47_nfa) or yes(e.cb_icpc_not_required):
            continue
        start = discussed.get(e.cb_strategy_discussion_id) or e.s47e_s47_start_date
        if start is None:
            continue
        held = [
            i.icpc_icpc_date
            for i in s.icpcs
            if i.icpc_s47_enquiry_id == e.s47e_s47_enquiry_id and i.icpc_icpc_date
        ]
        yield Clock(
            "icpc",
            start,
            min(held, default=None),
            closed_on.get(e.s47e_referral_id),
            e.s47e_s47_enquiry_id,
        )


def _for_plan(row_plan_id: str | None, d: date | None, plan: CpPlan) -> bool:
    """A CP review or visit belongs to the plan it names, or else to the plan open that day."""
    if row_plan_id:
        return row_plan_id == plan.cppl_cp_plan_id and d is not None
    return within(d, plan.cppl_cp_plan_start_date, plan.cppl_cp_plan_end_date)


def cp_plan(s: ChildSnapshot, plan: CpPlan) -> Iterator[Clock]:
    """Reviews (the first from the initial conference) and visits for one CP plan."""
    start, end, ref = plan.cppl_cp_plan_start_date, plan.cppl_cp_plan_end_date, plan.cppl_cp_plan_id
    conference = next(
        (i.icpc_icpc_date for i in s.icpcs if i.icpc_icpc_id == plan.cppl_icpc_id), None
    )
    reviews = [
        r.cppr_cp_review_date
        for r in s.cp_reviews
        if _for_plan(r.cppr_cp_plan_id, r.cppr_cp_review_date, plan)
    ]
    visits = [
        v.cppv_cp_visit_date
        for v in s.cp_visits
        if seen(v.cppv_cp_visit_seen) and _for_plan(v.cppv_cp_plan_id, v.cppv_cp_visit_date, plan)
    ]
    yield from chain(
        conference or start, reviews, end, ref, first_then("cp_first_review", "cp_review")
    )
    yield from chain(start, visits, end, ref, always("cp_visit"))


def cin_plan(s: ChildSnapshot, plan: CinPlan) -> list[Clock]:
    """Visits for one CIN plan, while it is open."""
    start, end = plan.cinp_cin_plan_start_date, plan.cinp_cin_plan_end_date
    visits = [
        v.cinv_cin_visit_date
        for v in s.cin_visits
        if seen(v.cinv_cin_visit_seen) and within(v.cinv_cin_visit_date, start, end)
    ]
    return chain(start, visits, end, plan.cinp_cin_plan_id, always("cin_visit"))


def clocks(s: ChildSnapshot) -> Iterator[Clock]:
    """Conferences, then each CP plan's clocks, then each CIN plan's."""
    yield from conferences(s)
    for plan in s.cp_plans:
        if plan.cppl_cp_plan_start_date:
            yield from cp_plan(s, plan)
    for plan in s.cin_plans:
        if plan.cinp_cin_plan_start_date:
            yield from cin_plan(s, plan)
