"""Assessments rules."""

from __future__ import annotations

from ..spec import ASSESSMENTS, CinData
from .book import RULES, episodes, fail, within


@RULES.rule(
    "1103",
    "The assessment start date cannot be before the referral date",
    ["Assessments.AssessmentActualStartDate", "CINdetails.CINreferralDate"],
)
def _start_before_referral(data: CinData):
    for c, ep in episodes(data):
        if ep.referral_date is None:
            continue
        for a in ep.assessments:
            if a.start is not None and a.start < ep.referral_date:
                yield fail(c, ASSESSMENTS, "AssessmentActualStartDate", a.line)


@RULES.rule(
    "8608",
    "Assessment Start Date cannot be later than its End Date",
    ["Assessments.AssessmentActualStartDate", "Assessments.AssessmentAuthorisationDate"],
)
def _start_after_end(data: CinData):
    for c, ep in episodes(data):
        for a in ep.assessments:
            if a.start and a.authorised and a.start > a.authorised:
                yield fail(c, ASSESSMENTS, "AssessmentAuthorisationDate", a.line)


@RULES.rule(
    "8614",
    "Parental or child factors at assessment should only be present for a completed assessment.",
    ["Assessments.AssessmentAuthorisationDate", "Assessments.AssessmentFactors"],
)
def _factors_before_completion(data: CinData):
    for c, ep in episodes(data):
        for a in ep.assessments:
            if a.authorised is None and a.factors:
                yield fail(c, ASSESSMENTS, "AssessmentFactors", a.line)


@RULES.rule(
    "8617",
    "Code 8A has been returned. This code is not a valid code.",
    ["Assessments.AssessmentFactors"],
)
def _factor_8a(data: CinData):
    for c, ep in episodes(data):
        for a in ep.assessments:
            if any(f.upper() == "8A" for f in a.factors):
                yield fail(c, ASSESSMENTS, "AssessmentFactors", a.line)


@RULES.rule(
    "8696",
    "Assessment end date must fall within the census year",
    ["Assessments.AssessmentAuthorisationDate", "Header.ReferenceDate"],
)
def _end_in_year(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        for a in ep.assessments:
            if a.authorised is not None and not within(a.authorised, data):
                yield fail(c, ASSESSMENTS, "AssessmentAuthorisationDate", a.line)


@RULES.rule(
    "8736",
    "For an Assessment that has not been completed, the start date must fall within the census "
    "year",
    ["Assessments.AssessmentAuthorisationDate", "Assessments.AssessmentActualStartDate"],
)
def _open_start_in_year(data: CinData):
    if data.start is None:
        return
    for c, ep in episodes(data):
        for a in ep.assessments:
            if a.authorised is None and a.start is not None and not within(a.start, data):
                yield fail(c, ASSESSMENTS, "AssessmentActualStartDate", a.line)


@RULES.rule(
    "8869",
    "The assessment factors code “21” cannot be used in conjunction with any other assessment "
    "factors.",
    ["Assessments.AssessmentFactors"],
)
def _factor_21_alone(data: CinData):
    for c, ep in episodes(data):
        for a in ep.assessments:
            if "21" in a.factors and any(f != "21" for f in a.factors):
                yield fail(c, ASSESSMENTS, "AssessmentFactors", a.line)


@RULES.rule(
    "8863",
    "An Assessment is shown as starting when there is another Assessment ongoing",
    ["Assessments.AssessmentActualStartDate", "Assessments.AssessmentAuthorisationDate"],
)
def _assessment_during_another(data: CinData):
    for c, ep in episodes(data):
        dated = [a for a in ep.assessments if a.start is not None]
        for a in dated:
            for b in dated:
                if b is a or (b.start, b.authorised) == (a.start, a.authorised):
                    continue
                until = b.authorised if b.authorised is not None else data.end
                if until is not None and b.start <= a.start <= until:
                    yield fail(c, ASSESSMENTS, "AssessmentActualStartDate", a.line)
                    break
