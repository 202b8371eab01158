"""Builders of tiny CIN census XML documents for the CIN tests (no tests here).

Every builder's defaults make a child that passes every rule for the
collection year ending 31 March 2023, so a test changes only what its rule
looks at.
"""

from __future__ import annotations

UPN = "E938000012345"  # valid: check letter, LA code 938, digits
UPN2 = "H938000054321"


def _el(tag: str, value: str | None) -> str:
    return "" if value is None else f"<{tag}>{value}</{tag}>"


def assessment(start="2022-06-10", auth="2022-07-01", factors=(), review=None) -> str:
    f = ""
    if factors:
        f = (
            "<FactorsIdentifiedAtAssessment>"
            + "".join(_el("AssessmentFactors", x) for x in factors)
            + "</FactorsIdentifiedAtAssessment>"
        )
    return (
        "<Assessments>"
        + _el("AssessmentActualStartDate", start)
        + _el("AssessmentInternalReviewDate", review)
        + _el("AssessmentAuthorisationDate", auth)
        + f
        + "</Assessments>"
    )


def plan(start="2022-07-05", end=None) -> str:
    return (
        "<CINPlanDates>"
        + _el("CINPlanStartDate", start)
        + _el("CINPlanEndDate", end)
        + ("</CINPlanDates>")
    )


def s47(start="2022-06-05", target=None, icpc=None, not_required="false") -> str:
    return (
        "<Section47>"
        + _el("S47ActualStartDate", start)
        + _el("InitialCPCtarget", target)
        + _el("DateOfInitialCPC", icpc)
        + _el("ICPCnotRequired", not_required)
        + "</Section47>"
    )


def cpp(start="2022-07-01", end=None, first="NEG", latest="NEG", previous="0", reviews=()) -> str:
    r = ""
    if reviews:
        r = "<Reviews>" + "".join(_el("CPPreviewDate", d) for d in reviews) + "</Reviews>"
    return (
        "<ChildProtectionPlans>"
        + _el("CPPstartDate", start)
        + _el("CPPendDate", end)
        + _el("InitialCategoryOfAbuse", first)
        + _el("LatestCategoryOfAbuse", latest)
        + _el("NumberOfPreviousCPP", previous)
        + r
        + "</ChildProtectionPlans>"
    )


def episode(
    referral="2022-06-01",
    source="1A",
    need="N1",
    closed=None,
    reason=None,
    icpc=None,
    nfa="false",
    body="",
) -> str:
    return (
        "<CINdetails>"
        + _el("CINreferralDate", referral)
        + _el("ReferralSource", source)
        + _el("PrimaryNeedCode", need)
        + _el("CINclosureDate", closed)
        + _el("ReasonForClosure", reason)
        + _el("DateOfInitialCPC", icpc)
        + _el("ReferralNFA", nfa)
        + body
        + "</CINdetails>"
    )


def child(
    la="C1",
    upn=UPN,
    former_upn=None,
    upn_unknown=None,
    dob="2015-05-05",
    expected=None,
    gender="1",
    death=None,
    ethnicity="WBRI",
    disabilities=("NONE",),
    episodes=None,
) -> str:
    dis = ""
    if disabilities:
        dis = (
            "<Disabilities>"
            + "".join(_el("Disability", d) for d in disabilities)
            + ("</Disabilities>")
        )
    eps = [episode()] if episodes is None else episodes
    return (
        "<Child><ChildIdentifiers>"
        + _el("LAchildID", la)
        + _el("UPN", upn)
        + _el("FormerUPN", former_upn)
        + _el("UPNunknown", upn_unknown)
        + _el("PersonBirthDate", dob)
        + _el("ExpectedPersonBirthDate", expected)
        + _el("GenderCurrent", gender)
        + _el("PersonDeathDate", death)
        + "</ChildIdentifiers><ChildCharacteristics>"
        + _el("Ethnicity", ethnicity)
        + dis
        + "</ChildCharacteristics>"
        + "".join(eps)
        + "</Child>"
    )


def census(*children: str, year="2023", reference="2023-03-31") -> bytes:
    kids = children or (child(),)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{year}</Year>"
        + _el("ReferenceDate", reference)
        + "</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA>"
        "<SoftwareCode>Tests</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo>"
        "<DateTime>2023-05-01T09:00:00Z</DateTime></Source></Header>"
        "<Children>" + "".join(kids) + "</Children></Message>"
    ).encode()
