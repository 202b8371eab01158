"""Settling a child's clocks into due items: due, overdue, met or missed, as at a date.

:func:`items_for_child` gathers the clocks of every area and settles each as at
``on_date`` into a :class:`DueItem`. It is pure (no database) and works "as at"
any date: rows dated after ``on_date`` are ignored, so a past date gives the
history as it stood.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from casebook.record.calendar import WorkingCalendar
from casebook.record.timescales import front_door, leaving_care, looked_after, protection
from casebook.record.timescales.clocks import Clock
from casebook.record.timescales.registry import Timescale, due_date
from casebook.record.timescales.snapshot import ChildSnapshot

OPEN = ("due", "overdue")


@dataclass(frozen=True)
class DueItem:
    """One step for one child: when its clock started, when it is due, and how it stands.

    ``status`` is ``due`` or ``overdue`` while open, ``met`` or ``missed`` once
    done (``missed`` also when the clock stopped after the due date without it).
    ``days_left`` counts working days for working-day timescales, calendar days
    otherwise: from ``on_date`` while open (negative when overdue), from the
    date done (or stopped) once closed (negative when late).
    """

    key: str
    title: str
    person_id: str
    start: date
    due: date
    done: date | None
    status: str
    days_left: int
    label: str
    ref: str | None = None  # the row the clock belongs to (contact, plan, period of care...)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def clocks(s: ChildSnapshot) -> Iterator[Clock]:
    """Every clock of the child's record, area by area."""
    yield from front_door.clocks(s)
    yield from protection.clocks(s)
    yield from looked_after.clocks(s)
    yield from leaving_care.clocks(s)


def _fmt(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _count(n: int, unit: str) -> str:
    word = "working day" if unit == "working_days" else "day"
    return f"{n} {word}{'' if n == 1 else 's'}"


def _label(title: str, status: str, due: date, done: date | None, days: int, unit: str) -> str:
    late = f", {_count(-days, unit)} late" if days < 0 else ""
    if status == "due":
        when = "today" if days == 0 else f"{_count(days, unit)} left"
        return f"{title} due {_fmt(due)}, {when}"
    if status == "overdue":
        return f"{title} overdue: was due {_fmt(due)}{late}"
    if status == "met":
        return f"{title} done {_fmt(done)}, in time (due {_fmt(due)})"
    if done is None:
        return f"{title} missed: due {_fmt(due)}, not done"
    return f"{title} done {_fmt(done)}{late} (due {_fmt(due)})"


def settle(
    clock: Clock,
    on_date: date,
    timescales: Mapping[str, Timescale],
    calendar: WorkingCalendar,
    person_id: str,
) -> DueItem | None:
    """The clock as it stood on ``on_date``; None if not started, or stopped before due."""
    if clock.start > on_date:
        return None
    ts = timescales[clock.key]
    due = due_date(ts, clock.start, calendar)
    done = clock.done if clock.done and clock.done <= on_date else None
    ended = clock.ended if clock.ended and clock.ended <= on_date else None
    if done:
        status, measured_from = ("met" if done <= due else "missed"), done
    elif ended:
        if ended <= due:
            return None
        status, measured_from = "missed", ended
    else:
        status, measured_from = ("overdue" if on_date > due else "due"), on_date
    if ts.unit == "working_days":
        days = calendar.working_days_between(measured_from, due)
    else:
        days = (due - measured_from).days
    return DueItem(
        key=ts.key,
        title=ts.title,
        person_id=person_id,
        start=clock.start,
        due=due,
        done=done,
        status=status,
        days_left=days,
        label=_label(ts.title, status, due, done, days, ts.unit),
        ref=clock.ref,
    )


def _may_be_open(clock: Clock, on_date: date) -> bool:
    return not (clock.done and clock.done <= on_date) and not (
        clock.ended and clock.ended <= on_date
    )


def items_for_child(
    snapshot: ChildSnapshot,
    on_date: date,
    timescales: Mapping[str, Timescale],
    calendar: WorkingCalendar,
    *,
    include_met: bool = False,
) -> list[DueItem]:
    """Everything due for the child as at ``on_date``, soonest first.

    Only open items (due, overdue) unless ``include_met``, which adds the
    closed ones (met, missed) that KPIs count.
    """
    found = clocks(snapshot)
    if not include_met:
        # A clock done or stopped by the day can only settle closed: skip it before
        # working out its due date (most of a long case's clocks are past visits).
        found = (c for c in found if _may_be_open(c, on_date))
    items = [
        item
        for clock in found
        if (item := settle(clock, on_date, timescales, calendar, snapshot.person_id))
        and (include_met or item.is_open)
    ]
    return sorted(items, key=lambda i: (i.due, i.key, i.start, i.ref or ""))
