"""Worklists: what is due and overdue for "my children" and "my team".

A worklist is computed for a set of children at once: the holders (open
involvements of the worker, or of the team) and, for a team, the unallocated
children it holds are read with one query each; their timescales are settled
from snapshots read a table at a time (:func:`load_snapshots`) against the one
timescale registry. Nothing is loaded child by child.

Each row is one thing to act on, of one *type*:

- ``overdue``: a timescale past its due date (not a visit);
- ``visit``: a visit out of date (CIN, CP and looked after visits);
- ``due``: due within the next :data:`HORIZON_DAYS` days;
- ``drift``: a CIN or CP plan open longer than its drift marker (2 years);
- ``unallocated``: an open episode and no allocated worker;
- ``missing``: a missing episode not yet ended.

The caller passes the SQL condition saying which children the user may see
(the access policy's ``visible_children``): the record never decides scope.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session, aliased

from casebook.record.allocation import held_unallocated, unallocated
from casebook.record.calendar import WorkingCalendar
from casebook.record.local_standards import describe, worklist_timescales
from casebook.record.models import Involvement, Person, Professional
from casebook.record.models.base import ACTIVE
from casebook.record.timescales import (
    ChildSnapshot,
    Timescale,
    due_date,
    items_for_child,
    load_snapshots,
)
from casebook.record.timescales.snapshot import CHUNK

#: How far ahead "due soon" looks, in days.
HORIZON_DAYS = 7

#: The types of row, in the order the list shows them, with their names.
KINDS: Mapping[str, str] = {
    "missing": "Missing now",
    "unallocated": "Unallocated",
    "overdue": "Overdue",
    "visit": "Visit out of date",
    "drift": "Plan over 2 years",
    "due": f"Due in the next {HORIZON_DAYS} days",
}
#: The timescales whose overdue items are "visits out of date".
VISIT_ITEMS = frozenset(
    {"cin_visit", "cp_visit", "cla_visit", "cla_visit_long_term", "cla_visit_new_placement"}
)
#: Drift markers: which plans, and the timescale that says when a plan has drifted.
DRIFT = (("cin_plans", "cin_plan_drift", "CIN plan"), ("cp_plans", "cp_plan_drift", "CP plan"))

#: Columns a list can be sorted by (``?sort=due``, ``?sort=-overdue`` for descending).
SORTS = ("child", "worker", "type", "item", "start", "due", "overdue")

CSV_COLUMNS = (
    "person_id",
    "child",
    "worker_id",
    "worker",
    "team_id",
    "type",
    "item",
    "start",
    "due",
    "overdue_days",
    "detail",
)


@dataclass(frozen=True)
class Holder:
    """Who holds a child on the list: the worker of their open involvement (or nobody)."""

    person_id: str
    child_name: str
    worker_id: str | None = None
    worker_name: str | None = None
    team_id: str | None = None
    involvements: tuple[tuple[str, int], ...] = ()  # (involvement id, version) open in the team


@dataclass(frozen=True)
class WorklistRow:
    """One thing to act on for one child."""

    person_id: str
    child_name: str
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    kind: str
    item: str
    key: str | None
    start: date | None
    due: date | None
    overdue_days: int | None
    detail: str
    involvements: tuple[tuple[str, int], ...] = ()

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind]

    @property
    def overdue(self) -> bool:
        return self.overdue_days is not None and self.overdue_days > 0

    @property
    def overdue_text(self) -> str:
        if not self.overdue:
            return ""
        n = self.overdue_days
        return f"overdue by {n} day{'' if n == 1 else 's'}"

    @property
    def versions(self) -> str:
        """The open involvements as the allocation form sends them back: ``id:version,...``."""
        return ",".join(f"{i}:{v}" for i, v in self.involvements)


@dataclass
class Worklist:
    """Rows for a set of children as at a date, before any filtering."""

    as_at: date
    rows: list[WorklistRow]
    children: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows of each type, in :data:`KINDS` order."""
        found = dict.fromkeys(KINDS, 0)
        for row in self.rows:
            found[row.kind] += 1
        return found

    def workers(self) -> list[tuple[str, str]]:
        """The workers on the list (id, name), by name, for the worker filter."""
        seen = {r.worker_id: r.worker_name or r.worker_id for r in self.rows if r.worker_id}
        return sorted(seen.items(), key=lambda kv: (kv[1].lower(), kv[0]))


