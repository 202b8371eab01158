"""Rules on previous permanence (PrevPerm), social worker episodes (SWEpisodes,
from the 2024/25 return) and what links the tables together."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903
from .book import code_rule, fail, rule

PP = "PrevPerm"
SW = "SWEpisodes"

code_rule("631", "Previous permanence option not a valid value.", PP, "PREV_PERM", spec.PREV_PERM)


def perm_date(text: str) -> date | None | bool:
    """DATE_PERM: dd/mm/yyyy where unknown parts may be ZZ (ZZ/ZZ/ZZZZ: all unknown).

    The latest day the text could mean, True when wholly unknown, None when invalid."""
    parts = text.split("/")
    if len(parts) != 3 or [len(p) for p in parts] != [2, 2, 4]:
        return None
    d, m, y = parts
    if y == "ZZZZ":
        return True if d == "ZZ" and m == "ZZ" else None
    if not y.isdigit():
        return None
    year = int(y)
    if m == "ZZ":
        return date(year, 12, 31) if d == "ZZ" else None
    if not m.isdigit() or not 1 <= int(m) <= 12:
        return None
    month = int(m)
    if d == "ZZ":
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    return spec.parse_date(text)


@rule(
    "632",
    "Date of previous permanence order not a valid value. NOTE: This rule may result in false "
    "negatives where the period of care started before the current collection year",
    ["PrevPerm.DATE_PERM", "Episodes.DECOM"],
)
def _632(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(PP):
        text = r["DATE_PERM"]
        if text is None:
            continue
        d = perm_date(text)
        if d is None:
            yield fail(PP, r, "DATE_PERM")
        elif d is not True:
            own = eps.get(r["CHILD"])
            first = own[0]["DECOM_d"] if own else None
            if first and d >= first:
                yield fail(PP, r, "DATE_PERM")


@rule(
    "1012",
    "No other data should be returned for OC3 children who had no episodes in the current year",
    [
        "Reviews.CHILD",
        "Missing.CHILD",
        "AD1.CHILD",
        "PlacedAdoption.CHILD",
        "PrevPerm.CHILD",
        "OC2.CHILD",
    ],
)
def _1012(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    with_episodes = data.episodes_by_child
    for table in ("PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2"):
        for r in data.rows(table):
            if r["CHILD"] not in with_episodes:
                yield fail(table, r, "CHILD")


# ---------------------------------------------------------------- social worker episodes
@rule(
    "SW01STG1",
    "Child looked after on 31 March, but no social worker episode information is reported",
    ["SWEpisodes.SW_ID", "SWEpisodes.SW_DECOM", "Episodes.DEC"],
)
def _sw01(data: Data903) -> Iterator[Failure]:
    if not data.has(SW, "Episodes"):
        return
    sw = data.by_child(SW)
    for child in sorted(data.looked_after_at_end):
        mine = sw.get(child)
        if not mine:
            yield fail("Episodes", data.episodes_by_child[child][-1], "CHILD")
        else:
            for r in mine:
                if r["SW_ID"] is None or r["SW_DECOM"] is None:
                    yield fail(SW, r, "SW_ID" if r["SW_ID"] is None else "SW_DECOM")


@rule(
    "SW13STG1",
    "The reason for social worker change is either not valid or has not been entered.",
    ["SWEpisodes.SW_REASON"],
)
def _sw13(data: Data903) -> Iterator[Failure]:
    for rows in data.by_child(SW).values():
        ordered = sorted(rows, key=lambda r: r["SW_DECOM_d"] or date.max)
        for i, r in enumerate(ordered):
            reason = r["SW_REASON"]
            if reason is not None:
                if reason not in spec.SW_REASON:
                    yield fail(SW, r, "SW_REASON")
            elif i > 0:  # only a child's first social worker needs no reason for a change
                yield fail(SW, r, "SW_REASON")


def _sw_ordered(data: Data903) -> list[list]:
    """Each child's social worker episodes in order of SW_DECOM (undated last)."""
    return [
        sorted(rows, key=lambda r: r["SW_DECOM_d"] or date.max)
        for rows in data.by_child(SW).values()
    ]


