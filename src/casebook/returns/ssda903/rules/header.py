"""Rules on the Header table: the child's sex, date of birth, ethnicity, UPN and
motherhood."""

from __future__ import annotations

import re
from collections.abc import Iterator

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903
from .book import code_rule, date_rule, fail, rule

H = "Header"

code_rule(
    "101",
    "The child or young person's reported sex is not valid.",
    H,
    "SEX",
    lambda d: spec.sex_codes(d.year),
    required=True,
)
date_rule("102", "Date of birth is not a valid date.", H, "DOB", required=True)
code_rule(
    "103",
    "The ethnicity code is either not valid or has not been entered.",
    H,
    "ETHNIC",
    spec.ETHNIC,
    required=True,
)
date_rule("171", "Date of birth of mother's child is not a valid date.", H, "MC_DOB")

_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def upn_ok(value: str) -> bool:
    return value in spec.UPN_UNKNOWN or bool(_UPN.match(value))


@rule(
    "168",
    "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, "
    "UN3, UN4 or UN5.",
    ["Header.UPN"],
)
def _168(data: Data903) -> Iterator[Failure]:
    for r in data.rows(H):
        if r["UPN"] is not None and not upn_ok(r["UPN"]):
            yield fail(H, r, "UPN")


@rule("442", "Unique Pupil Number (UPN) field is not completed.", ["Header.UPN", "Episodes.LS"])
def _442(data: Data903) -> Iterator[Failure]:
    # every child with an episode other than respite (V3/V4) needs a UPN or an UN code
    eps = data.episodes_by_child
    for r in data.rows(H):
        if r["UPN"] is None and any(e["LS"] not in ("V3", "V4") for e in eps.get(r["CHILD"], ())):
            yield fail(H, r, "UPN")


@rule("301", "Date of birth falls after the year ended.", ["Header.DOB"])
def _301(data: Data903) -> Iterator[Failure]:
    for r in data.rows(H):
        if r["DOB_d"] and r["DOB_d"] > data.end:
            yield fail(H, r, "DOB")


@rule("351", "Child was over 21 at the start of the current collection year.", ["Header.DOB"])
def _351(data: Data903) -> Iterator[Failure]:
    for r in data.rows(H):
        d = r["DOB_d"]
        if d and spec.add_years(d, 21) < data.start:
            yield fail(H, r, "DOB")


@rule(
    "174",
    "Mother's child date of birth is recorded but gender shows that the child is a male.",
    ["Header.SEX", "Header.MC_DOB"],
)
def _174(data: Data903) -> Iterator[Failure]:
    m = spec.male(data.year)
    for r in data.rows(H):
        if r["MC_DOB"] is not None and r["SEX"] == m:
            yield fail(H, r, "MC_DOB")


@rule(
    "165",
    "Data entry for mother status is invalid.",
    ["Header.MOTHER", "Header.SEX", "Episodes.DECOM"],
)
def _165(data: Data903) -> Iterator[Failure]:
    m, f = spec.male(data.year), spec.female(data.year)
    in_year = data.episode_in_year if data.has("Episodes") else set()
    for r in data.rows(H):
        mother = r["MOTHER"]
        if (
            mother is not None
            and (mother not in spec.ZERO_ONE or r["SEX"] == m)
            or mother is None
            and r["SEX"] == f
            and r["CHILD"] in in_year
        ):
            yield fail(H, r, "MOTHER")


@rule(
    "612",
    "Date of birth field has been completed but mother field indicates child is not a mother.",
    ["Header.MOTHER", "Header.MC_DOB"],
)
def _612(data: Data903) -> Iterator[Failure]:
    f = spec.female(data.year)
    for r in data.rows(H):
        if r["SEX"] == f and r["MOTHER"] in (None, "0") and r["MC_DOB"] is not None:
            yield fail(H, r, "MC_DOB")


@rule(
    "620",
    "Child has been recorded as a mother, but date of birth shows that the mother is under 11 "
    "years of age.",
    ["Header.DOB", "Header.MC_DOB"],
)
def _620(data: Data903) -> Iterator[Failure]:
    for r in data.rows(H):
        dob, mc = r["DOB_d"], r["MC_DOB_d"]
        if dob and mc and mc < spec.add_years(dob, 11):
            yield fail(H, r, "MC_DOB")


@rule(
    "625",
    "Date of birth of the first child is beyond the end of this reporting year or the date the "
    "child ceased to be looked after.",
    ["Header.MC_DOB", "Episodes.DEC"],
)
def _625(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(H):
        mc = r["MC_DOB_d"]
        if mc is None:
            continue
        own = eps.get(r["CHILD"])
        last_dec = own[-1]["DEC_d"] if own else None
        if mc > data.end or (last_dec is not None and mc > last_dec):
            yield fail(H, r, "MC_DOB")


@rule(
    "628",
    "Motherhood details are not required for care leavers who have not been looked after during "
    "the year.",
    ["Header.MOTHER", "Header.MC_DOB", "OC3.IN_TOUCH"],
)
def _628(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes", "OC3"):
        return
    oc3 = data.by_child("OC3")
    in_year = data.episode_in_year
    for r in data.rows(H):
        c = r["CHILD"]
        if c in oc3 and c not in in_year and r["MOTHER"] is not None:
            yield fail(H, r, "MOTHER")


@rule(
    "607",
    "Child ceased to be looked after in the year, but mother field has not been completed.",
    ["Header.MOTHER", "Header.SEX", "Episodes.DEC", "Episodes.REC"],
)
def _607(data: Data903) -> Iterator[Failure]:
    f = spec.female(data.year)
    eps = data.episodes_by_child
    for r in data.rows(H):
        if r["SEX"] != f or r["MOTHER"] is not None:
            continue
        for e in eps.get(r["CHILD"], ()):
            d = e["DEC_d"]
            if (
                d
                and data.start <= d <= data.end
                and e["REC"] in spec.LEAVES_CARE
                and e["LS"] not in ("V3", "V4")
            ):
                yield fail(H, r, "MOTHER")
                break