# --------------------------------------------------------------------------- who is on the list


def _name(forename: str | None, surname: str | None) -> str:
    return " ".join(p for p in (forename, surname) if p) or "(no name recorded)"


def _open_on(inv, on: date) -> ColumnElement[bool]:
    return and_(
        inv.cb_status == ACTIVE,
        inv.invo_involvement_start_date <= on,
        or_(
            inv.invo_involvement_end_date.is_(None),
            inv.invo_involvement_end_date > on,
        ),
    )


def holders(
    session: Session,
    on: date,
    visible: ColumnElement[bool],
    *,
    worker_id: str | None = None,
    team_ids: Select | Sequence[str] | None = None,
) -> dict[str, Holder]:
    """The children with an open involvement of the worker (or in the teams) that
    the user may see, each with the latest such involvement's worker; one query."""
    # An alias: the access policy's condition has its own correlated ``Involvement``.
    inv = aliased(Involvement)
    scope = []
    if worker_id is not None:
        scope.append(inv.invo_professional_id == worker_id)
    if team_ids is not None:
        teams = team_ids if isinstance(team_ids, Select) else list(team_ids)
        scope.append(inv.invo_professional_team.in_(teams))
    if not scope:
        return {}
    rows = session.execute(
        select(
            inv.invo_person_id,
            Person.pers_forename,
            Person.pers_surname,
            inv.invo_involvements_id,
            inv.cb_version,
            inv.invo_professional_id,
            Professional.prof_professional_name,
            inv.invo_professional_team,
        )
        .join(Person, Person.pers_person_id == inv.invo_person_id)
        .outerjoin(Professional, Professional.prof_professional_id == inv.invo_professional_id)
        .where(_open_on(inv, on), *scope, visible)
        .order_by(
            inv.invo_person_id,
            inv.invo_involvement_start_date,
            inv.invo_involvements_id,
        )
    ).all()
    found: dict[str, Holder] = {}
    for pid, forename, surname, invo_id, version, prof_id, prof_name, team in rows:
        before = found.get(pid)
        involvements = (before.involvements if before else ()) + ((invo_id, version),)
        found[pid] = Holder(
            pid, _name(forename, surname), prof_id, prof_name or prof_id, team, involvements
        )
    return found


def unallocated_children(
    session: Session, on: date, visible: ColumnElement[bool], team_ids: Select | Sequence[str]
) -> dict[str, Holder]:
    """Children the teams hold with an open episode and no allocated worker, that
    the user may see: the teams' candidates (:func:`held_unallocated`), then a
    query per :data:`CHUNK` of them."""
    candidates = held_unallocated(session, team_ids, on)
    found: dict[str, Holder] = {}
    for i in range(0, len(candidates), CHUNK):
        rows = session.execute(
            select(Person.pers_person_id, Person.pers_forename, Person.pers_surname).where(
                Person.pers_person_id.in_(candidates[i : i + CHUNK]), unallocated(on), visible
            )
        ).all()
        found.update((pid, Holder(pid, _name(f, s))) for pid, f, s in rows)
    return found


# --------------------------------------------------------------------------- settling the rows


