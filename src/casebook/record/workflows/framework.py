"""The workflow framework: every step of a child's journey declared once, as data.

A step is a :class:`Step`: its fields (:class:`Field`), when it is allowed
(``available(state)``), the timescale it runs against (``clock``) and what it
writes (``run``). The web form, the JSON operation and the list of "what can be
done now" are all generated from the declaration, so a new step anywhere needs
only a ``Step`` and a call to :func:`register` in a module of this package
(every module here is imported by :func:`load_steps`, except ``framework`` and
``worklists*``).

The interface (stable; other step modules build on it)::

    state = child_state(session, person_id, today)        # ChildState, read-only
    Field(name, label, kind, required=True, hint=None, code_list=None, options=None,
          multiple=False, future_ok=False, before_birth_ok=False, minimum=None, maximum=None)
        kinds: DATE, TEXT, LONG_TEXT, CODE (code_list=...), YES_NO, NUMBER,
               CHOICE (options=lambda state: [(value, label), ...]; options that
               read the record use ``state.session``)
    Step(key, title, area, fields, available, run, clock=None,
         manager=False, needs_authorisation=False, description="", button=None)
        available(state) -> None when allowed, else the reason, in words
        clock(session, person_id, state, today) -> "Initial conference due ..." or None
        run(session, actor, person_id, values, today, state) -> the row written (or rows)
            values: {field name: parsed value} (dates are date, YES_NO "Y"/"N",
            NUMBER int, CODE str (list[str] if multiple), missing optional: None);
            raise Invalid([Problem(field, "a sentence saying why")]) for a bad
            sequence; write only with services.add_record/update_record on
            ``session`` (never commit: perform() commits once, or rolls back).
        area: a key of AREAS (the headings of the steps page, in its order)
        manager: only someone with Action.OVERSEE may take it (authorisations)
        needs_authorisation: what it writes waits for a manager's authorisation
    register(step); STEPS; step(key); steps_for(state) -> [StepChoice(step, reason)]
    perform(engine_or_session, actor, person_id, step_key, raw_values, today) -> Done
        actor: services.Actor, or StepActor(username, professional_id=..., team_id=...)
        so that rows naming a worker (notes' author_id, ...) can name them, and a
        referral is held by the actor's team.
        raw values: JSON values or form text; a DATE as "2025-01-15" or as the
        GOV.UK parts "<name>-day", "<name>-month", "<name>-year".
        Raises NotFound (no child / no step), NotAvailable (a Conflict: 409,
        with the reason), Invalid (422: every problem, each naming its field).

Every DATE field is checked for every step before ``run``: a real date from
1900, not in the future (unless ``future_ok``) and not before the child was
born (unless ``before_birth_ok``). Helpers for sequence checks:
:func:`not_before`, :func:`refuse` and :func:`fmt`. Clocks: :func:`due_label`
and :func:`due_clock` read the child's due items (the one timescale table) for a timescale key;
:func:`clock_label` words a clock the record does not hold yet (a step that
starts one); :func:`next_due` is the child's most pressing item.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.record.code_lists import code_options
from casebook.record.errors import Conflict, Invalid, NotFound, Problem
from casebook.record.fields import EARLIEST_DATE_YEAR
from casebook.record.models import (
    CareLeaver,
    CinAssessment,
    CinEpisode,
    CinPlan,
    ClaEpisode,
    ClaPlacement,
    CpPlan,
    EarlyHelpEpisode,
    ExploitationScreening,
    InitialCpConference,
    Missing,
    Person,
    S47Enquiry,
    StrategyDiscussion,
)
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.timescales.clocks import Clock as TimescaleClock
from casebook.record.timescales.items import DueItem, items_for_child, settle
from casebook.record.timescales.registry import load_timescales
from casebook.record.timescales.snapshot import ChildSnapshot, load_snapshot
from casebook.record.unit_of_work import UnitOfWork

# --------------------------------------------------------------------------- who acts


@dataclass(frozen=True)
class StepActor(Actor):
    """The history's actor, with the professional they are (for authors of notes)
    and their team (the team that holds a referral they record)."""

    professional_id: str | None = None
    team_id: str | None = None


# --------------------------------------------------------------------------- the child's state


#: ``cb_authorisation_status`` of an assessment or plan waiting for, or given, a manager's say.
AWAITING = "awaiting"
AUTHORISED = "authorised"


def is_open(start: date | None, end: date | None, today: date) -> bool:
    """Started by ``today`` (or undated) and not ended by it."""
    return (start is None or start <= today) and (end is None or end > today)


@dataclass(frozen=True)
class ChildState:
    """Where the child's journey stands today: what is open, what is awaited.

    Computed from the child's active rows (:class:`ChildSnapshot`, plus early
    help episodes and exploitation screenings); read-only, for deciding which
    steps make sense.
    """

    person_id: str
    today: date
    dob: date | None
    snapshot: ChildSnapshot = field(repr=False, compare=False)
    due: tuple[DueItem, ...] = field(repr=False, compare=False, default=())
    open_referral: CinEpisode | None = None
    open_assessment: CinAssessment | None = None  # started, not completed
    awaiting_authorisation: tuple[Any, ...] = ()  # assessments and plans a manager must authorise
    assessments: tuple[CinAssessment, ...] = ()  # every assessment, oldest first
    strategy_discussions: tuple[StrategyDiscussion, ...] = ()
    open_s47: S47Enquiry | None = None  # started, not ended
    s47_awaiting_conference: S47Enquiry | None = None  # needs an initial conference not yet held
    conference_for_plan: InitialCpConference | None = None  # decided on a plan, no plan yet
    open_cin_plan: CinPlan | None = None
    open_cp_plans: tuple[CpPlan, ...] = ()
    open_cla_episode: ClaEpisode | None = None
    open_placement: ClaPlacement | None = None
    care_leaver: CareLeaver | None = None  # the row with the latest contact
    open_early_help: EarlyHelpEpisode | None = None
    missing_now: Missing | None = None
    screenings: tuple[ExploitationScreening, ...] = ()  # exploitation screenings, latest first
    #: The session the state was read with, for a CHOICE field's options that read
    #: the record (the teams, say); None in a state built by hand.
    session: Session | None = field(default=None, repr=False, compare=False)

    @property
    def open_cp_plan(self) -> CpPlan | None:
        return self.open_cp_plans[0] if self.open_cp_plans else None

    @property
    def looked_after(self) -> bool:
        return self.open_cla_episode is not None

    @property
    def open_episode(self) -> bool:
        """Open to social care: a referral, a plan or a period of care."""
        return bool(
            self.open_referral or self.open_cin_plan or self.open_cp_plans or self.looked_after
        )

    @property
    def age(self) -> int | None:
        if self.dob is None:
            return None
        d, t = self.dob, self.today
        return t.year - d.year - ((t.month, t.day) < (d.month, d.day))


def _first(rows: Iterable[Any]) -> Any | None:
    return next(iter(rows), None)


def _by(rows: Iterable[Any], key: Callable[[Any], date | None]) -> list[Any]:
    return sorted(rows, key=lambda r: key(r) or date.min)


def child_state(session: Session, person_id: str, today: date) -> ChildState:
    """The child's state as at ``today`` (NotFound if there is no such child)."""
    s = load_snapshot(session, person_id)
    due = tuple(
        items_for_child(s, today, load_timescales(session), WorkingCalendar.from_session(session))
    )
    referrals = _by(s.referrals, lambda r: r.cine_referral_date)
    open_referral = _first(
        r for r in reversed(referrals) if is_open(r.cine_referral_date, r.cine_close_date, today)
    )
    assessments = _by(s.assessments, lambda a: a.cina_assessment_start_date)
    open_assessment = _first(
        a
        for a in reversed(assessments)
        if a.cina_assessment_auth_date is None and a.cb_completed_on is None
    )
    awaiting: list[Any] = [a for a in assessments if a.cb_authorisation_status == AWAITING]
    cin_plans = _by(s.cin_plans, lambda p: p.cinp_cin_plan_start_date)
    cp_plans = _by(s.cp_plans, lambda p: p.cppl_cp_plan_start_date)
    awaiting += [p for p in cin_plans if p.cb_authorisation_status == AWAITING]
    awaiting += [p for p in cp_plans if p.cb_authorisation_status == AWAITING]
    s47s = _by(s.s47_enquiries, lambda e: e.s47e_s47_start_date)
    held = {i.icpc_s47_enquiry_id for i in s.icpcs}
    awaiting_conference = _first(
        e
        for e in reversed(s47s)
        if e.s47e_s47_nfa != "Y"
        and e.cb_icpc_not_required != "Y"
        and e.s47e_s47_enquiry_id not in held
        and (open_referral is None or e.s47e_referral_id in (None, open_referral.cine_referral_id))
    )
    planned = {p.cppl_icpc_id for p in cp_plans if p.cppl_icpc_id}
    conference_for_plan = _first(
        i
        for i in _by(s.icpcs, lambda i: i.icpc_icpc_date)[::-1]
        if i.icpc_icpc_outcome_cp_flag == "Y" and i.icpc_icpc_id not in planned
    )
    episodes = _by(s.cla_episodes, lambda e: e.clae_cla_episode_start_date)
    open_cla = _first(
        e
        for e in reversed(episodes)
        if is_open(e.clae_cla_episode_start_date, e.clae_cla_episode_ceased_date, today)
    )
    placements = _by(s.cla_placements, lambda p: p.clap_cla_placement_start_date)
    open_placement = _first(
        p
        for p in reversed(placements)
        if is_open(p.clap_cla_placement_start_date, p.clap_cla_placement_end_date, today)
    )
    early_help = session.scalars(
        select(EarlyHelpEpisode)
        .where(EarlyHelpEpisode.earl_person_id == person_id, EarlyHelpEpisode.cb_status == ACTIVE)
        .order_by(EarlyHelpEpisode.earl_episode_start_date.desc())
    ).all()
    screenings = session.scalars(
        select(ExploitationScreening)
        .where(
            ExploitationScreening.person_id == person_id,
            ExploitationScreening.cb_status == ACTIVE,
        )
        .order_by(ExploitationScreening.screening_date.desc(), ExploitationScreening.id)
    ).all()
    return ChildState(
        person_id=person_id,
        today=today,
        dob=s.dob,
        snapshot=s,
        due=due,
        open_referral=open_referral,
        open_assessment=open_assessment,
        awaiting_authorisation=tuple(awaiting),
        assessments=tuple(assessments),
        strategy_discussions=tuple(_by(s.strategy_discussions, lambda d: d.discussion_date)),
        open_s47=_first(
            e for e in reversed(s47s) if is_open(e.s47e_s47_start_date, e.s47e_s47_end_date, today)
        ),
        s47_awaiting_conference=awaiting_conference,
        conference_for_plan=conference_for_plan,
        open_cin_plan=_first(
            p
            for p in reversed(cin_plans)
            if is_open(p.cinp_cin_plan_start_date, p.cinp_cin_plan_end_date, today)
        ),
        open_cp_plans=tuple(
            p
            for p in cp_plans
            if is_open(p.cppl_cp_plan_start_date, p.cppl_cp_plan_end_date, today)
        ),
        open_cla_episode=open_cla,
        open_placement=open_placement,
        care_leaver=max(
            s.care_leavers,
            key=lambda c: (c.clea_care_leaver_latest_contact or date.min, c.clea_table_id),
            default=None,
        ),
        open_early_help=_first(
            e
            for e in early_help
            if is_open(e.earl_episode_start_date, e.earl_episode_end_date, today)
        ),
        missing_now=_first(
            m
            for m in s.missing
            if is_open(m.miss_missing_episode_start_date, m.miss_missing_episode_end_date, today)
        ),
        screenings=tuple(screenings),
        session=session,
    )


