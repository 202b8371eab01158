"""Pages: my children, my team, allocation and the daily missing briefing;
local standards settings.

The worklists need ``Action.WORKLISTS``; allocating needs ``Action.OVERSEE``;
local standards ``Action.MANAGE_SETTINGS``. Every list of children is limited
to the access policy's ``visible_children`` and logged (ids, never names), as
a search is; a CSV download is logged as an export. The reads the pages and the
JSON API share are here, named for what they return.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from casebook.access import log
from casebook.access.policy import User, allowed, can_see_child, visible_children
from casebook.access.roles import Action, Role
from casebook.record import local_standards, missing_briefing, worklists
from casebook.record.allocation import CHANGE_REASONS, allocate, team_workers, teams_below
from casebook.record.errors import Conflict, Forbidden, Invalid, NotFound, Problem
from casebook.record.models import Department, HistoryEntry
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.timescales import UNITS
from casebook.record.unit_of_work import UnitOfWork
from casebook.web.deps import CurrentUser, DbSession, csrf_protect, requires
from casebook.web.forms import FormErrors, FormFields, RecordId, labelled_message, read_date
from casebook.web.templating import render

router = APIRouter()

#: Rows a worklist page shows at once (the CSV has them all).
PAGE_SIZE = 100
#: Dates the briefing accepts (beyond them a date is a typing mistake).
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
#: A head of service's choice of every team of their service at once.
ALL_TEAMS = "all"
#: Worklists computed lately, by user, scope, day and the record's latest history
#: entry (every change through the record services adds one): sorting, filtering,
#: paging and downloading the same list do not compute it again.
CACHE_SIZE, CACHE_SECONDS = 128, 60.0
_cache: OrderedDict[tuple, tuple[float, worklists.Worklist]] = OrderedDict()
_cache_lock = threading.Lock()
REASON_LABELS = {"CHANGE": "Change of worker", "LEFT": "Worker left", "TRANSFER": "Transfer"}


def _query_fields(request: Request) -> dict[str, str]:
    """The query string's values as typed (less any NUL characters)."""
    return {k: v.replace("\x00", "") for k, v in request.query_params.items()}


QueryFields = Annotated[dict[str, str], Depends(_query_fields)]


# --------------------------------------------------------------------------- shared reads


@dataclass
class TeamScope:
    """Which team(s) a "my team" list covers, and the teams the user may choose from."""

    team_ids: Select | list[str]
    label: str
    team_id: str | None  # one team (allocation is possible), or None for a whole service
    choices: list[tuple[str, str]] = field(default_factory=list)
    param: str | None = None  # the ``team`` query value that chose it (a head of service's)


def team_scope(db: Session, user: User, team: str | None) -> TeamScope:
    """The user's team; for a head of service, the chosen team of their service (or all)."""
    team = (team or "").strip() or None
    if user.role is Role.HEAD_OF_SERVICE:
        if not user.service_id:
            return TeamScope([], "no service", None)
        choices = [
            (tid, name or tid)
            for tid, name in db.execute(
                select(Department.dept_team_id, Department.dept_team_name)
                .where(
                    Department.dept_team_id.in_(teams_below(user.service_id)),
                    Department.cb_status == ACTIVE,
                )
                .order_by(Department.dept_team_name, Department.dept_team_id)
            )
        ]
        if team is None:  # a service is big: choose a team, or ask for them all
            return TeamScope([], "choose a team of your service", None, choices)
        if team == ALL_TEAMS:
            return TeamScope(
                teams_below(user.service_id),
                "every team in your service",
                None,
                choices,
                ALL_TEAMS,
            )
        names = dict(choices)
        if team not in names:
            raise Forbidden("That team is not in your service.")
        return TeamScope([team], names[team], team, choices, team)
    if not user.team_id:
        return TeamScope([], "no team", None)
    if team is not None and team != user.team_id:
        raise Forbidden("You can see your own team's worklist only.")
    department = db.get(Department, user.team_id)
    name = department.dept_team_name if department and department.dept_team_name else user.team_id
    return TeamScope([user.team_id], name, user.team_id)


