"""One child's journey through children's services, simulated day by day.

A child's family carries a risk tier that sets how often contacts about them
reach the front door; each contact is decided by the MASH and may lead to early
help or a referral. A referral runs as a small state machine (assessment,
strategy discussion and section 47 enquiry, child in need plan, child
protection plan, a period of care) until the case closes with a CIN census
reason, the child turns 18, or ``as_at`` arrives with the case still open.
After a case closes the child is more likely to come back for a while, which
is where re-referrals and repeat child protection plans come from.

Everything a case writes is kept only if it reaches into the six-year window
(see :meth:`Chunk.settle`), so the simulation can start at birth and still
leave the right children open on the window's first day.
"""

from __future__ import annotations

import json
import math

from casebook.interchange.synthetic import (
    care,
    early_help,
    followup,
    leavers,
    oversight,
    protection,
    rates,
)
from casebook.interchange.synthetic.context import OPEN, Chunk
from casebook.interchange.synthetic.days import YEAR
from casebook.interchange.synthetic.population import Child

_DECISION_JSON = {
    code: json.dumps({"decision": code})
    for code in ("NFA", "ADVICE", "EARLY_HELP", "REFERRAL", "STRATEGY")
}
_DECISION_REASON = {
    "NFA": "No role for children's services; partner agency to continue support.",
    "ADVICE": "Advice and information given to the referrer.",
    "EARLY_HELP": "Needs can be met by early help in the locality.",
    "REFERRAL": "Threshold for a social work assessment is met.",
    "STRATEGY": "Reasonable cause to suspect significant harm: strategy discussion.",
}


class Spell:
    """One referral (CIN episode) while it is being simulated."""

    __slots__ = (
        "rid",
        "need",
        "start",
        "segs",
        "iro",
        "auth",
        "icpc_id",
        "plan_id",
        "uasc",
        "team",
        "worker",
        "latest",
        "busy",
    )

    def __init__(self, rid: str, need: str, start: int) -> None:
        self.rid = rid
        self.need = need
        self.start = start
        self.segs: list[list] = []  # [kind, team, worker, start, end, end_reason]
        self.iro: list[list] = []
        self.auth: int | None = None  # assessment authorised (None: none or not yet)
        self.icpc_id: str | None = None
        self.plan_id: str | None = None
        self.uasc = False
        self.team = ""
        self.worker = ""
        self.latest = start  # the last day anything under the referral happened
        #: a section 47, or a CIN or CP plan, was held: not "closed after assessment"
        self.busy = False