# --------------------------------------------------------------------------- declarations

DATE = "date"
TEXT = "text"
LONG_TEXT = "long_text"
CODE = "code"
YES_NO = "yes_no"
NUMBER = "number"
CHOICE = "choice"
KINDS = (DATE, TEXT, LONG_TEXT, CODE, YES_NO, NUMBER, CHOICE)

#: Longest text a field takes (a long text is a note).
TEXT_MAX = 500
LONG_TEXT_MAX = 20_000

Options = Callable[[ChildState], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Field:
    """One thing a step asks for.

    ``name`` is the record's column where the value goes straight into one (an
    SSD column name), or a name of the form's own. ``code_list`` names the
    code list of a CODE field; ``options`` gives a CHOICE field's (value, label)
    pairs from the child's state (the plan to authorise, say). ``minimum`` and
    ``maximum`` bound a NUMBER.
    """

    name: str
    label: str
    kind: str
    required: bool = True
    hint: str | None = None
    code_list: str | None = None
    options: Options | None = None
    multiple: bool = False
    future_ok: bool = False
    before_birth_ok: bool = False
    minimum: int | None = None
    maximum: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: no kind {self.kind!r}; kinds are {KINDS}")
        if self.kind == CODE and not self.code_list:
            raise ValueError(f"field {self.name}: a CODE field needs its code_list")
        if self.kind == CHOICE and self.options is None:
            raise ValueError(f"field {self.name}: a CHOICE field needs its options")


Available = Callable[[ChildState], str | None]
ClockFn = Callable[[Session, str, ChildState, date], str | None]
Run = Callable[[Session, Actor, str, dict[str, Any], date, ChildState], Any]


@dataclass(frozen=True)
class Step:
    """A step of the child's journey: its form, when it makes sense, its clock, what it writes."""

    key: str
    title: str
    area: str
    fields: tuple[Field, ...]
    available: Available
    run: Run
    clock: ClockFn | None = None
    manager: bool = False
    needs_authorisation: bool = False
    description: str = ""
    button: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def labels(self) -> dict[str, str]:
        return {f.name: f.label for f in self.fields}


#: Every step, by key, in the order registered (each area's module in journey order).
STEPS: dict[str, Step] = {}

#: The areas, in the order the steps page lists them, with their headings: every
#: step's area is one of these (a new area is added here, declared once).
AREAS: dict[str, str] = {
    "referral": "Referral and assessment",
    "protection": "Child protection",
    "child_in_need": "Child in need",
    "visits": "Visits",
    "early_help": "Early help",
    "closure": "Closure",
    "oversight": "Management oversight",
    "looked_after": "Children looked after",
    "care_health": "Health and education in care",
    "missing": "Missing",
    "exploitation": "Exploitation",
    "care_leavers": "Care leavers",
    "permanence": "Adoption and special guardianship",
}


def register(step: Step) -> Step:
    """Add a step to the registry (a key may be registered once)."""
    if step.key in STEPS and STEPS[step.key] is not step:
        raise ValueError(f"a step called {step.key!r} is already registered")
    if not step.key.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"step key {step.key!r}: letters, digits, - and _ only")
    STEPS[step.key] = step
    return step