@dataclass
class ListQuery:
    """A worklist's sort, filters and page, read from the query string."""

    sort: str | None = None
    kind: str | None = None
    worker: str | None = None
    overdue_only: bool = False
    page: int = 1

    @classmethod
    def read(cls, values: Mapping[str, str]) -> ListQuery:
        sort = values.get("sort") or None
        kind = values.get("type") or None
        try:
            page = max(1, min(int(values.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        return cls(
            sort=sort if worklists.parse_sort(sort)[0] else None,
            kind=kind if kind in worklists.KINDS else None,
            worker=(values.get("worker") or "").strip()[:100] or None,
            overdue_only=values.get("overdue") in ("1", "yes", "on", "true"),
            page=page,
        )

    def params(self, **changes) -> dict[str, str]:
        """The query as a query string's parameters, with ``changes``."""
        found = {
            "sort": self.sort or "",
            "type": self.kind or "",
            "worker": self.worker or "",
            "overdue": "1" if self.overdue_only else "",
        }
        found.update({k: "" if v is None else str(v) for k, v in changes.items()})
        return {k: v for k, v in found.items() if v}

    def apply(self, rows: list[worklists.WorklistRow]) -> list[worklists.WorklistRow]:
        chosen = worklists.filter_rows(
            rows, kind=self.kind, worker=self.worker, overdue_only=self.overdue_only
        )
        return worklists.sort_rows(chosen, self.sort)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _cached(
    db: Session, key: tuple, compute: Callable[[], worklists.Worklist]
) -> worklists.Worklist:
    """``compute()``, or its answer for the same key while the record has not changed."""
    stamp = db.scalar(select(func.max(HistoryEntry.id)))
    full = (*key, stamp)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(full)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            _cache.move_to_end(full)
            return hit[1]
    found = compute()
    with _cache_lock:
        _cache[full] = (now, found)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def my_worklist(db: Session, user: User, on: date) -> worklists.Worklist:
    """The children allocated to the signed-in worker that they may see."""
    if not user.professional_id:
        return worklists.Worklist(on, [], [])
    return _cached(
        db,
        (user.username, "mine", user.professional_id, on),
        lambda: worklists.worklist(
            db, on, visible_children(user, on), worker_id=user.professional_id
        ),
    )


def team_worklist(db: Session, user: User, scope: TeamScope, on: date) -> worklists.Worklist:
    """The team's children (and the unallocated children it holds) that the user may see."""
    if isinstance(scope.team_ids, list) and not scope.team_ids:
        return worklists.Worklist(on, [], [])
    return _cached(
        db,
        (user.username, "team", scope.team_id or scope.label, on),
        lambda: worklists.worklist(db, on, visible_children(user, on), team_ids=scope.team_ids),
    )


def log_list(db: Session, user: User, what: str, person_ids: list[str], export: bool) -> None:
    """Log that ``user`` was shown (or downloaded) these children: how many and their ids."""
    ids = list(dict.fromkeys(person_ids))
    count = f"{len(ids)} child{'' if len(ids) == 1 else 'ren'}"
    log.log_access(
        db,
        user.username,
        log.EXPORT if export else log.SEARCH,
        detail=f"{what}: {count}" + (f": {', '.join(ids)}" if ids else ""),
    )


def csv_response(body: str, filename: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --------------------------------------------------------------------------- worklist pages


def _worklist_page(
    request: Request,
    db: Session,
    user: User,
    values: Mapping[str, str],
    *,
    scope_name: str,
    errors: FormErrors | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    today = date.today()
    query = ListQuery.read(values)
    team: TeamScope | None = None
    if scope_name == "team":
        team = team_scope(db, user, values.get("team"))
        found = team_worklist(db, user, team, today)
        what = f"worklist team {team.team_id or 'service'}"
    else:
        found = my_worklist(db, user, today)
        what = "worklist my children"
    rows = query.apply(found.rows)
    if values.get("format") == "csv":
        log_list(db, user, what, [r.person_id for r in rows], export=True)
        return csv_response(worklists.to_csv(rows), f"worklist-{scope_name}-{today}.csv")
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(query.page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    log_list(db, user, what, [r.person_id for r in shown], export=False)
    can_allocate = team is not None and team.team_id is not None and allowed(user, Action.OVERSEE)
    base = {"team": team.param} if team and team.param else {}
    first_rows: set[int] = set()
    seen: set[str] = set()
    for i, row in enumerate(shown):
        if row.person_id not in seen:
            seen.add(row.person_id)
            first_rows.add(i)
    return render(
        request,
        "worklists/worklist.html",
        {
            "title": "My team's worklist" if team else "My children",
            "scope_name": scope_name,
            "path": f"/worklists/{scope_name}",
            "team": team,
            "worklist": found,
            "rows": shown,
            "total": len(rows),
            "counts": found.counts(),
            "kinds": worklists.KINDS,
            "workers": found.workers(),
            "query": query,
            "base": base,
            "link": lambda **changes: "?" + urlencode({**base, **query.params(**changes)}),
            "page": page,
            "pages": pages,
            "can_allocate": can_allocate,
            "team_workers": team_workers(db, team.team_id, today) if can_allocate else [],
            "reasons": [(r, REASON_LABELS.get(r, r)) for r in CHANGE_REASONS],
            "first_rows": first_rows,
            "errors": errors or FormErrors(),
            "message": message,
            "success": _allocated_message(values, found),
            "values": values,
        },
        status_code=status,
    )


def _allocated_message(values: Mapping[str, str], found: worklists.Worklist) -> str | None:
    """After an allocation, name the child (one on this list, never any text sent)."""
    child = values.get("allocated")
    return f"Child {child} allocated." if child and child in found.children else None


@router.get("/worklists", dependencies=[Depends(requires(Action.WORKLISTS))])
def worklists_home(user: CurrentUser) -> Response:
    """Managers start from their team's list, workers from their own children."""
    mine = user.professional_id or not allowed(user, Action.OVERSEE)
    return RedirectResponse("/worklists/mine" if mine else "/worklists/team", status_code=303)


@router.get("/worklists/mine", dependencies=[Depends(requires(Action.WORKLISTS))])
def my_children(
    request: Request, db: DbSession, user: CurrentUser, values: QueryFields
) -> Response:
    return _worklist_page(request, db, user, values, scope_name="mine")


@router.get("/worklists/team", dependencies=[Depends(requires(Action.WORKLISTS))])
def my_team(request: Request, db: DbSession, user: CurrentUser, values: QueryFields) -> Response:
    return _worklist_page(request, db, user, values, scope_name="team")


def read_versions(raw: str) -> dict[str, int] | None:
    """``id:version,id:version`` as the form sends the open involvements (None if malformed)."""
    found: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        key, _, version = part.rpartition(":")
        if not key or not version.isdigit():
            return None
        found[key] = int(version)
    return found


def allocate_child(
    db: Session,
    user: User,
    *,
    person_id: str,
    professional_id: str,
    reason: str,
    team: str | None,
    expected_versions: dict[str, int] | None,
    path: str,
):
    """Allocate a child the user may see to a worker of the user's team; logged as an edit.

    Raises Forbidden when the child is not in the user's scope, Invalid naming the
    field when the worker is not in the team, Conflict when the allocation moved on.
    """
    scope = team_scope(db, user, team)
    if scope.team_id is None:
        message = "choose the team to allocate in" if scope.choices else "you have no team"
        raise Invalid([Problem("team", message)])
    today = date.today()
    if person_id:
        ok = can_see_child(db, user, person_id, today)
        log.log_access(
            db,
            user.username,
            "edit" if ok else log.REFUSED,
            person_id=person_id,
            detail=path,
            allowed=ok,
        )
        if not ok:
            raise Forbidden("You do not have access to this child's record.")
    return allocate(
        UnitOfWork(session=db),
        person_id=person_id,
        professional_id=professional_id,
        team_id=scope.team_id,
        on=today,
        actor=Actor(user.username),
        reason=reason,
        expected_versions=expected_versions,
    )


ALLOCATION_LABELS = {
    "person_id": "Child",
    "professional_id": "Worker",
    "reason": "Reason for the change",
    "team": "Team",
}


@router.post(
    "/worklists/team/allocate",
    dependencies=[Depends(requires(Action.OVERSEE)), Depends(csrf_protect)],
)
def allocate_page(request: Request, db: DbSession, user: CurrentUser, form: FormFields) -> Response:
    person_id = form.get("person_id", "").strip()
    professional_id = form.get("professional_id", "").strip()
    reason = form.get("reason", "").strip() or "CHANGE"
    team = form.get("team", "").strip() or None
    values = {"team": team} if team else {}
    target = f"worker-{person_id}"
    errors = FormErrors()
    if not person_id:
        errors.add("main-content", "The form was incomplete: reload the worklist and try again")
    elif not professional_id:
        errors.add(target, "Choose the worker to allocate the child to")
    versions = read_versions(form.get("versions", ""))
    if versions is None:
        errors.add(target, "The form was incomplete: reload the worklist and try again")
    if not errors:
        try:
            allocate_child(
                db,
                user,
                person_id=person_id,
                professional_id=professional_id,
                reason=reason,
                team=team,
                expected_versions=versions,
                path=request.url.path,
            )
        except Invalid as exc:
            for problem in exc.problems:
                key = target if problem.field in ("professional_id", "reason") else "main-content"
                errors.add(key, labelled_message(ALLOCATION_LABELS.get(problem.field), problem))
        except NotFound as exc:
            errors.add("main-content", str(exc))
        except Conflict as exc:
            return _worklist_page(
                request, db, user, values, scope_name="team", message=str(exc), status=409
            )
        else:
            return RedirectResponse(
                "/worklists/team?" + urlencode({**values, "allocated": person_id}),
                status_code=303,
            )
    return _worklist_page(request, db, user, values, scope_name="team", errors=errors, status=422)


# --------------------------------------------------------------------------- missing briefing


def read_briefing_date(values: Mapping[str, str], errors: FormErrors) -> date:
    """The briefing's date: ``date=YYYY-MM-DD`` or the three date fields; today if neither."""
    raw = values.get("date", "").strip()
    if raw:
        try:
            chosen = date.fromisoformat(raw)
        except ValueError:
            errors.add("date", "Date must be a real date, like 2025-03-27")
            return date.today()
    else:
        chosen = read_date(values, "date", "Date", errors, required=False) or date.today()
    if not EARLIEST <= chosen <= LATEST:
        errors.add("date", f"Date must be between {EARLIEST.year} and {LATEST.year}")
        return date.today()
    return chosen


def briefing_for(db: Session, user: User, on: date) -> missing_briefing.Briefing:
    """The briefing for ``on``, of the children the user may see (today's scope)."""
    return missing_briefing.missing_briefing(db, on, visible_children(user, date.today()))


@router.get("/missing-briefing", dependencies=[Depends(requires(Action.WORKLISTS))])
def briefing_page(
    request: Request, db: DbSession, user: CurrentUser, values: QueryFields
) -> Response:
    errors = FormErrors()
    on = read_briefing_date(values, errors)
    if errors:
        return render(
            request,
            "worklists/missing_briefing.html",
            {"title": "Missing briefing", "briefing": None, "errors": errors, "values": values},
            status_code=422,
        )
    briefing = briefing_for(db, user, on)
    ids = [r.person_id for r in briefing.rows]
    if values.get("format") == "csv":
        log_list(db, user, f"missing briefing {on}", ids, export=True)
        return csv_response(missing_briefing.to_csv(briefing.rows), f"missing-briefing-{on}.csv")
    log_list(db, user, f"missing briefing {on}", ids, export=False)
    form_values = {
        "date-day": str(on.day),
        "date-month": str(on.month),
        "date-year": str(on.year),
    }
    return render(
        request,
        "worklists/missing_briefing.html",
        {
            "title": "Missing briefing",
            "briefing": briefing,
            "errors": errors,
            "values": form_values,
            "csv_link": "?" + urlencode({"date": on.isoformat(), "format": "csv"}),
        },
    )


# --------------------------------------------------------------------------- local standards


def _standard_or_404(db: Session, key: str) -> local_standards.Standard:
    found = local_standards.standard(db, key)
    if found is None or not found.settable:
        raise NotFound(f"there is no timescale called {key!r} that can be set")
    return found


@router.get("/settings/local-standards", dependencies=[Depends(requires(Action.MANAGE_SETTINGS))])
def standards_page(request: Request, db: DbSession, values: QueryFields) -> Response:
    changed = values.get("changed")
    found = local_standards.standards(db)
    changed_row = next((s for s in found if s.key == changed), None)
    return render(
        request,
        "worklists/local_standards.html",
        {
            "title": "Local standards",
            "visits": [s for s in found if s.visit],
            "local": [s for s in found if not s.visit and s.kind == "local"],
            "statutory": [s for s in found if not s.visit and s.kind != "local"],
            "changed": changed_row,
        },
    )


def _standard_page(
    request: Request,
    db: Session,
    key: str,
    values: Mapping[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    found = _standard_or_404(db, key)
    return render(
        request,
        "worklists/local_standard.html",
        {
            "title": f"Change: {found.title}",
            "standard": found,
            "history": local_standards.standard_history(db, key),
            "units": [(u, local_standards.UNIT_LABELS[u]) for u in UNITS],
            "values": values or {"amount": str(found.amount), "unit": found.unit},
            "errors": errors or FormErrors(),
        },
        status_code=status,
    )


@router.get(
    "/settings/local-standards/{key}", dependencies=[Depends(requires(Action.MANAGE_SETTINGS))]
)
def standard_page(request: Request, key: RecordId, db: DbSession) -> Response:
    return _standard_page(request, db, key)


def read_standard(form: Mapping[str, str], errors: FormErrors) -> tuple[int | None, str]:
    """The amount and unit of the settings form, with what is wrong with them."""
    raw = form.get("amount", "").strip()
    amount = None
    if not raw:
        errors.add("amount", "Enter how long the timescale is")
    elif not raw.isdigit() or len(raw) > 4:
        errors.add("amount", "Amount must be a whole number from 0 to 9999")
    else:
        amount = int(raw)
    unit = form.get("unit", "").strip()
    if unit not in UNITS:
        errors.add("unit", "Select the unit: working days, days, weeks, months or hours")
    return amount, unit


@router.post(
    "/settings/local-standards/{key}",
    dependencies=[Depends(requires(Action.MANAGE_SETTINGS)), Depends(csrf_protect)],
)
def change_standard(
    request: Request, key: RecordId, db: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    _standard_or_404(db, key)
    errors = FormErrors()
    amount, unit = read_standard(form, errors)
    if not errors and amount is not None:
        try:
            local_standards.set_local_standard(
                UnitOfWork(session=db), key, amount, unit, Actor(user.username)
            )
        except Invalid as exc:
            for problem in exc.problems:
                where = problem.field if problem.field in ("amount", "unit") else "amount"
                errors.add(where, labelled_message(problem.field.capitalize(), problem))
        except Conflict as exc:
            errors.add("amount", str(exc))
        else:
            return RedirectResponse(f"/settings/local-standards?changed={key}", status_code=303)
    return _standard_page(request, db, key, form, errors, 422)
