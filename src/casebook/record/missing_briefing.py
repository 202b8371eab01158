"""The daily missing briefing: every missing episode that started or ended since
the last working day, with how its return home interview stands.

The exploitation hub reads it each morning. On a working day ``on`` it covers
the episodes that started or ended from the previous working day (of the
``WorkingCalendar``) up to ``on``: on a Monday, from Friday; after a bank holiday
Monday, from the Friday before. The return interview clock is the registry's
``return_interview`` (72 hours from the return), met when the interview is
offered or done, as everywhere else.

The caller passes the SQL condition saying which children the user may see.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.record.models import Involvement, Missing, Person, Professional
from casebook.record.models.base import ACTIVE
from casebook.record.timescales import due_date, load_timescales

CSV_COLUMNS = (
    "episode_id",
    "person_id",
    "child",
    "worker",
    "started",
    "ended",
    "event",
    "rhi_offered",
    "rhi_offered_date",
    "rhi_accepted",
    "rhi_done_date",
    "rhi_due",
    "rhi_status",
    "rhi_overdue",
)


@dataclass(frozen=True)
class BriefingRow:
    """One missing episode on the briefing."""

    episode_id: str
    person_id: str
    child_name: str
    worker_name: str | None
    started: date | None
    ended: date | None
    episode_type: str | None
    offered: str | None  # Y / N / None as recorded
    offered_date: date | None
    accepted: str | None
    done_date: date | None
    rhi_due: date | None
    rhi_status: str
    rhi_overdue: bool
    event: str  # what happened in the window: went missing, returned, or both

    @property
    def still_missing(self) -> bool:
        return self.ended is None


@dataclass
class Briefing:
    """The briefing for a morning: the window it covers and the episodes in it."""

    on: date
    since: date
    rows: list[BriefingRow]

    @property
    def still_missing(self) -> int:
        return sum(1 for r in self.rows if r.still_missing)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.rhi_overdue)


def window(on: date, calendar: WorkingCalendar) -> date:
    """The first day the briefing for ``on`` covers: the previous working day."""
    return calendar.previous_working_day(on)


def _fmt(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def rhi_status(
    ended: date | None,
    offered: str | None,
    offered_date: date | None,
    accepted: str | None,
    done_date: date | None,
    due: date | None,
    on: date,
) -> tuple[str, bool]:
    """How the return interview stands as at ``on``, and whether it is overdue."""
    if ended is None or ended > on:
        return "Still missing: no return interview yet", False
    if done_date and done_date <= on:
        return f"Done {_fmt(done_date)}", False
    if offered_date is not None and offered_date > on:  # offered later: not yet, as at ``on``
        offered_date, offered, accepted = None, None, None
    was_offered = offered_date is not None or offered == "Y"
    if was_offered:
        when = f" {_fmt(offered_date)}" if offered_date else ""
        answer = {"Y": ", accepted", "N": ", declined"}.get(accepted or "", ", not answered yet")
        return f"Offered{when}{answer}", False
    if offered == "N" and due is not None and on <= due:
        return f"Not offered: due {_fmt(due)}", False
    if due is not None and on > due:
        n = (on - due).days
        return f"Overdue: not offered, was due {_fmt(due)} ({n} day{'' if n == 1 else 's'})", True
    return f"Not offered yet: due {_fmt(due)}" if due else "Not offered yet", False


def missing_briefing(
    session: Session,
    on: date,
    visible: ColumnElement[bool] | None = None,
    calendar: WorkingCalendar | None = None,
) -> Briefing:
    """Every missing episode that started or ended from the previous working day up to
    ``on``, of the children ``visible`` allows, still missing first, then by start."""
    calendar = calendar or WorkingCalendar.from_session(session)
    since = window(on, calendar)
    rhi = load_timescales(session)["return_interview"]
    start, end = Missing.miss_missing_episode_start_date, Missing.miss_missing_episode_end_date
    rows = session.execute(
        select(Missing, Person.pers_forename, Person.pers_surname)
        .join(Person, Person.pers_person_id == Missing.miss_person_id)
        .where(
            Missing.cb_status == ACTIVE,
            or_(and_(start >= since, start <= on), and_(end >= since, end <= on)),
            visible if visible is not None else true(),
        )
    ).all()
    workers = _workers(session, {m.miss_person_id for m, _f, _s in rows}, on)
    found = []
    for m, forename, surname in rows:
        ended = m.miss_missing_episode_end_date
        ended = ended if ended and ended <= on else None
        due = due_date(rhi, ended, calendar) if ended else None
        status, overdue = rhi_status(
            ended,
            m.miss_missing_rhi_offered,
            m.cb_rhi_offered_date,
            m.miss_missing_rhi_accepted,
            m.cb_rhi_done_date,
            due,
            on,
        )
        began = m.miss_missing_episode_start_date
        started_now = began is not None and since <= began <= on
        ended_now = ended is not None and since <= ended
        event = (
            "Went missing and returned"
            if started_now and ended_now
            else "Returned"
            if ended_now
            else "Went missing"
        )
        found.append(
            BriefingRow(
                episode_id=m.miss_table_id,
                person_id=m.miss_person_id,
                child_name=" ".join(p for p in (forename, surname) if p) or "(no name recorded)",
                worker_name=workers.get(m.miss_person_id),
                started=began,
                ended=ended,
                episode_type=m.miss_missing_episode_type,
                offered=m.miss_missing_rhi_offered,
                offered_date=m.cb_rhi_offered_date,
                accepted=m.miss_missing_rhi_accepted,
                done_date=m.cb_rhi_done_date,
                rhi_due=due,
                rhi_status=status,
                rhi_overdue=overdue,
                event=event,
            )
        )
    found.sort(
        key=lambda r: (not r.still_missing, r.started or date.min, r.person_id, r.episode_id)
    )
    return Briefing(on=on, since=since, rows=found)


def _workers(session: Session, person_ids: set[str], on: date) -> dict[str, str]:
    """Each child's allocated worker (the latest open involvement's), one query."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(
            Involvement.invo_person_id,
            Professional.prof_professional_name,
            Involvement.invo_professional_id,
        )
        .outerjoin(
            Professional, Professional.prof_professional_id == Involvement.invo_professional_id
        )
        .where(
            Involvement.invo_person_id.in_(sorted(person_ids)),
            Involvement.cb_status == ACTIVE,
            Involvement.invo_involvement_start_date <= on,
            or_(
                Involvement.invo_involvement_end_date.is_(None),
                Involvement.invo_involvement_end_date > on,
            ),
        )
        .order_by(Involvement.invo_involvement_start_date)
    ).all()
    return {pid: name or prof_id for pid, name, prof_id in rows}


def to_csv(rows: Iterable[BriefingRow]) -> str:
    """The briefing as CSV, with a header row of :data:`CSV_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.episode_id,
                r.person_id,
                _safe(r.child_name),
                _safe(r.worker_name or ""),
                r.started.isoformat() if r.started else "",
                r.ended.isoformat() if r.ended else "",
                r.event,
                r.offered or "",
                r.offered_date.isoformat() if r.offered_date else "",
                r.accepted or "",
                r.done_date.isoformat() if r.done_date else "",
                r.rhi_due.isoformat() if r.rhi_due else "",
                r.rhi_status,
                "Y" if r.rhi_overdue else "N",
            ]
        )
    return buffer.getvalue()


def _safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