_SKIP = ("framework", "worklists")
_loaded = False


def load_steps() -> dict[str, Step]:
    """Import every step module of this package (once); the registry, full."""
    global _loaded
    if not _loaded:
        import casebook.record.workflows as package

        for module in pkgutil.iter_modules(package.__path__):
            if not module.name.startswith(_SKIP):
                importlib.import_module(f"{package.__name__}.{module.name}")
        _loaded = True
    return STEPS


def step(key: str) -> Step:
    """The step called ``key`` (NotFound if there is none)."""
    load_steps()
    try:
        return STEPS[key]
    except KeyError:
        raise NotFound(f"there is no step called {key!r}") from None


@dataclass(frozen=True)
class StepChoice:
    """A step and, if it cannot be taken now, why not."""

    step: Step
    reason: str | None

    @property
    def allowed(self) -> bool:
        return self.reason is None


def steps_for(state: ChildState) -> list[StepChoice]:
    """Every step with whether it makes sense for the child now (and why not)."""
    rank = {area: i for i, area in enumerate(AREAS)}
    ordered = sorted(load_steps().values(), key=lambda s: rank.get(s.area, len(rank)))
    return [StepChoice(s, s.available(state)) for s in ordered]


class NotAvailable(Conflict):
    """The step does not make sense for the child's current state (409), with the reason."""

    def __init__(self, step: Step, reason: str):
        self.step = step
        self.reason = reason
        super().__init__(f"{step.title} cannot be recorded now: {reason}")


