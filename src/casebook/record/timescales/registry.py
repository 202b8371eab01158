"""The timescale registry: every timescale once, with its default and the authority's setting.

Every timescale in ``timescales.md`` is declared once in :data:`TIMESCALES` with
its national (or sample-authority) default; an authority changes amount and
unit in the ``timescale_setting`` table and :func:`load_timescales` applies them.
:func:`due_date` turns a timescale and a start date into the date it falls due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar, add_months
from casebook.record.errors import Invalid, Problem
from casebook.record.models.base import ACTIVE
from casebook.record.models.reference import TimescaleSetting

UNITS = ("working_days", "days", "weeks", "months", "hours")
KINDS = ("statutory", "local")


@dataclass(frozen=True)
class Timescale:
    """How long a step may take once its clock starts."""

    key: str
    title: str
    amount: int
    unit: str
    kind: str
    description: str


_DEFAULTS = (
    Timescale("contact_decision", "Contact decision", 1, "working_days", "statutory",
        "The front door decides on a contact within a working day of receiving it."),
    Timescale("child_seen", "Child seen", 5, "working_days", "local",
        "The child is seen soon after a referral (visit, or the assessment's child-seen flag)."),
    Timescale("family_conversation", "Family conversation", 10, "days", "local",
        "A conversation with the family after a referral. Not recorded yet: no child items."),
    Timescale("assessment", "Assessment", 45, "working_days", "statutory",
        "A single assessment is completed and authorised within 45 working days of its start."),
    Timescale("icpc", "Initial conference", 15, "working_days", "statutory",
        "From the strategy discussion that started the section 47 enquiry."),
    Timescale("cp_first_review", "First CP review", 3, "months", "statutory",
        "From the initial conference (the plan start if the conference is not linked)."),
    Timescale("cp_review", "CP review", 6, "months", "statutory", "From the previous CP review."),
    Timescale("cp_visit", "CP visit", 1, "months", "local",
        "From the previous visit, the first from the plan start; the child must be seen."),
    Timescale("cin_visit", "CIN visit", 1, "months", "local",
        "From the previous visit, the first from the plan start; the child must be seen."),
    Timescale("cla_first_review", "First CLA review", 20, "working_days", "statutory",
        "From the start of the period of care."),
    Timescale("cla_second_review", "Second CLA review", 3, "months", "statutory",
        "From the first review."),
    Timescale("cla_review", "CLA review", 6, "months", "statutory", "From the previous review."),
    Timescale("cla_visit_new_placement", "Visit in new placement", 1, "weeks", "statutory",
        "Within a week of any new placement starting."),
    Timescale("cla_visit", "CLA visit", 6, "weeks", "statutory",
        "From the previous visit, in a placement's first year or one not agreed long term."),
    Timescale("cla_visit_long_term", "CLA visit (long-term placement)", 12, "weeks", "statutory",
        "From the previous visit, once a long-term foster placement (U1, U4) is a year old."),
    Timescale("health_assessment", "Initial health assessment", 20, "working_days", "statutory",
        "From the start of the period of care."),
    Timescale("health_review_under_5", "Health review (under 5)", 6, "months", "statutory",
        "From the previous health assessment, for a child under 5 when it was done."),
    Timescale("health_review", "Health review", 12, "months", "statutory",
        "From the previous health assessment, for a child aged 5 or over."),
    Timescale("dental_check", "Dental check", 12, "months", "statutory",
        "From the previous dental check (the first from the start of care)."),
    Timescale("pep", "Personal education plan", 20, "working_days", "statutory",
        "20 school days from the start of care (school days counted as working days)."),
    Timescale("pep_review", "PEP review", 4, "months", "statutory",
        "Reviewed each term, from the previous PEP (a term taken as 4 months)."),
    Timescale("return_interview", "Return home interview", 72, "hours", "statutory",
        "Offered within 72 hours of the child's return from a missing episode."),
    Timescale("pathway_plan_review", "Pathway plan review", 6, "months", "statutory",
        "A care leaver's pathway plan is reviewed at least every 6 months."),
    Timescale("ehc_plan", "EHC plan", 20, "weeks", "statutory",
        "From the request for an EHC needs assessment to the final plan. Not yet per child."),
    Timescale("alternative_provision", "Alternative provision", 6, "working_days", "statutory",
        "Full-time provision from the 6th school day after a permanent exclusion. Not recorded."),
    Timescale("cin_plan_drift", "CIN plan over 2 years", 24, "months", "local",
        "A child in need plan still open 2 years after it started (drift)."),
    Timescale("cp_plan_drift", "CP plan over 2 years", 24, "months", "local",
        "A child protection plan still open 2 years after it started (drift)."),
    Timescale("agenda_publication", "Agenda published", 5, "working_days", "statutory",
        "Clear working days before a council meeting (scrutiny's, not a child's)."),
)  # fmt: skip

#: Every timescale with its default, by key. Read through :func:`load_timescales`.
TIMESCALES: Mapping[str, Timescale] = MappingProxyType({t.key: t for t in _DEFAULTS})


def check_setting(key: str, amount: int, unit: str) -> list[Problem]:
    """What is wrong with an authority's setting; the settings service uses it too."""
    problems = []
    if key not in TIMESCALES:
        problems.append(Problem("key", f"there is no timescale called {key!r}"))
    if not isinstance(amount, int) or amount < 0:
        problems.append(Problem("amount", "must be a whole number, 0 or more"))
    if unit not in UNITS:
        problems.append(Problem("unit", f"must be one of {', '.join(UNITS)}"))
    return problems


def apply_overrides(
    overrides: Iterable[tuple[str, int, str]], base: Mapping[str, Timescale] = TIMESCALES
) -> dict[str, Timescale]:
    """The registry with (key, amount, unit) overrides applied.

    A bad setting is refused loudly rather than ignored: a timescale that
    silently stays at its default would misreport every child.
    """
    registry = dict(base)
    problems: list[Problem] = []
    for key, amount, unit in overrides:
        found = check_setting(key, amount, unit)
        problems += [Problem(f"timescale_setting.{key}.{p.field}", p.message) for p in found]
        if not found:
            registry[key] = replace(registry[key], amount=amount, unit=unit)
    if problems:
        raise Invalid(problems)
    return registry


def load_timescales(session: Session) -> dict[str, Timescale]:
    """The registry with this authority's settings (active rows) applied."""
    rows = session.execute(
        select(TimescaleSetting.key, TimescaleSetting.amount, TimescaleSetting.unit).where(
            TimescaleSetting.cb_status == ACTIVE
        )
    )
    return apply_overrides((key, amount, unit) for key, amount, unit in rows)


def due_date(timescale: Timescale, start: date, calendar: WorkingCalendar) -> date:
    """When a clock started on ``start`` falls due.

    The record holds dates, not times, so hours round up to whole days
    (72 hours from a return on Monday is due on Thursday).
    """
    amount, unit = timescale.amount, timescale.unit
    if unit == "working_days":
        return calendar.add_working_days(start, amount)
    if unit == "days":
        return start + timedelta(days=amount)
    if unit == "weeks":
        return start + timedelta(weeks=amount)
    if unit == "months":
        return add_months(start, amount)
    if unit == "hours":
        return start + timedelta(days=-(-amount // 24))
    raise ValueError(f"unknown timescale unit {unit!r}")
