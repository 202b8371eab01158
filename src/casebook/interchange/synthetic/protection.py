"""Child protection: strategy discussions, section 47 enquiries, initial conferences, plans.

The initial conference is timed from the strategy discussion (15 working days,
held late in about one case in five, as in the sample papers); a plan ends at
the review conference that decides it is no longer needed, so plan lengths and
review dates agree the way they do in a real record.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from casebook.interchange.synthetic import followup, oversight, rates
from casebook.interchange.synthetic.context import OPEN
from casebook.interchange.synthetic.days import add_months

if TYPE_CHECKING:
    from casebook.interchange.synthetic.journeys import Journey, Spell


def strategy(j: Journey, sp: Spell, sd: int) -> tuple[str, int]:
    """A strategy discussion, the section 47 enquiry it starts, and the initial conference."""
    rng, cal, child = j.rng, j.cal, j.child
    s47 = rng.random() < rates.S47_AFTER_STRATEGY
    sid = j.new_id("STR")
    j.add(
        "strategy_discussion",
        (sid, child.pid, sp.rid, cal.iso(sd), "Y" if s47 else "N", sp.worker),
    )
    after_assessment = max(sd, sp.auth or sd)
    if not s47:
        return ("cin", after_assessment) if rng.random() < 0.45 else ("RC8", after_assessment)
    days = rng.randint(3, 10)
    end = cal.add_working(sd, days)
    icpc = rng.random() < rates.ICPC_AFTER_S47
    emergency = rng.random() < rates.EMERGENCY_CARE
    qid = j.new_id("S47")
    done = end <= j.as_at
    sp.busy = True
    sp.latest = max(sp.latest, end)
    outcome = "ICPC" if icpc else ("CLA" if emergency else "NO_ICPC")
    j.add(
        "ssd_s47_enquiry",
        (
            qid,
            sp.rid,
            child.pid,
            cal.iso(sd),
            cal.iso(end) if done else None,
            ("N" if icpc or emergency else "Y") if done else None,
            json.dumps({"outcome": outcome}) if done else None,
            sp.worker,
            sp.team,
            sid,
            ("N" if icpc else "Y") if done else None,
        ),
    )
    if emergency:
        return "cla", sd
    if not done:
        return OPEN, end
    if not icpc:
        return (
            ("cin", max(end, sp.auth or end))
            if rng.random() < 0.45
            else ("RC8", max(end, sp.auth or end))
        )
    n = max(rates.ICPC_WD.pick(rng) + rng.randint(-1, 1), days + 1)
    held = cal.add_working(sd, n)
    if held > j.as_at:
        return OPEN, held
    # no plan for a young person on the eve of 18: services for adults take over
    cp = rng.random() < rates.CP_AFTER_ICPC and held < child.adult
    iid = j.new_id("ICP")
    sp.icpc_id = iid
    sp.plan_id = j.new_id("CPP") if cp else None
    j.add(
        "ssd_initial_cp_conference",
        (
            iid,
            j.new_id("MTG"),
            qid,
            child.pid,
            sp.plan_id,
            sp.rid,
            "Y" if rng.random() < 0.02 else "N",
            cal.iso(cal.add_working(sd, 15)),
            cal.iso(held),
            "Y" if cp else "N",
            json.dumps({"cp_plan": cp}),
            sp.team,
            sp.worker,
        ),
    )
    return ("cp", held) if cp else ("cin", held)


def cp_plan(j: Journey, sp: Spell, start: int) -> tuple[str, int]:
    """A child protection plan, reviewed at 3 months then 6-monthly, ending at a review
    (or when the child comes into care); returns the referral's next phase."""
    rng, cal, child = j.rng, j.cal, j.child
    j.keep_or_allocate(sp, "locality", start)
    j.iro(sp, start)
    median, spread = rates.CP_DAYS
    target = median * math.exp(rng.gauss(0, spread))
    if rng.random() < rates.CP_LONG:
        target = rng.randint(740, 1300)
    nxt = rates.CP_END.pick(rng)
    removal = start + rng.randint(20, max(21, int(target))) if nxt == "CLA" else None
    plan_id = sp.plan_id or j.new_id("CPP")
    reviews: list[tuple[int, int, str]] = []  # (due, held, continue)
    end: int | None = None
    due = add_months(start, 3)
    while True:
        if rng.random() < 0.9:
            held = max(start + 1, due - rng.randint(0, 12))
        else:
            held = due + rng.randint(3, 40)
        if removal is not None and held >= removal:
            end = removal
            break
        if held >= child.adult:
            end = child.adult
            break
        if held > j.as_at:
            break
        last = held - start >= target
        reviews.append((due, held, "N" if last else "Y"))
        if last:
            end = held
            break
        due = add_months(held, 6)
    if end is not None and end > j.as_at:
        end = None
    category = rates.CP_CATEGORY.pick(rng)
    latest = category if rng.random() < 0.88 else rates.CP_CATEGORY.pick(rng)
    sp.busy = True
    status, by, on = oversight.plan(j.ctx, sp.team, start, end)
    j.add(
        "ssd_cp_plans",
        (
            plan_id,
            sp.rid,
            sp.icpc_id,
            child.pid,
            cal.iso(start),
            cal.iso(end),
            category,
            "N",
            latest,
            status,
            by,
            cal.iso(on),
        ),
    )
    for due_day, held, cont in reviews:
        j.add(
            "ssd_cp_reviews",
            (
                j.new_id("CPR"),
                child.pid,
                plan_id,
                cal.iso(due_day),
                cal.iso(held),
                j.new_id("MTG"),
                cont,
                "Y" if rng.random() < 0.95 else "N",
                "Y" if rng.random() < 0.62 else "N",
            ),
        )
    j.ctx.defer(
        followup.cp_visits,
        j,
        child,
        plan_id,
        start,
        min(end or j.as_at, j.as_at),
        rng.random() < rates.VISIT_DRIFT,
    )
    j.ctx.defer(followup.missing_from_home, j, child, start, end or j.as_at)
    sp.plan_id = None
    j.end_iro(sp, end)
    if end is None:
        return OPEN, j.as_at
    if end >= child.adult:
        return ("RC6" if child.disabled else "RC7"), end
    return {
        "CIN": ("cin", end),
        "CLOSE": ("RC7", end),
        "CLA": ("cla", end),
        "RC5": ("RC5", end),
    }[nxt]
