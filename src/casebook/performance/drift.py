"""Drift: the children whose work has stalled, as the papers watch them.

- assessments open past their timescale (``assessment`` in the registry: 45
  working days by default);
- visits out of date and reviews out of date (the open overdue items of the
  timescales, read through ``due_for_many`` so worklists, the child's record
  and this list agree);
- CIN and CP plans open longer than the drift markers (``cin_plan_drift`` and
  ``cp_plan_drift`` in the timescale registry: 24 months by default);
- children open to social care (a referral, CP plan or period of care open)
  with no allocated worker.

Each check gives :class:`DriftRow` s for the whole authority; the screens count
them for anyone with aggregate access and list only the children a user may
see (:func:`visible_ids`). The counts are kept 10 minutes (:func:`cached_counts`);
the visit and review checks read the timescales only of the children open to
social care who have a CP plan, CIN plan or period of care open, or are care
leavers: no one else can have a visit or review overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from casebook.access.policy import User, visible_children
from casebook.performance.trends import _Cache
from casebook.record.calendar import WorkingCalendar
from casebook.record.models import (
    CareLeaver,
    CinAssessment,
    CinEpisode,
    CinPlan,
    ClaEpisode,
    CpPlan,
    Person,
)
from casebook.record.models.base import ACTIVE
from casebook.record.models.workforce import Involvement
from casebook.record.periods import open_on
from casebook.record.timescales import due_for_many
from casebook.record.timescales.registry import Timescale, due_date, load_timescales

CHUNK = 900
#: Children whose timescales are read together (bounds the memory of the snapshots).
BATCH = 2000
#: How long the drift counts are kept (the lists behind them are always read afresh).
COUNTS_SECONDS = 600
VISIT_KEYS = frozenset(
    {"cp_visit", "cin_visit", "cla_visit", "cla_visit_long_term", "cla_visit_new_placement"}
)
REVIEW_KEYS = frozenset(
    {
        "cp_first_review",
        "cp_review",
        "cla_first_review",
        "cla_second_review",
        "cla_review",
        "pathway_plan_review",
    }
)


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    description: str


CHECKS = (
    Check("assessments", "Assessments past their timescale",
          "Open assessments not authorised by their due date."),
    Check("visits", "Visits out of date",
          "Children whose CP, CIN or looked-after visit is overdue."),
    Check("reviews", "Reviews out of date",
          "Children whose CP, looked-after or pathway plan review is overdue."),
    Check("cin_plans", "CIN plans open too long", "Open child in need plans past the drift limit."),
    Check("cp_plans", "CP plans open too long", "Open CP plans past the drift limit."),
    Check("unallocated", "Unallocated children",
          "Children open to social care with no allocated worker."),
)  # fmt: skip
CHECK_KEYS = {c.key: c for c in CHECKS}


@dataclass(frozen=True)
class DriftRow:
    person_id: str
    record_id: str | None
    since: date | None  # when the clock started (plan start, assessment start...)
    due: date | None  # when it fell due
    detail: str
    key: str = ""  # the timescale behind it, for overdue items


def _threshold_lower_bound(ts: Timescale) -> timedelta:
    """The least number of calendar days the timescale can span (to narrow the SQL)."""
    per = {"working_days": 1, "days": 1, "weeks": 7, "months": 28, "hours": 0}[ts.unit]
    return timedelta(days=ts.amount * per)


def assessments_overdue(session: Session, on: date) -> list[DriftRow]:
    timescales = load_timescales(session)
    ts = timescales["assessment"]
    calendar = WorkingCalendar.from_session(session)
    latest_start = on - _threshold_lower_bound(ts)
    rows = session.execute(
        select(
            CinAssessment.cina_person_id,
            CinAssessment.cina_assessment_id,
            CinAssessment.cina_assessment_start_date,
        )
        .where(
            CinAssessment.cb_status == ACTIVE,
            CinAssessment.cina_assessment_auth_date.is_(None),
            CinAssessment.cina_assessment_start_date.is_not(None),
            CinAssessment.cina_assessment_start_date <= latest_start,
        )
        .order_by(CinAssessment.cina_assessment_start_date, CinAssessment.cina_assessment_id)
    ).all()
    found = []
    for person_id, record_id, start in rows:
        due = due_date(ts, start, calendar)
        if due < on and person_id:
            found.append(
                DriftRow(person_id, record_id, start, due, f"Assessment started {start:%-d %b %Y}")
            )
    return found


def _plans_too_long(session: Session, on: date, key: str, model, pid, rid, start, end, what: str):
    ts = load_timescales(session)[key]
    calendar = WorkingCalendar.from_session(session)
    rows = session.execute(
        select(pid, rid, start)
        .where(
            model.cb_status == ACTIVE,
            open_on(start, end, on),
            start <= on - _threshold_lower_bound(ts),
        )
        .order_by(start, rid)
    ).all()
    found = []
    for person_id, record_id, began in rows:
        due = due_date(ts, began, calendar)
        if due <= on and person_id:
            years = (on - began).days / 365.25
            found.append(
                DriftRow(
                    person_id,
                    record_id,
                    began,
                    due,
                    f"{what} since {began:%-d %b %Y} ({years:.1f} years)",
                )
            )
    return found


def cin_plans_too_long(session: Session, on: date) -> list[DriftRow]:
    return _plans_too_long(
        session, on, "cin_plan_drift", CinPlan, CinPlan.cinp_person_id, CinPlan.cinp_cin_plan_id,
        CinPlan.cinp_cin_plan_start_date, CinPlan.cinp_cin_plan_end_date, "CIN plan",
    )  # fmt: skip


def cp_plans_too_long(session: Session, on: date) -> list[DriftRow]:
    return _plans_too_long(
        session, on, "cp_plan_drift", CpPlan, CpPlan.cppl_person_id, CpPlan.cppl_cp_plan_id,
        CpPlan.cppl_cp_plan_start_date, CpPlan.cppl_cp_plan_end_date, "CP plan",
    )  # fmt: skip


def _open_case_condition(on: date):
    """SQL on Person: open to social care on ``on`` (referral, CP plan or period of care)."""
    return or_(
        exists().where(
            CinEpisode.cine_person_id == Person.pers_person_id,
            CinEpisode.cb_status == ACTIVE,
            open_on(CinEpisode.cine_referral_date, CinEpisode.cine_close_date, on),
        ),
        exists().where(
            CpPlan.cppl_person_id == Person.pers_person_id,
            CpPlan.cb_status == ACTIVE,
            open_on(CpPlan.cppl_cp_plan_start_date, CpPlan.cppl_cp_plan_end_date, on),
        ),
        exists().where(
            ClaEpisode.clae_person_id == Person.pers_person_id,
            ClaEpisode.cb_status == ACTIVE,
            open_on(
                ClaEpisode.clae_cla_episode_start_date, ClaEpisode.clae_cla_episode_ceased_date, on
            ),
        ),
    )


def _open_children(session: Session, on: date) -> list[str]:
    return list(
        session.scalars(
            select(Person.pers_person_id)
            .where(
                Person.cb_person_type == "child",
                Person.cb_status == ACTIVE,
                _open_case_condition(on),
            )
            .order_by(Person.pers_person_id)
        )
    )


def _can_be_overdue_condition(on: date):
    """SQL on Person: the child can have a visit or review open on ``on``.

    Visits and reviews run only while a CP plan, CIN plan or period of care is open
    (a clock whose plan has ended is met or missed, never overdue), or for a care
    leaver (pathway plan reviews). Children open to social care without any of
    these (a referral still being assessed) have nothing of the kind to be late
    with, so their timescales need not be read at all.
    """
    return or_(
        exists().where(
            CpPlan.cppl_person_id == Person.pers_person_id,
            CpPlan.cb_status == ACTIVE,
            open_on(CpPlan.cppl_cp_plan_start_date, CpPlan.cppl_cp_plan_end_date, on),
        ),
        exists().where(
            CinPlan.cinp_person_id == Person.pers_person_id,
            CinPlan.cb_status == ACTIVE,
            open_on(CinPlan.cinp_cin_plan_start_date, CinPlan.cinp_cin_plan_end_date, on),
        ),
        exists().where(
            ClaEpisode.clae_person_id == Person.pers_person_id,
            ClaEpisode.cb_status == ACTIVE,
            open_on(
                ClaEpisode.clae_cla_episode_start_date, ClaEpisode.clae_cla_episode_ceased_date, on
            ),
        ),
        exists().where(
            CareLeaver.clea_person_id == Person.pers_person_id,
            CareLeaver.cb_status == ACTIVE,
        ),
    )


def _children_with_visits_or_reviews(session: Session, on: date) -> list[str]:
    """The children open to social care (:func:`_open_children`) who can have a visit
    or review overdue (:func:`_can_be_overdue_condition`)."""
    return list(
        session.scalars(
            select(Person.pers_person_id)
            .where(
                Person.cb_person_type == "child",
                Person.cb_status == ACTIVE,
                _open_case_condition(on),
                _can_be_overdue_condition(on),
            )
            .order_by(Person.pers_person_id)
        )
    )


def unallocated(session: Session, on: date) -> list[DriftRow]:
    allocated = exists().where(
        Involvement.invo_person_id == Person.pers_person_id,
        Involvement.cb_status == ACTIVE,
        Involvement.invo_professional_id.is_not(None),
        open_on(Involvement.invo_involvement_start_date, Involvement.invo_involvement_end_date, on),
    )
    ids = session.scalars(
        select(Person.pers_person_id)
        .where(
            Person.cb_person_type == "child",
            Person.cb_status == ACTIVE,
            _open_case_condition(on),
            ~allocated,
        )
        .order_by(Person.pers_person_id)
    )
    detail = "Open to social care, no allocated worker"
    return [DriftRow(pid, None, None, None, detail) for pid in ids]


def overdue_items(session: Session, on: date, keys: frozenset[str]) -> list[DriftRow]:
    """Children with an open, overdue item of the timescales among ``keys``."""
    found = []
    wanted = _open_children(session, on)
    if keys <= VISIT_KEYS | REVIEW_KEYS:
        wanted = _children_with_visits_or_reviews(session, on)
    for at in range(0, len(wanted), BATCH):  # a batch's snapshots at a time, not everyone's
        due = due_for_many(session, wanted[at : at + BATCH], on)
        for person_id in sorted(due):
            for item in due[person_id]:
                if item.key in keys and item.status == "overdue":
                    found.append(
                        DriftRow(person_id, item.ref, item.start, item.due, item.label, item.key)
                    )
    return found


def rows_for(session: Session, key: str, on: date) -> list[DriftRow]:
    """The authority's rows for one check (KeyError for an unknown check)."""
    check = CHECK_KEYS[key]
    if check.key == "assessments":
        return assessments_overdue(session, on)
    if check.key == "visits":
        return overdue_items(session, on, VISIT_KEYS)
    if check.key == "reviews":
        return overdue_items(session, on, REVIEW_KEYS)
    if check.key == "cin_plans":
        return cin_plans_too_long(session, on)
    if check.key == "cp_plans":
        return cp_plans_too_long(session, on)
    return unallocated(session, on)


