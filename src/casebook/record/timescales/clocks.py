"""Clocks, and the small rules every area uses to build them from a child's rows.

A clock has a start, the timescale that sets its due date, the date it was met
(if it was) and the date it stopped applying (a plan ended, a referral
closed). Repeating timescales (reviews, visits) are chains: each clock starts
where the previous one was met (:func:`chain`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from casebook.record.calendar import add_months


@dataclass(frozen=True)
class Clock:
    """One run of one timescale: from ``start`` until ``done``, unless it
    stopped applying on ``ended`` (the plan ended, the referral closed)."""

    key: str
    start: date
    done: date | None = None
    ended: date | None = None
    ref: str | None = None


#: Which timescale the i-th clock of a chain (starting ``at``) runs on.
KeyFor = Callable[[int, date], str]


def always(key: str) -> KeyFor:
    return lambda _i, _at: key


def first_then(*keys: str) -> KeyFor:
    """The i-th clock of a chain uses ``keys[i]``, the last key from then on."""
    return lambda i, _at: keys[min(i, len(keys) - 1)]


def chain(
    start: date, events: Iterable[date | None], ended: date | None, ref: str, key_for: KeyFor
) -> list[Clock]:
    """A repeating timescale: the first clock from ``start``, each next one from
    the event that met the one before, the last one open until ``ended``."""
    met = sorted({e for e in events if e is not None and e >= start})
    clocks = []
    at = start
    for i, event in enumerate(met):
        clocks.append(Clock(key_for(i, at), at, done=event, ref=ref))
        at = event
    clocks.append(Clock(key_for(len(met), at), at, ended=ended, ref=ref))
    return clocks


def yes(flag: str | None) -> bool:
    return flag == "Y"


def seen(flag: str | None) -> bool:
    """A visit counts unless it records the child was not seen (older rows lack the flag)."""
    return flag != "N"


def within(d: date | None, start: date, end: date | None) -> bool:
    return d is not None and start <= d and (end is None or d <= end)


def age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def birthday(dob: date, years: int) -> date:
    return add_months(dob, 12 * years)
