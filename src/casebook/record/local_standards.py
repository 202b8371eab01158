"""An authority's own timescales (e.g. CIN visits every 4 weeks, not monthly).

The defaults live in :mod:`casebook.record.timescales`; this sets an override in
the ``timescale_setting`` table through the record services, so the change is
validated and has its history like any other. :func:`standards` lists every
timescale with its default and the value in force (the administrator's settings
page), local standards first; :func:`standard_history` reads a setting's history.

The drift markers the worklists flag (CIN and CP plans open longer than 2 years,
``timescales.md``) are timescales of the registry like any other
(``cin_plan_drift``, ``cp_plan_drift``), so an authority sets them here too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Invalid
from casebook.record.models import HistoryEntry, TimescaleSetting
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.timescales import TIMESCALES, UNITS, Timescale, check_setting, load_timescales
from casebook.record.unit_of_work import UnitOfWork

#: Drift markers: a CIN or CP plan still open this long after it started (registry defaults).
DRIFT_DEFAULTS: Mapping[str, Timescale] = MappingProxyType(
    {key: TIMESCALES[key] for key in ("cin_plan_drift", "cp_plan_drift")}
)

#: Visit frequencies and "child seen" standards: the ones an authority most often sets.
VISIT_KEYS = (
    "child_seen",
    "cin_visit",
    "cp_visit",
    "cla_visit_new_placement",
    "cla_visit",
    "cla_visit_long_term",
)

UNIT_LABELS = {
    "working_days": "working days",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
    "hours": "hours",
}


def describe(amount: int, unit: str) -> str:
    """``5 working days``, ``1 month``, ``2 years`` (for 24 months)."""
    if unit == "months" and amount and amount % 12 == 0:
        amount, unit = amount // 12, "years"
    word = UNIT_LABELS.get(unit, "years" if unit == "years" else unit)
    return f"{amount} {word[:-1] if amount == 1 else word}"


def set_local_standard(
    uow: UnitOfWork, key: str, amount: int, unit: str, actor: Actor
) -> TimescaleSetting:
    """Create or change the authority's value for one timescale."""
    problems = check_setting(key, amount, unit)
    if problems:
        raise Invalid(problems)
    with uow:
        existing = uow.session.get(TimescaleSetting, key)
        version = existing.cb_version if existing is not None else None
    if version is None:
        return services.create(
            uow, TimescaleSetting, {"key": key, "amount": amount, "unit": unit}, actor
        )
    return services.update(
        uow, TimescaleSetting, key, {"amount": amount, "unit": unit}, version, actor
    )


def worklist_timescales(session: Session) -> dict[str, Timescale]:
    """The authority's timescales in force (the drift markers among them)."""
    return load_timescales(session)


@dataclass(frozen=True)
class Standard:
    """One timescale as the settings page shows it: its default and the value in force."""

    key: str
    title: str
    kind: str
    description: str
    default_amount: int
    default_unit: str
    amount: int
    unit: str
    settable: bool
    visit: bool

    @property
    def changed(self) -> bool:
        return (self.amount, self.unit) != (self.default_amount, self.default_unit)

    @property
    def default_text(self) -> str:
        return describe(self.default_amount, self.default_unit)

    @property
    def current_text(self) -> str:
        return describe(self.amount, self.unit)


def standards(session: Session) -> list[Standard]:
    """Every timescale with its default and value in force: visit and "seen"
    standards first, then the other local ones, then the statutory ones."""
    in_force = worklist_timescales(session)
    defaults = TIMESCALES
    found = [
        Standard(
            key=key,
            title=ts.title,
            kind=ts.kind,
            description=ts.description,
            default_amount=defaults[key].amount,
            default_unit=defaults[key].unit,
            amount=ts.amount,
            unit=ts.unit,
            settable=key in TIMESCALES,
            visit=key in VISIT_KEYS,
        )
        for key, ts in in_force.items()
    ]
    order = {key: i for i, key in enumerate(VISIT_KEYS)}
    return sorted(
        found, key=lambda s: (order.get(s.key, len(order)), s.kind != "local", s.title.lower())
    )


def standard(session: Session, key: str) -> Standard | None:
    """One timescale's row of :func:`standards` (None if there is no such timescale)."""
    return next((s for s in standards(session) if s.key == key), None)


@dataclass(frozen=True)
class SettingChange:
    """One change to a setting, from the record's history."""

    at: datetime
    actor: str
    action: str
    before: str | None
    after: str | None


def _value(raw: str | None) -> str | None:
    if not raw:
        return None
    row = json.loads(raw)
    if row.get("cb_status", ACTIVE) != ACTIVE:
        return None
    return describe(row["amount"], row["unit"])


def standard_history(session: Session, key: str) -> list[SettingChange]:
    """Every change to one timescale's setting, newest first."""
    entries = session.scalars(
        select(HistoryEntry)
        .where(
            HistoryEntry.table_name == TimescaleSetting.__tablename__,
            HistoryEntry.record_id == key,
        )
        .order_by(HistoryEntry.at.desc(), HistoryEntry.id.desc())
    )
    return [
        SettingChange(e.at, e.actor, e.action, _value(e.before_json), _value(e.after_json))
        for e in entries
    ]


__all__ = [
    "DRIFT_DEFAULTS",
    "UNITS",
    "VISIT_KEYS",
    "SettingChange",
    "Standard",
    "describe",
    "set_local_standard",
    "standard",
    "standard_history",
    "standards",
    "worklist_timescales",
]