@rule(
    "SW02STG1",
    "Social worker ID does not begin with the characters 'SW' or 'XX'.",
    ["SWEpisodes.SW_ID"],
)
def _sw02(data: Data903) -> Iterator[Failure]:
    for r in data.rows(SW):
        if not (r["SW_ID"] or "").startswith(("SW", "XX")):
            yield fail(SW, r, "SW_ID")


@rule(
    "SW04STG1",
    "Date social worker episode began is not a valid date.",
    ["SWEpisodes.SW_DECOM"],
)
def _sw04(data: Data903) -> Iterator[Failure]:
    for r in data.rows(SW):
        if r["SW_DECOM"] is None or perm_date(r["SW_DECOM"]) is None:
            yield fail(SW, r, "SW_DECOM")


@rule(
    "SW05STG1",
    "Date social worker episode ceased is not a valid date.",
    ["SWEpisodes.SW_DEC"],
)
def _sw05(data: Data903) -> Iterator[Failure]:
    for r in data.rows(SW):
        if r["SW_DEC"] is not None and perm_date(r["SW_DEC"]) is None:
            yield fail(SW, r, "SW_DEC")


@rule(
    "SW06STG2",
    "Social worker episode data should be within the social worker data reporting year.",
    ["SWEpisodes.SW_DECOM"],
)
def _sw06(data: Data903) -> Iterator[Failure]:
    for r in data.rows(SW):
        if r["SW_DECOM_d"] and r["SW_DECOM_d"] > data.end:
            yield fail(SW, r, "SW_DECOM")


@rule(
    "SW07STG2",
    "Social worker episode end date should be on or after the start of the social worker "
    "reporting period, and should be on or before the collection end date.",
    ["SWEpisodes.SW_DEC"],
)
def _sw07(data: Data903) -> Iterator[Failure]:
    for r in data.rows(SW):
        d = r["SW_DEC_d"]
        if d and not data.start <= d <= data.end:
            yield fail(SW, r, "SW_DEC")


@rule(
    "SW08STG2",
    "A new social worker episode has started, but the previous episode has not ended.",
    ["SWEpisodes.SW_DEC"],
)
def _sw08(data: Data903) -> Iterator[Failure]:
    for rows in _sw_ordered(data):
        dated = [r for r in rows if r["SW_DECOM_d"]]
        for r in dated[:-1]:
            if r["SW_DEC"] is None:
                yield fail(SW, r, "SW_DEC")


@rule(
    "SW09STG2",
    "Social worker episode appears to have lasted for less than 24 hours.",
    ["SWEpisodes.SW_DECOM", "SWEpisodes.SW_DEC"],
)
def _sw09(data: Data903) -> Iterator[Failure]:
    for r in data.rows(SW):
        if r["SW_DEC"] is not None and r["SW_DEC"] == r["SW_DECOM"]:
            yield fail(SW, r, "SW_DEC")


_A_WEEK = 7


@rule(
    "SW10STG2",
    "A new social worker episode has started before the end date of the previous social worker "
    "episode.",
    ["SWEpisodes.SW_DECOM"],
)
def _sw10(data: Data903) -> Iterator[Failure]:
    # the next worker starts within a week either side of the day the last one left
    for rows in _sw_ordered(data):
        for prev, r in zip(rows, rows[1:], strict=False):
            end, begin = prev["SW_DEC_d"], r["SW_DECOM_d"]
            if end and begin and abs((begin - end).days) > _A_WEEK:
                yield fail(SW, r, "SW_DECOM")


@rule(
    "SW11STG2",
    "Social worker episode has ended before 31 March and no subsequent social worker episode "
    "has been provided.",
    ["SWEpisodes.SW_DEC"],
)
def _sw11(data: Data903) -> Iterator[Failure]:
    for rows in _sw_ordered(data):
        last = rows[-1]
        if last["SW_DEC_d"] and last["SW_DEC_d"] < data.end:
            own = data.episodes_by_child.get(last["CHILD"])
            # only while the child is still looked after (their care has not ended)
            if own and own[-1]["DEC"] is None:
                yield fail(SW, last, "SW_DEC")


@rule(
    "SW14STG2",
    "Social worker episode date ceased is blank.",
    ["SWEpisodes.SW_DEC"],
)
def _sw14(data: Data903) -> Iterator[Failure]:
    for rows in _sw_ordered(data):
        for r in rows[:-1]:
            if r["SW_DEC"] is None:
                yield fail(SW, r, "SW_DEC")
