"""Permanence for a looked after child: the adoption milestones, in order, and
a special guardianship order (which ends the period of care).

The adoption milestones are kept on the period of care's ``ssd_permanence``
row (``perm_cla_id``): the agency decision maker's decision that the child
should be adopted, the placement order, the match, placement for adoption and
the adoption order. Each must follow the one before, on or after its date; a
placement order also makes the legal status E1 (placement order) from that
day. The adoption order does not end care by itself: record leaving care with
E11 or E12 as the order takes effect.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.record.models import ClaEpisode, Permanence
from casebook.record.services import Actor
from casebook.record.workflows.care_common import (
    add,
    change,
    cla_id_of,
    current_legal_status,
    not_looked_after,
    period_start,
    permanence_for,
)
from casebook.record.workflows.care_entry import leave_care_rows, leave_clock, legal_status_from
from casebook.record.workflows.framework import (
    CHOICE,
    DATE,
    ChildState,
    Field,
    Step,
    fmt,
    register,
)

AREA = "permanence"
PLACEMENT_ORDER_STATUS = "E1"
ADOPTION_ORDER = "Adoption order"
SPECIAL_GUARDIANSHIP_ORDER = "Special guardianship order"

#: The adoption milestones in the order they happen: (key, words, permanence column).
MILESTONES: tuple[tuple[str, str, str], ...] = (
    ("decision", "decision that the child should be adopted", "perm_adm_decision_date"),
    ("placement_order", "placement order", "perm_placement_order_date"),
    ("matched", "match with adopters", "perm_matched_date"),
    ("placed", "placement for adoption", "perm_placed_for_adoption_date"),
    ("order", "adoption order", "perm_permanence_order_date"),
)
_WORDS = {key: words for key, words, _ in MILESTONES}

#: 903 REC reasons for leaving care on a special guardianship order.
SGO_REASONS: tuple[tuple[str, str], ...] = (
    ("E45", "Former foster carers (not relatives or friends) (E45)"),
    ("E46", "Other carers, not relatives or friends (E46)"),
    ("E47", "Relatives or friends who were the child's foster carers (E47)"),
    ("E48", "Other relatives or friends (E48)"),
)


def _milestone_options(_state: ChildState) -> list[tuple[str, str]]:
    return [(key, words[:1].upper() + words[1:]) for key, words, _ in MILESTONES]


def _dates(perm: Permanence | None) -> dict[str, date | None]:
    if perm is None:
        return {key: None for key, _, _ in MILESTONES}
    dates = {key: getattr(perm, column) for key, _, column in MILESTONES}
    if perm.perm_permanence_order_type not in (None, ADOPTION_ORDER):
        dates["order"] = None  # the order recorded is another kind (special guardianship)
    return dates


def _sequence_problem(
    milestone: str, day: date, dates: dict[str, date | None], started: date | None
) -> Problem | None:
    keys = [key for key, _, _ in MILESTONES]
    at = keys.index(milestone)
    if dates[milestone] is not None:
        return Problem(
            "milestone", f"the {_WORDS[milestone]} is already recorded, {fmt(dates[milestone])}"
        )
    if milestone == "decision" and started is not None and day < started:
        return Problem(
            "milestone_date", f"cannot be before the child came into care, {fmt(started)}"
        )
    for earlier in reversed(keys[:at]):
        if dates[earlier] is None:
            return Problem(
                "milestone",
                f"the {_WORDS[earlier]} is not recorded yet: "
                f"the {_WORDS[milestone]} comes after it",
            )
        if day < dates[earlier]:
            return Problem(
                "milestone_date",
                f"cannot be before the {_WORDS[earlier]}, {fmt(dates[earlier])}",
            )
    return None


def record_milestone(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> Permanence:
    episode = state.open_cla_episode
    assert episode is not None
    milestone: str = values["milestone"]
    day: date = values["milestone_date"]
    cla_id = cla_id_of(episode)
    perm = permanence_for(session, person_id, cla_id)
    started = period_start(state)
    found = _sequence_problem(milestone, day, _dates(perm), started)
    if found is not None:
        raise Invalid([found])

    column = dict((key, col) for key, _, col in MILESTONES)[milestone]
    changes: dict[str, Any] = {column: day}
    if milestone == "order":
        changes["perm_permanence_order_type"] = ADOPTION_ORDER
    if milestone == "placement_order":
        _placement_order_status(session, actor, person_id, episode, day, started, today)
    if perm is None:
        return add(
            session,
            Permanence,
            {"perm_person_id": person_id, "perm_cla_id": cla_id, **changes},
            actor,
        )
    return change(session, perm, changes, actor)


def _placement_order_status(
    session: Session,
    actor: Actor,
    person_id: str,
    episode: ClaEpisode,
    day: date,
    started: date | None,
    today: date,
) -> None:
    """A placement order makes the legal status E1 from its date (a new 903 episode)."""
    current = current_legal_status(session, person_id, today)
    if current is not None and current.lega_legal_status == PLACEMENT_ORDER_STATUS:
        return
    since = current.lega_legal_status_start_date if current is not None else started
    if since is not None and day <= since:
        raise Invalid(
            [
                Problem(
                    "milestone_date",
                    "a placement order makes the legal status E1 from its date, which must be "
                    f"after the current legal status started, {fmt(since)}",
                )
            ]
        )
    code = PLACEMENT_ORDER_STATUS
    legal_status_from(session, actor, person_id, episode, current, code, day, started)


def adoption_clock(session: Session, person_id: str, state: ChildState, _today: date) -> str | None:
    episode = state.open_cla_episode
    if episode is None:
        return None
    dates = _dates(permanence_for(session, person_id, cla_id_of(episode)))
    done = [f"{_WORDS[k]} {fmt(d)}" for k, d in dates.items() if d is not None]
    waiting = next((k for k, d in dates.items() if d is None), None)
    so_far = "; ".join(done) if done else "none recorded yet"
    following = f"; next, the {_WORDS[waiting]}" if waiting else ""
    return f"No set timescale for adoption milestones here. So far: {so_far}{following}"


# --------------------------------------------------------------------------- special guardianship


def special_guardianship(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> Permanence:
    """A special guardianship order: it ends the period of care (903 REC E45 to E48)."""
    episode = state.open_cla_episode
    assert episode is not None
    day: date = values["order_date"]
    cla_id = cla_id_of(episode)
    perm = permanence_for(session, person_id, cla_id)
    if perm is not None and perm.perm_permanence_order_date is not None:
        raise Invalid(
            [
                Problem(
                    "order_date",
                    f"a {(perm.perm_permanence_order_type or 'permanence order').lower()} "
                    f"is already recorded for this period of care, "
                    f"{fmt(perm.perm_permanence_order_date)}",
                )
            ]
        )
    leave_care_rows(session, actor, person_id, state, day, values["carers"], "order_date")
    changes = {
        "perm_permanence_order_date": day,
        "perm_permanence_order_type": SPECIAL_GUARDIANSHIP_ORDER,
    }
    if perm is None:
        return add(
            session,
            Permanence,
            {"perm_person_id": person_id, "perm_cla_id": cla_id, **changes},
            actor,
        )
    return change(session, perm, changes, actor)


STEPS = (
    register(
        Step(
            key="adoption_milestone",
            title="Adoption milestone",
            area=AREA,
            fields=(
                Field("milestone", "Milestone", CHOICE, options=_milestone_options),
                Field("milestone_date", "Date of the milestone", DATE),
            ),
            available=not_looked_after,
            run=record_milestone,
            clock=adoption_clock,
            description=(
                "Decision, placement order, match, placement and adoption order, in that order."
            ),
        )
    ),
    register(
        Step(
            key="special_guardianship",
            title="Special guardianship order",
            area=AREA,
            fields=(
                Field("order_date", "Date of the order", DATE),
                Field(
                    "carers",
                    "Who the special guardians are",
                    CHOICE,
                    options=lambda _state: list(SGO_REASONS),
                ),
            ),
            available=not_looked_after,
            run=special_guardianship,
            clock=leave_clock,
            description="The order ends the period of care.",
        )
    ),
)