# --------------------------------------------------------------------------- helpers for steps


def fmt(d: date | None) -> str:
    """A date as the pages write it: 15 Jan 2025."""
    return "no date" if d is None else f"{d.day} {d:%b %Y}"


def not_before(
    field_name: str, label: str, value: date | None, earlier: date | None, what: str
) -> Problem | None:
    """A problem if ``value`` comes before ``earlier`` ("... cannot be before <what>, <date>")."""
    if value is None or earlier is None or value >= earlier:
        return None
    return Problem(field_name, f"{label} cannot be before {what}, {fmt(earlier)}")


def refuse(*problems: Problem | None) -> None:
    """Raise Invalid with the problems given (Nones ignored); nothing if there are none."""
    found = [p for p in problems if p is not None]
    if found:
        raise Invalid(found)


def due_label(state: ChildState, *keys: str, ref: str | None = None) -> str | None:
    """The label of the child's first open due item for one of ``keys`` (and ``ref``):
    "Initial conference due 15 Jan 2025, 4 working days left"."""
    for item in state.due:
        if item.key in keys and (ref is None or item.ref == ref):
            return item.label
    return None


def due_clock(*keys: str, ref: Callable[[ChildState], str | None] | None = None) -> ClockFn:
    """A step's clock showing the child's open due item for one of ``keys``."""

    def clock(_session: Session, _person_id: str, state: ChildState, _today: date) -> str | None:
        wanted = ref(state) if ref else None
        if ref is not None and wanted is None:
            return None
        return due_label(state, *keys, ref=wanted)

    return clock


