"""The detail that follows a plan or a period of care: visits, allocations and worker
changes, health and dental checks, education plans, SDQs, missing episodes and
exploitation screening.

These make most of the rows, so they run only for pieces of history that reach
into the window (they are deferred, see :meth:`Chunk.settle`). Most children
are seen on time; a few drift (visits a month or two apart), which is what the
worklists and the "visits up to date" measures are there to find.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.interchange.synthetic import rates
from casebook.interchange.synthetic.days import YEAR, birthday
from casebook.interchange.synthetic.population import Child
from casebook.interchange.synthetic.rates import Mix
from casebook.interchange.synthetic.workforce import ROLE

if TYPE_CHECKING:
    from casebook.interchange.synthetic.journeys import Journey

_WORKER_CHANGE = Mix([("CHANGE", 45), ("LEFT", 35), ("TRANSFER", 20)])
#: Mean days a worker keeps a case before handing it on, by kind of team.
_TENURE = {"mash": 0, "assess": 0, "locality": 300, "cic": 420, "leaving": 600, "iro": 700}
#: Share of open cases whose worker left and who wait, unallocated, at ``as_at``.
_UNALLOCATED = 0.03


def involvements(
    j: Journey,
    rid: str,
    kind: str,
    team: str,
    worker: str,
    start: int,
    end: int | None,
    end_reason: str | None,
) -> tuple[str, str] | None:
    """Allocation rows for one stretch of a case with one kind of team, with the
    worker changes along the way; returns the (team, worker) holding it at the end,
    or None if the worker left and nobody has taken it on."""
    rng, cal, as_at, wf, pid = j.rng, j.cal, j.as_at, j.ctx.wf, j.child.pid
    role = ROLE[kind]
    horizon = as_at if end is None else end
    tenure = _TENURE[kind]
    t = start
    add, new_id = j.add, j.new_id
    while tenure:
        change = t + int(rng.expovariate(1 / tenure)) + 1
        if change >= horizon:
            break
        add(
            "ssd_involvements",
            (
                new_id("INV"),
                worker,
                role,
                team,
                cal.iso(t),
                cal.iso(change),
                _WORKER_CHANGE.pick(rng),
                pid,
                rid,
            ),
        )
        team, worker = wf.pick(kind, rng, j.child.locality)
        t = change
    if end is None:
        if kind in ("locality", "cic", "assess") and rng.random() < _UNALLOCATED:
            left = max(t, as_at - rng.randint(3, 70))
            if left > t:  # (a worker who left the day they took the case never held it)
                add(
                    "ssd_involvements",
                    (
                        new_id("INV"),
                        worker,
                        role,
                        team,
                        cal.iso(t),
                        cal.iso(left),
                        "LEFT",
                        pid,
                        rid,
                    ),
                )
                return None
        add(
            "ssd_involvements",
            (new_id("INV"), worker, role, team, cal.iso(t), None, None, pid, rid),
        )
        wf.hold(worker)
        return team, worker
    if end > t or kind == "mash" or end_reason != "TRANSFER":
        add(
            "ssd_involvements",
            (new_id("INV"), worker, role, team, cal.iso(t), cal.iso(end), end_reason, pid, rid),
        )
    # else: handed on the day it was allocated (a strategy discussion the day an
    # assessment started): no allocation of less than a day
    return team, worker


def _visit_day(j: Journey, day: int) -> int:
    """Visits happen on working days, nearly always."""
    if (day + 6) % 7 < 5 or j.rng.random() < 0.05:
        return day
    return j.cal.next_working(day)


def cin_visits(j: Journey, child: Child, start: int, last: int, drift: bool) -> None:
    rng, iso, add, new_id = j.rng, j.cal.iso, j.add, j.new_id
    five = child.dob + round(5 * YEAR)
    t = _visit_day(j, start + rng.randint(2, 12))
    while t <= last:
        add(
            "ssd_cin_visits",
            (
                new_id("CNV"),
                child.pid,
                iso(t),
                "Y" if rng.random() < 0.93 else "N",
                "Y" if t >= five and rng.random() < 0.55 else "N",
                "Y" if rng.random() < 0.45 else "N",
            ),
        )
        gap = rng.randint(28, 80) if drift else rng.randint(12, 30)
        t = _visit_day(j, t + gap)


def cp_visits(j: Journey, child: Child, plan_id: str, start: int, last: int, drift: bool) -> None:
    rng, iso, add, new_id = j.rng, j.cal.iso, j.add, j.new_id
    five = child.dob + round(5 * YEAR)
    t = _visit_day(j, start + rng.randint(1, 6))
    while t <= last:
        add(
            "ssd_cp_visits",
            (
                new_id("CPV"),
                child.pid,
                plan_id,
                iso(t),
                "Y" if rng.random() < 0.95 else "N",
                "Y" if t >= five and rng.random() < 0.6 else "N",
                "Y" if rng.random() < 0.5 else "N",
            ),
        )
        gap = rng.randint(24, 60) if drift else rng.randint(6, 18)
        t = _visit_day(j, t + gap)


def cla_visits(
    j: Journey, child: Child, cla_id: str, spans: list[tuple[int, int, str]], drift: bool
) -> None:
    """A visit within a week of each new placement, then six-weekly; twelve-weekly
    once a long-term placement has lasted a year."""
    rng, iso, add, new_id = j.rng, j.cal.iso, j.add, j.new_id
    for begin, stop, kind in spans:
        t = _visit_day(j, begin + rng.randint(1, 7))
        while t <= stop and t <= j.as_at:
            add(
                "ssd_cla_visits",
                (
                    new_id("CLV"),
                    cla_id,
                    child.pid,
                    iso(t),
                    "Y" if rng.random() < 0.96 else "N",
                    "Y" if rng.random() < 0.6 else "N",
                ),
            )
            stable = kind in ("U1", "U4", "A5", "A6") and t - begin > 365
            if drift:
                gap = rng.randint(50, 120)
            elif stable:
                gap = rng.randint(45, 84)
            else:
                gap = rng.randint(20, 42)
            t = _visit_day(j, t + gap)


def cla_health(j: Journey, child: Child, start: int, last: int) -> None:
    """Initial health assessment in 20 working days, reviews every 6 or 12 months, dental yearly."""
    rng, cal, add, new_id = j.rng, j.cal, j.add, j.new_id
    five = child.dob + round(5 * YEAR)
    teen = child.dob + round(13 * YEAR)
    r = rng.random()
    if r < 0.95:
        t = cal.add_working(start, rng.randint(5, 20) if r < 0.82 else rng.randint(21, 50))
        while t <= last:
            status = "REFUSED" if t >= teen and rng.random() < 0.06 else "DONE"
            add(
                "ssd_cla_health",
                (new_id("CLH"), child.pid, "HEALTH_ASSESSMENT", cal.iso(t), status),
            )
            interval = 182 if t < five else 365
            t += (
                interval - rng.randint(0, 30)
                if rng.random() < 0.85
                else interval + rng.randint(10, 90)
            )
    if child.age(start) >= 1 or last - child.dob > 400:
        t = max(start, child.dob + 380) + rng.randint(20, 200)
        while t <= last:
            status = rng.choice(("REFUSED", "NOT_DONE")) if rng.random() < 0.06 else "DONE"
            add("ssd_cla_health", (new_id("CLH"), child.pid, "DENTAL", cal.iso(t), status))
            t += 365 - rng.randint(0, 40) if rng.random() < 0.85 else 365 + rng.randint(10, 120)


def education(j: Journey, child: Child, start: int, last: int, drift: bool) -> None:
    """Personal education plans each term for school-age children (4-17), and an SDQ a year
    for those aged 4-16 once they have been looked after for a year."""
    rng, cal, add, new_id = j.rng, j.cal, j.add, j.new_id
    school_from = birthday(child.dob, 4)
    school_to = birthday(child.dob, 18)
    t = max(start, school_from) + rng.randint(10, 35)
    while t <= last and t < school_to:
        add("education_plan", (new_id("PEP"), child.pid, cal.iso(t), child.school_urn, None))
        t += rng.randint(130, 250) if drift else rng.randint(80, 125)
    sdq_to = birthday(child.dob, 17)
    t = start + 365 + rng.randint(0, 60)
    while t <= last:
        if school_from <= t < sdq_to:
            if rng.random() < 0.08:
                add(
                    "ssd_sdq_scores",
                    (
                        new_id("SDQ"),
                        child.pid,
                        cal.iso(t),
                        rng.choice(("SDQ2", "SDQ4", "SDQ5")),
                        None,
                    ),
                )
            else:
                score = min(40, max(0, round(rng.gauss(14.5, 6.5))))
                add("ssd_sdq_scores", (new_id("SDQ"), child.pid, cal.iso(t), None, str(score)))
        t += 365 + rng.randint(-20, 40)


def missing_from_care(j: Journey, child: Child, start: int, last: int) -> None:
    _missing(j, child, start, last, rates.MISSING_CLA, rates.MISSING_PER_YEAR, in_care=True)


def missing_from_home(j: Journey, child: Child, start: int, last: int) -> None:
    _missing(j, child, start, last, rates.MISSING_HOME, (1.0, 4.0), in_care=False)


def _missing(
    j: Journey,
    child: Child,
    start: int,
    last: int,
    share: float,
    per_year: tuple[float, float],
    in_care: bool,
) -> None:
    """Missing and away episodes for children 11 and over, with return home interviews
    offered (mostly) within 72 hours, and exploitation screening for those who go."""
    rng, cal, as_at, add, new_id = j.rng, j.cal, j.as_at, j.add, j.new_id
    begin = max(start, birthday(child.dob, 11))
    if begin > last or rng.random() >= share:
        return
    rate = rng.uniform(*per_year) / YEAR
    t = begin + int(rng.expovariate(rate)) + 1
    first: int | None = None
    while t <= last:
        back = t + rng.choice((0, 0, 1, 1, 1, 2, 3))
        kind = "A" if in_care and rng.random() < 0.2 else "M"
        if back > as_at:
            add(
                "ssd_missing",
                (new_id("MIS"), child.pid, cal.iso(t), kind, None, None, None, None, None),
            )
            break
        offered_day = back + (rng.randint(0, 2) if rng.random() < 0.88 else rng.randint(3, 8))
        offered = rng.random() < 0.93 and offered_day <= as_at
        accepted = offered and rng.random() < 0.6
        done_day = offered_day + rng.randint(0, 3) if accepted else None
        if done_day is not None and done_day > as_at:
            done_day = None
        add(
            "ssd_missing",
            (
                new_id("MIS"),
                child.pid,
                cal.iso(t),
                kind,
                cal.iso(back),
                "Y" if offered else "N",
                ("Y" if accepted else "N") if offered else None,
                cal.iso(offered_day) if offered else None,
                cal.iso(done_day),
            ),
        )
        first = first if first is not None else t
        t = back + int(rng.expovariate(rate)) + 1
    if first is None:
        return
    screen = first + rng.randint(0, 14)
    while screen <= min(last, as_at):
        risk = rates.EXPLOITATION_RISK.pick(rng)
        mace = screen + rng.randint(7, 28) if risk != "AT_RISK" else None
        _, worker = j.ctx.wf.pick("exploitation", rng)
        sid = new_id("EXS")
        meetings = _mace(j, risk, mace) if mace is not None and mace <= as_at else []
        add(
            "exploitation_screening",
            (
                sid,
                child.pid,
                cal.iso(screen),
                rates.EXPLOITATION_TYPE.pick(rng),
                risk,
                cal.iso(meetings[-1][0]) if meetings else None,
                worker,
            ),
        )
        for day, agreed, actions in meetings:
            add("cb_mace_meeting", (new_id("MAC"), child.pid, sid, cal.iso(day), agreed, actions))
        screen += rng.randint(150, 400)


#: Risk levels in order, for a MACE meeting that moves the screening's level up or down.
_RISKS = ("AT_RISK", "SIGNIFICANT", "SERIOUS")
_MACE_ACTIONS = {
    "AT_RISK": "Risk reduced: close to MACE, school and youth worker to continue support.",
    "SIGNIFICANT": "Disruption plan for known associates; return home interviews to be shared "
    "with police; school to monitor attendance and report absence the same day.",
    "SERIOUS": "Police to apply for a child abduction warning notice; safety plan reviewed "
    "weekly; referral to the National Referral Mechanism considered; strategy discussion "
    "if the child goes missing again.",
}


def _mace(j: Journey, risk: str, first: int) -> list[tuple[int, str, str]]:
    """The MACE meetings a screening at ``risk`` leads to: (date, level agreed, actions).

    Most significant and all serious screenings are heard on ``first``; a serious
    one usually comes back six to ten weeks later. None after ``as_at``."""
    d = j.ctx.detail
    if risk == "SIGNIFICANT" and d.random() < 0.1:
        return []  # managed by the network without a meeting
    level = _RISKS.index(risk)
    meetings = []
    day = first
    for _ in range(2 if risk == "SERIOUS" and d.random() < 0.6 else 1):
        if day > j.as_at:
            break
        r = d.random()
        level = max(0, level - 1) if r < 0.2 else min(2, level + 1) if r > 0.9 else level
        meetings.append((day, _RISKS[level], _MACE_ACTIONS[_RISKS[level]]))
        day += d.randint(42, 70)
    return meetings
