"""Rules on adoption: the AD1 table (the adoption itself) and PlacedAdoption
(decisions that a child should, or should no longer, be placed for adoption)."""

from __future__ import annotations

from collections.abc import Iterator

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903, Row
from .book import code_rule, date_rule, fail, rule

A = "AD1"
P = "PlacedAdoption"
_AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")

date_rule("112", "Date should be placed for adoption is not a valid date.", A, "DATE_INT")
date_rule("113", "Date matching child and adopter(s) is not a valid date.", A, "DATE_MATCH")
code_rule(
    "114",
    "Data entry to record the status of former carer(s) of an adopted child is invalid.",
    A,
    "FOSTER_CARE",
    spec.ZERO_ONE,
)
code_rule(
    "175", "The number of adopter(s) code is not a valid code.", A, "NB_ADOPTR", spec.NB_ADOPTR
)
code_rule(
    "176",
    "The gender of adopter(s) at the date of adoption code is not a valid code.",
    A,
    "SEX_ADOPTR",
    spec.SEX_ADOPTR,
)
code_rule(
    "177",
    "The legal status of adopter(s) at the date of adoption code is not a valid code.",
    A,
    "LS_ADOPTR",
    spec.LS_ADOPTR,
)
date_rule(
    "115",
    "Date of Local Authority's (LA) decision that a child should be placed for "
    "adoption is not a valid date.",
    P,
    "DATE_PLACED",
)
code_rule(
    "116",
    "Reason for ceasing to be placed for adoption is not valid.",
    P,
    "REASON_PLACED_CEASED",
    spec.REASON_PLACED_CEASED,
)


def _adopted_in_year(data: Data903) -> dict[str, Row]:
    out = {}
    for r in data.rows("Episodes"):
        d = r["DEC_d"]
        if r["REC"] in ("E11", "E12") and d and data.start <= d <= data.end:
            out[r["CHILD"]] = r
    return out


@rule(
    "151",
    "All data items relating to a child's adoption must be coded or left blank",
    [f"AD1.{c}" for c in _AD1_ITEMS],
)
def _151(data: Data903) -> Iterator[Failure]:
    for r in data.rows(A):
        given = [r[c] is not None for c in _AD1_ITEMS]
        if any(given) and not all(given):
            yield fail(A, r, _AD1_ITEMS[given.index(False)])


@rule(
    "333",
    "Date should be placed for adoption must be on or prior to the date of matching child with "
    "adopter(s).",
    ["AD1.DATE_INT", "AD1.DATE_MATCH"],
)
def _333(data: Data903) -> Iterator[Failure]:
    for r in data.rows(A):
        if r["DATE_INT_d"] and r["DATE_MATCH_d"] and r["DATE_INT_d"] > r["DATE_MATCH_d"]:
            yield fail(A, r, "DATE_INT")