class Journey:
    """Simulates every child of a chunk, one after another, into the chunk's rows."""

    def __init__(self, ctx: Chunk) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.cal = ctx.cal
        self.as_at = ctx.as_at
        self.add = ctx.batch.add
        self.new_id = ctx.batch.new_id
        self.child: Child
        self.periods: list[care.Period] = []
        #: The first day a new CIN plan may start: consecutive plans never share a day.
        self.cin_free = 0

    # ------------------------------------------------------------------ the child's life

    def live(self, child: Child) -> None:
        """From birth (or arrival in the country) to 18 or ``as_at``, whichever is first."""
        self.child = child
        self.periods = []
        self.cin_free = 0
        referrals = len(self.ctx.batch.rows["ssd_cin_episodes"])
        if child.uasc_arrival is not None:
            mark = self.ctx.mark()
            free = self._contact(child.uasc_arrival, source="5C", decision="REFERRAL", uasc=True)
            self.ctx.settle(mark, free)
        else:
            t, boost_until = child.dob, -1
            stop = min(self.as_at, child.adult - 1)
            while True:
                t = self._next_contact(t, boost_until, stop)
                if t is None:
                    break
                mark = self.ctx.mark()
                free = self._contact(t)
                self.ctx.settle(mark, free)
                if free is None:
                    break
                t, boost_until = free, free + 365
        if self.periods:
            leavers.care_leaver(self)
        if not child.disabled and len(self.ctx.batch.rows["ssd_cin_episodes"]) > referrals:
            # assessed as not disabled: the CIN census expects NONE, not nothing
            self.add("ssd_disability", (self.new_id("DIS"), child.pid, "NONE"))

    def _next_contact(self, t: int, boost_until: int, stop: int) -> int | None:
        """The next contact, drawn from a rate that changes with age and recent closure."""
        child, rng = self.child, self.rng
        if child.rate <= 0:
            return None
        while t < stop:
            age = (t - child.dob) / YEAR
            mult, band_end = 1.0, stop
            for upper, m in rates.AGE_RATE:
                if age < upper:
                    mult, band_end = m, min(stop, child.dob + math.ceil(upper * YEAR))
                    break
            if t < boost_until:
                mult *= rates.RECONTACT_BOOST
                band_end = min(band_end, boost_until)
            if child.disabled:
                mult *= 1.6
            gap = rng.expovariate(child.rate * mult) * YEAR
            if t + gap < band_end:
                day = int(t + gap) + 1
                if (day + 6) % 7 >= 5 and rng.random() < 0.9:  # most contacts come on weekdays
                    day = self.cal.next_working(day)
                return day if day <= stop else None
            t = band_end
        return None

    # ------------------------------------------------------------------ front door

    def _contact(
        self, t: int, source: str | None = None, decision: str | None = None, uasc: bool = False
    ) -> int | None:
        """A contact and whatever it leads to; the day the child is free again, or None."""
        rng, cal, child = self.rng, self.cal, self.child
        source = source or rates.CONTACT_SOURCE.pick(rng)
        decision = decision or rates.DECISION[child.tier].pick(rng)
        decided = cal.add_working(t, rates.DECISION_DELAY.pick(rng))
        label = rates.SOURCE_LABEL[source]
        concerns = rates.CONCERNS.get(source, rates.CONCERNS_DEFAULT)
        cid = self.new_id("CON")
        pending = decided > self.as_at  # still with the MASH on the as_at date
        self.add(
            "ssd_contacts",
            (cid, child.pid, cal.iso(t), source, label)
            + ((None,) if pending else (_DECISION_JSON[decision],))
            + (label, concerns)
            + (
                (None, None, None)
                if pending
                else (decision, cal.iso(decided), _DECISION_REASON[decision])
            ),
        )
        for other, relationship, born in child.family:
            if other != child.pid and (relationship != "sibling" or born <= t < born + 6574):
                self.add("contact_person", (self.new_id("CPN"), cid, other, relationship))
        if pending:
            return None
        if decision in ("NFA", "ADVICE"):
            return decided
        if decision == "EARLY_HELP":
            return self._early_help(decided + rng.randint(1, 12))
        return self._referral(decided, source, decision == "STRATEGY", uasc)

    def _early_help(self, start: int) -> int | None:
        rng, cal, child = self.rng, self.cal, self.child
        if start > self.as_at or start >= child.adult:
            return start
        end = start + rng.randint(*rates.EARLY_HELP_DAYS)
        reason = rates.EARLY_HELP_END.pick(rng)
        if end >= child.adult:
            end, reason = child.adult - 1, "OTHER"
        team, worker = self.ctx.wf.pick("early_help", rng, child.locality)
        org = self.ctx.wf.team_names[team]
        eid = self.new_id("EH")
        purpose = rates.EARLY_HELP_REASON.pick(rng)
        if end > self.as_at:
            self.add(
                "ssd_early_help_episodes",
                (eid, child.pid, cal.iso(start), None, purpose, None, org, worker),
            )
            self.ctx.defer(self.ctx.wf.hold, worker)
            self.ctx.defer(early_help.detail, self, eid, purpose, start, None, None)
            return None
        self.add(
            "ssd_early_help_episodes",
            (eid, child.pid, cal.iso(start), cal.iso(end), purpose, reason, org, worker),
        )
        self.ctx.defer(early_help.detail, self, eid, purpose, start, end, reason)
        if reason == "STEP_UP":
            return self._contact(end, source="5D", decision="REFERRAL")
        return end

    # ------------------------------------------------------------------ the referral

    def _referral(self, r: int, source: str, strategy: bool, uasc: bool) -> int | None:
        rng, cal, child = self.rng, self.cal, self.child
        need = rates.PRIMARY_NEED.pick(rng)
        if uasc:
            need = "N8"
        elif child.disabled and rng.random() < 0.4:
            need = "N2"
        elif child.age(r) >= 12 and rng.random() < 0.12:
            need = "N6"
        sp = Spell(self.new_id("REF"), need, r)
        sp.uasc = uasc
        mash_team, mash_worker = self.ctx.wf.pick("mash", rng)
        self._allocate(sp, "mash", r, mash_team, mash_worker)

        nfa = not strategy and not uasc and rng.random() < rates.REFERRAL_NFA
        if nfa:
            phase, day = "RC7", cal.add_working(r, rng.randint(0, 2))
        else:
            phase, day = ("assess", r)
        while phase in ("assess", "strategy", "cin", "cp", "cla"):
            if day > self.as_at:
                phase = OPEN
                break
            if day >= child.adult and phase != "assess":
                phase = "RC6" if child.disabled and rng.random() < 0.5 else "RC7"
                break
            if phase == "assess":
                phase, day = self._assess(sp, day, strategy)
            elif phase == "strategy":
                phase, day = protection.strategy(self, sp, day)
            elif phase == "cin":
                phase, day = self._cin(sp, day)
            elif phase == "cp":
                phase, day = protection.cp_plan(self, sp, day)
            else:
                phase, day = care.period(self, sp, day)
        if phase != OPEN:
            day = max(day, sp.latest)  # never close before the assessment or s47 it holds
        if phase == "RC8" and sp.busy:
            phase = "RC7"  # "no further action after assessment" only if nothing else happened
        close = None if phase == OPEN or day > self.as_at else day
        if phase != OPEN and close is None:
            phase = OPEN
        outcome = json.dumps({"nfa": nfa, "close_reason": phase if close else None})
        self.add(
            "ssd_cin_episodes",
            (
                sp.rid,
                child.pid,
                cal.iso(r),
                need,
                source,
                rates.SOURCE_LABEL[source],
                outcome,
                "Y" if nfa else "N",
                phase if close else None,
                cal.iso(close),
                mash_team,
                mash_worker,
            ),
        )
        self._close_allocations(sp, close)
        if close is None:
            return None
        if phase == "RC9":
            return self._early_help(close + rng.randint(1, 10))
        return close

    def _allocate(self, sp: Spell, kind: str, day: int, team: str, worker: str) -> None:
        """Hand the case to a team of ``kind`` from ``day`` (a change of team ends the last)."""
        if sp.segs:
            last = sp.segs[-1]
            if last[0] == kind and last[4] is None:
                return
            last[4], last[5] = max(day, last[3]), "TRANSFER"
        sp.segs.append([kind, team, worker, day, None, None])
        sp.team, sp.worker = team, worker

    def keep_or_allocate(self, sp: Spell, kind: str, day: int) -> tuple[str, str]:
        if sp.segs and sp.segs[-1][0] == kind and sp.segs[-1][4] is None:
            return sp.team, sp.worker
        team, worker = self.ctx.wf.pick(kind, self.rng, self.child.locality)
        self._allocate(sp, kind, day, team, worker)
        return team, worker

    def _close_allocations(self, sp: Spell, close: int | None) -> None:
        for segs in (sp.segs, sp.iro):
            if segs and segs[-1][4] is None and close is not None:
                segs[-1][4], segs[-1][5] = max(close, segs[-1][3]), "CLOSED"
            for seg in segs:
                self.ctx.defer(followup.involvements, self, sp.rid, *seg)

    def iro(self, sp: Spell, day: int) -> None:
        """An independent reviewing officer for a child protection plan or a period of care."""
        if sp.iro and sp.iro[-1][4] is None:
            return
        team, worker = self.ctx.wf.pick("iro", self.rng)
        sp.iro.append(["iro", team, worker, day, None, None])

    def end_iro(self, sp: Spell, day: int | None) -> None:
        if day is not None and sp.iro and sp.iro[-1][4] is None:
            sp.iro[-1][4], sp.iro[-1][5] = day, "CLOSED"

    # ------------------------------------------------------------------ assessment

    def _assess(self, sp: Spell, day: int, strategy: bool) -> tuple[str, int]:
        rng, cal, child = self.rng, self.cal, self.child
        start = cal.add_working(day, rng.choice((0, 0, 1, 1, 2)))
        late = rng.random() < rates.ASSESSMENT_LATE
        wd = rng.randint(*(rates.ASSESSMENT_WD_LATE if late else rates.ASSESSMENT_WD_ON_TIME))
        auth = cal.add_working(start, wd)
        if start > self.as_at:
            return OPEN, start
        team, worker = self.ctx.wf.pick("assess", rng, child.locality)
        self._allocate(sp, "assess", start, team, worker)
        if sp.uasc:
            outcome, nxt = "CLA", ("cla", start + rng.randint(0, 4))
        elif strategy:
            outcome, nxt = "STRATEGY", ("strategy", cal.add_working(day, rng.choice((0, 0, 1))))
        elif rng.random() < rates.STRATEGY_DURING_ASSESSMENT:
            outcome, nxt = "STRATEGY", ("strategy", cal.add_working(start, rng.randint(1, 15)))
        else:
            outcome = rates.ASSESSMENT_OUTCOME.pick(rng)
            nxt = {"NFA": ("RC8", auth), "EARLY_HELP": ("RC9", auth), "CIN": ("cin", auth)}[outcome]
        done = auth <= self.as_at
        sp.auth = auth
        sp.latest = max(sp.latest, auth)
        aid = self.new_id("ASM")
        seen = rng.random() < 0.96
        seen_on, completed, status, by, on = oversight.assessment(self.ctx, team, start, auth, seen)
        concluded = completed is not None  # authorised, or completed and awaiting a manager
        self.add(
            "ssd_cin_assessments",
            (
                aid,
                child.pid,
                sp.rid,
                cal.iso(start),
                "Y" if seen else "N",
                cal.iso(auth) if done else None,
                json.dumps({"outcome": outcome}) if concluded else None,
                ("Y" if outcome == "NFA" else "N") if concluded else None,
                team,
                worker,
                cal.iso(seen_on),
                cal.iso(completed),
                status,
                by,
                cal.iso(on),
            ),
        )
        if done:
            self.add(
                "ssd_assessment_factors",
                (self.new_id("ASF"), aid, json.dumps(self._factors(sp, start))),
            )
        if not done and nxt[0] in ("RC8", "RC9", "cin"):
            return OPEN, auth
        return nxt

    def _factors(self, sp: Spell, day: int) -> list[str]:
        rng = self.rng
        if sp.uasc:
            return ["9A"] + (["4A"] if rng.random() < 0.3 else [])
        pool = rates.FACTORS_BY_NEED[sp.need]
        found = {rng.choice(pool) for _ in range(rng.choice((1, 1, 2, 2, 3, 4)))}
        if self.child.age(day) >= 11 and rng.random() < 0.35:
            found.add(rng.choice(rates.TEEN_FACTORS))
        if len(found) > 1:
            found.discard("21")
        return sorted(found)

    # ------------------------------------------------------------------ child in need

    def _cin(self, sp: Spell, day: int) -> tuple[str, int]:
        rng, cal, child = self.rng, self.cal, self.child
        start = max(day, sp.auth or day, self.cin_free)
        if start > self.as_at:
            return OPEN, start
        if start >= child.adult:  # assessed as the young person turned 18: no plan
            return ("RC6" if child.disabled else "RC7"), start
        team, worker = self.keep_or_allocate(sp, "locality", start)
        median, spread = rates.CIN_DAYS
        length = median * math.exp(rng.gauss(0, spread))
        if rng.random() < rates.CIN_LONG:
            length = rng.randint(740, 1500)
        end = start + max(14, int(length))
        nxt = rates.CIN_END.pick(rng)
        if end >= child.adult:
            end, nxt = child.adult, ("RC6" if child.disabled else "RC7")
        is_open = end > self.as_at
        sp.busy = True
        self.cin_free = end + 1
        status, by, on = oversight.plan(self.ctx, team, start, None if is_open else end)
        self.add(
            "ssd_cin_plans",
            (
                self.new_id("CIN"),
                sp.rid,
                child.pid,
                cal.iso(start),
                None if is_open else cal.iso(end),
                team,
                worker,
                status,
                by,
                cal.iso(on),
            ),
        )
        last = self.as_at if is_open else end
        self.ctx.defer(
            followup.cin_visits, self, child, start, last, rng.random() < rates.VISIT_DRIFT
        )
        self.ctx.defer(followup.missing_from_home, self, child, start, last)
        if is_open:
            return OPEN, end
        if nxt == "STRATEGY":
            return "strategy", end
        if nxt == "CLA":
            return "cla", end
        return nxt, end
