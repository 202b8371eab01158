"""Rules on the Episodes table: valid codes and dates, the sequence of episodes,
reasons for new episodes, legal status and placement types, and ages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903, Row, at_least
from .book import code_rule, date_rule, fail, rule

E = "Episodes"

# ---------------------------------------------------------------- valid values
date_rule("141", "Date episode began is not a valid date.", E, "DECOM")
date_rule("147", "Date episode ceased is not a valid date.", E, "DEC")
# 143-146 check a code that is given: a blank one is not theirs to report
code_rule("143", "The reason for new episode code is not a valid code.", E, "RNE", spec.RNE)
code_rule("144", "The legal status code is not a valid code.", E, "LS", spec.LS)
code_rule("145", "Category of need code is not a valid code.", E, "CIN", spec.CIN)
code_rule("146", "Placement type code is not a valid code.", E, "PLACE", spec.PLACE)
code_rule("149", "Reason episode ceased code is not valid.", E, "REC", spec.REC)

#: Placement types that have no provider (temporary placements, Z1).
_NO_PROVIDER = spec.TEMPORARY | {"Z1"}


@rule("178", "Placement provider code is not a valid code.", ["Episodes.PLACE_PROVIDER"])
def _178(data: Data903) -> Iterator[Failure]:
    # a provider given must be one of the list, and none is given for a placement
    # type that has no provider
    for r in data.rows(E):
        v = r["PLACE_PROVIDER"]
        if v is not None and (v not in spec.PLACE_PROVIDER or r["PLACE"] in _NO_PROVIDER):
            yield fail(E, r, "PLACE_PROVIDER")


code_rule(
    "1009",
    "Reason for placement change is not a valid code.",
    E,
    "REASON_PLACE_CHANGE",
    spec.REASON_PLACE_CHANGE,
)

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")


@rule("392c", "Postcode(s) provided are invalid.", ["Episodes.HOME_POST", "Episodes.PL_POST"])
def _392c(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        for col in ("HOME_POST", "PL_POST"):
            v = r[col]
            if v is not None and not _POSTCODE.match(v.upper()):
                yield fail(E, r, col)
                break


def _episodes(data: Data903) -> list[tuple[Row | None, Row, Row | None]]:
    """Each episode with the child's one before and after it (in DECOM order),
    worked out once per return."""
    cached = data.__dict__.get("_episode_triples")
    if cached is None:
        cached = []
        for eps in data.episodes_by_child.values():
            n = len(eps)
            for i, r in enumerate(eps):
                cached.append(((eps[i - 1] if i else None), r, (eps[i + 1] if i + 1 < n else None)))
        data.__dict__["_episode_triples"] = cached
    return cached


# ---------------------------------------------------------------- dates and sequence
@rule(
    "354",
    "Date episode started must be on or before the end of the current collection year.",
    ["Episodes.DECOM"],
)
def _354(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["DECOM_d"] and r["DECOM_d"] > data.end:
            yield fail(E, r, "DECOM")


@rule(
    "385",
    "Date episode ceased must be on or before the end of the current collection year.",
    ["Episodes.DEC"],
)
def _385(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["DEC_d"] and r["DEC_d"] > data.end:
            yield fail(E, r, "DEC")


@rule(
    "356",
    "The date the episode ceased is before the date the same episode started.",
    ["Episodes.DECOM", "Episodes.DEC"],
)
def _356(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["DEC_d"] and r["DECOM_d"] and r["DEC_d"] < r["DECOM_d"]:
            yield fail(E, r, "DEC")


@rule(
    "142",
    "A new episode has started, but the previous episode has not ended.",
    ["Episodes.DEC", "Episodes.REC"],
)
def _142(data: Data903) -> Iterator[Failure]:
    for _prev, r, nxt in _episodes(data):
        if nxt is not None and r["DECOM"] is not None:
            if r["DEC"] is None:
                yield fail(E, r, "DEC")
            elif r["REC"] is None:
                yield fail(E, r, "REC")


@rule(
    "501",
    "A new episode has started before the end date of the previous episode.",
    ["Episodes.DECOM", "Episodes.DEC"],
)
def _501(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if prev is not None and prev["DEC_d"] and r["DECOM_d"] and r["DECOM_d"] < prev["DEC_d"]:
            yield fail(E, r, "DECOM")


@rule("302", "First episode starts before child was born.", ["Episodes.DECOM", "Header.DOB"])
def _302(data: Data903) -> Iterator[Failure]:
    for child, eps in data.episodes_by_child.items():
        dob = data.dob(child)
        first = eps[0]
        if dob and first["DECOM_d"] and first["DECOM_d"] < dob:
            yield fail(E, first, "DECOM")


@rule(
    "357",
    "If this is the first episode ever for this child, reason for new episode must be S. Check "
    "whether there is an episode immediately preceding this one, which has been left out. If "
    "not the reason for new episode code must be amended to S.",
    ["Episodes.RNE"],
)
def _357(data: Data903) -> Iterator[Failure]:
    for eps in data.episodes_by_child.values():
        first = eps[0]
        d = first["DECOM_d"]
        if d and d >= data.start and first["RNE"] != "S":
            yield fail(E, first, "RNE")


@rule(
    "431",
    "The reason for new episode is started to be looked after, but the previous episode ended "
    "on the same day.",
    ["Episodes.RNE", "Episodes.DECOM"],
)
def _431(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if (
            prev is not None
            and r["RNE"] == "S"
            and prev["DEC_d"]
            and r["DECOM_d"]
            and r["DECOM_d"] <= prev["DEC_d"]
        ):
            yield fail(E, r, "RNE")


@rule(
    "432",
    "The child ceased to be looked after at the end of the previous episode but the reason for "
    "the new episode is not started to be looked after.",
    ["Episodes.RNE"],
)
def _432(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if prev is not None and prev["REC"] in spec.LEAVES_CARE and r["RNE"] not in (None, "S"):
            yield fail(E, r, "RNE")


@rule(
    "388",
    "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
    ["Episodes.REC", "Episodes.DEC"],
)
def _388(data: Data903) -> Iterator[Failure]:
    for _prev, r, nxt in _episodes(data):
        rec, dec = r["REC"], r["DEC_d"]
        if dec is None or rec is None:
            continue
        if nxt is None:
            if rec == "X1":  # care ended, yet "a new episode begins"
                yield fail(E, r, "REC")
        elif nxt["DECOM_d"] is not None and (rec == "X1") != (nxt["DECOM_d"] == dec):
            # X1 needs the next episode to start that day; a next episode that day needs X1
            yield fail(E, r, "REC")


@rule(
    "437",
    "Reason episode ceased is child has died or is aged 18 or over, but there are further "
    "episodes.",
    ["Episodes.REC"],
)
def _437(data: Data903) -> Iterator[Failure]:
    for _prev, r, nxt in _episodes(data):
        if nxt is not None and r["REC"] in ("E2", "E15"):
            yield fail(E, r, "REC")


def _placement(r: Row) -> tuple:
    return (r["PLACE"], r["PL_POST"], r["URN"], r["PLACE_PROVIDER"])


@rule(
    "434",
    "Reason for new episode is that child's legal status has changed but not the placement, but "
    "this is not reflected in the episode data.",
    [
        "Episodes.RNE",
        "Episodes.LS",
        "Episodes.PLACE",
        "Episodes.PL_POST",
        "Episodes.URN",
        "Episodes.PLACE_PROVIDER",
    ],
)
def _434(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if (
            prev is not None
            and r["RNE"] == "L"
            and (r["LS"] == prev["LS"] or _placement(r) != _placement(prev))
        ):
            yield fail(E, r, "RNE")


@rule(
    "435",
    "Reason for new episode is that child's placement has changed but not the legal status, but "
    "this is not reflected in the episode data recorded.",
    [
        "Episodes.RNE",
        "Episodes.LS",
        "Episodes.PLACE",
        "Episodes.PL_POST",
        "Episodes.URN",
        "Episodes.PLACE_PROVIDER",
    ],
)
def _435(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if (
            prev is not None
            and r["RNE"] in ("P", "T")
            and (r["LS"] != prev["LS"] or _placement(r) == _placement(prev))
        ):
            yield fail(E, r, "RNE")


@rule(
    "436",
    "Reason for new episode is that both child's placement and legal status have changed, but "
    "this is not reflected in the episode data.",
    [
        "Episodes.RNE",
        "Episodes.LS",
        "Episodes.PLACE",
        "Episodes.PL_POST",
        "Episodes.URN",
        "Episodes.PLACE_PROVIDER",
    ],
)
def _436(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if (
            prev is not None
            and r["RNE"] in ("B", "U")
            and (r["LS"] == prev["LS"] or _placement(r) == _placement(prev))
        ):
            yield fail(E, r, "RNE")


@rule(
    "504",
    "The category of need code differs from that reported at start of current period of being "
    "looked after",
    ["Episodes.CIN"],
)
def _504(data: Data903) -> Iterator[Failure]:
    for prev, r, _nxt in _episodes(data):
        if (
            prev is not None
            and prev["REC"] == "X1"
            and prev["DEC_d"] is not None
            and prev["DEC_d"] == r["DECOM_d"]
            and r["CIN"] != prev["CIN"]
        ):
            yield fail(E, r, "CIN")


# ---------------------------------------------------------------- temporary placements
@rule(
    "380",
    "A period of care cannot start with a temporary placement.",
    ["Episodes.PLACE", "Episodes.RNE"],
)
def _380(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE"] in spec.TEMPORARY and r["RNE"] not in ("P", "B"):
            yield fail(E, r, "PLACE")


@rule(
    "381",
    "A period of care cannot end with a temporary placement.",
    ["Episodes.PLACE", "Episodes.REC"],
)
def _381(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE"] in spec.TEMPORARY and r["REC"] is not None and r["REC"] != "X1":
            yield fail(E, r, "PLACE")


@rule(
    "382",
    "A child receiving respite care cannot be in a temporary placement.",
    ["Episodes.LS", "Episodes.PLACE"],
)
def _382(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["LS"] in ("V3", "V4") and r["PLACE"] in spec.TEMPORARY:
            yield fail(E, r, "PLACE")


@rule(
    "383",
    "A child in a temporary placement must subsequently return to his/her normal placement.",
    ["Episodes.PLACE"],
)
def _383(data: Data903) -> Iterator[Failure]:
    for prev, r, nxt in _episodes(data):
        if prev is None or nxt is None or r["PLACE"] not in spec.TEMPORARY:
            continue
        if nxt["RNE"] != "P" or nxt["PLACE"] != prev["PLACE"]:
            yield fail(E, r, "PLACE")


@rule(
    "377",
    "Only two temporary placements coded as being due to holiday of usual foster "
    "carer(s) are allowed in any 12- month period.",
    ["Episodes.PLACE"],
)
def _377(data: Data903) -> Iterator[Failure]:
    for eps in data.episodes_by_child.values():
        t3 = [r for r in eps if r["PLACE"] == "T3"]
        if len(t3) > 2:
            for r in t3:
                yield fail(E, r, "PLACE")


def _longer_than(code: str, place: str, days: int, message: str) -> None:
    @rule(code, message, ["Episodes.DECOM", "Episodes.DEC", "Episodes.PLACE"])
    def check(data: Data903) -> Iterator[Failure]:
        for r in data.rows(E):
            if (
                r["PLACE"] == place
                and r["DECOM_d"]
                and r["DEC_d"]
                and r["DEC_d"] > r["DECOM_d"] + timedelta(days=days)
            ):
                yield fail(E, r, "DEC")


_longer_than("375", "T1", 42, "Hospitalisation coded as a temporary placement exceeds six weeks.")
_longer_than(
    "376",
    "T3",
    21,
    "Temporary placements coded as being due to holiday of usual foster carer(s) cannot exceed "
    "three weeks.",
)
_longer_than(
    "379",
    "T4",
    7,
    "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
)


# ---------------------------------------------------------------- ages
def _age_for_place(code: str, place: str, years: int, message: str) -> None:
    @rule(code, message, ["Episodes.DECOM", "Episodes.PLACE", "Header.DOB"])
    def check(data: Data903) -> Iterator[Failure]:
        for r in data.rows(E):
            if r["PLACE"] == place and r["DECOM_d"]:
                dob = data.dob(r["CHILD"])
                if dob and not at_least(dob, years, r["DECOM_d"]):
                    yield fail(E, r, "PLACE")


_age_for_place("370", "P2", 15, "Child in independent living should be at least 15.")
_age_for_place(
    "371",
    "H5",
    14,
    "Child in semi-independent living accommodation not subject to children's homes regulations "
    "should be at least 14.",
)
_age_for_place("372", "R5", 10, "Child in youth custody or prison should be at least 10.")
_age_for_place("373", "S1", 4, "Child placed in a school should be at least 4 years old.")
_age_for_place("374", "P3", 14, "Child in residential employment should be at least 14 years old.")


@rule(
    "358",
    "Child with this legal status should not be under 10.",
    ["Episodes.DECOM", "Episodes.LS", "Header.DOB"],
)
def _358(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["LS"] in ("J1", "J2", "J3") and r["DECOM_d"]:
            dob = data.dob(r["CHILD"])
            if dob and not at_least(dob, 10, r["DECOM_d"]):
                yield fail(E, r, "LS")


@rule(
    "352",
    "Child who started to be looked after was aged 18 or over.",
    ["Episodes.DECOM", "Episodes.RNE", "Header.DOB"],
)
def _352(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["RNE"] == "S" and r["DECOM_d"] and at_least(data.dob(r["CHILD"]), 18, r["DECOM_d"]):
            yield fail(E, r, "DECOM")


@rule(
    "359",
    "Child being looked after following 18th birthday must be accommodated under section 20(5) "
    "of the Children Act 1989 in a community home.",
    ["Episodes.DEC", "Episodes.LS", "Episodes.PLACE", "Header.DOB"],
)
def _359(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if (
            r["DEC"] is None
            and not (r["LS"] == "V2" and r["PLACE"] == "K2")
            and at_least(data.dob(r["CHILD"]), 18, data.end)
        ):
            yield fail(E, r, "LS")


@rule(
    "386",
    "Reason episode ceased is adopted but child has reached age 18.",
    ["Episodes.REC", "Episodes.DEC", "Header.DOB"],
)
def _386(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["REC"] in ("E11", "E12") and at_least(data.dob(r["CHILD"]), 18, r["DEC_d"]):
            yield fail(E, r, "REC")


@rule(
    "387",
    "Reason episode ceased is child moved into independent living arrangement, but the "
    "child is aged under 14.",
    ["Episodes.REC", "Episodes.DEC", "Header.DOB"],
)
def _387(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["REC"] in ("E5", "E6") and r["DEC_d"]:
            dob = data.dob(r["CHILD"])
            if dob and not at_least(dob, 14, r["DEC_d"]):
                yield fail(E, r, "REC")


@rule(
    "389",
    "Reason episode ceased is that child transferred to care of adult social care "
    "services, but child is aged under 16.",
    ["Episodes.REC", "Episodes.DEC", "Header.DOB"],
)
def _389(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["REC"] == "E7" and r["DEC_d"]:
            dob = data.dob(r["CHILD"])
            if dob and not at_least(dob, 16, r["DEC_d"]):
                yield fail(E, r, "REC")


@rule(
    "460",
    "Reason episode ceased is that child stayed with current carers at age 18 (or "
    "above), but child is aged under 18.",
    ["Episodes.DEC", "Episodes.REC"],
)
def _460(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["REC"] == "E17" and r["DEC_d"]:
            dob = data.dob(r["CHILD"])
            if dob and not at_least(dob, 18, r["DEC_d"]):
                yield fail(E, r, "REC")


# ---------------------------------------------------------------- legal status
def _lasting(code: str, ls: str, days: int, message: str) -> None:
    @rule(code, message, ["Episodes.DECOM", "Episodes.LS", "Episodes.DEC"])
    def check(data: Data903) -> Iterator[Failure]:
        # consecutive episodes under the same status count as one spell
        for eps in data.episodes_by_child.values():
            run: list[Row] = []
            for r in [*eps, None]:
                joined = (
                    r is not None
                    and r["LS"] == ls
                    and (not run or run[-1]["DEC_d"] == r["DECOM_d"])
                )
                if joined:
                    run.append(r)
                    continue
                if run and run[0]["DECOM_d"]:
                    last = run[-1]["DEC_d"] or data.end
                    if (last - run[0]["DECOM_d"]).days > days:
                        for x in run:
                            yield fail(E, x, "LS")
                run = [r] if r is not None and r["LS"] == ls else []


_lasting(
    "361",
    "L1",
    3,
    "Police protection legal status lasted longer than maximum 72 hours allowed in the Children "
    "Act 1989.",
)
_lasting("362", "L2", 21, "Emergency protection order (EPO) lasted longer than 21 days")
_lasting(
    "363",
    "L3",
    7,
    "Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act 1989.",
)


@rule(
    "365",
    "Any individual short- term respite placement must not exceed 17 days.",
    ["Episodes.LS", "Episodes.DECOM", "Episodes.DEC"],
)
def _365(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if (
            r["LS"] == "V3"
            and r["DECOM_d"]
            and r["DEC_d"]
            and (r["DEC_d"] - r["DECOM_d"]).days > 17
        ):
            yield fail(E, r, "DEC")


@rule(
    "367",
    "The maximum amount of respite care allowable is 75 days in any 12-month period.",
    ["Episodes.LS", "Episodes.DECOM", "Episodes.DEC"],
)
def _367(data: Data903) -> Iterator[Failure]:
    for eps in data.episodes_by_child.values():
        v3 = [r for r in eps if r["LS"] == "V3" and r["DECOM_d"]]
        if not v3:
            continue
        total = 0
        for r in v3:
            s = max(r["DECOM_d"], data.start)
            e = min(r["DEC_d"] or data.end, data.end)
            total += max(0, (e - s).days)
        if total > 75:
            for r in v3:
                yield fail(E, r, "LS")


_DECEMBER_2005 = date(2005, 12, 31)  # D1 ends with 2005: fails from 1 January 2006


@rule(
    "445",
    "D1 is not a valid code for episodes starting after December 2005.",
    ["Episodes.LS", "Episodes.DECOM"],
)
def _445(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["LS"] == "D1" and r["DECOM_d"] and r["DECOM_d"] > _DECEMBER_2005:
            yield fail(E, r, "LS")


@rule(
    "446",
    "E1 is not a valid code for episodes starting before December 2005.",
    ["Episodes.LS", "Episodes.DECOM"],
)
def _446(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["LS"] == "E1" and r["DECOM_d"] and r["DECOM_d"] < _DECEMBER_2005:
            yield fail(E, r, "LS")


# ---------------------------------------------------------------- placement vs legal status
@rule(
    "408",
    "Child is placed for adoption with a placement order, but no placement order has "
    "been recorded.",
    ["Episodes.PLACE", "Episodes.LS"],
)
def _408(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE"] in ("A5", "A6") and r["LS"] != "E1":
            yield fail(E, r, "LS")


@rule(
    "378",
    "A child who is placed with parent(s) cannot be looked after under a single period of "
    "accommodation under Section 20 of the Children Act 1989.",
    ["Episodes.PLACE", "Episodes.LS"],
)
def _378(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE"] == "P1" and r["LS"] == "V2":
            yield fail(E, r, "PLACE")


@rule(
    "384",
    "A child receiving respite care cannot be in a long-term foster placement ",
    ["Episodes.PLACE", "Episodes.LS"],
)
def _384(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["LS"] in ("V3", "V4") and r["PLACE"] in ("U1", "U4"):
            yield fail(E, r, "PLACE")


@rule(
    "390",
    "Reason episode ceased is adopted but child has not been previously placed for adoption.",
    ["Episodes.REC", "Episodes.PLACE"],
)
def _390(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["REC"] in ("E11", "E12") and r["PLACE"] not in spec.ADOPTION_PLACE:
            yield fail(E, r, "REC")


@rule(
    "516",
    "The episode data submitted for this child does not show that he/she was with their former "
    "foster carer(s) during the year. If the code in the reason episode ceased is E45 or E46 the "
    "child must have a placement code of U1 to U6.",
    ["Episodes.REC", "Episodes.PLACE"],
)
def _516(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["REC"] in ("E45", "E46") and r["PLACE"] not in spec.FOSTER:
            yield fail(E, r, "PLACE")


@rule(
    "336",
    "Child does not have a foster placement immediately prior to being placed for adoption.",
    ["Episodes.PLACE"],
)
def _336(data: Data903) -> Iterator[Failure]:
    allowed = spec.ADOPTION_PLACE | spec.FOSTER
    for prev, r, _nxt in _episodes(data):
        if prev is not None and r["PLACE"] in ("A3", "A5") and prev["PLACE"] not in allowed:
            yield fail(E, r, "PLACE")


# ---------------------------------------------------------------- placement provider
@rule(
    "526",
    "Child is missing a placement provider code for at least one episode.",
    ["Episodes.PLACE", "Episodes.PLACE_PROVIDER"],
)
def _526(data: Data903) -> Iterator[Failure]:
    exempt = spec.TEMPORARY | {"Z1"}
    for r in data.rows(E):
        if r["PLACE_PROVIDER"] is None and r["PLACE"] not in exempt:
            yield fail(E, r, "PLACE_PROVIDER")


@rule(
    "213",
    "Placement provider information not required.",
    ["Episodes.PLACE", "Episodes.PLACE_PROVIDER"],
)
def _213(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE_PROVIDER"] is not None and r["PLACE"] in spec.TEMPORARY:
            yield fail(E, r, "PLACE_PROVIDER")


@rule(
    "529",
    "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 "
    "and U1 to U6 as these placements cannot be provided by other public organisations.",
    ["Episodes.PLACE", "Episodes.PLACE_PROVIDER"],
)
def _529(data: Data903) -> Iterator[Failure]:
    places = spec.ADOPTION_PLACE | spec.FOSTER | {"K1", "K2", "P1"}
    for r in data.rows(E):
        if r["PLACE_PROVIDER"] == "PR3" and r["PLACE"] in places:
            yield fail(E, r, "PLACE_PROVIDER")


@rule(
    "530",
    "A placement provider code of PR4 cannot be associated with placement P1.",
    ["Episodes.PLACE", "Episodes.PLACE_PROVIDER"],
)
def _530(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE_PROVIDER"] == "PR4" and r["PLACE"] == "P1":
            yield fail(E, r, "PLACE_PROVIDER")


@rule(
    "531",
    "A placement provider code of PR5 cannot be associated with placements P1.",
    ["Episodes.PLACE", "Episodes.PLACE_PROVIDER"],
)
def _531(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if r["PLACE_PROVIDER"] == "PR5" and r["PLACE"] == "P1":
            yield fail(E, r, "PLACE_PROVIDER")


@rule(
    "226",
    "Reason for placement change is not required.",
    ["Episodes.REASON_PLACE_CHANGE", "Episodes.PLACE"],
)
def _226(data: Data903) -> Iterator[Failure]:
    # a temporary placement has no reason for a change, nor has the episode before it
    for prev, r, _nxt in _episodes(data):
        if r["PLACE"] in spec.TEMPORARY and (
            r["REASON_PLACE_CHANGE"] is not None
            or (prev is not None and prev["REASON_PLACE_CHANGE"] is not None)
        ):
            yield fail(E, r, "REASON_PLACE_CHANGE")


_URN_EXEMPT = spec.TEMPORARY | {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "Z1"}


@rule("218", "Ofsted Unique reference number (URN) is required.", ["Episodes.URN"])
def _218(data: Data903) -> Iterator[Failure]:
    for r in data.rows(E):
        if (
            r["URN"] is None
            and r["PLACE"] not in _URN_EXEMPT
            and (r["DEC_d"] is None or r["DEC_d"] >= data.start)
        ):
            yield fail(E, r, "URN")


@rule(
    "392B",
    "Child is looked after but no postcodes are recorded.",
    ["Episodes.HOME_POST", "Episodes.PL_POST"],
)
def _392b(data: Data903) -> Iterator[Failure]:
    # UASC this year, or (when known) in either of the two years before: former UASC
    # children have no home address to give
    uasc = {r["CHILD"] for r in data.rows("UASC") if r["DUC"] or r["SEX"] or r["DOB"]}
    uasc |= data.uasc_before
    for r in data.rows(E):
        if r["LS"] in ("V3", "V4") or r["CHILD"] in uasc:
            continue
        if r["HOME_POST"] is None or r["PL_POST"] is None:
            yield fail(E, r, "HOME_POST" if r["HOME_POST"] is None else "PL_POST")


@rule(
    "364",
    "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time a "
    "child can be detained in custody in Local Authority (LA) accommodation.",
    ["Episodes.LS", "Episodes.DECOM", "Episodes.DEC"],
)
def _364(data: Data903) -> Iterator[Failure]:
    # A J2 period is a run of a child's J2 episodes, each starting on or before
    # the previous one's end (an open episode ends on 31 March); it fails, every
    # episode of it, when its episodes' days (DEC - DECOM) add up to more than 21.
    for eps in data.episodes_by_child.values():
        j2 = [r for r in eps if r["LS"] == "J2" and r["DECOM_d"]]
        period: list = []
        days = 0
        prev_end = None
        for r in [*j2, None]:
            if r is None or prev_end is None or r["DECOM_d"] > prev_end:
                if days > 21:
                    for e in period:
                        yield fail(E, e, "DEC")
                if r is None:
                    break
                period, days = [], 0
            period.append(r)
            if r["DEC_d"] is not None or r["DEC"] is None:
                end = r["DEC_d"] or data.end
                days += (end - r["DECOM_d"]).days
                prev_end = end
            else:  # a DEC that is no date (rule 1005's) adds no days, ends nothing
                prev_end = date.max