def counts(session: Session, on: date) -> dict[str, int]:
    """How many children each check finds across the authority (the timescales read once)."""
    overdue = overdue_items(session, on, VISIT_KEYS | REVIEW_KEYS)
    found = {
        "visits": {r.person_id for r in overdue if r.key in VISIT_KEYS},
        "reviews": {r.person_id for r in overdue if r.key in REVIEW_KEYS},
    }
    for check in CHECKS:
        if check.key not in found:
            found[check.key] = {r.person_id for r in rows_for(session, check.key, on)}
    return {c.key: len(found[c.key]) for c in CHECKS}


#: The counts for a few minutes per database and day, as the scorecard's figures are
#: kept (``trends.CACHE``): reading every open child's timescales takes seconds.
COUNTS_CACHE = _Cache(seconds=COUNTS_SECONDS)


def cached_counts(session: Session, on: date, cache_key: object) -> dict[str, int]:
    """:func:`counts`, kept :data:`COUNTS_SECONDS` under (``cache_key``, ``on``)."""
    key = (cache_key, on)
    found = COUNTS_CACHE.get(key)
    if found is None:
        found = counts(session, on)
        COUNTS_CACHE.put(key, found)
    return dict(found)


def visible_ids(session: Session, user: User, ids: Iterable[str], on: date) -> set[str]:
    """Which of ``ids`` this user may see (the access policy's one condition)."""
    wanted = sorted(set(ids))
    seen: set[str] = set()
    condition = visible_children(user, on)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        seen.update(
            session.scalars(
                select(Person.pers_person_id).where(Person.pers_person_id.in_(chunk), condition)
            )
        )
    return seen


def names(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """Children's names by id, for lists."""
    found: dict[str, str] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for pid, fore, sur in session.execute(
            select(Person.pers_person_id, Person.pers_forename, Person.pers_surname).where(
                Person.pers_person_id.in_(chunk)
            )
        ):
            found[pid] = " ".join(p for p in (fore, sur) if p)
    return found
