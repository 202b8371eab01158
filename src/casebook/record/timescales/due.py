"""What is due, read from the database: for one child, or for many at once.

Both read the authority's timescales and the bank holidays once, then settle
each child's snapshot with :func:`items_for_child`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.record.timescales.items import DueItem, items_for_child
from casebook.record.timescales.registry import load_timescales
from casebook.record.timescales.snapshot import load_snapshot, load_snapshots


def due_for(
    session: Session, person_id: str, on_date: date, include_met: bool = False
) -> list[DueItem]:
    """What is due (and, with ``include_met``, was done) for one child as at ``on_date``."""
    return items_for_child(
        load_snapshot(session, person_id),
        on_date,
        load_timescales(session),
        WorkingCalendar.from_session(session),
        include_met=include_met,
    )


def due_for_many(
    session: Session, person_ids: Iterable[str], on_date: date, include_met: bool = False
) -> dict[str, list[DueItem]]:
    """:func:`due_for` for every child in ``person_ids``, by person id, in a fixed
    number of queries however many children (see :func:`load_snapshots`)."""
    snapshots = load_snapshots(session, person_ids)
    if not snapshots:
        return {}
    timescales = load_timescales(session)
    calendar = WorkingCalendar.from_session(session)
    return {
        person_id: items_for_child(snapshot, on_date, timescales, calendar, include_met=include_met)
        for person_id, snapshot in snapshots.items()
    }
