"""Rules on the OC3 table (care leavers: in touch, activity, accommodation) and
the UASC table."""

from __future__ import annotations

from collections.abc import Iterator

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903, at_least
from .book import code_rule, fail, rule

O3 = "OC3"
_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")

code_rule(
    "131",
    "Data entry for being in touch after leaving care is invalid.",
    O3,
    "IN_TOUCH",
    spec.IN_TOUCH,
)
code_rule("132", "Data entry for activity after leaving care is invalid.", O3, "ACTIV", spec.ACTIV)
code_rule(
    "133", "Data entry for accommodation after leaving care is invalid.", O3, "ACCOM", spec.ACCOM
)


def _has_oc3(r) -> bool:
    return r["IN_TOUCH"] is not None or r["ACTIV"] is not None or r["ACCOM"] is not None


@rule(
    "153",
    "All data items relating to a child's activity or accommodation after leaving care must be "
    "coded or left blank",
    ["OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM"],
)
def _153(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O3):
        given = [r[c] is not None for c in _ITEMS]
        if any(given) and not all(given):
            yield fail(O3, r, _ITEMS[given.index(False)])


@rule(
    "344",
    "The record shows the young person has died or returned home to live with parent(s) or "
    "someone with parental responsibility for a continuous period of 6 months or more, but "
    "activity and/or accommodation on leaving care have been completed.",
    ["OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM"],
)
def _344(data: Data903) -> Iterator[Failure]:
    # activity and accommodation are coded 0 for a young person who died or went home
    for r in data.rows(O3):
        if r["IN_TOUCH"] in ("DIED", "RHOM") and (r["ACTIV"] != "0" or r["ACCOM"] != "0"):
            yield fail(O3, r, "ACTIV" if r["ACTIV"] != "0" else "ACCOM")


@rule(
    "345",
    "The data collection record shows the local authority is in touch with this young person, "
    "but activity and/or accommodation data items are zero.",
    ["OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM"],
)
def _345(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O3):
        if r["IN_TOUCH"] == "YES" and (r["ACTIV"] == "0" or r["ACCOM"] == "0"):
            yield fail(O3, r, "ACTIV" if r["ACTIV"] == "0" else "ACCOM")


@rule(
    "391",
    "Young person was not 17, 18, 19, 20 or 21 during the current collection year. ",
    ["OC3.DOB", "OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM"],
)
def _391(data: Data903) -> Iterator[Failure]:
    for r in data.rows(O3):
        if r["DOB_d"] and _has_oc3(r) and not at_least(r["DOB_d"], 17, data.end):
            yield fail(O3, r, "DOB")


@rule(
    "1000",
    "This child is recorded as having died in care and therefore should not have the care "
    "leaver information completed.",
    ["OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM", "Episodes.REC"],
)
def _1000(data: Data903) -> Iterator[Failure]:
    died = {r["CHILD"] for r in data.rows("Episodes") if r["REC"] == "E2"}
    for r in data.rows(O3):
        if r["CHILD"] in died:
            yield fail(O3, r, "IN_TOUCH")


@rule(
    "1007",
    "Care leaver information is not required for 17- or 18-year olds who are still looked after.",
    ["OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM", "Episodes.DEC"],
)
def _1007(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    still = data.looked_after_at_end
    for r in data.rows(O3):
        if r["CHILD"] in still and _has_oc3(r):
            yield fail(O3, r, "IN_TOUCH")


@rule(
    "1011",
    "This child is recorded as having his/her care transferred to another local authority for "
    "the final episode and therefore should not have the care leaver information completed.",
    ["OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM", "Episodes.REC"],
)
def _1011(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(O3):
        own = eps.get(r["CHILD"])
        if own and own[-1]["REC"] == "E3" and _has_oc3(r):
            yield fail(O3, r, "IN_TOUCH")


@rule(
    "134",
    "Data on adoption should not be entered for the OC3 cohort.",
    ["OC3.IN_TOUCH", "AD1.DATE_INT", "AD1.DATE_MATCH"],
)
def _134(data: Data903) -> Iterator[Failure]:
    leavers = {r["CHILD"] for r in data.rows(O3) if _has_oc3(r)}
    for r in data.rows("AD1"):
        if r["CHILD"] in leavers and any(
            r[c] is not None for c in ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR")
        ):
            yield fail("AD1", r, "DATE_INT")


@rule(
    "187",
    "Child cannot be looked after continuously for 12 months at 31 March (OC2) and have any of "
    "adoption or care leavers returns completed (AD1 or OC3)",
    [
        "OC3.IN_TOUCH",
        "OC3.ACTIV",
        "OC3.ACCOM",
        "AD1.DATE_INT",
        "AD1.DATE_MATCH",
        "AD1.FOSTER_CARE",
        "AD1.NB_ADOPTR",
        "AD1.SEX_ADOPTR",
        "AD1.LS_ADOPTR",
    ],
)
def _187(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    cla = data.looked_after_12_months
    for r in data.rows(O3):
        if r["CHILD"] in cla and _has_oc3(r):
            yield fail(O3, r, "IN_TOUCH")
    for r in data.rows("AD1"):
        if r["CHILD"] in cla:
            given = next((c for c in _AD1_ITEMS if r[c] is not None), None)
            if given:
                yield fail("AD1", r, given)


#: AD1's items, any of which completed is an adoption return (rule 187).
_AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


@rule(
    "215",
    "Child has care leaver information but one or more data items relating to children looked "
    "after for 12 months have been completed.",
    ["OC3.IN_TOUCH", "OC2.CONVICTED", "OC2.HEALTH_CHECK", "OC2.IMMUNISATIONS"],
)
def _215(data: Data903) -> Iterator[Failure]:
    leavers = {r["CHILD"] for r in data.rows(O3) if _has_oc3(r)}
    if not leavers:
        return
    cols = (
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    )
    for r in data.rows("OC2"):
        if r["CHILD"] in leavers:
            given = next((c for c in cols if r[c] is not None), None)
            if given:
                yield fail("OC2", r, given)


# ---------------------------------------------------------------- UASC
U = "UASC"


@rule(
    "104",
    "Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid date.",
    ["UASC.DUC"],
)
def _104(data: Data903) -> Iterator[Failure]:
    for r in data.rows(U):
        if r["DUC"] is not None and (r["DUC_d"] is None or r["DUC_d"] < data.start):
            yield fail(U, r, "DUC")


@rule(
    "304",
    "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the 18th "
    "birthday.",
    ["UASC.DUC", "UASC.DOB"],
)
def _304(data: Data903) -> Iterator[Failure]:
    for r in data.rows(U):
        if r["DUC_d"] and r["DOB_d"] and r["DUC_d"] > spec.add_years(r["DOB_d"], 18):
            yield fail(U, r, "DUC")


@rule(
    "1014",
    "UASC information is not required for care leavers",
    ["UASC.DUC", "OC3.IN_TOUCH", "OC3.ACTIV", "OC3.ACCOM"],
)
def _1014(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes", O3):
        return
    in_year = data.episode_in_year
    leavers = {r["CHILD"] for r in data.rows(O3) if _has_oc3(r)}
    for r in data.rows(U):
        c = r["CHILD"]
        if c in leavers and c not in in_year:
            yield fail(U, r, "DUC")
