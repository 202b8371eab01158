"""What is due for a child, by when, and what is overdue: the one timescale table.

Every timescale in ``timescales.md`` is declared once in :data:`TIMESCALES` with
its national (or sample-authority) default; an authority changes amount and
unit in the ``timescale_setting`` table and :func:`load_timescales` applies them.

A child's record is turned into *clocks*: each has a start, the timescale that
sets its due date, the date it was met (if it was) and the date it stopped
applying (a plan ended, a referral closed). Repeating timescales (reviews,
visits) are chains: each clock starts where the previous one was met.
:func:`items_for_child` settles every clock as at a date into a
:class:`DueItem`, so worklists, the child's record and the KPIs all read the
same answer. It is pure (no database) and works "as at" any date: rows dated
after ``on_date`` are ignored, so a past date gives the history as it stood.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from casebook.record.calendar import WorkingCalendar, add_months
from casebook.record.errors import Invalid, NotFound, Problem
from casebook.record.models.base import ACTIVE, RecordRow
from casebook.record.models.care_leavers import CareLeaver
from casebook.record.models.child_in_need import CinAssessment, CinEpisode, CinPlan, CinVisit
from casebook.record.models.front_door import Contact
from casebook.record.models.looked_after import (
    ClaEpisode,
    ClaHealth,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    EducationPlan,
    Missing,
)
from casebook.record.models.people import Person
from casebook.record.models.protection import (
    CpPlan,
    CpReview,
    CpVisit,
    InitialCpConference,
    S47Enquiry,
    StrategyDiscussion,
)
from casebook.record.models.reference import TimescaleSetting

UNITS = ("working_days", "days", "weeks", "months", "hours")
KINDS = ("statutory", "local")
OPEN = ("due", "overdue")

#: Foster placements agreed as long term (903 PL codes): visits every 12 weeks after a year.
LONG_TERM_PLACEMENTS = frozenset({"U1", "U4"})
#: Health check types (code list ``health_check_type``) that start and meet the clocks.
HEALTH, DENTAL = "HEALTH_ASSESSMENT", "DENTAL"
#: Ages (years) between which a child in care has a personal education plan.
PEP_FROM_AGE, PEP_UNTIL_AGE = 3, 18
#: Care leavers are supported (and pathway plans reviewed) up to this age.
CARE_LEAVER_UNTIL_AGE = 25


@dataclass(frozen=True)
class Timescale:
    """How long a step may take once its clock starts."""

    key: str
    title: str
    amount: int
    unit: str
    kind: str
    description: str


_DEFAULTS = (
    Timescale("contact_decision", "Contact decision", 1, "working_days", "statutory",
        "The front door decides on a contact within a working day of receiving it."),
    Timescale("child_seen", "Child seen", 5, "working_days", "local",
        "The child is seen soon after a referral (visit, or the assessment's child-seen flag)."),
    Timescale("family_conversation", "Family conversation", 10, "days", "local",
        "A conversation with the family after a referral. Not recorded yet: no child items."),
    Timescale("assessment", "Assessment", 45, "working_days", "statutory",
        "A single assessment is completed and authorised within 45 working days of its start."),
    Timescale("icpc", "Initial conference", 15, "working_days", "statutory",
        "From the strategy discussion that started the section 47 enquiry."),
    Timescale("cp_first_review", "First CP review", 3, "months", "statutory",
        "From the initial conference (the plan start if the conference is not linked)."),
    Timescale("cp_review", "CP review", 6, "months", "statutory", "From the previous CP review."),
    Timescale("cp_visit", "CP visit", 1, "months", "local",
        "From the previous visit, the first from the plan start; the child must be seen."),
    Timescale("cin_visit", "CIN visit", 1, "months", "local",
        "From the previous visit, the first from the plan start; the child must be seen."),
    Timescale("cla_first_review", "First CLA review", 20, "working_days", "statutory",
        "From the start of the period of care."),
    Timescale("cla_second_review", "Second CLA review", 3, "months", "statutory",
        "From the first review."),
    Timescale("cla_review", "CLA review", 6, "months", "statutory", "From the previous review."),
    Timescale("cla_visit_new_placement", "Visit in new placement", 1, "weeks", "statutory",
        "Within a week of any new placement starting."),
    Timescale("cla_visit", "CLA visit", 6, "weeks", "statutory",
        "From the previous visit, in a placement's first year or one not agreed long term."),
    Timescale("cla_visit_long_term", "CLA visit (long-term placement)", 12, "weeks", "statutory",
        "From the previous visit, once a long-term foster placement (U1, U4) is a year old."),
    Timescale("health_assessment", "Initial health assessment", 20, "working_days", "statutory",
        "From the start of the period of care."),
    Timescale("health_review_under_5", "Health review (under 5)", 6, "months", "statutory",
        "From the previous health assessment, for a child under 5 when it was done."),
    Timescale("health_review", "Health review", 12, "months", "statutory",
        "From the previous health assessment, for a child aged 5 or over."),
    Timescale("dental_check", "Dental check", 12, "months", "statutory",
        "From the previous dental check (the first from the start of care)."),
    Timescale("pep", "Personal education plan", 20, "working_days", "statutory",
        "20 school days from the start of care (school days counted as working days)."),
    Timescale("pep_review", "PEP review", 4, "months", "statutory",
        "Reviewed each term, from the previous PEP (a term taken as 4 months)."),
    Timescale("return_interview", "Return home interview", 72, "hours", "statutory",
        "Offered within 72 hours of the child's return from a missing episode."),
    Timescale("pathway_plan_review", "Pathway plan review", 6, "months", "statutory",
        "A care leaver's pathway plan is reviewed at least every 6 months."),
    Timescale("ehc_plan", "EHC plan", 20, "weeks", "statutory",
        "From the request for an EHC needs assessment to the final plan. Not yet per child."),
    Timescale("alternative_provision", "Alternative provision", 6, "working_days", "statutory",
        "Full-time provision from the 6th school day after a permanent exclusion. Not recorded."),
    Timescale("agenda_publication", "Agenda published", 5, "working_days", "statutory",
        "Clear working days before a council meeting (scrutiny's, not a child's)."),
)  # fmt: skip

#: Every timescale with its default, by key. Read through :func:`load_timescales`.
TIMESCALES: Mapping[str, Timescale] = MappingProxyType({t.key: t for t in _DEFAULTS})


def check_setting(key: str, amount: int, unit: str) -> list[Problem]:
    """What is wrong with an authority's setting; the settings service uses it too."""
    problems = []
    if key not in TIMESCALES:
        problems.append(Problem("key", f"there is no timescale called {key!r}"))
    if not isinstance(amount, int) or amount < 0:
        problems.append(Problem("amount", "must be a whole number, 0 or more"))
    if unit not in UNITS:
        problems.append(Problem("unit", f"must be one of {', '.join(UNITS)}"))
    return problems


