"""Rules on the Reviews and OC2 tables: review dates and participation, and the
outcomes of children looked after continuously for 12 months (SDQ, convictions,
health, substance misuse)."""

from __future__ import annotations

from collections.abc import Iterator

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903, at_least
from .book import code_rule, date_rule, fail, rule

R = "Reviews"
O2 = "OC2"

# ---------------------------------------------------------------- reviews
date_rule("166", "Date of review is invalid or blank.", R, "REVIEW", required=True)
code_rule(
    "167",
    "Data entry for participation is invalid or blank.",
    R,
    "REVIEW_CODE",
    spec.REVIEW_CODE,
    required=True,
)


@rule(
    "440",
    "Participation method indicates child was under 4 years old at the time of the review, but "
    "date of birth and review date shows the child was 4 years or older.",
    ["Reviews.DOB", "Reviews.REVIEW", "Reviews.REVIEW_CODE"],
)
def _440(data: Data903) -> Iterator[Failure]:
    for r in data.rows(R):
        if r["REVIEW_CODE"] == "PN0" and at_least(r["DOB_d"], 4, r["REVIEW_d"]):
            yield fail(R, r, "REVIEW_CODE")


@rule(
    "441",
    "Participation method indicates child was 4 years old or over at the time of the review, "
    "but the date of birth and review date indicates the child was under 4 years old.",
    ["Reviews.DOB", "Reviews.REVIEW", "Reviews.REVIEW_CODE"],
)
def _441(data: Data903) -> Iterator[Failure]:
    for r in data.rows(R):
        code = r["REVIEW_CODE"]
        if (
            code in spec.REVIEW_CODE
            and code != "PN0"
            and r["DOB_d"]
            and r["REVIEW_d"]
            and not at_least(r["DOB_d"], 4, r["REVIEW_d"])
        ):
            yield fail(R, r, "REVIEW_CODE")


@rule(
    "399",
    "Mother field, review field or participation field are completed but child is looked after "
    "under legal status V3 or V4.",
    ["Header.MOTHER", "Reviews.REVIEW", "Reviews.REVIEW_CODE", "Episodes.LS"],
)
def _399(data: Data903) -> Iterator[Failure]:
    respite = {
        c for c, eps in data.episodes_by_child.items() if all(e["LS"] in ("V3", "V4") for e in eps)
    }
    if not respite:
        return
    for r in data.rows("Header"):
        if r["CHILD"] in respite and r["MOTHER"] is not None:
            yield fail("Header", r, "MOTHER")
    for r in data.rows(R):
        if r["CHILD"] in respite:
            yield fail(R, r, "REVIEW")


# ---------------------------------------------------------------- OC2 values
_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)
_FOUR = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")

code_rule(
    "196",
    "Strengths and Difficulties (SDQ) reason is not a valid code.",
    O2,
    "SDQ_REASON",
    spec.SDQ_REASON,
)


