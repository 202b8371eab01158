"""CINdetails rules: the referral, its closure and what may follow it."""

from __future__ import annotations

from datetime import timedelta

from ..spec import CLOSURE_REASON, DETAILS, PRIMARY_NEED, SECTION47, CinData
from .book import RULES, episodes, fail, within

_FORTY_WEEKS = timedelta(days=280)


@RULES.rule(
    "8600",
    "Child referral date missing or after data collection period",
    ["CINdetails.CINreferralDate"],
)
def _referral_date(data: CinData):
    if data.end is None:
        return
    for c, ep in episodes(data):
        if ep.referral_date is None or ep.referral_date > data.end:
            yield fail(c, DETAILS, "CINreferralDate", ep.line)


@RULES.rule(
    "8606",
    "Child referral date is more than 40 weeks before DOB or expected DOB",
    [
        "CINdetails.CINreferralDate",
        "ChildIdentifiers.PersonBirthDate",
        "ChildIdentifiers.ExpectedPersonBirthDate",
    ],
)
def _referral_before_birth(data: CinData):
    for c in data.children:
        births = [d - _FORTY_WEEKS for d in (c.birth_date, c.expected_birth_date) if d]
        if not births:
            continue
        for ep in c.episodes:
            if ep.referral_date is not None and any(ep.referral_date < b for b in births):
                yield fail(c, DETAILS, "CINreferralDate", ep.line)


@RULES.rule(
    "8555",
    "Child cannot be referred after its recorded date of death",
    ["ChildIdentifiers.PersonDeathDate", "CINdetails.CINreferralDate"],
)
def _referral_after_death(data: CinData):
    for c in data.children:
        if c.death_date is None:
            continue
        for ep in c.episodes:
            if ep.referral_date is not None and ep.referral_date > c.death_date:
                yield fail(c, DETAILS, "CINreferralDate", ep.line)