def clock_label(session: Session, key: str, start: date, today: date) -> str | None:
    """The sentence for a clock of timescale ``key`` started on ``start``, as at
    ``today`` (for a step that starts a clock the record does not hold yet)."""
    item = settle(
        TimescaleClock(key, start),
        today,
        load_timescales(session),
        WorkingCalendar.from_session(session),
        "",
    )
    return item.label if item else None


def next_due(_session: Session, _person_id: str, state: ChildState, _today: date) -> str | None:
    """A clock for steps with no timescale of their own: the child's most pressing
    open item (overdue first, then the soonest due)."""
    overdue = [i for i in state.due if i.status == "overdue"]
    item = (overdue or list(state.due) or [None])[0]
    return item.label if item else None


# --------------------------------------------------------------------------- parsing


def _date_of(raw: Mapping[str, Any], f: Field) -> tuple[bool, Any]:
    """(given?, the raw date) from "name" or from the parts "name-day" etc."""
    value = raw.get(f.name)
    if value not in (None, ""):
        return True, value
    parts = [raw.get(f"{f.name}-{p}") for p in ("day", "month", "year")]
    parts = ["" if p is None else str(p).strip() for p in parts]
    if any(parts):
        return True, tuple(parts)
    return False, None


def _parse_date(f: Field, value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, tuple):
        missing = [n for n, v in zip(("day", "month", "year"), value, strict=True) if not v]
        if missing:
            raise ValueError(f"{f.label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(p) for p in value)
            return date(year, month, day)
        except (ValueError, OverflowError):
            raise ValueError(f"{f.label} must be a real date") from None
    if not isinstance(value, str):
        raise ValueError(f"{f.label} must be a date in the form YYYY-MM-DD")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{f.label} must be a real date in the form YYYY-MM-DD") from None


_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}


