"""Coming into care, changes of placement and of legal status, and leaving care.

The record keeps care as the SSDA903 return defines it: a *period of care*
(one ``clae_cla_id``) made of *episodes*, a new episode whenever the legal
status or the placement changes (903 RNE reason L, P, T, B or U), the one
before it ceasing X1 the same day; the last ceases with the REC reason the
child left care for. Legal statuses (``ssd_legal_status``) and placements
(``ssd_cla_placement``) are their own timelines, each row ending the day the
next begins. Every step writes all of these in the one transaction.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.record.models import ClaEpisode, ClaPlacement, LegalStatus
from casebook.record.services import Actor
from casebook.record.timescales.registry import load_timescales
from casebook.record.workflows.care_common import (
    add,
    change,
    cla_id_of,
    current_legal_status,
    describe,
    first_due,
    last_left_care,
    new_cla_id,
    not_looked_after,
    period_start,
    timescale,
)
from casebook.record.workflows.framework import (
    CODE,
    DATE,
    TEXT,
    YES_NO,
    ChildState,
    Field,
    Step,
    fmt,
    register,
)

AREA = "looked_after"

#: 903 REC: X1 ends an episode that another follows the same day; it never ends care.
CONTINUES = "X1"
#: 903 RNE reasons when a placement and a legal status change on the same day.
SAME_DAY = {
    ("L", "P"): "B",
    ("L", "T"): "U",
    ("P", "L"): "B",
    ("T", "L"): "U",
}

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")
_URN = re.compile(r"^(SC[0-9]{6}|[0-9]{6,7}|XXXXXXX)$")
MAX_DISTANCE_MILES = 1000


def placement_fields() -> tuple[Field, ...]:
    """The placement's details, as the SSDA903 return and the SSD keep them."""
    return (
        Field("placement_type", "Placement type", CODE, code_list="placement_type"),
        Field("placement_provider", "Placement provider", CODE, code_list="placement_provider"),
        Field(
            "placement_postcode",
            "Placement postcode",
            TEXT,
            required=False,
            hint="Kept for the SSDA903 return; the address itself is held securely elsewhere.",
        ),
        Field(
            "placement_distance",
            "Distance from home, in miles",
            TEXT,
            required=False,
            hint="For example, 4.5",
        ),
        Field(
            "placement_urn",
            "Ofsted URN of the placement",
            TEXT,
            required=False,
            hint="SC followed by 6 digits, or XXXXXXX for a placement without one",
        ),
    )


