"""The KPI catalogue: every measure of ``kpis.md``, each declared once.

A :class:`Measure` holds what the measure is (id, title, definition, unit,
which way is better, period or as-at, what the numerator and denominator
count) and one function that, given a :class:`Context` (a source and a
period), returns the :class:`~casebook.performance.rows.ChildRow` list behind
the figure. The engine's :func:`~casebook.performance.engine.aggregate` turns
those rows into the figure, so the number and the list of children behind it
can never disagree.

How a measure is written: SQLAlchemy Core over the SSD tables (the source's
selectables, SSD columns only) selects the candidate rows with plain
comparisons against the period's dates, which every engine evaluates alike;
the per-row judgements that need date arithmetic (working days over the bank
holidays, calendar months, ages) are made in Python over those rows, with the
record's own :class:`~casebook.record.calendar.WorkingCalendar` and
``add_months``. SQLite, PostgreSQL and DuckDB therefore give the same rows and
the same answers.

Conventions (documented in ``docs/kpis.md`` and tested):

- a plan, episode or allocation is *open at* a date when it started on or
  before it and has no end or ends after it; one ending on the as-at date
  counts as ended in the period, not open at its end;
- "within 12 months" of an earlier date includes the same day 12 calendar
  months on; "2 years or more" is 24 calendar months to the day or longer;
- a child is a child until the day before their 18th birthday; as-at counts
  and the population (the per-10,000 base) count only children aged 0-17;
- timescales are the national defaults of ``record/timescales/registry.py``
  (an SSD extract carries no local settings);
- a row's team and worker are the ones the SSD records on the row (referral,
  assessment, conference, plan) and otherwise the child's allocation open at
  the period end (``ssd_involvements``, not IRO); the locality is the team's
  parent department.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

from sqlalchemy import and_, func, or_, select

from casebook.performance.rows import ChildRow, Period
from casebook.performance.sources import Source
from casebook.record.calendar import WorkingCalendar, add_months


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    RATE = "rate per 10,000"
    DAYS = "days"
    PER_WORKER = "children per FTE"


class Kind(StrEnum):
    PERIOD = "period"
    AS_AT = "as-at"


HIGHER, LOWER = "higher", "lower"

RowsFn = Callable[["Context"], list[ChildRow] | None]


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    definition: str
    unit: Unit
    better: str | None
    kind: Kind
    numerator: str
    denominator: str | None
    compute_rows: RowsFn = field(repr=False, compare=False)
    note: str = ""

    def rows(self, context: Context) -> list[ChildRow] | None:
        """The rows behind the figure, or None when the source lacks the data."""
        if self.id not in context.cache:
            context.cache[self.id] = self.compute_rows(context)
        return context.cache[self.id]


CATALOGUE: list[Measure] = []
_BY_ID: dict[str, Measure] = {}


def measure_by_id(measure_id: str) -> Measure:
    try:
        return _BY_ID[measure_id]
    except KeyError:
        raise KeyError(f"there is no measure {measure_id!r}") from None


def measure(
    id: str,
    title: str,
    definition: str,
    unit: Unit,
    better: str | None,
    kind: Kind,
    numerator: str,
    denominator: str | None = None,
    note: str = "",
) -> Callable[[RowsFn], RowsFn]:
    """Declare a measure: the decorated function returns its rows."""

    def declare(fn: RowsFn) -> RowsFn:
        if id in _BY_ID:
            raise ValueError(f"measure {id} declared twice")
        m = Measure(id, title, definition, unit, better, kind, numerator, denominator, fn, note)
        CATALOGUE.append(m)
        _BY_ID[id] = m
        return fn

    return declare


# --------------------------------------------------------------------------- context


def age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def is_child(dob: date | None, on: date) -> bool:
    years = age(dob, on)
    return years is not None and 0 <= years < 18


def open_at(start: date | None, end: date | None, on: date) -> bool:
    return start is not None and start <= on and (end is None or end > on)


class Context:
    """One source and one period, with what many measures share, worked out once."""

    def __init__(self, source: Source, period: Period, population: int | None = None) -> None:
        self.source = source
        self.period = period
        self.cache: dict[str, Any] = {}
        if population is not None:
            self.population = population  # the administrator's figure wins over the count

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end

    @property
    def year_before(self) -> date:
        """The first day of the 12 months ending on the as-at date (the period end).

        As-at measures that look back ("placements in the year", "reviews all in
        time") look back over these 12 months whatever the period's start, so the
        same as-at date gives the same figure for a year, a quarter or a month.
        """
        return add_months(self.end, -12) + timedelta(days=1)

    @property
    def cal(self) -> WorkingCalendar:
        return self.source.calendar

    def t(self, name: str):
        return self.source.table(f"ssd_{name}")

    def rows(self, query) -> list[dict[str, Any]]:
        return self.source.rows(query)

    def shared(self, key: str, make: Callable[[], Any]) -> Any:
        """What several measures use (the children looked after, the plans), made once."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def with_dob(self, query, person_column):
        """``query`` with the person's date of birth as ``dob`` (None for an adult)."""
        p = self.t("person")
        froms = query.get_final_froms()
        joined = froms[0].outerjoin(p, p.c.pers_person_id == person_column)
        return query.add_columns(p.c.pers_dob.label("dob")).select_from(joined)

    @cached_property
    def population(self) -> int:
        """Children aged 0-17 on the period end, alive: the per-10,000 base.

        Counted from ``ssd_person`` (the synthetic city holds every child in it);
        an authority whose record holds only the children known to it passes its
        published population to the engine instead (``population=``).
        """
        p = self.t("person")
        query = select(func.count().label("n")).where(
            p.c.pers_dob <= self.end,
            p.c.pers_dob > add_months(self.end, -12 * 18),
            or_(p.c.pers_death_date.is_(None), p.c.pers_death_date > self.end),
        )
        return int(self.rows(query)[0]["n"])

    @cached_property
    def parent(self) -> dict[str, str | None]:
        d = self.t("department")
        return {
            r["id"]: r["parent"]
            for r in self.rows(
                select(d.c.dept_team_id.label("id"), d.c.dept_team_parent_id.label("parent"))
            )
        }

    @cached_property
    def allocation(self) -> dict[str, tuple[str | None, str | None]]:
        """Each child's (team, worker) open at the period end (latest start; IROs aside)."""
        i = self.t("involvements")
        query = select(
            i.c.invo_person_id.label("person"),
            i.c.invo_professional_team.label("team"),
            i.c.invo_professional_id.label("worker"),
            i.c.invo_professional_role_id.label("role"),
            i.c.invo_involvement_start_date.label("start"),
            i.c.invo_involvements_id.label("id"),
        ).where(
            i.c.invo_involvement_start_date <= self.end,
            or_(i.c.invo_involvement_end_date.is_(None), i.c.invo_involvement_end_date > self.end),
        )
        best: dict[str, tuple] = {}
        for r in self.rows(query):
            if "reviewing" in (r["role"] or "").lower():
                continue
            key = (r["start"], r["id"])
            if r["person"] not in best or key > best[r["person"]][0]:
                best[r["person"]] = (key, r["team"], r["worker"])
        return {p: (team, worker) for p, (_, team, worker) in best.items()}

    def row(
        self,
        person_id: str | None,
        record_id: str | None,
        in_denominator: bool,
        in_numerator: bool,
        value: float | None = None,
        detail: str = "",
        team: str | None = None,
        worker: str | None = None,
    ) -> ChildRow:
        if team is None and worker is None and person_id is not None:
            team, worker = self.allocation.get(person_id, (None, None))
        locality = self.parent.get(team) if team is not None else None
        return ChildRow(
            person_id,
            record_id,
            team,
            worker,
            locality,
            in_denominator,
            in_numerator,
            value,
            detail,
        )

    def working_days(self, start: date, end: date) -> int:
        return self.cal.working_days_between(start, end)


def _in(column, start: date, end: date):
    return and_(column >= start, column <= end)


def _open(start_col, end_col, on: date):
    return and_(start_col <= on, or_(end_col.is_(None), end_col > on))


def _keep_latest(out: dict[str, dict], r: dict) -> None:
    """Keep in ``out`` each person's row with the latest (start, id)."""
    held = out.get(r["person"])
    if held is None or (r["start"], r["id"]) > (held["start"], held["id"]):
        out[r["person"]] = r


def _by_person(rows: Iterable[dict], key: str = "person") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _decision(outcome_json: str | None) -> str | None:
    if not outcome_json:
        return None
    try:
        value = json.loads(outcome_json)
    except ValueError:
        return None
    return value.get("decision") if isinstance(value, dict) else None


# --------------------------------------------------------------------------- front door


@measure(
    "FD1",
    "Contacts received",
    "Contacts received by the front door in the period.",
    Unit.COUNT,
    None,
    Kind.PERIOD,
    "contacts dated in the period",
)
def fd1(c: Context) -> list[ChildRow]:
    t = c.t("contacts")
    q = select(
        t.c.cont_contact_id.label("id"),
        t.c.cont_person_id.label("person"),
        t.c.cont_contact_date.label("d"),
    ).where(_in(t.c.cont_contact_date, c.start, c.end))
    return [c.row(r["person"], r["id"], True, True, detail=f"contact {r['d']}") for r in c.rows(q)]


@measure(
    "FD2",
    "Contact decisions in time",
    "Contacts decided within 1 working day of receipt, of the contacts received in the period "
    "and decided. Needs Casebook's decision date (cb_decision_date), which the SSD does not "
    "hold: not available from an SSD extract.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "contacts decided within 1 working day",
    "contacts received in the period and decided",
    note="needs the contact decision date, which the SSD does not hold",
)
def fd2(c: Context) -> list[ChildRow] | None:
    t = c.source.casebook_table("ssd_contacts")
    if t is None:
        return None
    q = select(
        t.c.cont_contact_id.label("id"),
        t.c.cont_person_id.label("person"),
        t.c.cont_contact_date.label("d"),
        t.c.cb_decision_date.label("decided"),
    ).where(_in(t.c.cont_contact_date, c.start, c.end), t.c.cb_decision_date.is_not(None))
    out = []
    for r in c.rows(q):
        days = c.working_days(r["d"], r["decided"])
        out.append(
            c.row(r["person"], r["id"], True, days <= 1, days, f"decided in {days} working day(s)")
        )
    return out


@measure(
    "FD3",
    "Contacts to referral",
    "Contacts in the period whose outcome (cont_contact_outcome_json 'decision') is a referral to "
    "children's social care (REFERRAL, or STRATEGY: a strategy discussion is a referral too).",
    Unit.PERCENT,
    None,
    Kind.PERIOD,
    "contacts whose outcome is a referral",
    "contacts in the period",
)
def fd3(c: Context) -> list[ChildRow]:
    t = c.t("contacts")
    q = select(
        t.c.cont_contact_id.label("id"),
        t.c.cont_person_id.label("person"),
        t.c.cont_contact_outcome_json.label("o"),
    ).where(_in(t.c.cont_contact_date, c.start, c.end))
    out = []
    for r in c.rows(q):
        decision = _decision(r["o"])
        out.append(
            c.row(
                r["person"],
                r["id"],
                True,
                decision in ("REFERRAL", "STRATEGY"),
                detail=f"decision {decision or 'none'}",
            )
        )
    return out


# --------------------------------------------------------------------------- referrals


def _referrals(c: Context, since: date | None = None) -> list[dict]:
    t = c.t("cin_episodes")
    q = select(
        t.c.cine_referral_id.label("id"),
        t.c.cine_person_id.label("person"),
        t.c.cine_referral_date.label("d"),
        t.c.cine_referral_nfa.label("nfa"),
        t.c.cine_close_date.label("closed"),
        t.c.cine_referral_team.label("team"),
        t.c.cine_referral_worker_id.label("worker"),
    ).where(_in(t.c.cine_referral_date, since or c.start, c.end))
    return c.shared(f"referrals since {since or c.start}", lambda: c.rows(q))


@measure(
    "R1",
    "Referral rate",
    "Referrals received in the period per 10,000 children aged 0-17.",
    Unit.RATE,
    None,
    Kind.PERIOD,
    "referrals in the period",
    "children aged 0-17 at the period end",
)
def r1(c: Context) -> list[ChildRow]:
    return [
        c.row(r["person"], r["id"], True, True, team=r["team"], worker=r["worker"])
        for r in _referrals(c)
    ]


@measure(
    "R2",
    "Re-referrals",
    "Referrals in the period for a child with an earlier referral within 12 months before it "
    "(the same day 12 months earlier included).",
    Unit.PERCENT,
    LOWER,
    Kind.PERIOD,
    "referrals within 12 months of a previous referral",
    "referrals in the period",
)
def r2(c: Context) -> list[ChildRow]:
    every = _by_person(_referrals(c, since=add_months(c.start, -12)))
    out = []
    for person, refs in every.items():
        for r in refs:
            if r["d"] < c.start:
                continue
            window = add_months(r["d"], -12)
            earlier = [
                p
                for p in refs
                if p["id"] != r["id"] and window <= p["d"] and (p["d"], p["id"]) < (r["d"], r["id"])
            ]
            detail = (
                f"previous referral {max(p['d'] for p in earlier)}"
                if earlier
                else "no referral in the 12 months before"
            )
            out.append(
                c.row(
                    person,
                    r["id"],
                    True,
                    bool(earlier),
                    detail=detail,
                    team=r["team"],
                    worker=r["worker"],
                )
            )
    return out


@measure(
    "R3",
    "Referrals NFA",
    "Referrals in the period closed with no further action (cine_referral_nfa Y).",
    Unit.PERCENT,
    None,
    Kind.PERIOD,
    "referrals with no further action",
    "referrals in the period",
)
def r3(c: Context) -> list[ChildRow]:
    return [
        c.row(r["person"], r["id"], True, r["nfa"] == "Y", team=r["team"], worker=r["worker"])
        for r in _referrals(c)
    ]


@measure(
    "A1S",
    "Seen within 5 days",
    "Referrals in the period (not NFA) where the child was seen within 5 working days: a visit "
    "(CIN, CP or CLA, not recorded as unseen) between the referral and its closure, or the "
    "start of an assessment that records the child seen. Referrals still inside their 5 working "
    "days and not yet seen at the period end are left out.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "referrals with the child seen within 5 working days",
    "referrals in the period (not NFA)",
)
def a1s(c: Context) -> list[ChildRow]:
    refs = [r for r in _referrals(c) if r["nfa"] != "Y"]
    if not refs:
        return []
    first_seen = _first_seen(c)
    out = []
    for r in refs:
        first = first_seen.get(r["id"])
        due = c.cal.add_working_days(r["d"], 5)
        if first is None and due > c.end:
            continue
        days = c.working_days(r["d"], first) if first else None
        ok = days is not None and days <= 5
        detail = f"seen after {days} working day(s)" if first else "not seen"
        out.append(c.row(r["person"], r["id"], True, ok, days, detail, r["team"], r["worker"]))
    return out


_VISITS = (("cin_visits", "cinv_cin"), ("cp_visits", "cppv_cp"), ("cla_visits", "clav_cla"))


def _first_seen(c: Context) -> dict[str, date]:
    """Each referral in the period: the first day the child was seen between it and its
    closure (a visit, or the start of an assessment recording the child seen)."""
    t = c.t("cin_episodes")
    in_period = _in(t.c.cine_referral_date, c.start, c.end)

    def until_closed(day):
        return and_(
            day >= t.c.cine_referral_date,
            day <= c.end,
            or_(t.c.cine_close_date.is_(None), day <= t.c.cine_close_date),
        )

    queries = []
    for name, prefix in _VISITS:  # one join per table, so each uses its person index
        v = c.t(name)
        day, flag = v.c[f"{prefix}_visit_date"], v.c[f"{prefix}_visit_seen"]
        queries.append(
            select(t.c.cine_referral_id.label("id"), func.min(day).label("d"))
            .join(v, v.c[f"{prefix[:4]}_person_id"] == t.c.cine_person_id)
            .where(in_period, until_closed(day), or_(flag.is_(None), flag != "N"))
            .group_by(t.c.cine_referral_id)
        )
    a = c.t("cin_assessments")
    day = a.c.cina_assessment_start_date
    queries.append(
        select(t.c.cine_referral_id.label("id"), func.min(day).label("d"))
        .join(a, a.c.cina_referral_id == t.c.cine_referral_id)
        .where(in_period, until_closed(day), a.c.cina_assessment_child_seen == "Y")
        .group_by(t.c.cine_referral_id)
    )
    first: dict[str, date] = {}
    for query in queries:
        for r in c.rows(query):
            seen_on = _as_date(r["d"])
            if r["id"] not in first or seen_on < first[r["id"]]:
                first[r["id"]] = seen_on
    return first


#: Ids per ``IN (...)`` when a query is narrowed to a list of people.
IN_CHUNK = 900


def _last_seen(
    c: Context, name: str, prefix: str, people: Iterable[str] | None = None
) -> dict[str, date]:
    """Each person's last visit in ``name`` that saw them, up to the period end; with
    ``people``, only theirs (the database groups only their visits, by its person
    index, rather than every visit ever made)."""
    v = c.t(name)
    person = v.c[f"{prefix[:4]}_person_id"]
    day, flag = v.c[f"{prefix}_visit_date"], v.c[f"{prefix}_visit_seen"]
    base = (
        select(person.label("person"), func.max(day).label("d"))
        .where(day <= c.end, or_(flag.is_(None), flag != "N"))
        .group_by(person)
    )
    if people is None:
        return {r["person"]: _as_date(r["d"]) for r in c.rows(base)}
    wanted = sorted({p for p in people if p is not None})
    found: dict[str, date] = {}
    for at in range(0, len(wanted), IN_CHUNK):
        query = base.where(person.in_(wanted[at : at + IN_CHUNK]))
        found.update((r["person"], _as_date(r["d"])) for r in c.rows(query))
    return found


def _as_date(value) -> date:
    """An aggregate's date (SQLite hands MIN/MAX of a union back as ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _assessments_authorised(c: Context) -> list[dict]:
    a = c.t("cin_assessments")
    q = select(
        a.c.cina_assessment_id.label("id"),
        a.c.cina_person_id.label("person"),
        a.c.cina_assessment_start_date.label("start"),
        a.c.cina_assessment_auth_date.label("auth"),
        a.c.cina_assessment_team.label("team"),
        a.c.cina_assessment_worker_id.label("worker"),
    ).where(
        _in(a.c.cina_assessment_auth_date, c.start, c.end),
        a.c.cina_assessment_start_date.is_not(None),
    )
    return c.shared("assessments authorised", lambda: c.rows(q))


@measure(
    "A2S",
    "Assessments in 45 days",
    "Assessments authorised in the period within 45 working days of their start.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "assessments authorised within 45 working days",
    "assessments authorised in the period",
)
def a2s(c: Context) -> list[ChildRow]:
    out = []
    for r in _assessments_authorised(c):
        days = c.working_days(r["start"], r["auth"])
        out.append(
            c.row(
                r["person"],
                r["id"],
                True,
                days <= 45,
                days,
                f"{days} working days",
                r["team"],
                r["worker"],
            )
        )
    return out


@measure(
    "A3S",
    "Assessment duration",
    "Mean working days from start to authorisation, of assessments authorised in the period.",
    Unit.DAYS,
    LOWER,
    Kind.PERIOD,
    "working days, summed",
    "assessments authorised in the period",
)
def a3s(c: Context) -> list[ChildRow]:
    out = []
    for r in _assessments_authorised(c):
        days = c.working_days(r["start"], r["auth"])
        out.append(
            c.row(
                r["person"],
                r["id"],
                True,
                True,
                days,
                f"{days} working days",
                r["team"],
                r["worker"],
            )
        )
    return out


# --------------------------------------------------------------------------- child protection


@measure(
    "CP1",
    "Section 47 rate",
    "Section 47 enquiries started in the period per 10,000 children aged 0-17.",
    Unit.RATE,
    None,
    Kind.PERIOD,
    "section 47 enquiries started",
    "children aged 0-17 at the period end",
)
def cp1(c: Context) -> list[ChildRow]:
    s = c.t("s47_enquiry")
    q = select(
        s.c.s47e_s47_enquiry_id.label("id"),
        s.c.s47e_person_id.label("person"),
        s.c.s47e_s47_completed_by_team.label("team"),
        s.c.s47e_s47_completed_by_worker_id.label("worker"),
    ).where(_in(s.c.s47e_s47_start_date, c.start, c.end))
    return [
        c.row(r["person"], r["id"], True, True, team=r["team"], worker=r["worker"])
        for r in c.rows(q)
    ]


@measure(
    "CP2",
    "ICPC in 15 days",
    "Initial conferences held in the period (transfers in aside) within 15 working days of the "
    "start of their section 47 enquiry. The SSD holds no strategy discussion date: the enquiry "
    "starts at the strategy discussion, so its start date stands in.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "conferences within 15 working days",
    "initial conferences held in the period with their section 47 enquiry",
)
def cp2(c: Context) -> list[ChildRow]:
    i, s = c.t("initial_cp_conference"), c.t("s47_enquiry")
    q = (
        select(
            i.c.icpc_icpc_id.label("id"),
            i.c.icpc_person_id.label("person"),
            i.c.icpc_icpc_date.label("held"),
            s.c.s47e_s47_start_date.label("start"),
            i.c.icpc_icpc_team.label("team"),
            i.c.icpc_icpc_worker_id.label("worker"),
        )
        .join(s, s.c.s47e_s47_enquiry_id == i.c.icpc_s47_enquiry_id)
        .where(
            _in(i.c.icpc_icpc_date, c.start, c.end),
            or_(i.c.icpc_icpc_transfer_in.is_(None), i.c.icpc_icpc_transfer_in != "Y"),
            s.c.s47e_s47_start_date.is_not(None),
        )
    )
    out = []
    for r in c.rows(q):
        days = c.working_days(r["start"], r["held"])
        out.append(
            c.row(
                r["person"],
                r["id"],
                True,
                days <= 15,
                days,
                f"{days} working days",
                r["team"],
                r["worker"],
            )
        )
    return out


def _cp_plans(c: Context) -> list[dict]:
    p = c.t("cp_plans")
    q = select(
        p.c.cppl_cp_plan_id.label("id"),
        p.c.cppl_person_id.label("person"),
        p.c.cppl_cp_plan_start_date.label("start"),
        p.c.cppl_cp_plan_end_date.label("end"),
    ).where(p.c.cppl_cp_plan_start_date <= c.end)
    return c.shared("cp_plans", lambda: c.rows(c.with_dob(q, p.c.cppl_person_id)))


def _open_children(c: Context, plans: list[dict]) -> dict[str, dict]:
    """Each child's plan open at the period end (the latest started), children aged 0-17 only."""
    out: dict[str, dict] = {}
    for r in plans:
        if open_at(r["start"], r["end"], c.end) and is_child(r["dob"], c.end):
            _keep_latest(out, r)
    return out


@measure(
    "CP3",
    "CP rate",
    "Children on a child protection plan at the period end per 10,000 children aged 0-17.",
    Unit.RATE,
    None,
    Kind.AS_AT,
    "children on a plan at the period end",
    "children aged 0-17 at the period end",
)
def cp3(c: Context) -> list[ChildRow]:
    return [
        c.row(p, r["id"], True, True) for p, r in sorted(_open_children(c, _cp_plans(c)).items())
    ]


@measure(
    "CP4",
    "Repeat CP plans",
    "Plans started in the period for children who had a previous plan at any time.",
    Unit.PERCENT,
    LOWER,
    Kind.PERIOD,
    "plans for a child with an earlier plan",
    "plans started in the period",
)
def cp4(c: Context) -> list[ChildRow]:
    out = []
    for person, plans in _by_person(_cp_plans(c)).items():
        for r in plans:
            if r["start"] < c.start:
                continue
            earlier = [p for p in plans if (p["start"], p["id"]) < (r["start"], r["id"])]
            out.append(
                c.row(
                    person, r["id"], True, bool(earlier), detail=f"{len(earlier)} earlier plan(s)"
                )
            )
    return out


@measure(
    "CP5",
    "Repeat CP within 2 years",
    "Plans started in the period for children whose previous plan ended within 2 years before it.",
    Unit.PERCENT,
    LOWER,
    Kind.PERIOD,
    "plans for a child whose previous plan ended in the 2 years before",
    "plans started in the period",
)
def cp5(c: Context) -> list[ChildRow]:
    out = []
    for person, plans in _by_person(_cp_plans(c)).items():
        for r in plans:
            if r["start"] < c.start:
                continue
            window = add_months(r["start"], -24)
            recent = [
                p
                for p in plans
                if p["id"] != r["id"] and p["end"] is not None and window <= p["end"] <= r["start"]
            ]
            out.append(
                c.row(
                    person,
                    r["id"],
                    True,
                    bool(recent),
                    detail="previous plan ended within 2 years" if recent else "",
                )
            )
    return out


@measure(
    "CP6",
    "CP plans 2+ years (open)",
    "Plans open at the period end that had lasted 2 years or more by then.",
    Unit.PERCENT,
    LOWER,
    Kind.AS_AT,
    "plans open 2 years or more",
    "plans open at the period end",
)
def cp6(c: Context) -> list[ChildRow]:
    limit = add_months(c.end, -24)
    return [
        c.row(r["person"], r["id"], True, r["start"] <= limit, detail=f"started {r['start']}")
        for r in _cp_plans(c)
        if open_at(r["start"], r["end"], c.end)
    ]


@measure(
    "CP7",
    "CP plans 2+ years (ended)",
    "Plans ended in the period that had lasted 2 years or more.",
    Unit.PERCENT,
    LOWER,
    Kind.PERIOD,
    "plans that lasted 2 years or more",
    "plans ended in the period",
)
def cp7(c: Context) -> list[ChildRow]:
    return [
        c.row(
            r["person"],
            r["id"],
            True,
            r["end"] >= add_months(r["start"], 24),
            detail=f"{r['start']} to {r['end']}",
        )
        for r in _cp_plans(c)
        if r["end"] is not None and c.start <= r["end"] <= c.end
    ]


@measure(
    "CP8",
    "CP reviews in time",
    "Children on a plan at the period end that started 3 months or more before it, whose "
    "reviews of that plan held in the 12 months to the period end were all held by their due "
    "date and whose next "
    "review is not overdue (first within 3 months of the plan start, then every 6 months).",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children whose reviews were all in time",
    "children on a plan for 3 months or more at the period end",
)
def cp8(c: Context) -> list[ChildRow]:
    current = {
        p: r
        for p, r in _open_children(c, _cp_plans(c)).items()
        if r["start"] <= add_months(c.end, -3)
    }
    v = c.t("cp_reviews")
    q = select(
        v.c.cppr_cp_plan_id.label("plan"),
        v.c.cppr_cp_review_due.label("due"),
        v.c.cppr_cp_review_date.label("held"),
    ).where(v.c.cppr_cp_review_date <= c.end)
    reviews = _by_person(c.rows(q), "plan")
    out = []
    for person, plan in sorted(current.items()):
        held = sorted(reviews.get(plan["id"], []), key=lambda r: r["held"])
        late = [r for r in held if _late_in_period(c, r)]
        next_due = add_months(held[-1]["held"], 6) if held else add_months(plan["start"], 3)
        ok = not late and next_due >= c.end
        detail = (
            f"{len(late)} late review(s)"
            if late
            else ("next review overdue" if next_due < c.end else "in time")
        )
        out.append(c.row(person, plan["id"], True, ok, detail=detail))
    return out


def _late_in_period(c: Context, review: dict) -> bool:
    """A review held in the 12 months to the as-at date after its recorded due date."""
    due = review["due"]
    return c.year_before <= review["held"] and due is not None and review["held"] > due


def _visits_up_to_date(
    c: Context, children: dict[str, dict], name: str, prefix: str
) -> list[ChildRow]:
    last = _last_seen(c, name, prefix, children)
    out = []
    for person, plan in sorted(children.items()):
        visit = last.get(person)
        since = visit if visit is not None and visit >= plan["start"] else plan["start"]
        ok = add_months(since, 1) >= c.end
        detail = f"last seen {visit}" if visit else "not seen on this plan"
        out.append(c.row(person, plan["id"], True, ok, detail=detail))
    return out


@measure(
    "CP9",
    "CP visits up to date",
    "Children on a plan at the period end seen within the last month (the first visit due a "
    "month after the plan start).",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children visited within the interval",
    "children on a plan at the period end",
)
def cp9(c: Context) -> list[ChildRow]:
    return _visits_up_to_date(c, _open_children(c, _cp_plans(c)), "cp_visits", "cppv_cp")


# --------------------------------------------------------------------------- children in need


@measure(
    "CIN1",
    "CIN rate",
    "Children in need at the period end (an open referral, not NFA) per 10,000 children aged 0-17.",
    Unit.RATE,
    None,
    Kind.AS_AT,
    "children in need at the period end",
    "children aged 0-17 at the period end",
)
def cin1(c: Context) -> list[ChildRow]:
    return [
        c.row(p, r["id"], True, True, team=r["team"], worker=r["worker"])
        for p, r in sorted(_open_cin(c).items())
    ]


def _open_cin(c: Context) -> dict[str, dict]:
    return c.shared("open_cin", lambda: _find_open_cin(c))


def _find_open_cin(c: Context) -> dict[str, dict]:
    t = c.t("cin_episodes")
    q = select(
        t.c.cine_referral_id.label("id"),
        t.c.cine_person_id.label("person"),
        t.c.cine_referral_date.label("start"),
        t.c.cine_referral_nfa.label("nfa"),
        t.c.cine_referral_team.label("team"),
        t.c.cine_referral_worker_id.label("worker"),
    ).where(_open(t.c.cine_referral_date, t.c.cine_close_date, c.end))
    out: dict[str, dict] = {}
    for r in c.rows(c.with_dob(q, t.c.cine_person_id)):
        if r["nfa"] == "Y" or not is_child(r["dob"], c.end):
            continue
        _keep_latest(out, r)
    return out


def _cin_plans_open(c: Context) -> dict[str, dict]:
    p = c.t("cin_plans")
    q = select(
        p.c.cinp_cin_plan_id.label("id"),
        p.c.cinp_person_id.label("person"),
        p.c.cinp_cin_plan_start_date.label("start"),
        p.c.cinp_cin_plan_team.label("team"),
        p.c.cinp_cin_plan_worker_id.label("worker"),
    ).where(_open(p.c.cinp_cin_plan_start_date, p.c.cinp_cin_plan_end_date, c.end))
    out: dict[str, dict] = {}
    for r in c.rows(q):
        _keep_latest(out, r)
    return out


@measure(
    "CIN2",
    "CIN plans over 2 years",
    "CIN plans open at the period end that started more than 2 years before it.",
    Unit.COUNT,
    LOWER,
    Kind.AS_AT,
    "open CIN plans started more than 2 years before",
)
def cin2(c: Context) -> list[ChildRow]:
    limit = add_months(c.end, -24)
    p = c.t("cin_plans")
    q = select(
        p.c.cinp_cin_plan_id.label("id"),
        p.c.cinp_person_id.label("person"),
        p.c.cinp_cin_plan_start_date.label("start"),
        p.c.cinp_cin_plan_team.label("team"),
        p.c.cinp_cin_plan_worker_id.label("worker"),
    ).where(
        _open(p.c.cinp_cin_plan_start_date, p.c.cinp_cin_plan_end_date, c.end),
        p.c.cinp_cin_plan_start_date < limit,
    )
    return [
        c.row(
            r["person"],
            r["id"],
            True,
            True,
            detail=f"started {r['start']}",
            team=r["team"],
            worker=r["worker"],
        )
        for r in c.rows(q)
    ]


@measure(
    "CIN3",
    "CIN visits up to date",
    "Children on a CIN plan at the period end seen within the last month (the first visit due a "
    "month after the plan start).",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children visited within the interval",
    "children on a CIN plan at the period end",
)
def cin3(c: Context) -> list[ChildRow]:
    plans = _cin_plans_open(c)
    rows = _visits_up_to_date(c, plans, "cin_visits", "cinv_cin")
    return [
        c.row(
            r.person_id,
            r.record_id,
            True,
            r.in_numerator,
            detail=r.detail,
            team=plans[r.person_id]["team"],
            worker=plans[r.person_id]["worker"],
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- looked after


def _cla_episodes(c: Context) -> list[dict]:
    e = c.t("cla_episodes")
    q = select(
        e.c.clae_cla_episode_id.label("id"),
        e.c.clae_person_id.label("person"),
        e.c.clae_cla_episode_start_date.label("start"),
        e.c.clae_cla_episode_ceased_date.label("end"),
        e.c.clae_cla_episode_ceased_reason.label("reason"),
        e.c.clae_entered_care_date.label("entered"),
        e.c.clae_cla_id.label("cla_id"),
    ).where(e.c.clae_cla_episode_start_date <= c.end)
    return c.shared("cla_episodes", lambda: c.rows(c.with_dob(q, e.c.clae_person_id)))


def _care_start(episodes: list[dict], current: dict) -> date:
    """The start of the period of care the episode belongs to (episodes that follow on)."""
    if current["entered"] is not None:
        return current["entered"]
    start = current["start"]
    ends = {r["end"]: r for r in episodes if r["end"] is not None}
    while start in ends and ends[start]["id"] != current["id"]:
        start = ends[start]["start"]
    return start


def _looked_after(c: Context) -> dict[str, dict]:
    """Children (0-17) looked after at the period end: their open episode, with ``care_start``."""
    return c.shared("looked_after", lambda: _find_looked_after(c))


def _find_looked_after(c: Context) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for person, episodes in _by_person(_cla_episodes(c)).items():
        current = [r for r in episodes if open_at(r["start"], r["end"], c.end)]
        if not current or not is_child(episodes[0]["dob"], c.end):
            continue
        r = max(current, key=lambda r: (r["start"], r["id"]))
        out[person] = {
            **r,
            "care_start": _care_start(episodes, r),
            "cla_ids": {e["cla_id"] for e in episodes},
        }
    return out


def _placements(c: Context) -> dict[str, list[dict]]:
    p = c.t("cla_placement")
    q = select(
        p.c.clap_cla_placement_id.label("id"),
        p.c.clap_person_id.label("person"),
        p.c.clap_cla_placement_start_date.label("start"),
        p.c.clap_cla_placement_end_date.label("end"),
        p.c.clap_cla_placement_type.label("type"),
        p.c.clap_cla_placement_distance.label("distance"),
    ).where(p.c.clap_cla_placement_start_date <= c.end)
    return c.shared("placements", lambda: _by_person(c.rows(q)))


def _current_placement(placements: list[dict], on: date) -> dict | None:
    current = [p for p in placements if open_at(p["start"], p["end"], on)]
    return max(current, key=lambda p: (p["start"], p["id"])) if current else None


@measure(
    "LA1",
    "CLA rate",
    "Children looked after at the period end per 10,000 children aged 0-17.",
    Unit.RATE,
    None,
    Kind.AS_AT,
    "children looked after at the period end",
    "children aged 0-17 at the period end",
)
def la1(c: Context) -> list[ChildRow]:
    return [c.row(p, r["id"], True, True) for p, r in sorted(_looked_after(c).items())]


@measure(
    "LA2",
    "Placement moves",
    "Children looked after at the period end with 3 or more placements during the 12 months "
    "to the period end, whatever the period's start (temporary placements T0-T4 aside).",
    Unit.PERCENT,
    LOWER,
    Kind.AS_AT,
    "children with 3 or more placements",
    "children looked after at the period end",
)
def la2(c: Context) -> list[ChildRow]:
    placements = _placements(c)
    out = []
    for person, r in sorted(_looked_after(c).items()):
        n = sum(
            1
            for p in placements.get(person, [])
            if not (p["type"] or "").startswith("T")
            and (p["end"] is None or p["end"] >= c.year_before)
        )
        out.append(c.row(person, r["id"], True, n >= 3, n, f"{n} placement(s)"))
    return out


@measure(
    "LA3",
    "Long-term stability",
    "Children under 16 at the period end, looked after continuously for 2.5 years or more, who "
    "have been in their current placement for 2 years or more.",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "in the same placement 2 years or more",
    "children under 16 looked after 2.5 years or more",
)
def la3(c: Context) -> list[ChildRow]:
    placements = _placements(c)
    out = []
    for person, r in sorted(_looked_after(c).items()):
        if (age(r["dob"], c.end) or 0) >= 16 or r["care_start"] > add_months(c.end, -30):
            continue
        current = _current_placement(placements.get(person, []), c.end)
        ok = current is not None and current["start"] <= add_months(c.end, -24)
        out.append(
            c.row(
                person,
                r["id"],
                True,
                ok,
                detail=f"placement since {current['start']}" if current else "no placement",
            )
        )
    return out


def _cla_reviews(c: Context) -> dict[str, list[dict]]:
    v = c.t("cla_reviews")
    q = select(
        v.c.clar_cla_review_id.label("id"),
        v.c.clar_cla_id.label("cla_id"),
        v.c.clar_cla_review_due_date.label("due"),
        v.c.clar_cla_review_date.label("held"),
        v.c.clar_cla_review_cancelled.label("cancelled"),
        v.c.clar_cla_review_participation.label("participation"),
    ).where(v.c.clar_cla_review_date <= c.end)
    return c.shared("cla reviews", lambda: _by_person(c.rows(q), "cla_id"))


@measure(
    "LA4",
    "CLA reviews in time",
    "Children looked after at the period end for 20 working days or more whose reviews in this "
    "period of care held in the 12 months to the period end were all held by their due date "
    "and whose next review "
    "is not overdue (first within 20 working days, second within 3 months, then every 6 "
    "months).",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children whose reviews were all in time",
    "children looked after 20 working days or more",
)
def la4(c: Context) -> list[ChildRow]:
    reviews = _cla_reviews(c)
    out = []
    for person, r in sorted(_looked_after(c).items()):
        start = r["care_start"]
        if c.working_days(start, c.end) < 20:
            continue
        held = sorted(
            (
                v
                for cla_id in r["cla_ids"]
                for v in reviews.get(cla_id, [])
                if v["cancelled"] != "Y" and v["held"] >= start
            ),
            key=lambda v: v["held"],
        )
        late = [v for v in held if _late_in_period(c, v)]
        if not held:
            next_due = c.cal.add_working_days(start, 20)
        else:
            next_due = add_months(held[-1]["held"], 3 if len(held) == 1 else 6)
        ok = not late and next_due >= c.end
        detail = (
            f"{len(late)} late review(s)"
            if late
            else ("next review overdue" if next_due < c.end else "in time")
        )
        out.append(c.row(person, r["id"], True, ok, detail=detail))
    return out


@measure(
    "LA5",
    "Participation in reviews",
    "Reviews held in the period (not cancelled) of children aged 4 or over at the review, where "
    "the child participated (PN1-PN6).",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "reviews with participation PN1-PN6",
    "reviews of children aged 4 or over",
)
def la5(c: Context) -> list[ChildRow]:
    people = {r["cla_id"]: (r["person"], r["dob"]) for r in _cla_episodes(c)}
    out = []
    for cla_id, reviews in _cla_reviews(c).items():
        person, dob = people.get(cla_id, (None, None))
        for v in reviews:
            if v["held"] < c.start or v["cancelled"] == "Y" or person is None:
                continue
            if (age(dob, v["held"]) or 0) < 4:
                continue
            code = v["participation"] or ""
            ok = code in {"PN1", "PN2", "PN3", "PN4", "PN5", "PN6"}
            out.append(c.row(person, v["id"], True, ok, detail=code or "not recorded"))
    return out


@measure(
    "LA6",
    "CLA visits up to date",
    "Children looked after at the period end seen within the interval: a week after a new "
    "placement, then every 6 weeks, or 12 weeks once a long-term foster placement (U1, U4) is a "
    "year old.",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children visited within the interval",
    "children looked after at the period end",
)
def la6(c: Context) -> list[ChildRow]:
    children = _looked_after(c)
    placements = _placements(c)
    last = _last_seen(c, "cla_visits", "clav_cla", children)
    out = []
    for person, r in sorted(children.items()):
        current = _current_placement(placements.get(person, []), c.end)
        visit = last.get(person)
        if current is not None and (visit is None or visit < current["start"]):
            due = current["start"] + timedelta(weeks=1)
        elif visit is None:
            due = r["care_start"] + timedelta(weeks=1)
        else:
            long_term = (
                current is not None
                and current["type"] in ("U1", "U4")
                and current["start"] <= add_months(c.end, -12)
            )
            due = visit + timedelta(weeks=12 if long_term else 6)
        out.append(
            c.row(
                person,
                r["id"],
                True,
                due >= c.end,
                detail=f"last seen {visit}" if visit else "not seen",
            )
        )
    return out


def _health(c: Context, kind: str, under_five_months: int) -> list[ChildRow]:
    h = c.t("cla_health")
    q = select(h.c.clah_person_id.label("person"), h.c.clah_health_check_date.label("d")).where(
        h.c.clah_health_check_type == kind,
        h.c.clah_health_check_status == "DONE",
        h.c.clah_health_check_date <= c.end,
    )
    last: dict[str, date] = {}
    for r in c.rows(q):
        last[r["person"]] = max(r["d"], last.get(r["person"], r["d"]))
    out = []
    for person, r in sorted(_looked_after(c).items()):
        if r["care_start"] > add_months(c.end, -12):
            continue
        months = under_five_months if (age(r["dob"], c.end) or 0) < 5 else 12
        check = last.get(person)
        ok = check is not None and check >= add_months(c.end, -months)
        out.append(c.row(person, r["id"], True, ok, detail=f"last {check}" if check else "none"))
    return out


@measure(
    "LA7",
    "Health assessments",
    "Children looked after at the period end for 12 months or more with a health assessment "
    "done in the last 12 months (6 months for children under 5).",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children with a health assessment in time",
    "children looked after 12 months or more",
)
def la7(c: Context) -> list[ChildRow]:
    return _health(c, "HEALTH_ASSESSMENT", 6)


@measure(
    "LA8",
    "Dental checks",
    "Children looked after at the period end for 12 months or more with a dental check done in "
    "the last 12 months.",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children with a dental check in time",
    "children looked after 12 months or more",
)
def la8(c: Context) -> list[ChildRow]:
    return _health(c, "DENTAL", 12)


@measure(
    "LA9",
    "PEPs up to date",
    "School-age children (5-15 at the period end) looked after at the period end with a personal "
    "education plan in the last term (4 months). PEPs are Casebook's own table, not in the SSD: "
    "not available from an SSD extract.",
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "children with a PEP this term",
    "school-age children looked after",
    note="needs personal education plans, which the SSD does not hold",
)
def la9(c: Context) -> list[ChildRow] | None:
    t = c.source.casebook_table("education_plan")
    if t is None:
        return None
    latest = (
        select(t.c.person_id.label("person"), func.max(t.c.pep_date).label("d"))
        .where(t.c.pep_date <= c.end)
        .group_by(t.c.person_id)
    )
    last: dict[str, date] = {r["person"]: r["d"] for r in c.rows(latest)}
    out = []
    for person, r in sorted(_looked_after(c).items()):
        if not 5 <= (age(r["dob"], c.end) or 0) <= 15:
            continue
        pep = last.get(person)
        ok = pep is not None and pep >= add_months(c.end, -4)
        out.append(c.row(person, r["id"], True, ok, detail=f"last PEP {pep}" if pep else "no PEP"))
    return out


@measure(
    "LA10",
    "Placed far away",
    "Children looked after at the period end whose current placement is more than 20 miles "
    "from home.",
    Unit.PERCENT,
    LOWER,
    Kind.AS_AT,
    "children placed more than 20 miles away",
    "children looked after at the period end",
)
def la10(c: Context) -> list[ChildRow]:
    placements = _placements(c)
    out = []
    for person, r in sorted(_looked_after(c).items()):
        current = _current_placement(placements.get(person, []), c.end)
        miles = current["distance"] if current else None
        out.append(
            c.row(
                person,
                r["id"],
                True,
                miles is not None and miles > 20,
                miles,
                f"{miles} miles" if miles is not None else "distance not recorded",
            )
        )
    return out


@measure(
    "LA11",
    "Went missing",
    "Children looked after at any time in the period with a missing episode (type M) starting in "
    "the period.",
    Unit.PERCENT,
    LOWER,
    Kind.PERIOD,
    "children with a missing episode",
    "children looked after during the period",
)
def la11(c: Context) -> list[ChildRow]:
    during = {}
    for r in _cla_episodes(c):
        if r["end"] is None or r["end"] >= c.start:
            _keep_latest(during, r)
    m = c.t("missing")
    q = select(m.c.miss_person_id.label("person")).where(
        _in(m.c.miss_missing_episode_start_date, c.start, c.end),
        m.c.miss_missing_episode_type == "M",
    )
    went = {r["person"] for r in c.rows(q)}
    return [
        c.row(p, r["id"], True, p in went, detail="went missing" if p in went else "")
        for p, r in sorted(during.items())
    ]


@measure(
    "LA12",
    "Return interviews in 72 hours",
    "Missing episodes ended in the period with a return home interview offered within 72 "
    "hours (3 days) of the return. Needs Casebook's offered date (cb_rhi_offered_date): the "
    "SSD records whether an interview was offered, not when, so not available from an SSD "
    "extract.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "episodes with a return interview offered within 72 hours",
    "missing episodes ended in the period",
    note="needs the date the return interview was offered, which the SSD does not hold",
)
def la12(c: Context) -> list[ChildRow] | None:
    m = c.source.casebook_table("ssd_missing")
    if m is None:
        return None
    q = select(
        m.c.miss_table_id.label("id"),
        m.c.miss_person_id.label("person"),
        m.c.miss_missing_episode_end_date.label("back"),
        m.c.cb_rhi_offered_date.label("offered"),
    ).where(_in(m.c.miss_missing_episode_end_date, c.start, c.end))
    out = []
    for r in c.rows(q):
        days = (r["offered"] - r["back"]).days if r["offered"] is not None else None
        ok = days is not None and 0 <= days <= 3
        detail = f"offered {days} day(s) after the return" if days is not None else "no offer"
        out.append(c.row(r["person"], r["id"], True, ok, days, detail))
    return out


# --------------------------------------------------------------------------- adoption


def _adopted(c: Context) -> list[dict]:
    """Children adopted (episode ceased E11/E12) in the 3 years ending on the period end."""
    since = add_months(c.end, -36) + timedelta(days=1)
    every = _cla_episodes(c)
    people = _by_person(every)
    p = c.t("permanence")
    perm = _by_person(
        c.rows(
            select(
                p.c.perm_person_id.label("person"),
                p.c.perm_table_id.label("id"),
                p.c.perm_placed_for_adoption_date.label("placed"),
                p.c.perm_placement_order_date.label("order"),
                p.c.perm_matched_date.label("matched"),
                p.c.perm_adopted_by_carer_flag.label("by_carer"),
                p.c.perm_placed_foster_carer_date.label("foster"),
            )
        )
    )
    out = []
    for r in every:
        if r["reason"] in ("E11", "E12") and r["end"] is not None and since <= r["end"] <= c.end:
            rows = sorted(perm.get(r["person"], []), key=lambda x: x["id"])
            out.append(
                {
                    **r,
                    "care_start": _care_start(people[r["person"]], r),
                    "perm": rows[-1] if rows else None,
                }
            )
    return out


@measure(
    "AD1",
    "A1: entering care to moving in",
    "Children adopted in the 3 years ending on the period end: mean days from entering care to "
    "moving in with the adoptive family (placed for adoption).",
    Unit.DAYS,
    LOWER,
    Kind.PERIOD,
    "days, summed",
    "children adopted in the 3 years",
)
def ad1(c: Context) -> list[ChildRow]:
    out = []
    for r in _adopted(c):
        placed = r["perm"]["placed"] if r["perm"] else None
        if placed is None:
            continue
        days = (placed - r["care_start"]).days
        out.append(c.row(r["person"], r["id"], True, True, days, f"{days} days"))
    return out


@measure(
    "AD2",
    "A2: placement order to match",
    "Children adopted in the 3 years ending on the period end: mean days from the placement "
    "order to the match with adopters (0 when matched first).",
    Unit.DAYS,
    LOWER,
    Kind.PERIOD,
    "days, summed",
    "children adopted in the 3 years with both dates",
)
def ad2(c: Context) -> list[ChildRow]:
    out = []
    for r in _adopted(c):
        perm = r["perm"]
        if perm is None or perm["order"] is None or perm["matched"] is None:
            continue
        days = max(0, (perm["matched"] - perm["order"]).days)
        out.append(c.row(r["person"], r["id"], True, True, days, f"{days} days"))
    return out


@measure(
    "AD3",
    "A10: entering care to moving in, foster carer adoptions adjusted",
    "As A1, but for children adopted by their foster carers counting to the date the foster "
    "placement began.",
    Unit.DAYS,
    LOWER,
    Kind.PERIOD,
    "days, summed",
    "children adopted in the 3 years",
)
def ad3(c: Context) -> list[ChildRow]:
    out = []
    for r in _adopted(c):
        perm = r["perm"]
        if perm is None:
            continue
        moved = perm["foster"] if perm["by_carer"] == "Y" and perm["foster"] else perm["placed"]
        if moved is None:
            continue
        days = max(0, (moved - r["care_start"]).days)
        out.append(c.row(r["person"], r["id"], True, True, days, f"{days} days"))
    return out


# --------------------------------------------------------------------------- care leavers


def _care_leavers(c: Context, ages: tuple[int, int] | None) -> list[dict]:
    t = c.t("care_leavers")
    q = select(
        t.c.clea_table_id.label("id"),
        t.c.clea_person_id.label("person"),
        t.c.clea_care_leaver_in_touch.label("in_touch"),
        t.c.clea_care_leaver_accom_suitable.label("suitable"),
        t.c.clea_care_leaver_activity.label("activity"),
        t.c.clea_pathway_plan_review_date.label("review"),
        t.c.clea_care_leaver_allocated_team.label("team"),
        t.c.clea_care_leaver_worker_id.label("worker"),
        t.c.clea_care_leaver_latest_contact.label("contact"),
    )
    latest: dict[str, dict] = {}
    for r in c.rows(c.with_dob(q, t.c.clea_person_id)):
        years = age(r["dob"], c.end)
        if years is None or (ages and not ages[0] <= years <= ages[1]):
            continue
        if r["person"] not in latest or _leaver_key(r) > _leaver_key(latest[r["person"]]):
            latest[r["person"]] = r
    return [latest[p] for p in sorted(latest)]


def _leaver_key(r: dict) -> tuple:
    """A care leaver's rows in order: by the latest contact, then by id in number order
    ("CL10" after "CL9"), not by the id as text."""
    digits = "".join(ch for ch in str(r["id"]) if ch.isdigit())
    return (r["contact"] or date.min, int(digits) if digits else -1, str(r["id"]))


_LEAVER_NOTE = " The SSD's care leaver row is the latest known, not a history."


@measure(
    "CL1",
    "Care leavers suitably housed",
    "Care leavers aged 19-21 at the period end in suitable accommodation." + _LEAVER_NOTE,
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "in suitable accommodation",
    "care leavers aged 19-21",
)
def cl1(c: Context) -> list[ChildRow]:
    return _suitably_housed(c, (19, 21))


@measure(
    "CL1Y",
    "Care leavers aged 17-18 suitably housed",
    "Care leavers aged 17-18 at the period end in suitable accommodation (CL1 for the "
    "younger ages)." + _LEAVER_NOTE,
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "in suitable accommodation",
    "care leavers aged 17-18",
)
def cl1y(c: Context) -> list[ChildRow]:
    return _suitably_housed(c, (17, 18))


def _suitably_housed(c: Context, ages: tuple[int, int]) -> list[ChildRow]:
    return [
        c.row(r["person"], r["id"], True, r["suitable"] == "Y", team=r["team"], worker=r["worker"])
        for r in _care_leavers(c, ages)
    ]


@measure(
    "CL2",
    "Care leavers in EET",
    "Care leavers aged 19-21 at the period end in education, employment or training (activity "
    "F1-F5 or P1-P5)." + _LEAVER_NOTE,
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "in education, employment or training",
    "care leavers aged 19-21",
)
def cl2(c: Context) -> list[ChildRow]:
    return _in_eet(c, (19, 21))


@measure(
    "CL2Y",
    "Care leavers aged 17-18 in EET",
    "Care leavers aged 17-18 at the period end in education, employment or training (activity "
    "F1-F5 or P1-P5; CL2 for the younger ages)." + _LEAVER_NOTE,
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "in education, employment or training",
    "care leavers aged 17-18",
)
def cl2y(c: Context) -> list[ChildRow]:
    return _in_eet(c, (17, 18))


def _in_eet(c: Context, ages: tuple[int, int]) -> list[ChildRow]:
    return [
        c.row(
            r["person"],
            r["id"],
            True,
            (r["activity"] or "")[:1] in ("F", "P"),
            detail=r["activity"] or "",
            team=r["team"],
            worker=r["worker"],
        )
        for r in _care_leavers(c, ages)
    ]


@measure(
    "CL3",
    "Care leavers in touch",
    "Care leavers (16-25 at the period end, as CL4) the authority is in touch with (YES)."
    + _LEAVER_NOTE,
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "in touch",
    "care leavers aged 16-25",
)
def cl3(c: Context) -> list[ChildRow]:
    return [
        c.row(
            r["person"], r["id"], True, r["in_touch"] == "YES", team=r["team"], worker=r["worker"]
        )
        for r in _care_leavers(c, (16, 25))
    ]


@measure(
    "CL4",
    "Pathway plans in time",
    "Care leavers (16-25 at the period end) whose pathway plan was reviewed in the last 6 months."
    + _LEAVER_NOTE,
    Unit.PERCENT,
    HIGHER,
    Kind.AS_AT,
    "pathway plan reviewed in the last 6 months",
    "care leavers aged 16-25",
)
def cl4(c: Context) -> list[ChildRow]:
    limit = add_months(c.end, -6)
    return [
        c.row(
            r["person"],
            r["id"],
            True,
            r["review"] is not None and limit <= r["review"] <= c.end,
            detail=f"reviewed {r['review']}",
            team=r["team"],
            worker=r["worker"],
        )
        for r in _care_leavers(c, (16, 25))
    ]


# --------------------------------------------------------------------------- workforce


@measure(
    "WF1",
    "Caseload",
    "Children allocated to a social worker at the period end (open allocations whose role is a "
    "social worker's) per FTE of the social workers holding them.",
    Unit.PER_WORKER,
    None,
    Kind.AS_AT,
    "children allocated",
    "FTE of the social workers holding cases",
)
def wf1(c: Context) -> list[ChildRow]:
    i, p = c.t("involvements"), c.t("professionals")
    q = (
        select(
            i.c.invo_involvements_id.label("id"),
            i.c.invo_person_id.label("person"),
            i.c.invo_professional_id.label("worker"),
            i.c.invo_professional_team.label("team"),
            i.c.invo_professional_role_id.label("role"),
            p.c.prof_full_time_equivalency.label("fte"),
        )
        .join(p, p.c.prof_professional_id == i.c.invo_professional_id)
        .where(_open(i.c.invo_involvement_start_date, i.c.invo_involvement_end_date, c.end))
    )
    held: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in c.rows(q):
        if "social worker" in (r["role"] or "").lower():
            held[r["worker"]].setdefault(r["person"], r)
    out = []
    for worker in sorted(held):
        children = held[worker]
        for person in sorted(children):
            r = children[person]
            share = (r["fte"] if r["fte"] is not None else 1.0) / len(children)
            out.append(
                c.row(
                    person,
                    r["id"],
                    True,
                    True,
                    share,
                    f"{len(children)} children",
                    r["team"],
                    worker,
                )
            )
    return out


@measure(
    "WF2",
    "Unallocated",
    "Children open to social care at the period end (an open referral, not NFA) with no open "
    "allocation to a worker (IROs aside).",
    Unit.COUNT,
    LOWER,
    Kind.AS_AT,
    "open children with no allocated worker",
)
def wf2(c: Context) -> list[ChildRow]:
    return [
        c.row(
            p, r["id"], True, True, detail=f"open since {r['start']}", team=r["team"], worker=None
        )
        for p, r in sorted(_open_cin(c).items())
        if p not in c.allocation
    ]


# ------------------------------------------------------------- exploitation, early help, QA


@measure(
    "EX1",
    "Exploitation screening",
    "Children screened for exploitation in the period (each screening's risk level in the rows). "
    "Exploitation screening is Casebook's own table: not available from an SSD extract.",
    Unit.COUNT,
    None,
    Kind.PERIOD,
    "screenings in the period",
    note="needs exploitation screening, which the SSD does not hold",
)
def ex1(c: Context) -> list[ChildRow] | None:
    t = c.source.casebook_table("exploitation_screening")
    if t is None:
        return None
    q = select(
        t.c.id,
        t.c.person_id.label("person"),
        t.c.risk_level.label("risk"),
        t.c.worker_id.label("worker"),
    ).where(_in(t.c.screening_date, c.start, c.end))
    return [c.row(r["person"], r["id"], True, True, detail=r["risk"]) for r in c.rows(q)]


def _early_help(c: Context) -> list[dict]:
    t = c.t("early_help_episodes")
    q = select(
        t.c.earl_episode_id.label("id"),
        t.c.earl_person_id.label("person"),
        t.c.earl_episode_start_date.label("start"),
        t.c.earl_episode_end_date.label("end"),
        t.c.earl_episode_end_reason.label("reason"),
        t.c.earl_episode_worker_id.label("worker"),
    ).where(
        t.c.earl_episode_start_date <= c.end,
        or_(t.c.earl_episode_end_date.is_(None), t.c.earl_episode_end_date >= c.start),
    )
    return c.shared("early help", lambda: c.rows(q))


@measure(
    "EH1",
    "Early help episodes open",
    "Early help episodes open at the period end.",
    Unit.COUNT,
    None,
    Kind.AS_AT,
    "episodes open at the period end",
)
def eh1(c: Context) -> list[ChildRow]:
    return [
        c.row(r["person"], r["id"], True, True)
        for r in _early_help(c)
        if open_at(r["start"], r["end"], c.end)
    ]


def _eh_closed(c: Context, reason: str) -> list[ChildRow]:
    return [
        c.row(r["person"], r["id"], True, r["reason"] == reason, detail=r["reason"] or "no reason")
        for r in _early_help(c)
        if r["end"] is not None and c.start <= r["end"] <= c.end
    ]


@measure(
    "EH1M",
    "Early help closed with outcomes met",
    "Early help episodes closed in the period with outcomes met (part of EH1).",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "closed with outcomes met",
    "episodes closed in the period",
)
def eh1m(c: Context) -> list[ChildRow]:
    return _eh_closed(c, "OUTCOMES_MET")


@measure(
    "EH1S",
    "Early help stepped up",
    "Early help episodes closed in the period by stepping up to social care (part of EH1).",
    Unit.PERCENT,
    None,
    Kind.PERIOD,
    "stepped up to social care",
    "episodes closed in the period",
)
def eh1s(c: Context) -> list[ChildRow]:
    return _eh_closed(c, "STEP_UP")


@measure(
    "EH2",
    "Outcome Star",
    "Families (episodes) with a review reading in the period whose latest review total is above "
    "their baseline total. Outcome Star is Casebook's own table: not available from an SSD "
    "extract.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "families whose scores improved",
    "families with a review in the period",
    note="needs Outcome Star readings, which the SSD does not hold",
)
def eh2(c: Context) -> list[ChildRow] | None:
    t = c.source.casebook_table("cb_outcome_star")
    if t is None:
        return None
    q = select(
        t.c.id,
        t.c.person_id.label("person"),
        t.c.episode_id.label("episode"),
        t.c.star_date.label("d"),
        t.c.reading,
        t.c.total,
    ).where(
        t.c.star_date <= c.end,
        # only the episodes with a review reading in the period (the rest are left out below)
        t.c.episode_id.in_(
            select(t.c.episode_id).where(
                _in(t.c.star_date, c.start, c.end),
                or_(t.c.reading.is_(None), t.c.reading != "baseline"),
            )
        ),
    )
    out = []
    for episode, readings in sorted(_by_person(c.rows(q), "episode").items()):
        base = [r for r in readings if r["reading"] == "baseline"]
        reviews = [r for r in readings if r["reading"] != "baseline"]
        if not base or not any(c.start <= r["d"] for r in reviews):
            continue
        first = min(base, key=lambda r: (r["d"], r["id"]))
        last = max(reviews, key=lambda r: (r["d"], r["id"]))
        out.append(
            c.row(
                last["person"],
                episode,
                True,
                last["total"] > first["total"],
                detail=f"{first['total']} to {last['total']}",
            )
        )
    return out


@measure(
    "QA1",
    "Audit grades",
    "Case file audits completed in the period graded Good or Outstanding. Casebook does not "
    "hold audits yet: not available.",
    Unit.PERCENT,
    HIGHER,
    Kind.PERIOD,
    "audits graded Good or Outstanding",
    "audits completed",
    note="case file audits are not recorded yet",
)
def qa1(c: Context) -> list[ChildRow] | None:
    return None