@rule(
    "331",
    "Date of matching child and adopter(s) should be the same as, or prior to, the date of "
    "placement of adoption.",
    ["AD1.DATE_MATCH", "Episodes.DECOM", "Episodes.REC"],
)
def _331(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(A):
        m = r["DATE_MATCH_d"]
        if m is None:
            continue
        for e in eps.get(r["CHILD"], ()):
            if e["REC"] in ("E11", "E12") and e["DECOM_d"] and m > e["DECOM_d"]:
                yield fail(A, r, "DATE_MATCH")
                break


@rule(
    "334",
    "Date child started to be looked after in latest period of care must be on or prior to the "
    "date should be placed for adoption. ",
    ["AD1.DATE_INT", "Episodes.DECOM", "Episodes.RNE"],
)
def _334(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(A):
        d = r["DATE_INT_d"]
        starts = [e["DECOM_d"] for e in eps.get(r["CHILD"], ()) if e["RNE"] == "S" and e["DECOM_d"]]
        if d and starts and d < max(starts):
            yield fail(A, r, "DATE_INT")


@rule(
    "521",
    "Date of local authority's decision (LA) that adoption is in the best interests of the child "
    "(date should be placed) must be on or prior to the date the child is placed for adoption.",
    ["AD1.DATE_INT", "Episodes.PLACE", "Episodes.DECOM"],
)
def _521(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(A):
        d = r["DATE_INT_d"]
        if d is None:
            continue
        for e in eps.get(r["CHILD"], ()):
            if e["PLACE"] in spec.ADOPTION_PLACE and e["DECOM_d"] and d > e["DECOM_d"]:
                yield fail(A, r, "DATE_INT")
                break


def _adopters(code: str, message: str, bad) -> None:
    @rule(code, message, ["AD1.NB_ADOPTR", "AD1.SEX_ADOPTR", "AD1.LS_ADOPTR"])
    def check(data: Data903) -> Iterator[Failure]:
        for r in data.rows(A):
            field = bad(r)
            if field:
                yield fail(A, r, field)


_adopters(
    "511",
    "If reporting that the number of person(s) adopting the looked after child is two adopters "
    "then the code should only be MM, FF or MF. MM = the adopting couple are both males; FF = the "
    "adopting couple are both females; MF = The adopting couple are male and female.",
    lambda r: (
        "SEX_ADOPTR"
        if r["NB_ADOPTR"] == "2" and r["SEX_ADOPTR"] not in (None, "MM", "FF", "MF")
        else None
    ),
)
_adopters(
    "513",
    "If reporting that the number of person(s) adopting the looked after child is one adopter "
    "then the code should only be M1 or F1.",
    lambda r: (
        "SEX_ADOPTR"
        if r["NB_ADOPTR"] == "1" and r["SEX_ADOPTR"] not in (None, "M1", "F1")
        else None
    ),
)
_adopters(
    "514",
    "Data entry on the legal status of adopters shows single adopter but data entry for the "
    "numbers of adopters shows it as a couple.",
    lambda r: "NB_ADOPTR" if r["LS_ADOPTR"] == "L0" and r["NB_ADOPTR"] == "2" else None,
)
_adopters(
    "515",
    "Data entry on the legal status of adopters shows couple adopting but data entry for the "
    "numbers of adopters shows it as a single adopter.",
    lambda r: (
        "NB_ADOPTR"
        if r["LS_ADOPTR"] in ("L11", "L12", "L2", "L3", "L4") and r["NB_ADOPTR"] == "1"
        else None
    ),
)
_adopters(
    "518",
    "If reporting legal status of adopters is L4 then the genders of adopters should be coded as "
    "MM or FF. MM = the adopting couple are both males. FF = the adopting couple are both females.",
    lambda r: (
        "SEX_ADOPTR" if r["LS_ADOPTR"] == "L4" and r["SEX_ADOPTR"] not in ("MM", "FF") else None
    ),
)
_adopters(
    "519",
    "Data entered on the legal status of adopters shows civil partnership couple, but data "
    "entered on genders of adopters does not show it as a couple.",
    lambda r: (
        "SEX_ADOPTR"
        if r["LS_ADOPTR"] == "L2" and r["SEX_ADOPTR"] not in ("MM", "FF", "MF")
        else None
    ),
)
_adopters(
    "520",
    "Data entry on the legal status of adopters shows different gender married couple but data "
    "entry on genders of adopters does not show it as a different gender couple.",
    lambda r: "SEX_ADOPTR" if r["LS_ADOPTR"] == "L11" and r["SEX_ADOPTR"] != "MF" else None,
)


@rule(
    "601",
    "The additional fields relating to adoption have not been completed although the episode "
    "data shows that the child was adopted during the year.",
    ["Episodes.REC", *[f"AD1.{c}" for c in _AD1_ITEMS]],
)
def _601(data: Data903) -> Iterator[Failure]:
    if not data.has(A):
        return
    adopted = _adopted_in_year(data)
    for r in data.rows(A):
        if r["CHILD"] in adopted:
            blank = next((c for c in _AD1_ITEMS if r[c] is None), None)
            if blank:
                yield fail(A, r, blank)


@rule(
    "602",
    "The episode data submitted for this child does not show that he/she was adopted during the "
    "year.",
    ["AD1.CHILD", "Episodes.REC"],
)
def _602(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    adopted = _adopted_in_year(data)
    for r in data.rows(A):
        if r["CHILD"] not in adopted and any(r[c] is not None for c in _AD1_ITEMS):
            yield fail(A, r, "CHILD")


@rule(
    "523",
    "Date of decision that the child should be placed for adoption should be the same date as "
    "the decision that adoption is in the best interest (date should be placed).",
    ["AD1.DATE_INT", "PlacedAdoption.DATE_PLACED"],
)
def _523(data: Data903) -> Iterator[Failure]:
    placed = data.by_child(P)
    for r in data.rows(A):
        d = r["DATE_INT_d"]
        if d is None or r["CHILD"] not in placed:
            continue
        dates = {p["DATE_PLACED_d"] for p in placed[r["CHILD"]] if p["DATE_PLACED_d"]}
        if dates and d not in dates:
            yield fail(A, r, "DATE_INT")


# ---------------------------------------------------------------- PlacedAdoption
@rule(
    "117",
    "Date of decision that a child should/should no longer be placed for adoption is beyond the "
    "current collection year or after the child ceased to be looked after.",
    ["PlacedAdoption.DATE_PLACED", "PlacedAdoption.DATE_PLACED_CEASED", "Episodes.DEC"],
)
def _117(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(P):
        own = eps.get(r["CHILD"])
        left = own[-1]["DEC_d"] if own and own[-1]["REC"] in spec.LEAVES_CARE else None
        for c in ("DATE_PLACED", "DATE_PLACED_CEASED"):
            d = r[c + "_d"]
            if d and (d > data.end or (left is not None and d > left)):
                yield fail(P, r, c)
                break


@rule(
    "119",
    "If the decision is made that a child should no longer be placed for adoption, then the date "
    "of this decision and the reason why this decision was made must be completed.",
    ["PlacedAdoption.DATE_PLACED_CEASED", "PlacedAdoption.REASON_PLACED_CEASED"],
)
def _119(data: Data903) -> Iterator[Failure]:
    for r in data.rows(P):
        date_given = r["DATE_PLACED_CEASED"] is not None
        if date_given != (r["REASON_PLACED_CEASED"] is not None):
            yield fail(P, r, "REASON_PLACED_CEASED" if date_given else "DATE_PLACED_CEASED")


@rule(
    "184",
    "Date of decision that a child should be placed for adoption is before the child was born.",
    ["PlacedAdoption.DATE_PLACED", "PlacedAdoption.DOB"],
)
def _184(data: Data903) -> Iterator[Failure]:
    for r in data.rows(P):
        if r["DATE_PLACED_d"] and r["DOB_d"] and r["DATE_PLACED_d"] < r["DOB_d"]:
            yield fail(P, r, "DATE_PLACED")


@rule(
    "522",
    "Date of decision that the child should be placed for adoption must be on or before the date "
    "that a child should no longer be placed for adoption.",
    ["PlacedAdoption.DATE_PLACED", "PlacedAdoption.DATE_PLACED_CEASED"],
)
def _522(data: Data903) -> Iterator[Failure]:
    for r in data.rows(P):
        a, b = r["DATE_PLACED_d"], r["DATE_PLACED_CEASED_d"]
        if a and b and a > b:
            yield fail(P, r, "DATE_PLACED")


@rule(
    "563",
    "The child should no longer be placed for adoption but the date of the decision that the "
    "child should be placed for adoption is blank",
    ["PlacedAdoption.DATE_PLACED", "PlacedAdoption.DATE_PLACED_CEASED"],
)
def _563(data: Data903) -> Iterator[Failure]:
    for r in data.rows(P):
        if r["DATE_PLACED"] is None and (
            r["DATE_PLACED_CEASED"] is not None or r["REASON_PLACED_CEASED"] is not None
        ):
            yield fail(P, r, "DATE_PLACED")


@rule(
    "579",
    "A new decision that the child should be placed for adoption this year cannot start when the "
    "previous decision is still open. Decisions to place the child for adoption should also not "
    "overlap. The date of any new decision to place the child for adoption must not be before the "
    "date placed ceased of previous decisions.",
    ["PlacedAdoption.DATE_PLACED", "PlacedAdoption.DATE_PLACED_CEASED"],
)
def _579(data: Data903) -> Iterator[Failure]:
    for rows in data.by_child(P).values():
        if len(rows) < 2:
            continue
        ordered = sorted((r for r in rows if r["DATE_PLACED_d"]), key=lambda r: r["DATE_PLACED_d"])
        for prev, r in zip(ordered, ordered[1:], strict=False):
            ceased = prev["DATE_PLACED_CEASED_d"]
            if ceased is None or r["DATE_PLACED_d"] < ceased:
                yield fail(P, r, "DATE_PLACED")


def _order_without_decision(code: str, ls: str, message: str) -> None:
    @rule(
        code,
        message,
        ["Episodes.LS", "PlacedAdoption.DATE_PLACED", "PlacedAdoption.DATE_PLACED_CEASED"],
    )
    def check(data: Data903) -> Iterator[Failure]:
        if not data.has(P):
            return
        placed = data.by_child(P)
        for child, eps in data.episodes_by_child.items():
            mine = [e for e in eps if e["LS"] == ls]
            if not mine:
                continue
            if child not in placed:
                yield fail("Episodes", mine[0], "LS")
            elif mine[-1]["DEC"] is None:
                for p in placed[child]:
                    if p["DATE_PLACED_CEASED"] is not None or p["REASON_PLACED_CEASED"] is not None:
                        yield fail(P, p, "DATE_PLACED_CEASED")


_order_without_decision(
    "553",
    "E1",
    "Placement order has been granted but there is no date of decision that the child should be "
    "placed for adoption.",
)
_order_without_decision(
    "555",
    "D1",
    "Freeing order has been granted but there is no date of decision that the child should be "
    "placed for adoption.",
)


@rule(
    "556",
    "Date of decision that the child should be placed for adoption should be on or prior to the "
    "date that the freeing order was granted.",
    ["PlacedAdoption.DATE_PLACED", "Episodes.DECOM", "Episodes.LS"],
)
def _556(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(P):
        d = r["DATE_PLACED_d"]
        first_d1 = next(
            (e["DECOM_d"] for e in eps.get(r["CHILD"], ()) if e["LS"] == "D1" and e["DECOM_d"]),
            None,
        )
        if d and first_d1 and d > first_d1:
            yield fail(P, r, "DATE_PLACED")


@rule(
    "1003",
    "Date of LA's decision that a child should be placed for adoption is before the child "
    "started to be looked after.",
    ["PlacedAdoption.DATE_PLACED", "Episodes.DECOM", "Episodes.RNE"],
)
def _1003(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(P):
        d = r["DATE_PLACED_d"]
        first_s = next(
            (e["DECOM_d"] for e in eps.get(r["CHILD"], ()) if e["RNE"] == "S" and e["DECOM_d"]),
            None,
        )
        if d and first_s and d < first_s:
            yield fail(P, r, "DATE_PLACED")


@rule(
    "558",
    "If a child has been adopted, then the decision to place them for adoption has not been "
    "disrupted and the date of the decision that a child should no longer be placed for adoption "
    "should be left blank. if the REC code is either E12 or E11 then the DATE_PLACED_CEASED date "
    "should not be provided",
    ["PlacedAdoption.DATE_PLACED_CEASED", "Episodes.REC"],
)
def _558(data: Data903) -> Iterator[Failure]:
    adopted = {r["CHILD"] for r in data.rows("Episodes") if r["REC"] in ("E11", "E12")}
    for r in data.rows(P):
        if (
            r["CHILD"] in adopted
            and r["DATE_PLACED_CEASED"] is not None
            and r["REASON_PLACED_CEASED"] not in ("E11", "E12")
        ):
            yield fail(P, r, "DATE_PLACED_CEASED")


@rule(
    "525",
    "A child for whom the decision to be placed for adoption has been reversed cannot be adopted "
    "during the year.",
    ["PlacedAdoption.DATE_PLACED_CEASED", "PlacedAdoption.REASON_PLACED_CEASED", "AD1.DATE_INT"],
)
def _525(data: Data903) -> Iterator[Failure]:
    adopters = {r["CHILD"] for r in data.rows(A) if any(r[c] is not None for c in _AD1_ITEMS)}
    for r in data.rows(P):
        reason = r["REASON_PLACED_CEASED"]
        if (
            reason
            and reason.startswith("RD")
            and r["CHILD"] in adopters
            and not any(
                p["DATE_PLACED_CEASED"] is None for p in data.by_child(P).get(r["CHILD"], ())
            )
        ):
            yield fail(P, r, "REASON_PLACED_CEASED")