def apply_overrides(
    overrides: Iterable[tuple[str, int, str]], base: Mapping[str, Timescale] = TIMESCALES
) -> dict[str, Timescale]:
    """The registry with (key, amount, unit) overrides applied.

    A bad setting is refused loudly rather than ignored: a timescale that
    silently stays at its default would misreport every child.
    """
    registry = dict(base)
    problems: list[Problem] = []
    for key, amount, unit in overrides:
        found = check_setting(key, amount, unit)
        problems += [Problem(f"timescale_setting.{key}.{p.field}", p.message) for p in found]
        if not found:
            registry[key] = replace(registry[key], amount=amount, unit=unit)
    if problems:
        raise Invalid(problems)
    return registry


def load_timescales(session: Session) -> dict[str, Timescale]:
    """The registry with this authority's settings (active rows) applied."""
    rows = session.execute(
        select(TimescaleSetting.key, TimescaleSetting.amount, TimescaleSetting.unit).where(
            TimescaleSetting.cb_status == ACTIVE
        )
    )
    return apply_overrides((key, amount, unit) for key, amount, unit in rows)


def due_date(timescale: Timescale, start: date, calendar: WorkingCalendar) -> date:
    """When a clock started on ``start`` falls due.

    The record holds dates, not times, so hours round up to whole days
    (72 hours from a return on Monday is due on Thursday).
    """
    amount, unit = timescale.amount, timescale.unit
    if unit == "working_days":
        return calendar.add_working_days(start, amount)
    if unit == "days":
        return start + timedelta(days=amount)
    if unit == "weeks":
        return start + timedelta(weeks=amount)
    if unit == "months":
        return add_months(start, amount)
    if unit == "hours":
        return start + timedelta(days=-(-amount // 24))
    raise ValueError(f"unknown timescale unit {unit!r}")


@dataclass(frozen=True)
class DueItem:
    """One step for one child: when its clock started, when it is due, and how it stands.

    ``status`` is ``due`` or ``overdue`` while open, ``met`` or ``missed`` once
    done (``missed`` also when the clock stopped after the due date without it).
    ``days_left`` counts working days for working-day timescales, calendar days
    otherwise: from ``on_date`` while open (negative when overdue), from the
    date done (or stopped) once closed (negative when late).
    """

    key: str
    title: str
    person_id: str
    start: date
    due: date
    done: date | None
    status: str
    days_left: int
    label: str
    ref: str | None = None  # the row the clock belongs to (contact, plan, period of care...)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass
class ChildSnapshot:
    """The child's rows that start or stop a clock (active rows only)."""

    person_id: str
    dob: date | None = None
    contacts: list[Contact] = field(default_factory=list)
    referrals: list[CinEpisode] = field(default_factory=list)
    assessments: list[CinAssessment] = field(default_factory=list)
    strategy_discussions: list[StrategyDiscussion] = field(default_factory=list)
    s47_enquiries: list[S47Enquiry] = field(default_factory=list)
    icpcs: list[InitialCpConference] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)
    cp_reviews: list[CpReview] = field(default_factory=list)
    cp_visits: list[CpVisit] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    cin_visits: list[CinVisit] = field(default_factory=list)
    cla_episodes: list[ClaEpisode] = field(default_factory=list)
    cla_placements: list[ClaPlacement] = field(default_factory=list)
    cla_reviews: list[ClaReview] = field(default_factory=list)
    cla_visits: list[ClaVisit] = field(default_factory=list)
    health_checks: list[ClaHealth] = field(default_factory=list)
    education_plans: list[EducationPlan] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    care_leavers: list[CareLeaver] = field(default_factory=list)


# --- clocks ---------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    """One run of one timescale: from ``start`` until ``done``, unless it
    stopped applying on ``ended`` (the plan ended, the referral closed)."""

    key: str
    start: date
    done: date | None = None
    ended: date | None = None
    ref: str | None = None


KeyFor = Callable[[int, date], str]


def _always(key: str) -> KeyFor:
    return lambda _i, _at: key


def _first_then(*keys: str) -> KeyFor:
    """The i-th clock of a chain uses ``keys[i]``, the last key from then on."""
    return lambda i, _at: keys[min(i, len(keys) - 1)]


def _chain(
    start: date, events: Iterable[date | None], ended: date | None, ref: str, key_for: KeyFor
) -> list[_Clock]:
    """A repeating timescale: the first clock from ``start``, each next one from
    the event that met the one before, the last one open until ``ended``."""
    met = sorted({e for e in events if e is not None and e >= start})
    clocks = []
    at = start
    for i, event in enumerate(met):
        clocks.append(_Clock(key_for(i, at), at, done=event, ref=ref))
        at = event
    clocks.append(_Clock(key_for(len(met), at), at, ended=ended, ref=ref))
    return clocks


def _yes(flag: str | None) -> bool:
    return flag == "Y"


def _seen(flag: str | None) -> bool:
    """A visit counts unless it records the child was not seen (older rows lack the flag)."""
    return flag != "N"


def _within(d: date | None, start: date, end: date | None) -> bool:
    return d is not None and start <= d and (end is None or d <= end)


def _age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _birthday(dob: date, years: int) -> date:
    return add_months(dob, 12 * years)


def _front_door(s: ChildSnapshot) -> Iterator[_Clock]:
    """Contacts, and for each referral: child seen, assessment (stopped by closure)."""
    for c in s.contacts:
        if c.cont_contact_date:
            yield _Clock(
                "contact_decision", c.cont_contact_date, c.cb_decision_date, ref=c.cont_contact_id
            )
    visited = [
        *(v.cinv_cin_visit_date for v in s.cin_visits if _seen(v.cinv_cin_visit_seen)),
        *(v.cppv_cp_visit_date for v in s.cp_visits if _seen(v.cppv_cp_visit_seen)),
        *(v.clav_cla_visit_date for v in s.cla_visits if _seen(v.clav_cla_visit_seen)),
    ]
    for r in s.referrals:
        start, closed = r.cine_referral_date, r.cine_close_date
        if start is None or _yes(r.cine_referral_nfa):
            continue
        # The assessment's child-seen flag has no date of its own: its start stands in.
        seen = [d for d in visited if _within(d, start, closed)] + [
            a.cina_assessment_start_date
            for a in s.assessments
            if a.cina_referral_id == r.cine_referral_id
            and _yes(a.cina_assessment_child_seen)
            and _within(a.cina_assessment_start_date, start, closed)
        ]
        yield _Clock("child_seen", start, min(seen, default=None), closed, r.cine_referral_id)
    closed_on = {r.cine_referral_id: r.cine_close_date for r in s.referrals}
    for a in s.assessments:
        if a.cina_assessment_start_date:
            yield _Clock(
                "assessment",
                a.cina_assessment_start_date,
                a.cina_assessment_auth_date,
                closed_on.get(a.cina_referral_id),
                a.cina_assessment_id,
            )


def _conferences(s: ChildSnapshot) -> Iterator[_Clock]:
    """An initial conference for each section 47 enquiry that needs one."""
    closed_on = {r.cine_referral_id: r.cine_close_date for r in s.referrals}
    discussed = {d.id: d.discussion_date for d in s.strategy_discussions}
    for e in s.s47_enquiries:
        if _yes(e.s47e_s47_nfa) or _yes(e.cb_icpc_not_required):
            continue
        start = discussed.get(e.cb_strategy_discussion_id) or e.s47e_s47_start_date
        if start is None:
            continue
        held = [
            i.icpc_icpc_date
            for i in s.icpcs
            if i.icpc_s47_enquiry_id == e.s47e_s47_enquiry_id and i.icpc_icpc_date
        ]
        yield _Clock(
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
    return _within(d, plan.cppl_cp_plan_start_date, plan.cppl_cp_plan_end_date)


def _cp_plan(s: ChildSnapshot, plan: CpPlan) -> Iterator[_Clock]:
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
        if _seen(v.cppv_cp_visit_seen) and _for_plan(v.cppv_cp_plan_id, v.cppv_cp_visit_date, plan)
    ]
    yield from _chain(
        conference or start, reviews, end, ref, _first_then("cp_first_review", "cp_review")
    )
    yield from _chain(start, visits, end, ref, _always("cp_visit"))


def _cin_plan(s: ChildSnapshot, plan: CinPlan) -> list[_Clock]:
    start, end = plan.cinp_cin_plan_start_date, plan.cinp_cin_plan_end_date
    visits = [
        v.cinv_cin_visit_date
        for v in s.cin_visits
        if _seen(v.cinv_cin_visit_seen) and _within(v.cinv_cin_visit_date, start, end)
    ]
    return _chain(start, visits, end, plan.cinp_cin_plan_id, _always("cin_visit"))


@dataclass(frozen=True)
class _Period:
    """A period of care: 903 episodes that follow on without a break."""

    start: date
    end: date | None
    ref: str


def _periods(episodes: Iterable[ClaEpisode]) -> list[_Period]:
    periods: list[_Period] = []
    dated = [e for e in episodes if e.clae_cla_episode_start_date]
    for e in sorted(dated, key=lambda e: e.clae_cla_episode_start_date):
        start, end = e.clae_cla_episode_start_date, e.clae_cla_episode_ceased_date
        last = periods[-1] if periods else None
        if last and (last.end is None or start <= last.end):
            joined = None if last.end is None or end is None else max(last.end, end)
            periods[-1] = replace(last, end=joined)
        else:
            entered = e.clae_entered_care_date
            first_day = min(start, entered) if entered else start
            periods.append(_Period(first_day, end, e.clae_cla_id or e.clae_cla_episode_id))
    return periods


def _visit_key(long_term_from: date | None) -> KeyFor:
    def key(i: int, at: date) -> str:
        if i == 0:
            return "cla_visit_new_placement"
        if long_term_from and at >= long_term_from:
            return "cla_visit_long_term"
        return "cla_visit"

    return key


def _cla_visits(s: ChildSnapshot, period: _Period) -> Iterator[_Clock]:
    """Visits restart with each placement: a week from its start, then every
    6 weeks (12 once a long-term foster placement is a year old)."""
    placements = sorted(
        (
            p
            for p in s.cla_placements
            if _within(p.clap_cla_placement_start_date, period.start, period.end)
        ),
        key=lambda p: p.clap_cla_placement_start_date,
    )
    visits = [
        v.clav_cla_visit_date
        for v in s.cla_visits
        if _seen(v.clav_cla_visit_seen) and _within(v.clav_cla_visit_date, period.start, period.end)
    ]
    if not placements:  # no placement recorded: the period's start stands in for one
        yield from _chain(period.start, visits, period.end, period.ref, _visit_key(None))
        return
    following = [p.clap_cla_placement_start_date for p in placements[1:]] + [None]
    for p, next_start in zip(placements, following, strict=True):
        start = p.clap_cla_placement_start_date
        ends = [d for d in (next_start, p.clap_cla_placement_end_date, period.end) if d]
        end = min(ends, default=None)
        during = [d for d in visits if end is None or d < end]
        long_term = p.clap_cla_placement_type in LONG_TERM_PLACEMENTS
        key_for = _visit_key(add_months(start, 12) if long_term else None)
        yield from _chain(start, during, end, p.clap_cla_placement_id, key_for)


def _health_key(dob: date | None) -> KeyFor:
    def key(i: int, at: date) -> str:
        if i == 0:
            return "health_assessment"
        age = _age(dob, at)
        return "health_review_under_5" if age is not None and age < 5 else "health_review"

    return key


def _period_of_care(s: ChildSnapshot, period: _Period) -> Iterator[_Clock]:
    """Reviews, visits, health, dental and PEP clocks for one period of care."""
    start, end, ref = period.start, period.end, period.ref
    reviews = [
        r.clar_cla_review_date
        for r in s.cla_reviews
        if _within(r.clar_cla_review_date, start, end) and not _yes(r.clar_cla_review_cancelled)
    ]
    checks = [
        c
        for c in s.health_checks
        if _within(c.clah_health_check_date, start, end)
        and c.clah_health_check_status in (None, "DONE")
    ]
    health = [c.clah_health_check_date for c in checks if c.clah_health_check_type == HEALTH]
    dental = [c.clah_health_check_date for c in checks if c.clah_health_check_type == DENTAL]
    yield from _chain(
        start, reviews, end, ref, _first_then("cla_first_review", "cla_second_review", "cla_review")
    )
    yield from _cla_visits(s, period)
    yield from _chain(start, health, end, ref, _health_key(s.dob))
    yield from _chain(start, dental, end, ref, _always("dental_check"))

    # A PEP is for a child of school age in care (here 3 to 17).
    if s.dob:
        start = max(start, _birthday(s.dob, PEP_FROM_AGE))
        until = _birthday(s.dob, PEP_UNTIL_AGE)
        end = min(end, until) if end else until
    if end is None or start < end:
        peps = [p.pep_date for p in s.education_plans if _within(p.pep_date, start, end)]
        yield from _chain(start, peps, end, ref, _first_then("pep", "pep_review"))


def _missing_and_leaving(s: ChildSnapshot) -> Iterator[_Clock]:
    for m in s.missing:
        returned = m.miss_missing_episode_end_date
        if returned:
            offered = [d for d in (m.cb_rhi_offered_date, m.cb_rhi_done_date) if d]
            yield _Clock(
                "return_interview", returned, min(offered, default=None), ref=m.miss_table_id
            )
    reviewed = sorted(
        {r.clea_pathway_plan_review_date for r in s.care_leavers if r.clea_pathway_plan_review_date}
    )
    if reviewed:
        until = _birthday(s.dob, CARE_LEAVER_UNTIL_AGE) if s.dob else None
        ref = s.care_leavers[0].clea_table_id
        yield from _chain(reviewed[0], reviewed[1:], until, ref, _always("pathway_plan_review"))


def _clocks(s: ChildSnapshot) -> Iterator[_Clock]:
    yield from _front_door(s)
    yield from _conferences(s)
    for plan in s.cp_plans:
        if plan.cppl_cp_plan_start_date:
            yield from _cp_plan(s, plan)
    for plan in s.cin_plans:
        if plan.cinp_cin_plan_start_date:
            yield from _cin_plan(s, plan)
    for period in _periods(s.cla_episodes):
        yield from _period_of_care(s, period)
    yield from _missing_and_leaving(s)


# --- settling clocks into items --------------------------------------------


def _fmt(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _count(n: int, unit: str) -> str:
    word = "working day" if unit == "working_days" else "day"
    return f"{n} {word}{'' if n == 1 else 's'}"


def _label(title: str, status: str, due: date, done: date | None, days: int, unit: str) -> str:
    late = f", {_count(-days, unit)} late" if days < 0 else ""
    if status == "due":
        when = "today" if days == 0 else f"{_count(days, unit)} left"
        return f"{title} due {_fmt(due)}, {when}"
    if status == "overdue":
        return f"{title} overdue: was due {_fmt(due)}{late}"
    if status == "met":
        return f"{title} done {_fmt(done)}, in time (due {_fmt(due)})"
    if done is None:
        return f"{title} missed: due {_fmt(due)}, not done"
    return f"{title} done {_fmt(done)}{late} (due {_fmt(due)})"


def _settle(
    clock: _Clock,
    on_date: date,
    timescales: Mapping[str, Timescale],
    calendar: WorkingCalendar,
    person_id: str,
) -> DueItem | None:
    """The clock as it stood on ``on_date``; None if not started, or stopped before due."""
    if clock.start > on_date:
        return None
    ts = timescales[clock.key]
    due = due_date(ts, clock.start, calendar)
    done = clock.done if clock.done and clock.done <= on_date else None
    ended = clock.ended if clock.ended and clock.ended <= on_date else None
    if done:
        status, measured_from = ("met" if done <= due else "missed"), done
    elif ended:
        if ended <= due:
            return None
        status, measured_from = "missed", ended
    else:
        status, measured_from = ("overdue" if on_date > due else "due"), on_date
    if ts.unit == "working_days":
        days = calendar.working_days_between(measured_from, due)
    else:
        days = (due - measured_from).days
    return DueItem(
        key=ts.key,
        title=ts.title,
        person_id=person_id,
        start=clock.start,
        due=due,
        done=done,
        status=status,
        days_left=days,
        label=_label(ts.title, status, due, done, days, ts.unit),
        ref=clock.ref,
    )


def items_for_child(
    snapshot: ChildSnapshot,
    on_date: date,
    timescales: Mapping[str, Timescale],
    calendar: WorkingCalendar,
    *,
    include_met: bool = False,
) -> list[DueItem]:
    """Everything due for the child as at ``on_date``, soonest first.

    Only open items (due, overdue) unless ``include_met``, which adds the
    closed ones (met, missed) that KPIs count.
    """
    items = [
        item
        for clock in _clocks(snapshot)
        if (item := _settle(clock, on_date, timescales, calendar, snapshot.person_id))
        and (include_met or item.is_open)
    ]
    return sorted(items, key=lambda i: (i.due, i.key, i.start, i.ref or ""))


# --- reading the record ------------------------------------------------------

R = TypeVar("R", bound=RecordRow)


def load_snapshot(session: Session, person_id: str) -> ChildSnapshot:
    """The child's active rows, one query per table."""
    person = session.execute(
        select(Person.pers_dob).where(
            Person.pers_person_id == person_id, Person.cb_status == ACTIVE
        )
    ).one_or_none()
    if person is None:
        raise NotFound(f"no child with person id {person_id!r}")

    def rows(model: type[R], person_column: InstrumentedAttribute[Any]) -> list[R]:
        query = select(model).where(person_column == person_id, model.cb_status == ACTIVE)
        return list(session.scalars(query))

    # CLA reviews carry no person id: they hang off the child's CLA ids.
    cla_ids = select(ClaEpisode.clae_cla_id).where(
        ClaEpisode.clae_person_id == person_id, ClaEpisode.cb_status == ACTIVE
    )
    cla_reviews = session.scalars(
        select(ClaReview).where(ClaReview.clar_cla_id.in_(cla_ids), ClaReview.cb_status == ACTIVE)
    )
    return ChildSnapshot(
        person_id=person_id,
        dob=person.pers_dob,
        contacts=rows(Contact, Contact.cont_person_id),
        referrals=rows(CinEpisode, CinEpisode.cine_person_id),
        assessments=rows(CinAssessment, CinAssessment.cina_person_id),
        strategy_discussions=rows(StrategyDiscussion, StrategyDiscussion.person_id),
        s47_enquiries=rows(S47Enquiry, S47Enquiry.s47e_person_id),
        icpcs=rows(InitialCpConference, InitialCpConference.icpc_person_id),
        cp_plans=rows(CpPlan, CpPlan.cppl_person_id),
        cp_reviews=rows(CpReview, CpReview.cppr_person_id),
        cp_visits=rows(CpVisit, CpVisit.cppv_person_id),
        cin_plans=rows(CinPlan, CinPlan.cinp_person_id),
        cin_visits=rows(CinVisit, CinVisit.cinv_person_id),
        cla_episodes=rows(ClaEpisode, ClaEpisode.clae_person_id),
        cla_placements=rows(ClaPlacement, ClaPlacement.clap_person_id),
        cla_reviews=list(cla_reviews),
        cla_visits=rows(ClaVisit, ClaVisit.clav_person_id),
        health_checks=rows(ClaHealth, ClaHealth.clah_person_id),
        education_plans=rows(EducationPlan, EducationPlan.person_id),
        missing=rows(Missing, Missing.miss_person_id),
        care_leavers=rows(CareLeaver, CareLeaver.clea_person_id),
    )


def due_for(
    session: Session, person_id: str, on_date: date, include_met: bool = False
) -> list[DueItem]:
    """What is due (and, with ``include_met``, was done) for one child as at ``on_date``."""
    return items_for_child(
        load_snapshot(session, person_id),
        on_date,
        load_timescales(session),
        WorkingCalendar.from_session(session),
        include_met=include_met,
    )
