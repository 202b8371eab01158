"""Section47 and ChildProtectionPlans rules."""

from __future__ import annotations

from ..spec import CPP, SECTION47, CinData
from .book import RULES, episodes, fail, within


@RULES.rule(
    "2889",
    "The S47 start date cannot be before the referral date.",
    ["Section47.S47ActualStartDate", "CINdetails.CINreferralDate"],
)
def _s47_before_referral(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_date is None:
            continue
        for s in ep.s47s:
            if s.start is not None and s.start < ep.referral_date:
                yield fail(c, SECTION47, "S47ActualStartDate", s.line)


@RULES.rule(
    "8615",
    "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
    "initial Child Protection Conference",
    ["Section47.S47ActualStartDate", "Section47.DateOfInitialCPC"],
)
def _s47_after_icpc(data: CinData):
    for c, ep in episodes(data):
        for s in ep.s47s:
            if s.icpc_date is not None and (s.start is None or s.start > s.icpc_date):
                yield fail(c, SECTION47, "S47ActualStartDate", s.line)


@RULES.rule(
    "8715",
    "Date of Initial Child Protection Conference must fall within the census year",
    ["Section47.DateOfInitialCPC"],
)
def _icpc_in_year(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        for s in ep.s47s:
            if s.icpc_date is not None and not within(s.icpc_date, data):
                yield fail(c, SECTION47, "DateOfInitialCPC", s.line)


@RULES.rule(
    "8740",
    "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the "
    "end of the census year, the start date must fall within the census year",
    ["Section47.S47ActualStartDate", "Section47.DateOfInitialCPC", "Section47.ICPCnotRequired"],
)
def _open_s47_in_year(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        for s in ep.s47s:
            if (
                s.icpc_date is None
                and s.icpc_not_required is False
                and s.start is not None
                and not within(s.start, data)
            ):
                yield fail(c, SECTION47, "S47ActualStartDate", s.line)


@RULES.rule(
    "2883",
    "There are more child protection plans starting than initial conferences taking place",
    ["ChildProtectionPlans.CPPstartDate", "CINdetails.DateOfInitialCPC"],
)
def _more_plans_than_conferences(data: CinData):
    if data.start is None:
        return
    plans = conferences = 0
    for _, ep in episodes(data):
        plans += sum(1 for cp in ep.cpps if within(cp.start, data))
        conferences += within(ep.icpc_date, data)
        conferences += sum(1 for s in ep.s47s if within(s.icpc_date, data))
    if plans > conferences:
        yield fail(None, CPP, "CPPstartDate", None)


@RULES.rule(
    "1105",
    "The child protection plan start date cannot be before the referral date",
    ["ChildProtectionPlans.CPPstartDate"],
)
def _cpp_before_referral(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_date is None:
            continue
        for cp in ep.cpps:
            if cp.start is not None and cp.start < ep.referral_date:
                yield fail(c, CPP, "CPPstartDate", cp.line)


@RULES.rule(
    "8720",
    "Child Protection Plan Start Date missing or out of data collection period",
    ["ChildProtectionPlans.CPPstartDate", "Header.ReferenceDate"],
)
def _cpp_start_missing(data: CinData):
    if data.end is None:
        return
    for c, ep in episodes(data):
        for cp in ep.cpps:
            if cp.start is None or cp.start > data.end:
                yield fail(c, CPP, "CPPstartDate", cp.line)


@RULES.rule(
    "8730",
    "Total Number of previous Child Protection Plans missing",
    ["ChildProtectionPlans.NumberOfPreviousCPP"],
)
def _previous_missing(data: CinData):
    for c, ep in episodes(data):
        for cp in ep.cpps:
            if cp.previous is None or cp.previous < 0:
                yield fail(c, CPP, "NumberOfPreviousCPP", cp.line)


@RULES.rule(
    "2885",
    "Child protection plan shown as starting a different day to the initial child protection "
    "conference.",
    [
        "ChildProtectionPlans.CPPstartDate",
        "Section47.DateOfInitialCPC",
        "CINdetails.DateOfInitialCPC",
    ],
)
def _cpp_not_on_icpc(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        conferences = {s.icpc_date for s in ep.s47s if s.icpc_date is not None}
        if ep.icpc_date is not None:
            conferences.add(ep.icpc_date)
        for cp in ep.cpps:
            if within(cp.start, data) and cp.start not in conferences:
                yield fail(c, CPP, "CPPstartDate", cp.line)


@RULES.rule(
    "8839",
    "Within one CINDetails group there are 2 or more open S47 Assessments",
    ["Section47.DateOfInitialCPC"],
)
def _two_open_s47s(data: CinData):
    for c, ep in episodes(data):
        open_ = [s for s in ep.s47s if s.icpc_date is None and s.icpc_not_required is not True]
        if len(open_) > 1:
            for s in open_:
                yield fail(c, SECTION47, "DateOfInitialCPC", s.line)


@RULES.rule(
    "8890",
    "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
    ["Section47.S47ActualStartDate"],
)
def _s47_during_another(data: CinData):
    for c, ep in episodes(data):
        dated = [s for s in ep.s47s if s.start is not None]
        for s in dated:
            for other in dated:
                if other is s:
                    continue
                if other.icpc_date is not None:
                    until = other.icpc_date
                elif other.icpc_not_required is not True:
                    until = data.end
                else:
                    continue
                if until is not None and other.start <= s.start <= until:
                    yield fail(c, SECTION47, "S47ActualStartDate", s.line)
                    break
