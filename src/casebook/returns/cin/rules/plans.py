"""CINplanDates rules, and how CIN plans sit beside child protection plans."""

from __future__ import annotations

from ..spec import CPP, PLANS, REVIEWS, CinData
from .book import RULES, episodes, fail, within


@RULES.rule(
    "4010",
    "CIN Plan start date is missing or out of data collection period",
    ["CINplanDates.CINPlanStartDate"],
)
def _start_missing(data: CinData):
    if data.end is None:
        return
    for c, ep in episodes(data):
        for p in ep.plans:
            if p.start is None or p.start > data.end:
                yield fail(c, PLANS, "CINPlanStartDate", p.line)


@RULES.rule(
    "4011",
    "CIN Plan End Date earlier than Start Date",
    ["CINplanDates.CINPlanEndDate", "CINplanDates.CINPlanStartDate"],
)
def _end_before_start(data: CinData):
    for c, ep in episodes(data):
        for p in ep.plans:
            if p.end and p.start and p.end < p.start:
                yield fail(c, PLANS, "CINPlanEndDate", p.line)


@RULES.rule(
    "4013",
    "CIN Plan end date must fall within the census year",
    ["CINplanDates.CINPlanEndDate", "Header.ReferenceDate"],
)
def _end_in_year(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        for p in ep.plans:
            if p.end is not None and not within(p.end, data):
                yield fail(c, PLANS, "CINPlanEndDate", p.line)


@RULES.rule(
    "4004",
    "This child is showing more than one open CIN Plan, i.e. with no End Date",
    ["CINplanDates.CINPlanEndDate"],
)
def _two_open(data: CinData):
    for c, ep in episodes(data):
        open_ = [p for p in ep.plans if p.end is None]
        if len(open_) > 1:
            for p in open_:
                yield fail(c, PLANS, "CINPlanEndDate", p.line)


@RULES.rule(
    "4014",
    "CIN Plan data contains overlapping dates",
    ["CINplanDates.CINPlanStartDate", "CINplanDates.CINPlanEndDate"],
)
def _overlap(data: CinData):
    for c in data.children:
        plans = [p for ep in c.episodes for p in ep.plans if p.start is not None]
        if len(plans) < 2:
            continue
        for p in plans:
            for q in plans:
                if q is p or p.start < q.start:
                    continue
                until = q.end if q.end is not None else data.end
                if until is not None and p.start <= until:
                    yield fail(c, PLANS, "CINPlanStartDate", p.line)
                    break


@RULES.rule(
    "4015",
    "The CIN Plan start date cannot be before the referral date",
    ["CINplanDates.CINPlanStartDate", "CINdetails.CINreferralDate"],
)
def _start_before_referral(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_date is None:
            continue
        for p in ep.plans:
            if p.start is not None and p.start < ep.referral_date:
                yield fail(c, PLANS, "CINPlanStartDate", p.line)


@RULES.rule(
    "4008",
    "CIN Plan shown as starting after the child’s Date of Death.",
    ["ChildIdentifiers.PersonDeathDate", "CINplanDates.CINPlanStartDate"],
)
def _start_after_death(data: CinData):
    for c, ep in episodes(data):
        if c.death_date is None:
            continue
        for p in ep.plans:
            if p.start is not None and p.start > c.death_date:
                yield fail(c, PLANS, "CINPlanStartDate", p.line)


@RULES.rule(
    "4009",
    "CIN Plan cannot end after the child’s Date of Death",
    ["ChildIdentifiers.PersonDeathDate", "CINplanDates.CINPlanEndDate"],
)
def _end_after_death(data: CinData):
    for c, ep in episodes(data):
        if c.death_date is None:
            continue
        for p in ep.plans:
            if p.end is not None and p.end > c.death_date:
                yield fail(c, PLANS, "CINPlanEndDate", p.line)


@RULES.rule(
    "4001",
    "A CIN Plan cannot run concurrently with a Child Protection Plan",
    ["CINplanDates.CINPlanEndDate", "ChildProtectionPlans.CPPendDate"],
)
def _both_open(data: CinData):
    for c, ep in episodes(data):
        if any(cp.end is None for cp in ep.cpps):
            for p in ep.plans:
                if p.end is None:
                    yield fail(c, PLANS, "CINPlanEndDate", p.line)


@RULES.rule(
    "4016",
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
    [
        "CINplanDates.CINPlanStartDate",
        "ChildProtectionPlans.CPPstartDate",
        "ChildProtectionPlans.CPPendDate",
    ],
)
def _plan_starts_in_cpp(data: CinData):
    for c in data.children:
        cpps = [cp for ep in c.episodes for cp in ep.cpps if cp.start is not None]
        if not cpps:
            continue
        for ep in c.episodes:
            for p in ep.plans:
                if p.start is None:
                    continue
                for cp in cpps:
                    if cp.end is not None:
                        inside = cp.start <= p.start < cp.end
                    else:
                        inside = data.end is not None and cp.start <= p.start <= data.end
                    if inside:
                        yield fail(c, PLANS, "CINPlanStartDate", p.line)
                        break


@RULES.rule(
    "4017",
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
    [
        "CINplanDates.CINPlanStartDate",
        "CINplanDates.CINPlanEndDate",
        "ChildProtectionPlans.CPPstartDate",
    ],
)
def _cpp_starts_in_plan(data: CinData):
    for c in data.children:
        plans = [p for ep in c.episodes for p in ep.plans if p.start is not None]
        if not plans:
            continue
        for ep in c.episodes:
            for cp in ep.cpps:
                if cp.start is None:
                    continue
                for p in plans:
                    if p.end is not None:
                        inside = p.start <= cp.start < p.end
                    else:
                        inside = data.end is not None and p.start <= cp.start <= data.end
                    if inside:
                        yield fail(c, CPP, "CPPstartDate", cp.line)
                        break


@RULES.rule(
    "4003",
    "A CPP review date is shown as being held at the same time as an open CIN Plan.",
    [
        "CINplanDates.CINPlanStartDate",
        "CINplanDates.CINPlanEndDate",
        "Reviews.CPPreviewDate",
    ],
)
def _review_in_plan(data: CinData):
    for c, ep in episodes(data):
        if not ep.plans:
            continue
        for cp in ep.cpps:
            for r in cp.reviews:
                if r.date is None or r.date == cp.end:
                    continue
                for p in ep.plans:
                    if p.start is None:
                        continue
                    if p.start <= r.date and (p.end is None or r.date < p.end):
                        yield fail(c, REVIEWS, "CPPreviewDate", r.line)
                        break