def _fmt(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _open_at(start: date | None, end: date | None, on: date) -> bool:
    return start is not None and start <= on and (end is None or end > on)


def _plan_dates(plan) -> tuple[date | None, date | None]:
    if hasattr(plan, "cinp_cin_plan_start_date"):
        return plan.cinp_cin_plan_start_date, plan.cinp_cin_plan_end_date
    return plan.cppl_cp_plan_start_date, plan.cppl_cp_plan_end_date


def _episode_start(s: ChildSnapshot, on: date) -> date | None:
    """When the child's earliest open episode started (for "unallocated since")."""
    starts = [
        r.cine_referral_date
        for r in s.referrals
        if _open_at(r.cine_referral_date, r.cine_close_date, on)
    ]
    for plan in [*s.cin_plans, *s.cp_plans]:
        start, end = _plan_dates(plan)
        if _open_at(start, end, on):
            starts.append(start)
    starts += [
        e.clae_cla_episode_start_date
        for e in s.cla_episodes
        if _open_at(e.clae_cla_episode_start_date, e.clae_cla_episode_ceased_date, on)
    ]
    return min((d for d in starts if d), default=None)


def rows_for_child(
    holder: Holder,
    snapshot: ChildSnapshot,
    on: date,
    timescales: Mapping[str, Timescale],
    calendar: WorkingCalendar,
    *,
    allocated: bool = True,
    horizon: int = HORIZON_DAYS,
) -> list[WorklistRow]:
    """The worklist rows of one child, from their snapshot (pure: no database)."""
    base = WorklistRow(
        person_id=holder.person_id,
        child_name=holder.child_name,
        worker_id=holder.worker_id,
        worker_name=holder.worker_name,
        team_id=holder.team_id,
        kind="due",
        item="",
        key=None,
        start=None,
        due=None,
        overdue_days=None,
        detail="",
        involvements=holder.involvements,
    )
    rows: list[WorklistRow] = []
    if not allocated:
        since = _episode_start(snapshot, on)
        days = f", {(on - since).days} days" if since else ""
        rows.append(
            replace(
                base,
                kind="unallocated",
                item="No allocated worker",
                start=since,
                detail=(f"Open since {_fmt(since)}{days}" if since else "Open episode")
                + ", no allocated worker",
            )
        )
    for m in snapshot.missing:
        if _open_at(m.miss_missing_episode_start_date, m.miss_missing_episode_end_date, on):
            start = m.miss_missing_episode_start_date
            n = (on - start).days
            rows.append(
                replace(
                    base,
                    kind="missing",
                    item="Missing",
                    key="missing",
                    start=start,
                    detail=f"Missing since {_fmt(start)} ({n} day{'' if n == 1 else 's'})",
                )
            )
    soon = on + timedelta(days=horizon)
    for item in items_for_child(snapshot, on, timescales, calendar):
        if item.status == "overdue":
            kind = "visit" if item.key in VISIT_ITEMS else "overdue"
            late = (on - item.due).days
        elif item.due <= soon:
            kind, late = "due", None
        else:
            continue
        rows.append(
            replace(
                base,
                kind=kind,
                item=item.title,
                key=item.key,
                start=item.start,
                due=item.due,
                overdue_days=late,
                detail=item.label,
            )
        )
    for plans_field, key, what in DRIFT:
        ts = timescales.get(key)
        if ts is None:
            continue
        for plan in getattr(snapshot, plans_field):
            start, end = _plan_dates(plan)
            if not _open_at(start, end, on):
                continue
            drifted = due_date(ts, start, calendar)
            if drifted > on:
                continue
            late = (on - drifted).days
            rows.append(
                replace(
                    base,
                    kind="drift",
                    item=f"{what} over {describe(ts.amount, ts.unit)}",
                    key=key,
                    start=start,
                    due=drifted,
                    overdue_days=late,
                    detail=f"{what} open since {_fmt(start)}, past {describe(ts.amount, ts.unit)} "
                    f"on {_fmt(drifted)}",
                )
            )
    return rows


def worklist(
    session: Session,
    on: date,
    visible: ColumnElement[bool] | None = None,
    *,
    worker_id: str | None = None,
    team_ids: Select | Sequence[str] | None = None,
    horizon: int = HORIZON_DAYS,
) -> Worklist:
    """The worklist of a worker's children (``worker_id``) or a team's (``team_ids``,
    which adds the unallocated children the team holds), limited to ``visible``."""
    visible = true() if visible is None else visible
    held = holders(session, on, visible, worker_id=worker_id, team_ids=team_ids)
    loose: dict[str, Holder] = {}
    if team_ids is not None and worker_id is None:
        loose = {
            pid: h
            for pid, h in unallocated_children(session, on, visible, team_ids).items()
            if pid not in held
        }
    everyone = {**held, **loose}
    if not everyone:
        return Worklist(on, [], [])
    snapshots = load_snapshots(session, everyone)
    timescales = worklist_timescales(session)
    calendar = WorkingCalendar.from_session(session)
    rows: list[WorklistRow] = []
    for pid, holder in everyone.items():
        rows += rows_for_child(
            holder,
            snapshots[pid],
            on,
            timescales,
            calendar,
            allocated=pid in held,
            horizon=horizon,
        )
    return Worklist(on, sort_rows(rows, None), list(everyone))


# --------------------------------------------------------------------------- filter, sort, CSV

_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def _sort_key(column: str):
    far = date.max
    if column == "child":
        return lambda r: (r.child_name.lower(), r.person_id)
    if column == "worker":
        return lambda r: ((r.worker_name or "~").lower(), r.child_name.lower())
    if column == "type":
        return lambda r: (_KIND_ORDER[r.kind], r.due or far)
    if column == "item":
        return lambda r: (r.item.lower(), r.due or far)
    if column == "start":
        return lambda r: (r.start or far, r.child_name.lower())
    if column == "due":
        return lambda r: (r.due or far, r.child_name.lower())
    if column == "overdue":
        return lambda r: (r.overdue_days if r.overdue_days is not None else -1, r.due or far)
    raise ValueError(column)


def parse_sort(value: str | None) -> tuple[str | None, bool]:
    """``due`` -> (due, ascending), ``-overdue`` -> (overdue, descending); unknown -> default."""
    if not value:
        return None, False
    descending = value.startswith("-")
    column = value.lstrip("-")
    return (column, descending) if column in SORTS else (None, False)


def sort_rows(rows: Iterable[WorklistRow], sort: str | None) -> list[WorklistRow]:
    """Rows sorted by a column of :data:`SORTS` (``-`` first for descending); by
    default by type, the most overdue first, then soonest due."""
    column, descending = parse_sort(sort)
    if column is None:
        return sorted(
            rows,
            key=lambda r: (
                _KIND_ORDER[r.kind],
                -(r.overdue_days or 0),
                r.due or date.max,
                r.child_name.lower(),
            ),
        )
    return sorted(rows, key=_sort_key(column), reverse=descending)


def filter_rows(
    rows: Iterable[WorklistRow],
    *,
    kind: str | None = None,
    worker: str | None = None,
    overdue_only: bool = False,
) -> list[WorklistRow]:
    """Rows of one type, of one worker (``none``: unallocated), overdue only."""
    found = list(rows)
    if kind:
        found = [r for r in found if r.kind == kind]
    if worker == "none":
        found = [r for r in found if r.worker_id is None]
    elif worker:
        found = [r for r in found if r.worker_id == worker]
    if overdue_only:
        found = [r for r in found if r.overdue]
    return found


def to_csv(rows: Iterable[WorklistRow]) -> str:
    """The rows as CSV, with a header row of :data:`CSV_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.person_id,
                _safe(r.child_name),
                r.worker_id or "",
                _safe(r.worker_name or ""),
                r.team_id or "",
                r.kind,
                _safe(r.item),
                r.start.isoformat() if r.start else "",
                r.due.isoformat() if r.due else "",
                r.overdue_days if r.overdue else "",
                _safe(r.detail),
            ]
        )
    return buffer.getvalue()


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
