"""Looked after clocks, for each period of care: reviews, visits (restarting with
each placement), health assessments, dental checks and personal education
plans; and return home interviews after a missing episode."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from casebook.record.calendar import add_months
from casebook.record.models.looked_after import ClaEpisode
from casebook.record.timescales.clocks import (
    Clock,
    KeyFor,
    age,
    always,
    birthday,
    chain,
    first_then,
    seen,
    within,
    yes,
)
from casebook.record.timescales.snapshot import ChildSnapshot

#: Foster placements agreed as long term (903 PL codes): visits every 12 weeks after a year.
LONG_TERM_PLACEMENTS = frozenset({"U1", "U4"})
#: Health check types (code list ``health_check_type``) that start and meet the clocks.
HEALTH, DENTAL = "HEALTH_ASSESSMENT", "DENTAL"
#: Ages (years) between which a child in care has a personal education plan.
PEP_FROM_AGE, PEP_UNTIL_AGE = 3, 18


@dataclass(frozen=True)
class Period:
    """A period of care: 903 episodes that follow on without a break."""

    start: date
    end: date | None
    ref: str


def periods(episodes: Iterable[ClaEpisode]) -> list[Period]:
    found: list[Period] = []
    dated = [e for e in episodes if e.clae_cla_episode_start_date]
    for e in sorted(dated, key=lambda e: e.clae_cla_episode_start_date):
        start, end = e.clae_cla_episode_start_date, e.clae_cla_episode_ceased_date
        last = found[-1] if found else None
        if last and (last.end is None or start <= last.end):
            joined = None if last.end is None or end is None else max(last.end, end)
            found[-1] = replace(last, end=joined)
        else:
            entered = e.clae_entered_care_date
            first_day = min(start, entered) if entered else start
            found.append(Period(first_day, end, e.clae_cla_id or e.clae_cla_episode_id))
    return found


def _visit_key(long_term_from: date | None) -> KeyFor:
    def key(i: int, at: date) -> str:
        if i == 0:
            return "cla_visit_new_placement"
        if long_term_from and at >= long_term_from:
            return "cla_visit_long_term"
        return "cla_visit"

    return key


def visits(s: ChildSnapshot, period: Period) -> Iterator[Clock]:
    """Visits restart with each placement: a week from its start, then every
    6 weeks (12 once a long-term foster placement is a year old)."""
    placements = sorted(
        (
            p
            for p in s.cla_placements
            if within(p.clap_cla_placement_start_date, period.start, period.end)
        ),
        key=lambda p: p.clap_cla_placement_start_date,
    )
    visited = [
        v.clav_cla_visit_date
        for v in s.cla_visits
        if seen(v.clav_cla_visit_seen) and within(v.clav_cla_visit_date, period.start, period.end)
    ]
    if not placements:  # no placement recorded: the period's start stands in for one
        yield from chain(period.start, visited, period.end, period.ref, _visit_key(None))
        return
    following = [p.clap_cla_placement_start_date for p in placements[1:]] + [None]
    for p, next_start in zip(placements, following, strict=True):
        start = p.clap_cla_placement_start_date
        ends = [d for d in (next_start, p.clap_cla_placement_end_date, period.end) if d]
        end = min(ends, default=None)
        during = [d for d in visited if end is None or d < end]
        long_term = p.clap_cla_placement_type in LONG_TERM_PLACEMENTS
        key_for = _visit_key(add_months(start, 12) if long_term else None)
        yield from chain(start, during, end, p.clap_cla_placement_id, key_for)


def _health_key(dob: date | None) -> KeyFor:
    def key(i: int, at: date) -> str:
        if i == 0:
            return "health_assessment"
        years = age(dob, at)
        return "health_review_under_5" if years is not None and years < 5 else "health_review"

    return key


def period_of_care(s: ChildSnapshot, period: Period) -> Iterator[Clock]:
    """Reviews, visits, health, dental and PEP clocks for one period of care."""
    start, end, ref = period.start, period.end, period.ref
    reviews = [
        r.clar_cla_review_date
        for r in s.cla_reviews
        if within(r.clar_cla_review_date, start, end) and not yes(r.clar_cla_review_cancelled)
    ]
    checks = [
        c
        for c in s.health_checks
        if within(c.clah_health_check_date, start, end)
        and c.clah_health_check_status in (None, "DONE")
    ]
    health = [c.clah_health_check_date for c in checks if c.clah_health_check_type == HEALTH]
    dental = [c.clah_health_check_date for c in checks if c.clah_health_check_type == DENTAL]
    yield from chain(
        start, reviews, end, ref, first_then("cla_first_review", "cla_second_review", "cla_review")
    )
    yield from visits(s, period)
    yield from chain(start, health, end, ref, _health_key(s.dob))
    yield from chain(start, dental, end, ref, always("dental_check"))

    # A PEP is for a child of school age in care (here 3 to 17).
    if s.dob:
        start = max(start, birthday(s.dob, PEP_FROM_AGE))
        until = birthday(s.dob, PEP_UNTIL_AGE)
        end = min(end, until) if end else until
    if end is None or start < end:
        peps = [p.pep_date for p in s.education_plans if within(p.pep_date, start, end)]
        yield from chain(start, peps, end, ref, first_then("pep", "pep_review"))


def return_interviews(s: ChildSnapshot) -> Iterator[Clock]:
    """A return home interview after each missing episode (in care or not)."""
    for m in s.missing:
        returned = m.miss_missing_episode_end_date
        if returned:
            offered = [d for d in (m.cb_rhi_offered_date, m.cb_rhi_done_date) if d]
            yield Clock(
                "return_interview", returned, min(offered, default=None), ref=m.miss_table_id
            )


def clocks(s: ChildSnapshot) -> Iterator[Clock]:
    """Each period of care's clocks, then the return home interviews."""
    for period in periods(s.cla_episodes):
        yield from period_of_care(s, period)
    yield from return_interviews(s)