def _text(f: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{f.label} must be text")
    if "\x00" in value:
        raise ValueError(f"{f.label} must not contain NUL characters")
    longest = LONG_TEXT_MAX if f.kind == LONG_TEXT else TEXT_MAX
    if len(value) > longest:
        raise ValueError(f"{f.label} must be {longest:,} characters or fewer")
    return value.strip()


def _one(session: Session, state: ChildState, f: Field, value: Any, codes: dict) -> Any:
    if f.kind == YES_NO:
        word = str(value).strip().lower() if isinstance(value, str | bool | int) else None
        if isinstance(value, bool):
            return "Y" if value else "N"
        if word in _YES:
            return "Y"
        if word in _NO:
            return "N"
        raise ValueError(f"{f.label}: answer yes or no")
    if f.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{f.label} must be a whole number")
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"{f.label} must be a whole number") from None
        if f.minimum is not None and number < f.minimum:
            raise ValueError(f"{f.label} must be {f.minimum} or more")
        if f.maximum is not None and number > f.maximum:
            raise ValueError(f"{f.label} must be {f.maximum} or less")
        return number
    if f.kind in (CODE, CHOICE):
        if f.kind == CODE:
            if f.code_list not in codes:
                codes[f.code_list] = dict(code_options(session, f.code_list))
            allowed = codes[f.code_list]
        else:
            allowed = dict(f.options(state))  # type: ignore[misc]
        values = value if isinstance(value, list) and f.multiple else [value]
        chosen = []
        for v in values:
            text = _text(f, v) if isinstance(v, str) else None
            if text not in allowed:
                shown = str(v)[:40]
                raise ValueError(f"{f.label}: {shown!r} is not one of the choices")
            chosen.append(text)
        return sorted(set(chosen), key=chosen.index) if f.multiple else chosen[0]
    return _text(f, value)