@RULES.rule(
    "8610",
    "Primary Need code is missing for a referral which led to further action.",
    ["CINdetails.ReferralNFA", "CINdetails.PrimaryNeedCode"],
)
def _need_missing(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_nfa is False and not ep.primary_need:
            yield fail(c, DETAILS, "PrimaryNeedCode", ep.line)


@RULES.rule(
    "8650",
    "Primary Need Code invalid (see Primary Need table in CIN census code set)",
    ["CINdetails.PrimaryNeedCode"],
)
def _need_invalid(data: CinData):
    for c, ep in episodes(data):
        if ep.primary_need and ep.primary_need not in PRIMARY_NEED:
            yield fail(c, DETAILS, "PrimaryNeedCode", ep.line)


@RULES.rule(
    "8620",
    "CIN Closure Date present and does not fall within the Census year",
    ["CINdetails.CINclosureDate"],
)
def _closure_in_year(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        if ep.closure_date is not None and not within(ep.closure_date, data):
            yield fail(c, DETAILS, "CINclosureDate", ep.line)


@RULES.rule(
    "8630",
    "CIN Closure Date is before CIN Referral Date for the same CIN episode",
    ["CINdetails.CINreferralDate", "CINdetails.CINclosureDate"],
)
def _closure_before_referral(data: CinData):
    for c, ep in episodes(data):
        if ep.closure_date and ep.referral_date and ep.closure_date < ep.referral_date:
            yield fail(c, DETAILS, "CINclosureDate", ep.line)


@RULES.rule(
    "8640",
    "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
    ["CINdetails.ReasonForClosure"],
)
def _closure_reason_invalid(data: CinData):
    for c, ep in episodes(data):
        if ep.closure_reason and ep.closure_reason not in CLOSURE_REASON:
            yield fail(c, DETAILS, "ReasonForClosure", ep.line)


@RULES.rule(
    "8805",
    "A CIN case cannot have a CIN closure date without a Reason for Closure",
    ["CINdetails.CINclosureDate", "CINdetails.ReasonForClosure"],
)
def _closure_without_reason(data: CinData):
    for c, ep in episodes(data):
        if ep.closure_date is not None and not ep.closure_reason:
            yield fail(c, DETAILS, "ReasonForClosure", ep.line)


@RULES.rule(
    "8810",
    "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
    ["CINdetails.ReasonForClosure", "CINdetails.CINclosureDate"],
)
def _reason_without_closure(data: CinData):
    for c, ep in episodes(data):
        if ep.closure_reason and ep.closure_date is None:
            yield fail(c, DETAILS, "CINclosureDate", ep.line)


@RULES.rule(
    "8565",
    "Activity shown after a case has been closed",
    [
        "CINdetails.CINclosureDate",
        "CINdetails.DateOfInitialCPC",
        "Assessments.AssessmentActualStartDate",
        "Assessments.AssessmentAuthorisationDate",
        "Section47.S47ActualStartDate",
        "ChildProtectionPlans.CPPendDate",
        "CINplanDates.CINPlanStartDate",
        "CINplanDates.CINPlanEndDate",
    ],
)
def _activity_after_closure(data: CinData):
    for c, ep in episodes(data):
        closed = ep.closure_date
        if closed is None:
            continue
        days = [ep.icpc_date]
        days += [d for a in ep.assessments for d in (a.start, a.authorised)]
        days += [d for s in ep.s47s for d in (s.start, s.icpc_date)]
        days += [p.end for p in ep.cpps]
        days += [d for p in ep.plans for d in (p.start, p.end)]
        if any(d is not None and d > closed for d in days):
            yield fail(c, DETAILS, "CINclosureDate", ep.line)


@RULES.rule(
    "2990",
    "Activity is recorded against a case marked as ‘Case closed after assessment, no further "
    "action’.",
    ["CINdetails.ReasonForClosure"],
)
def _activity_after_rc8(data: CinData):
    for c, ep in episodes(data):
        if ep.closure_reason == "RC8" and (ep.icpc_date or ep.s47s or ep.cpps or ep.plans):
            yield fail(c, DETAILS, "ReasonForClosure", ep.line)


@RULES.rule(
    "2884",
    "An initial child protection conference is recorded at both the S47 and CIN Details level "
    "and it should only be recorded in one",
    ["Section47.DateOfInitialCPC", "CINdetails.DateOfInitialCPC"],
)
def _icpc_twice(data: CinData):
    for c in data.children:
        at_s47 = {s.icpc_date for ep in c.episodes for s in ep.s47s if s.icpc_date}
        for ep in c.episodes:
            if ep.icpc_date is not None and ep.icpc_date in at_s47:
                yield fail(c, DETAILS, "DateOfInitialCPC", ep.line)


@RULES.rule(
    "4000",
    "CIN Plan details provided for a referral with no further action",
    ["CINdetails.ReferralNFA"],
)
def _plan_after_nfa(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_nfa is True and ep.plans:
            yield fail(c, DETAILS, "ReferralNFA", ep.line)


@RULES.rule(
    "8815",
    "More than one open CIN Details episode (a module with no CIN Closure Date) has been "
    "provided for this child and case is not a referral with no further action.",
    ["CINdetails.ReferralNFA", "CINdetails.CINclosureDate"],
)
def _two_open(data: CinData):
    for c in data.children:
        open_ = [ep for ep in c.episodes if ep.closure_date is None and ep.referral_nfa is False]
        if len(open_) > 1:
            for ep in open_:
                yield fail(c, DETAILS, "CINclosureDate", ep.line)


@RULES.rule(
    "8820",
    "The dates on the CIN episodes for this child overlap",
    ["CINdetails.CINreferralDate", "CINdetails.CINclosureDate"],
)
def _episodes_overlap(data: CinData):
    for c in data.children:
        eps = [ep for ep in c.episodes if ep.referral_date is not None]
        if len(eps) < 2:
            continue
        for ep in eps:
            for other in eps:
                if other is ep or ep.referral_date < other.referral_date:
                    continue
                if other.closure_date is not None:
                    inside = ep.referral_date <= other.closure_date
                else:
                    inside = (
                        other.referral_nfa is False
                        and data.end is not None
                        and ep.referral_date <= data.end
                    )
                if inside:
                    yield fail(c, DETAILS, "CINreferralDate", ep.line)
                    break


@RULES.rule(
    "1104",
    "The date of the initial child protection conference cannot be before the referral date",
    ["CINdetails.CINreferralDate", "Section47.DateOfInitialCPC"],
)
def _icpc_before_referral(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_date is None:
            continue
        for s in ep.s47s:
            if s.icpc_date is not None and s.icpc_date < ep.referral_date:
                yield fail(c, SECTION47, "DateOfInitialCPC", s.line)


@RULES.rule(
    "8816",
    "An open CIN episode is shown and case is not a referral with no further action, but it is "
    "not the latest episode.",
    ["CINdetails.CINreferralDate", "CINdetails.ReferralNFA"],
)
def _open_not_latest(data: CinData):
    for c in data.children:
        dates = [ep.referral_date for ep in c.episodes if ep.referral_date is not None]
        if len(dates) < 2:
            continue
        latest = max(dates)
        for ep in c.episodes:
            if (
                ep.closure_date is None
                and ep.referral_nfa is False
                and ep.referral_date is not None
                and ep.referral_date != latest
            ):
                yield fail(c, DETAILS, "CINreferralDate", ep.line)
