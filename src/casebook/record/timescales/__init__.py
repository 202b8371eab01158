"""What is due for a child, by when, and what is overdue: the one timescale table.

Every timescale in ``timescales.md`` is declared once in :data:`TIMESCALES` with
its national (or sample-authority) default; an authority changes amount and
unit in the ``timescale_setting`` table and :func:`load_timescales` applies them.

A child's record is turned into *clocks*: each has a start, the timescale that
sets its due date, the date it was met (if it was) and the date it stopped
applying (a plan ended, a referral closed). Repeating timescales (reviews,
visits) are chains: each clock starts where the previous one was met.
:func:`items_for_child` settles every clock as at a date into a
:class:`DueItem`, so worklists, the child's record and the KPIs all read the
same answer. It is pure (no database) and works "as at" any date: rows dated
after ``on_date`` are ignored, so a past date gives the history as it stood.

The modules:

- ``registry``: the timescales, their defaults, the authority's settings, due dates.
- ``snapshot``: the child's rows that start or stop a clock, read for one child
  or for many at once (one query per table, not per child).
- ``clocks``: the clock and the chain of a repeating timescale, shared by the areas.
- ``front_door``, ``protection``, ``looked_after``, ``leaving_care``: each area's
  clocks (contacts and assessments; conferences, CP and CIN plans; periods of
  care and missing episodes; pathway plans).
- ``items``: settling clocks into due items (:class:`DueItem`).
- ``due``: :func:`due_for` one child and :func:`due_for_many` for a worklist.
"""

from casebook.record.timescales.due import due_for, due_for_many
from casebook.record.timescales.items import DueItem, items_for_child
from casebook.record.timescales.registry import (
    KINDS,
    TIMESCALES,
    UNITS,
    Timescale,
    apply_overrides,
    check_setting,
    due_date,
    load_timescales,
)
from casebook.record.timescales.snapshot import ChildSnapshot, load_snapshot, load_snapshots

__all__ = [
    "KINDS",
    "TIMESCALES",
    "UNITS",
    "ChildSnapshot",
    "DueItem",
    "Timescale",
    "apply_overrides",
    "check_setting",
    "due_date",
    "due_for",
    "due_for_many",
    "items_for_child",
    "load_snapshot",
    "load_snapshots",
    "load_timescales",
]
