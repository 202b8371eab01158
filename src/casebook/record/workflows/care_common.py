"""What the care steps share: the child's period of care, legal status and
permanence as they stand today, the reasons a step is refused, writing through
the record services, and describing a timescale from the registry.

The framework's :class:`~casebook.record.workflows.framework.ChildState` says
whether the child is looked after now; these helpers add what only the care
steps need (the period of care's start, the legal status, whether the child
was ever looked after, the adoption record).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Invalid, Problem
from casebook.record.models import (
    ClaEpisode,
    LegalStatus,
    Permanence,
)
from casebook.record.models.base import ACTIVE, Base
from casebook.record.services import Actor
from casebook.record.timescales.looked_after import Period, periods
from casebook.record.timescales.registry import Timescale, load_timescales
from casebook.record.workflows.framework import ChildState, fmt

M = TypeVar("M", bound=Base)

#: Care leavers are supported from this age (pathway plans, keeping in touch).
CARE_LEAVER_FROM_AGE = 16


# --------------------------------------------------------------------------- the child's care


def age_on(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def ever_looked_after(state: ChildState) -> bool:
    return any(e.clae_cla_episode_start_date for e in state.snapshot.cla_episodes)


def last_left_care(state: ChildState) -> date | None:
    """When the child's latest period of care ended (None if never, or still open)."""
    found = periods(state.snapshot.cla_episodes)
    if not found or found[-1].end is None:
        return None
    return found[-1].end


def current_period(state: ChildState) -> Period | None:
    """The period of care the child is in today (None if not looked after)."""
    if state.open_cla_episode is None:
        return None
    started = state.open_cla_episode.clae_cla_episode_start_date
    for p in periods(state.snapshot.cla_episodes):
        if started is not None and p.start <= started and (p.end is None or started <= p.end):
            return p
    return None


def period_start(state: ChildState) -> date | None:
    period = current_period(state)
    if period is not None:
        return period.start
    episode = state.open_cla_episode
    return episode.clae_cla_episode_start_date if episode is not None else None


def cla_id_of(episode: ClaEpisode) -> str:
    """The period-of-care id the episode's reviews and placements hang off."""
    return episode.clae_cla_id or episode.clae_cla_episode_id


def new_cla_id() -> str:
    return f"CLA-{uuid.uuid4().hex[:12]}"


def not_looked_after(state: ChildState) -> str | None:
    """None when the child is looked after now, else why the step makes no sense."""
    if state.looked_after:
        return None
    left = last_left_care(state)
    if left is not None:
        return f"the child is not looked after: they left care on {fmt(left)}"
    return "the child is not looked after: record coming into care first"


def current_legal_status(session: Session, person_id: str, today: date) -> LegalStatus | None:
    """The child's legal status today (the latest one started and not ended)."""
    rows = session.scalars(
        select(LegalStatus).where(
            LegalStatus.lega_person_id == person_id, LegalStatus.cb_status == ACTIVE
        )
    ).all()
    current = [
        r
        for r in rows
        if (r.lega_legal_status_start_date is None or r.lega_legal_status_start_date <= today)
        and (r.lega_legal_status_end_date is None or r.lega_legal_status_end_date > today)
    ]
    return max(current, key=lambda r: r.lega_legal_status_start_date or date.min, default=None)


def permanence_for(session: Session, person_id: str, cla_id: str) -> Permanence | None:
    """The adoption / permanence record of a period of care, if there is one."""
    return session.scalars(
        select(Permanence)
        .where(
            Permanence.perm_person_id == person_id,
            Permanence.perm_cla_id == cla_id,
            Permanence.cb_status == ACTIVE,
        )
        .order_by(Permanence.perm_table_id)
    ).first()


# --------------------------------------------------------------------------- writing


def add(session: Session, model: type[M], values: Mapping[str, Any], actor: Actor) -> M:
    return services.add_record(session, model, values, actor)


def change(session: Session, row: M, changes: Mapping[str, Any], actor: Actor) -> M:
    """Update a row the step has just read, at the version it read."""
    key = tuple(getattr(row, c.key) for c in type(row).__table__.primary_key.columns)
    return services.update_record(
        session, type(row), key[0] if len(key) == 1 else key, changes, row.cb_version, actor
    )


def problem(field: str, message: str) -> Invalid:
    return Invalid([Problem(field, message)])


# --------------------------------------------------------------------------- clocks


_UNIT_WORDS = {
    "working_days": ("working day", "working days"),
    "days": ("day", "days"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "hours": ("hour", "hours"),
}


def describe(timescale: Timescale) -> str:
    """A timescale's length in words: "20 working days", "6 months"."""
    one, many = _UNIT_WORDS.get(timescale.unit, (timescale.unit, timescale.unit))
    return f"{timescale.amount} {one if timescale.amount == 1 else many}"


def timescale(session: Session, key: str) -> Timescale:
    """The authority's timescale (defaults with its local settings applied)."""
    return load_timescales(session)[key]


def first_due(state: ChildState, *keys: str, ref: str | None = None) -> str | None:
    """The first open due item's label for any of ``keys``: the soonest first."""
    for item in state.due:
        if item.key in keys and (ref is None or item.ref == ref):
            return item.label
    return None
