"""Continuous validation: the return errors the record would raise today.

The same rules that check an uploaded return run over what the record would
export now, for the collection year that contains ``today`` (1 April to 31
March): for one child (the panel on their record) or for everyone (the
performance officer's list of open errors, by rule and by team). A child's
team is the team of the involvement open for them today; a child no team
holds is counted under "No team".

Everyone's open errors take a second or more to work out, so the page keeps
them in this process for :data:`CACHE_SECONDS` per (database, year, day)
(:func:`open_errors_cached`): a write to the record through Casebook (a new
history entry) or the page's "recompute" button works them out afresh.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from casebook.record.models import Department, HistoryEntry, Involvement
from casebook.record.models.base import ACTIVE
from casebook.returns.rules import ReturnError

NO_TEAM = "No team"
#: How long everyone's open errors are kept before they are worked out again.
CACHE_SECONDS = 300
#: Most (database, year, day) results kept.
CACHE_ENTRIES = 16


def collection_year(today: date) -> int:
    """The collection year (named by the 31 March it ends on) that holds ``today``."""
    return today.year + 1 if today.month >= 4 else today.year


def _run(session: Session, year: int, person_ids: list[str] | None) -> list[ReturnError]:
    from casebook.returns import cin, ssda903
    from casebook.returns.ssda903.project import from_record

    errors = list(ssda903.validate(from_record(session, year, person_ids)))
    census = cin.from_record(session, year, person_ids)
    errors.extend(cin.validate(census, year))
    return errors


def errors_for_child(session: Session, person_id: str, today: date) -> list[ReturnError]:
    """The errors the child's record would raise in this year's CIN census and SSDA903."""
    return _run(session, collection_year(today), [person_id])


def return_of(error: ReturnError) -> str:
    """'903' or 'CIN': which return a rule belongs to."""
    if error.collection:
        return "903" if error.collection == "903" else "CIN"
    from casebook.returns.ssda903 import RULES_903

    try:
        RULES_903[error.rule]
    except KeyError:
        return "CIN"
    return "903"


@dataclass
class OpenErrors:
    year: int
    errors: list[ReturnError]
    team_of: dict[str, str] = field(default_factory=dict)
    #: When they were worked out (server time) and how long that took.
    computed_at: datetime | None = None
    seconds: float | None = None

    def by_rule(self) -> list[tuple[str, str, str, int, int]]:
        """(return, rule, message, errors, children), most errors first."""
        counts: Counter[str] = Counter()
        kids: dict[str, set] = defaultdict(set)
        info: dict[str, tuple[str, str]] = {}
        for e in self.errors:
            counts[e.rule] += 1
            kids[e.rule].add(e.child)
            info[e.rule] = (return_of(e), e.message)
        return [
            (info[r][0], r, info[r][1], n, len(kids[r]))
            for r, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def by_team(self) -> list[tuple[str, int, int]]:
        """(team, errors, children), most errors first."""
        counts: Counter[str] = Counter()
        kids: dict[str, set] = defaultdict(set)
        for e in self.errors:
            team = self.team_of.get(e.child or "", NO_TEAM)
            counts[team] += 1
            kids[team].add(e.child)
        return [
            (t, n, len(kids[t])) for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def where(self, rule: str | None = None, team: str | None = None) -> list[ReturnError]:
        return [
            e
            for e in self.errors
            if (rule is None or e.rule == rule)
            and (team is None or self.team_of.get(e.child or "", NO_TEAM) == team)
        ]


def teams_today(session: Session, person_ids: set[str], today: date) -> dict[str, str]:
    """Each child's team today (name of the team of their open involvement)."""
    rows = session.execute(
        select(Involvement.invo_person_id, Department.dept_team_name, Department.dept_team_id)
        .join(Department, Department.dept_team_id == Involvement.invo_professional_team)
        .where(
            Involvement.cb_status == ACTIVE,
            Involvement.invo_involvement_start_date <= today,
            or_(
                Involvement.invo_involvement_end_date.is_(None),
                and_(Involvement.invo_involvement_end_date > today),
            ),
        )
        .order_by(Involvement.invo_involvement_start_date)
    ).all()
    out: dict[str, str] = {}
    for pid, name, tid in rows:
        if pid in person_ids:
            out[pid] = name or tid
    return out


def open_errors(session: Session, today: date, year: int | None = None) -> OpenErrors:
    """Every error the record would raise today, with each child's team (for this
    year's returns, or those of ``year``)."""
    year = year or collection_year(today)
    began = time.perf_counter()
    at = datetime.now().replace(microsecond=0)
    errors = _run(session, year, None)
    kids = {e.child for e in errors if e.child}
    teams = teams_today(session, kids, today)
    return OpenErrors(year, errors, teams, at, round(time.perf_counter() - began, 2))


_cache: dict[tuple, tuple[OpenErrors, int | None, float]] = {}
_cache_lock = threading.Lock()


def _database(session: Session) -> str:
    bind = session.get_bind()
    return str(getattr(bind, "engine", bind).url)


def _record_mark(session: Session) -> int | None:
    """The newest history entry: any write through the record's services moves it."""
    return session.scalar(select(func.max(HistoryEntry.id)))


def open_errors_cached(
    session: Session, today: date, year: int | None = None, *, refresh: bool = False
) -> OpenErrors:
    """:func:`open_errors`, kept in this process for :data:`CACHE_SECONDS` per
    (database, year, day) while the record is unchanged; ``refresh`` works them
    out afresh."""
    year = year or collection_year(today)
    key = (_database(session), year, today)
    mark = _record_mark(session)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and not refresh and hit[1] == mark and now - hit[2] < CACHE_SECONDS:
        return hit[0]
    found = open_errors(session, today, year)
    with _cache_lock:
        _cache[key] = (found, mark, now)
        while len(_cache) > CACHE_ENTRIES:
            del _cache[min(_cache, key=lambda k: _cache[k][2])]
    return found


def forget_open_errors() -> None:
    """Drop every kept result (tests; a new database)."""
    with _cache_lock:
        _cache.clear()