@rule(
    "180",
    "Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid.",
    ["OC2.SDQ_SCORE"],
)
def _180(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        v = r["SDQ_SCORE"]
        if v is not None and not (v.isdigit() and 0 <= int(v) <= 40):
            yield fail(O2, r, "SDQ_SCORE")


@rule(
    "181",
    "Data items relating to children looked after continuously for 12 months should be "
    "completed with a 0 or 1.",
    [f"OC2.{c}" for c in _FLAGS],
)
def _181(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        for c in _FLAGS:
            if r[c] is not None and r[c] not in spec.ZERO_ONE:
                yield fail(O2, r, c)
                break


@rule(
    "182",
    "Data entries on immunisations, teeth checks, health assessments and substance misuse "
    "problem identified should be completed or all OC2 fields should be left blank.",
    [f"OC2.{c}" for c in _FLAGS],
)
def _182(data: Data903) -> Iterator[Failure]:
    others = ("CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")
    for r in data.rows(O2):
        if any(r[c] is None for c in _FOUR) and any(r[c] is not None for c in others):
            yield fail(O2, r, next(c for c in _FOUR if r[c] is None))


@rule(
    "547",
    "Any child who has health promotion information completed must also have immunisation, "
    "teeth check, health assessment and substance misuse problem identified fields completed.",
    ["OC2.HEALTH_CHECK", *[f"OC2.{c}" for c in _FOUR]],
)
def _547(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        if r["HEALTH_CHECK"] is not None and any(r[c] is None for c in _FOUR):
            yield fail(O2, r, next(c for c in _FOUR if r[c] is None))


@rule(
    "192",
    "Child has been identified as having a substance misuse problem but the additional item on "
    "whether an intervention was received has been left blank.",
    ["OC2.SUBSTANCE_MISUSE", "OC2.INTERVENTION_RECEIVED"],
)
def _192(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        if r["SUBSTANCE_MISUSE"] == "1" and r["INTERVENTION_RECEIVED"] is None:
            yield fail(O2, r, "INTERVENTION_RECEIVED")


@rule(
    "193",
    "Child not identified as having a substance misuse problem but at least one of the two "
    "additional items on whether an intervention were offered and received have been completed.",
    ["OC2.SUBSTANCE_MISUSE", "OC2.INTERVENTION_RECEIVED", "OC2.INTERVENTION_OFFERED"],
)
def _193(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        if r["SUBSTANCE_MISUSE"] in (None, "0") and (
            r["INTERVENTION_RECEIVED"] is not None or r["INTERVENTION_OFFERED"] is not None
        ):
            yield fail(O2, r, "SUBSTANCE_MISUSE")


@rule(
    "158",
    "If a child has been recorded as receiving an intervention for their substance misuse "
    "problem, then the additional item on whether an intervention was offered should be left "
    "blank.",
    ["OC2.INTERVENTION_RECEIVED", "OC2.INTERVENTION_OFFERED"],
)
def _158(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        if r["INTERVENTION_RECEIVED"] == "1" and r["INTERVENTION_OFFERED"] is not None:
            yield fail(O2, r, "INTERVENTION_OFFERED")


@rule(
    "159",
    "If a child has been recorded as not receiving an intervention for their substance misuse "
    "problem, then the additional item on whether an intervention was offered should be "
    "completed as well.",
    ["OC2.SUBSTANCE_MISUSE", "OC2.INTERVENTION_RECEIVED", "OC2.INTERVENTION_OFFERED"],
)
def _159(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        if (
            r["SUBSTANCE_MISUSE"] == "1"
            and r["INTERVENTION_RECEIVED"] == "0"
            and r["INTERVENTION_OFFERED"] is None
        ):
            yield fail(O2, r, "INTERVENTION_OFFERED")


# ---------------------------------------------------------------- OC2 and 12 months in care
def _cla(data: Data903) -> set[str]:
    return data.looked_after_12_months


@rule(
    "185",
    "Child has not been looked after continuously for at least 12 months at 31 March but a "
    "Strengths and Difficulties (SDQ) score has been completed.",
    ["OC2.SDQ_SCORE"],
)
def _185(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    cla = _cla(data)
    for r in data.rows(O2):
        if r["SDQ_SCORE"] is not None and r["CHILD"] not in cla:
            yield fail(O2, r, "SDQ_SCORE")


@rule(
    "198",
    "Child has not been looked after continuously for at least 12 months at 31 March but a "
    "reason for no Strengths and Difficulties (SDQ) score has been completed.",
    ["OC2.SDQ_REASON"],
)
def _198(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    cla = _cla(data)
    for r in data.rows(O2):
        if r["SDQ_REASON"] is not None and r["CHILD"] not in cla:
            yield fail(O2, r, "SDQ_REASON")


@rule(
    "190",
    "Child has not been looked after continuously for at least 12 months at 31 March but one or "
    "more data items relating to children looked after for 12 months have been completed.",
    [f"OC2.{c}" for c in _FLAGS],
)
def _190(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    cla = _cla(data)
    for r in data.rows(O2):
        if r["CHILD"] not in cla:
            given = next((c for c in _FLAGS if r[c] is not None), None)
            if given:
                yield fail(O2, r, given)


@rule(
    "191",
    "Child has been looked after continuously for at least 12 months at 31 March but one or "
    "more data items relating to children looked after for 12 months have been left blank.",
    [*[f"OC2.{c}" for c in _FOUR], "OC2.CHILD"],
)
def _191(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    cla = _cla(data)
    seen = set()
    for r in data.rows(O2):
        seen.add(r["CHILD"])
        if r["CHILD"] in cla:
            blank = next((c for c in _FOUR if r[c] is None), None)
            if blank:
                yield fail(O2, r, blank)
    if data.has(O2):
        for child in sorted(cla - seen):
            yield fail("Episodes", data.episodes_by_child[child][0], "CHILD")


def _age_rule(code: str, message: str, field: str, check_row) -> None:
    @rule(code, message, ["OC2.DOB", f"OC2.{field}"])
    def check(data: Data903) -> Iterator[Failure]:
        if not data.has("Episodes"):
            return
        cla = _cla(data)
        for r in data.rows(O2):
            if r["CHILD"] in cla and r["DOB_d"] and check_row(data, r):
                yield fail(O2, r, field)


_age_rule(
    "543",
    "Child is aged 10 or over at 31 March and has been looked after continuously for 12 months "
    "yet conviction information has not been completed.",
    "CONVICTED",
    lambda d, r: r["CONVICTED"] is None and at_least(r["DOB_d"], 10, d.end),
)
_age_rule(
    "545",
    "Child is aged under 5 at 31 March and has been looked after continuously for 12 months yet "
    "health promotion information has not been completed.",
    "HEALTH_CHECK",
    lambda d, r: r["HEALTH_CHECK"] is None and not at_least(r["DOB_d"], 5, d.end),
)
_age_rule(
    "546",
    "Children aged 5 or over at 31 March should not have health promotion information completed.",
    "HEALTH_CHECK",
    lambda d, r: r["HEALTH_CHECK"] is not None and at_least(r["DOB_d"], 5, d.end),
)
_age_rule(
    "186",
    "Children aged 4 or over at the start of the year and children aged under 17 at the end of "
    "the year and who have been looked after for at least 12 months continuously should have a "
    "Strength and Difficulties (SDQ) score completed.",
    "SDQ_SCORE",
    lambda d, r: (
        r["SDQ_SCORE"] is None
        and r["SDQ_REASON"] is None
        and at_least(r["DOB_d"], 4, d.start)
        and not at_least(r["DOB_d"], 17, d.end)
    ),
)
_age_rule(
    "188",
    "Child aged under 4 years at the end of the year, but a Strengths and Difficulties (SDQ) "
    "score or a reason for no SDQ score has been completed.",
    "SDQ_SCORE",
    lambda d, r: (
        (r["SDQ_SCORE"] is not None or r["SDQ_REASON"] is not None)
        and not at_least(r["DOB_d"], 4, d.end)
    ),
)
_age_rule(
    "189",
    "Child is aged 17 years or over at the beginning of the year, but an Strengths and "
    "Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) score has been "
    "completed.",
    "SDQ_SCORE",
    lambda d, r: (
        (r["SDQ_SCORE"] is not None or r["SDQ_REASON"] is not None)
        and at_least(r["DOB_d"], 17, d.start)
    ),
)
_age_rule(
    "197B",
    "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.",
    "SDQ_REASON",
    lambda d, r: (
        r["SDQ_SCORE"] is None
        and r["SDQ_REASON"] is None
        and (
            d.start <= spec.add_years(r["DOB_d"], 4) <= d.end
            or d.start <= spec.add_years(r["DOB_d"], 17) <= d.end
        )
    ),
)
_age_rule(
    "157",
    "Child is aged 4 years or over at the beginning of the year or 16 years or under at the end "
    "of the year and Strengths and Difficulties Questionnaire (SDQ) 1 has been recorded as the "
    "reason for no Strengths and Difficulties Questionnaire (SDQ) score.",
    "SDQ_REASON",
    lambda d, r: (
        r["SDQ_SCORE"] is None
        and r["SDQ_REASON"] == "SDQ1"
        and at_least(r["DOB_d"], 4, d.start)
        and not at_least(r["DOB_d"], 17, d.end)
    ),
)


@rule(
    "542",
    "A child aged under 10 at 31 March should not have conviction information completed.",
    ["OC2.CONVICTED", "OC2.DOB"],
)
def _542(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O2):
        if r["CONVICTED"] is not None and r["DOB_d"] and not at_least(r["DOB_d"], 10, data.end):
            yield fail(O2, r, "CONVICTED")
