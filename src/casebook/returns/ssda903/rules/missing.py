"""Rules on the Missing table: periods missing or away from placement without
authorisation, their dates and how they sit within periods of care."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from casebook.returns.rules import Failure

from .. import spec
from ..data import Data903
from .book import code_rule, date_rule, fail, rule

M = "Missing"

date_rule(
    "1004",
    "The start date of the missing episode or episode that the child was away from placement "
    "without authorisation is not a valid date.",
    M,
    "MIS_START",
    required=True,
)
date_rule(
    "1005",
    "The end date of the missing episode or episode that the child was away from placement "
    "without authorisation is not a valid date.",
    M,
    "MIS_END",
)
code_rule("1006", "Missing type invalid.", M, "MISSING", spec.MISSING)


@rule(
    "565",
    "The date that the child started to be missing or away from placement without authorisation "
    "has been completed but whether the child was missing or away from placement without "
    "authorisation has not been completed.",
    ["Missing.MISSING", "Missing.MIS_START"],
)
def _565(data: Data903) -> Iterator[Failure]:
    for r in data.rows(M):
        if r["MIS_START"] is not None and r["MISSING"] is None:
            yield fail(M, r, "MISSING")


@rule(
    "567",
    "The date that the missing episode or episode that the child was away from placement without "
    "authorisation ended is before the date that it started.",
    ["Missing.MIS_START", "Missing.MIS_END"],
)
def _567(data: Data903) -> Iterator[Failure]:
    for r in data.rows(M):
        if r["MIS_START_d"] and r["MIS_END_d"] and r["MIS_END_d"] < r["MIS_START_d"]:
            yield fail(M, r, "MIS_END")


@rule(
    "570",
    "The date that the child started to be missing or away from placement without authorisation "
    "is after the end of the collection year.",
    ["Missing.MIS_START"],
)
def _570(data: Data903) -> Iterator[Failure]:
    for r in data.rows(M):
        if r["MIS_START_d"] and r["MIS_START_d"] > data.end:
            yield fail(M, r, "MIS_START")


@rule(
    "571",
    "The date that the child ceased to be missing or away from placement without authorisation "
    "is before the start or after the end of the collection year.",
    ["Missing.MIS_END"],
)
def _571(data: Data903) -> Iterator[Failure]:
    for r in data.rows(M):
        d = r["MIS_END_d"]
        if d and (d < data.start or d > data.end):
            yield fail(M, r, "MIS_END")


@rule(
    "574",
    "A new missing/away from placement without authorisation period cannot start when the "
    "previous missing/away from placement without authorisation period is still open. "
    "Missing/away from placement without authorisation periods should also not overlap.",
    ["Missing.MIS_START", "Missing.MIS_END"],
)
def _574(data: Data903) -> Iterator[Failure]:
    # In order of end (an open period by its start; undated last), then start: a
    # period fails when the one before it is still open, or it starts strictly
    # before that one ended (starting on the day it ended is no overlap).
    far = date.max
    for rows in data.by_child(M).values():
        if len(rows) < 2:
            continue
        ordered = sorted(
            rows,
            key=lambda r: (
                r["MIS_END_d"] or r["MIS_START_d"] or far,
                r["MIS_START_d"] or far,
            ),
        )
        for prev, r in zip(ordered, ordered[1:], strict=False):
            end, start = prev["MIS_END_d"], r["MIS_START_d"]
            if end is None or (start is not None and start < end):
                yield fail(M, r, "MIS_START")


@rule(
    "586",
    "Dates of missing periods are before child's date of birth.",
    ["Missing.MIS_START", "Missing.DOB"],
)
def _586(data: Data903) -> Iterator[Failure]:
    for r in data.rows(M):
        if r["MIS_START_d"] and r["DOB_d"] and r["MIS_START_d"] < r["DOB_d"]:
            yield fail(M, r, "MIS_START")


def _periods(data: Data903, child: str):
    return data.periods_of_care(child)


@rule(
    "575",
    "If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    ["Missing.MIS_END", "Episodes.DEC"],
)
def _575(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(M):
        s = r["MIS_START_d"]
        if s is None or r["MIS_END"] is not None:
            continue
        for e in eps.get(r["CHILD"], ()):
            if (
                e["DECOM_d"]
                and e["DEC_d"]
                and e["DECOM_d"] <= s <= e["DEC_d"]
                and e["REC"] in spec.LEAVES_CARE
            ):
                yield fail(M, r, "MIS_END")
                break


@rule(
    "577",
    "Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    ["Missing.MIS_END"],
)
def _577(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    for r in data.rows(M):
        if r["MIS_START_d"] is None or r["MIS_END"] is not None:
            continue
        periods = _periods(data, r["CHILD"])
        if periods and periods[-1][1] is not None:
            yield fail(M, r, "MIS_END")


@rule(
    "578",
    "The date that the child started to be missing is after the child ceased to be looked after.",
    ["Missing.MIS_START"],
)
def _578(data: Data903) -> Iterator[Failure]:
    if not data.has("Episodes"):
        return
    for r in data.rows(M):
        s = r["MIS_START_d"]
        periods = _periods(data, r["CHILD"])
        if s is None or not periods:
            continue
        inside = any(start <= s and (end is None or s <= end) for start, end, _ in periods)
        if not inside:
            yield fail(M, r, "MIS_START")


@rule(
    "580",
    "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
    ["Episodes.REC", "Missing.MIS_END"],
)
def _580(data: Data903) -> Iterator[Failure]:
    eps = data.episodes_by_child
    for r in data.rows(M):
        end, dob = r["MIS_END_d"], r["DOB_d"]
        if not (end and dob and spec.add_years(dob, 18) == end):
            continue
        for e in eps.get(r["CHILD"], ()):
            if e["DEC_d"] == end and e["REC"] != "E8":
                yield fail("Episodes", e, "REC")