def _empty(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def parse(
    session: Session, step: Step, state: ChildState, raw: Mapping[str, Any]
) -> dict[str, Any]:
    """The raw form or JSON values as the step's typed values; every problem at once."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    codes: dict[str, dict[str, str]] = {}
    known = {f.name for f in step.fields}
    for name in raw:
        base = name.rsplit("-", 1)[0] if name.endswith(("-day", "-month", "-year")) else name
        if base not in known and name != "csrf_token":
            problems.append(
                Problem(str(name)[:60], f"{step.title} has no field {str(name)[:60]!r}")
            )
    for f in step.fields:
        try:
            if f.kind == DATE:
                given, value = _date_of(raw, f)
                if not given:
                    values[f.name] = None
                else:
                    day = _parse_date(f, value)
                    values[f.name] = day
                    _check_day(f, day, state)
            else:
                value = raw.get(f.name)
                if isinstance(value, list) and not f.multiple:
                    value = value[-1] if value else None
                if f.multiple and isinstance(value, list):
                    value = [v for v in value if not _empty(v)]
                values[f.name] = None if _empty(value) else _one(session, state, f, value, codes)
        except ValueError as exc:
            problems.append(Problem(f.name, str(exc)))
            continue
        if f.required and values[f.name] is None:
            problems.append(Problem(f.name, _missing(f)))
    if problems:
        raise Invalid(problems)
    return values


def _missing(f: Field) -> str:
    if f.kind in (CODE, CHOICE, YES_NO):
        return f"Select {f.label[:1].lower()}{f.label[1:]}"
    return f"Enter {f.label[:1].lower()}{f.label[1:]}"


def _check_day(f: Field, day: date, state: ChildState) -> None:
    if day.year < EARLIEST_DATE_YEAR:
        raise ValueError(f"{f.label} must be in {EARLIEST_DATE_YEAR} or later")
    if not f.future_ok and day > state.today:
        raise ValueError(f"{f.label} must be today or in the past")
    if not f.before_birth_ok and state.dob is not None and day < state.dob:
        raise ValueError(f"{f.label} cannot be before the child was born ({fmt(state.dob)})")


# --------------------------------------------------------------------------- performing a step


@dataclass(frozen=True)
class Done:
    """A step taken: the step and the row (or rows) it wrote."""

    step: Step
    person_id: str
    result: Any

    @property
    def rows(self) -> list[Any]:
        if self.result is None:
            return []
        return list(self.result) if isinstance(self.result, list | tuple) else [self.result]

    @property
    def written(self) -> list[tuple[str, str]]:
        """(table, id) of each row written."""
        found = []
        for row in self.rows:
            identity = sa_inspect(row).identity or ()
            found.append((type(row).__tablename__, "/".join(str(v) for v in identity)))
        return found


def _labelled(step: Step, exc: Invalid) -> Invalid:
    """The run's problems as sentences naming the field by its label."""
    labels = step.labels
    problems = []
    for p in exc.problems:
        message = p.message
        label = labels.get(p.field)
        if label and message[:1].islower():
            joiner = " " if message.startswith(("is ", "was ", "must ", "cannot ")) else ": "
            message = f"{label}{joiner}{message}"
        problems.append(Problem(p.field, message, p.file, p.row))
    return Invalid(problems)


def perform(
    engine_or_session: Engine | Session,
    actor: Actor,
    person_id: str,
    step_key: str,
    raw_values: Mapping[str, Any],
    today: date,
) -> Done:
    """Take a step for a child in one transaction: check it makes sense now (else
    :class:`NotAvailable`), parse and check the values (else :class:`Invalid`,
    every problem), run it, commit. On any refusal nothing is written."""
    chosen = step(step_key)
    if isinstance(engine_or_session, Engine):
        with Session(engine_or_session) as session:
            return _perform(session, actor, person_id, chosen, raw_values, today)
    return _perform(engine_or_session, actor, person_id, chosen, raw_values, today)


def _perform(
    session: Session,
    actor: Actor,
    person_id: str,
    chosen: Step,
    raw_values: Mapping[str, Any],
    today: date,
) -> Done:
    uow = UnitOfWork(session=session)
    with uow:
        # Steps for one child take turns: on PostgreSQL the child's row is locked until
        # this step commits, so two people cannot both open "the one open CP plan".
        # (SQLite's writing transaction already takes the whole database.)
        session.execute(
            select(Person.pers_person_id)
            .where(Person.pers_person_id == person_id)
            .with_for_update()
        ).first()
        state = child_state(session, person_id, today)
        reason = chosen.available(state)
        if reason is not None:
            raise NotAvailable(chosen, reason)
        values = parse(session, chosen, state, raw_values)
        try:
            result = chosen.run(session, actor, person_id, values, today, state)
        except Invalid as exc:
            raise _labelled(chosen, exc) from None
        uow.commit()
    return Done(chosen, person_id, result)


def form_options(
    session: Session, step: Step, state: ChildState
) -> dict[str, list[tuple[str, str]]]:
    """The choices of each CODE and CHOICE field, for a form."""
    options: dict[str, list[tuple[str, str]]] = {}
    for f in step.fields:
        if f.kind == CODE:
            options[f.name] = code_options(session, f.code_list)  # type: ignore[arg-type]
        elif f.kind == CHOICE:
            options[f.name] = list(f.options(state))  # type: ignore[misc]
    return options


def clock_for(session: Session, step: Step, state: ChildState, today: date) -> str | None:
    """The step's clock sentence, if it has one now."""
    if step.clock is None:
        return None
    return step.clock(session, state.person_id, state, today)