def placement_values(values: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The placement columns from the form's values, and what is wrong with them."""
    problems: list[Problem] = []
    postcode = (values.get("placement_postcode") or "").upper().strip() or None
    if postcode is not None:
        postcode = re.sub(r"\s+", " ", postcode)
        if not _POSTCODE.match(postcode):
            problems.append(
                Problem("placement_postcode", "must be a UK postcode, for example LS1 4AP")
            )
    distance = None
    raw = values.get("placement_distance")
    if raw:
        try:
            distance = round(float(raw), 1)
        except ValueError:
            problems.append(Problem("placement_distance", "must be a number of miles, like 4.5"))
        else:
            if not 0 <= distance <= MAX_DISTANCE_MILES:
                problems.append(
                    Problem("placement_distance", f"must be between 0 and {MAX_DISTANCE_MILES}")
                )
    urn = (values.get("placement_urn") or "").upper().replace(" ", "") or None
    if urn is not None and not _URN.match(urn):
        problems.append(
            Problem("placement_urn", "must be SC and 6 digits, 6 or 7 digits, or XXXXXXX")
        )
    return {
        "clap_cla_placement_type": values["placement_type"],
        "clap_cla_placement_provider": values["placement_provider"],
        "clap_cla_placement_postcode": postcode,
        "clap_cla_placement_distance": distance,
        "clap_cla_placement_urn": urn,
    }, problems


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise Invalid(problems)


def _new_episode(
    session: Session,
    actor: Actor,
    episode: ClaEpisode,
    day: date,
    reason: str,
    placement_id: str | None,
    started: date | None,
) -> ClaEpisode:
    """The episode from ``day``: the open one ceases X1 and a new one starts, or,
    if the open one began that same day, it takes the combined reason (B, U)."""
    if episode.clae_cla_episode_start_date == day:
        previous = episode.clae_cla_episode_start_reason or ""
        changes: dict[str, Any] = {
            "clae_cla_episode_start_reason": SAME_DAY.get((previous, reason), previous or reason)
        }
        if placement_id is not None:
            changes["clae_cla_placement_id"] = placement_id
        return change(session, episode, changes, actor)
    change(
        session,
        episode,
        {"clae_cla_episode_ceased_date": day, "clae_cla_episode_ceased_reason": CONTINUES},
        actor,
    )
    return add(
        session,
        ClaEpisode,
        {
            "clae_person_id": episode.clae_person_id,
            "clae_cla_episode_start_date": day,
            "clae_cla_episode_start_reason": reason,
            "clae_cla_primary_need_code": episode.clae_cla_primary_need_code,
            "clae_cla_id": cla_id_of(episode),
            "clae_referral_id": episode.clae_referral_id,
            "clae_cla_placement_id": placement_id or episode.clae_cla_placement_id,
            "clae_entered_care_date": episode.clae_entered_care_date or started,
            "clae_cla_last_iro_contact_date": episode.clae_cla_last_iro_contact_date,
        },
        actor,
    )


# --------------------------------------------------------------------------- coming into care


def already_looked_after(state: ChildState) -> str | None:
    if state.looked_after:
        return (
            f"the child is already looked after (since {fmt(period_start(state))}): "
            "record a change of placement or of legal status instead"
        )
    return None


def start_care(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> ClaEpisode:
    """Open a period of care: its first episode (903 RNE S), legal status and placement."""
    start: date = values["start_date"]
    problems: list[Problem] = []
    still_open = [e for e in state.snapshot.cla_episodes if e.clae_cla_episode_ceased_date is None]
    if still_open:
        first = min(still_open, key=lambda e: e.clae_cla_episode_start_date or date.min)
        problems.append(
            Problem(
                "start_date",
                "cannot open a second period of care: the child already has an open "
                f"episode, started {fmt(first.clae_cla_episode_start_date)}",
            )
        )
    left = last_left_care(state)
    if left is not None and start <= left:
        problems.append(
            Problem(
                "start_date",
                f"must be after the child's previous period of care ended, {fmt(left)} "
                "(if care did not really end then, correct the leaving care record instead)",
            )
        )
    placement, found = placement_values(values)
    _refuse(problems + found)

    cla_id = new_cla_id()
    placed = add(
        session,
        ClaPlacement,
        {
            **placement,
            "clap_cla_placement_id": None,
            "clap_cla_placement_start_date": start,
            "clap_cla_id": cla_id,
            "clap_person_id": person_id,
        },
        actor,
    )
    legal = current_legal_status(session, person_id, start)
    earlier = legal is not None and (legal.lega_legal_status_start_date or date.min) < start
    if legal is not None and earlier:  # an earlier status left open by mistake ends now
        change(session, legal, {"lega_legal_status_end_date": start}, actor)
    add(
        session,
        LegalStatus,
        {
            "lega_person_id": person_id,
            "lega_legal_status": values["legal_status"],
            "lega_legal_status_start_date": start,
        },
        actor,
    )
    return add(
        session,
        ClaEpisode,
        {
            "clae_person_id": person_id,
            "clae_cla_episode_start_date": start,
            "clae_cla_episode_start_reason": "S",
            "clae_cla_primary_need_code": values["primary_need"],
            "clae_cla_id": cla_id,
            "clae_referral_id": state.open_referral.cine_referral_id
            if state.open_referral
            else None,
            "clae_cla_placement_id": placed.clap_cla_placement_id,
            "clae_entered_care_date": start,
        },
        actor,
    )


def start_clock(session: Session, _person_id: str, _state: ChildState, _today: date) -> str:
    """Coming into care starts the review, health and education clocks."""
    registry = load_timescales(session)
    parts = [
        f"{registry[key].title} within {describe(registry[key])}"
        for key in ("cla_first_review", "health_assessment", "pep")
    ]
    return "Coming into care starts the clocks: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- placement change


def change_placement(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> ClaPlacement:
    """End the current placement with a reason and start the new one (903 RNE P or T)."""
    day: date = values["change_date"]
    episode = state.open_cla_episode
    assert episode is not None  # available() refused otherwise
    current = state.open_placement
    problems: list[Problem] = []
    episode_start = episode.clae_cla_episode_start_date
    started = period_start(state)
    if started is not None and day < started:
        problems.append(
            Problem(
                "change_date",
                f"cannot be before the child came into care, {fmt(started)}",
            )
        )
    elif current is not None and current.clap_cla_placement_start_date is not None:
        if day <= current.clap_cla_placement_start_date:
            problems.append(
                Problem(
                    "change_date",
                    "must be after the current placement started, "
                    f"{fmt(current.clap_cla_placement_start_date)}",
                )
            )
    elif episode_start is not None and day < episode_start:
        problems.append(
            Problem(
                "change_date", f"cannot be before the current episode started, {fmt(episode_start)}"
            )
        )
    placement, found = placement_values(values)
    _refuse(problems + found)

    if current is not None:
        change(
            session,
            current,
            {
                "clap_cla_placement_end_date": day,
                "clap_cla_placement_change_reason": values["change_reason"],
            },
            actor,
        )
    placed = add(
        session,
        ClaPlacement,
        {
            **placement,
            "clap_cla_placement_id": None,
            "clap_cla_placement_start_date": day,
            "clap_cla_id": cla_id_of(episode),
            "clap_person_id": person_id,
        },
        actor,
    )
    reason = "T" if values.get("same_carer") == "Y" else "P"
    _new_episode(session, actor, episode, day, reason, placed.clap_cla_placement_id, started)
    return placed


VISITS = ("cla_visit_new_placement", "cla_visit", "cla_visit_long_term")


def placement_clock(session: Session, _person_id: str, state: ChildState, _today: date) -> str:
    new = timescale(session, "cla_visit_new_placement")
    after = f"A new placement needs a visit within {describe(new)} of it starting."
    running = first_due(state, *VISITS)
    return f"{running}. {after}" if running else after


# --------------------------------------------------------------------------- legal status


def change_legal_status(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> LegalStatus:
    """End the current legal status and start the new one (903 RNE L)."""
    day: date = values["change_date"]
    episode = state.open_cla_episode
    assert episode is not None
    started = period_start(state)
    current = current_legal_status(session, person_id, today)
    problems: list[Problem] = []
    if started is not None and day < started:
        problems.append(
            Problem("change_date", f"cannot be before the child came into care, {fmt(started)}")
        )
    elif (
        current is not None
        and current.lega_legal_status_start_date is not None
        and day <= current.lega_legal_status_start_date
    ):
        problems.append(
            Problem(
                "change_date",
                "must be after the current legal status started, "
                f"{fmt(current.lega_legal_status_start_date)}",
            )
        )
    if current is not None and current.lega_legal_status == values["legal_status"]:
        problems.append(
            Problem(
                "legal_status", f"is already the child's legal status ({current.lega_legal_status})"
            )
        )
    _refuse(problems)
    code = values["legal_status"]
    return legal_status_from(session, actor, person_id, episode, current, code, day, started)


def legal_status_from(
    session: Session,
    actor: Actor,
    person_id: str,
    episode: ClaEpisode,
    current: LegalStatus | None,
    code: str,
    day: date,
    started: date | None,
) -> LegalStatus:
    """Write a change of legal status (checked by the caller): the rows and the episode."""
    if current is not None:
        change(session, current, {"lega_legal_status_end_date": day}, actor)
    new = add(
        session,
        LegalStatus,
        {
            "lega_person_id": person_id,
            "lega_legal_status": code,
            "lega_legal_status_start_date": day,
        },
        actor,
    )
    _new_episode(session, actor, episode, day, "L", None, started)
    return new


REVIEWS = ("cla_first_review", "cla_second_review", "cla_review")


def review_clock(_session: Session, _person_id: str, state: ChildState, _today: date) -> str | None:
    return first_due(state, *REVIEWS)


# --------------------------------------------------------------------------- leaving care


def _reviews_and_visits(
    state: ChildState, cla_id: str, started: date | None
) -> list[tuple[date, str]]:
    """The latest CLA review held and the latest visit of the period of care
    ``cla_id`` (a visit naming no period counts from the period's ``started``):
    the dates the period cannot end before."""
    snap = state.snapshot
    reviews = [
        r.clar_cla_review_date
        for r in snap.cla_reviews
        if r.clar_cla_id == cla_id and r.clar_cla_review_date and r.clar_cla_review_cancelled != "Y"
    ]
    visits = [
        v.clav_cla_visit_date
        for v in snap.cla_visits
        if v.clav_cla_visit_date
        and (
            v.clav_cla_id == cla_id
            or (v.clav_cla_id is None and started is not None and v.clav_cla_visit_date >= started)
        )
    ]
    found = []
    if reviews:
        found.append((max(reviews), "the last looked after review"))
    if visits:
        found.append((max(visits), "the last visit to the child in care"))
    return found


def leave_care_rows(
    session: Session,
    actor: Actor,
    person_id: str,
    state: ChildState,
    day: date,
    reason: str,
    field: str,
) -> ClaEpisode:
    """Check and write the end of the period of care (also used by special guardianship)."""
    episode = state.open_cla_episode
    assert episode is not None
    started = period_start(state)
    episode_start = episode.clae_cla_episode_start_date
    problems: list[Problem] = []
    if started is not None and day < started:
        problems.append(
            Problem(field, f"cannot be before the child came into care, {fmt(started)}")
        )
    elif episode_start is not None and day < episode_start:
        problems.append(
            Problem(field, f"cannot be before the current episode started, {fmt(episode_start)}")
        )
    placement = state.open_placement
    if (
        placement is not None
        and placement.clap_cla_placement_start_date is not None
        and day < placement.clap_cla_placement_start_date
    ):
        problems.append(
            Problem(
                field,
                "cannot be before the current placement started, "
                f"{fmt(placement.clap_cla_placement_start_date)}",
            )
        )
    for latest, what in _reviews_and_visits(state, cla_id_of(episode), started):
        if day < latest:
            problems.append(Problem(field, f"cannot be before {what}, {fmt(latest)}"))
    legal = current_legal_status(session, person_id, state.today)
    if (
        legal is not None
        and legal.lega_legal_status_start_date is not None
        and day < legal.lega_legal_status_start_date
    ):
        problems.append(
            Problem(
                field,
                "cannot be before the current legal status started, "
                f"{fmt(legal.lega_legal_status_start_date)}",
            )
        )
    _refuse(problems[:1])
    if placement is not None:
        change(session, placement, {"clap_cla_placement_end_date": day}, actor)
    if legal is not None:
        change(session, legal, {"lega_legal_status_end_date": day}, actor)
    return change(
        session,
        episode,
        {"clae_cla_episode_ceased_date": day, "clae_cla_episode_ceased_reason": reason},
        actor,
    )


def leave_care(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> ClaEpisode:
    """End the period of care with the 903 REC reason."""
    if values["reason"] == CONTINUES:
        raise Invalid(
            [
                Problem(
                    "reason",
                    "X1 is for an episode another follows the same day: record a change of "
                    "placement or legal status instead",
                )
            ]
        )
    return leave_care_rows(
        session, actor, person_id, state, values["end_date"], values["reason"], "end_date"
    )


def leave_clock(_session: Session, _person_id: str, state: ChildState, _today: date) -> str | None:
    started = period_start(state)
    if started is None:
        return None
    days = (state.today - started).days
    running = first_due(state, *REVIEWS)
    since = f"Looked after since {fmt(started)} ({days} day{'' if days == 1 else 's'})"
    return f"{since}. {running}" if running else since


# --------------------------------------------------------------------------- the steps

STEPS = (
    register(
        Step(
            key="care_start",
            title="Coming into care",
            area=AREA,
            fields=(
                Field("start_date", "Date the child came into care", DATE),
                Field("legal_status", "Legal status", CODE, code_list="legal_status"),
                Field("primary_need", "Category of need", CODE, code_list="primary_need"),
                *placement_fields(),
            ),
            available=already_looked_after,
            run=start_care,
            clock=start_clock,
            description="The child starts to be looked after: legal status and first placement.",
        )
    ),
    register(
        Step(
            key="care_placement_change",
            title="Change of placement",
            area=AREA,
            fields=(
                Field("change_date", "Date the new placement started", DATE),
                Field(
                    "change_reason",
                    "Reason the previous placement ended",
                    CODE,
                    code_list="placement_change_reason",
                ),
                Field("same_carer", "Is the new placement with the same carer?", YES_NO),
                *placement_fields(),
            ),
            available=not_looked_after,
            run=change_placement,
            clock=placement_clock,
            description="The child moves placement; the old one ends with its reason.",
        )
    ),
    register(
        Step(
            key="care_legal_status",
            title="Change of legal status",
            area=AREA,
            fields=(
                Field("change_date", "Date the new legal status started", DATE),
                Field("legal_status", "New legal status", CODE, code_list="legal_status"),
            ),
            available=not_looked_after,
            run=change_legal_status,
            clock=review_clock,
            description="A new legal status (an interim or full care order, say).",
        )
    ),
    register(
        Step(
            key="care_leave",
            title="Leaving care",
            area=AREA,
            fields=(
                Field("end_date", "Date the child left care", DATE),
                Field(
                    "reason",
                    "Reason the child left care",
                    CODE,
                    code_list="reason_episode_ceased",
                ),
            ),
            available=not_looked_after,
            run=leave_care,
            clock=leave_clock,
            description="The period of care ends, with the SSDA903 reason.",
        )
    ),
)
