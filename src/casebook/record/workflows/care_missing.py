"""Missing episodes (missing, or away from placement without authorisation) and
the return home interview that must be offered within 72 hours of the return.

Missing episodes are recorded for any child, in care or not. A child has one
missing episode open at a time; episodes do not overlap; the return comes
after the start; the interview is offered after the return, and done after
it was offered (and only if the child accepted).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.record.models import Missing
from casebook.record.services import Actor
from casebook.record.workflows.care_common import add, change, describe, first_due, timescale
from casebook.record.workflows.framework import (
    CHOICE,
    CODE,
    DATE,
    YES_NO,
    ChildState,
    Field,
    Step,
    fmt,
    register,
)

AREA = "missing"
RHI = "return_interview"


def _start(m: Missing) -> date:
    return m.miss_missing_episode_start_date or date.min


def _ended(state: ChildState) -> list[Missing]:
    """Missing episodes the child has returned from, latest return first."""
    done = [m for m in state.snapshot.missing if m.miss_missing_episode_end_date is not None]
    return sorted(done, key=lambda m: (m.miss_missing_episode_end_date, _start(m)), reverse=True)


def _label(m: Missing) -> str:
    kind = "Away" if m.miss_missing_episode_type == "A" else "Missing"
    return (
        f"{kind} {fmt(m.miss_missing_episode_start_date)} to {fmt(m.miss_missing_episode_end_date)}"
    )


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise Invalid(problems)


def _rhi_sentence(session: Session) -> str:
    ts = timescale(session, RHI)
    return f"A {ts.title.lower()} must be offered within {describe(ts)} of the child's return."


# --------------------------------------------------------------------------- the episode


def not_missing_now(state: ChildState) -> str | None:
    if state.missing_now is not None:
        return (
            "the child is already recorded missing since "
            f"{fmt(state.missing_now.miss_missing_episode_start_date)}: record their return first"
        )
    return None


def record_missing(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> Missing:
    start: date = values["start_date"]
    end: date | None = values.get("end_date")
    problems: list[Problem] = []
    if end is not None and end < start:
        problems.append(Problem("end_date", f"cannot be before the episode started, {fmt(start)}"))
    for other in state.snapshot.missing:
        o_start, o_end = other.miss_missing_episode_start_date, other.miss_missing_episode_end_date
        if o_start is None:
            continue
        if o_end is None and (end is None or end >= o_start):
            problems.append(
                Problem("start_date", f"the child has a missing episode open since {fmt(o_start)}")
            )
        elif o_end is not None and start <= o_end and (end is None or end >= o_start):
            problems.append(
                Problem(
                    "start_date",
                    f"overlaps the missing episode from {fmt(o_start)} to {fmt(o_end)}",
                )
            )
    first_per_field = {}
    for p in problems:
        first_per_field.setdefault(p.field, p)
    _refuse(list(first_per_field.values()))
    return add(
        session,
        Missing,
        {
            "miss_person_id": person_id,
            "miss_missing_episode_start_date": start,
            "miss_missing_episode_type": values["missing_type"],
            "miss_missing_episode_end_date": end,
        },
        actor,
    )


def missing_clock(session: Session, _person_id: str, _state: ChildState, _today: date) -> str:
    return _rhi_sentence(session)


# --------------------------------------------------------------------------- the return


def missing_now(state: ChildState) -> str | None:
    if state.missing_now is None:
        return "the child is not recorded as missing now"
    return None


def record_return(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> Missing:
    episode = state.missing_now
    assert episode is not None
    end: date = values["end_date"]
    start = episode.miss_missing_episode_start_date
    if start is not None and end < start:
        raise Invalid(
            [Problem("end_date", f"cannot be before the child went missing, {fmt(start)}")]
        )
    return change(session, episode, {"miss_missing_episode_end_date": end}, actor)


def return_clock(session: Session, _person_id: str, state: ChildState, _today: date) -> str:
    started = state.missing_now.miss_missing_episode_start_date if state.missing_now else None
    since = f"Missing since {fmt(started)}. " if started else ""
    return since + _rhi_sentence(session)


# --------------------------------------------------------------------------- the interview


def interview_available(state: ChildState) -> str | None:
    if not state.snapshot.missing:
        return "no missing episode is recorded for this child"
    if not _ended(state):
        started = state.missing_now.miss_missing_episode_start_date if state.missing_now else None
        return (
            f"the child has not returned from the missing episode that began {fmt(started)}: "
            "a return home interview follows the return"
        )
    return None


def _episodes(state: ChildState) -> list[tuple[str, str]]:
    return [(m.miss_table_id, _label(m)) for m in _ended(state)]


def record_interview(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> Missing:
    chosen = values.get("missing_id")
    ended = _ended(state)
    episode = next((m for m in ended if m.miss_table_id == chosen), None) if chosen else ended[0]
    if episode is None:  # the choices only offer ended episodes; kept for direct callers
        raise Invalid([Problem("missing_id", "the child has not returned from this episode")])
    returned = episode.miss_missing_episode_end_date
    offered: date = values["offered_date"]
    accepted = values["accepted"]
    done: date | None = values.get("done_date")
    problems: list[Problem] = []
    if returned is not None and offered < returned:
        problems.append(
            Problem(
                "offered_date",
                f"cannot be before the child returned from the missing episode, {fmt(returned)}",
            )
        )
    if done is not None and accepted == "N":
        problems.append(
            Problem("done_date", "leave this empty: the child did not accept the interview")
        )
    elif done is not None and done < offered:
        problems.append(Problem("done_date", f"cannot be before it was offered, {fmt(offered)}"))
    _refuse(problems)
    return change(
        session,
        episode,
        {
            "miss_missing_rhi_offered": "Y",
            "miss_missing_rhi_accepted": accepted,
            "cb_rhi_offered_date": offered,
            "cb_rhi_done_date": done,
        },
        actor,
    )


def interview_clock(session: Session, _person_id: str, state: ChildState, _today: date) -> str:
    ended = _ended(state)
    if ended:
        running = first_due(state, RHI, ref=ended[0].miss_table_id)
        if running:
            return running
    return _rhi_sentence(session)


# --------------------------------------------------------------------------- the steps

STEPS = (
    register(
        Step(
            key="missing_episode",
            title="Missing episode",
            area=AREA,
            fields=(
                Field("start_date", "Date the child went missing", DATE),
                Field("missing_type", "Missing or away", CODE, code_list="missing_type"),
                Field(
                    "end_date",
                    "Date the child returned",
                    DATE,
                    required=False,
                    hint="Leave empty if the child has not returned yet",
                ),
            ),
            available=not_missing_now,
            run=record_missing,
            clock=missing_clock,
            description="The child is missing, or away from placement without authorisation.",
        )
    ),
    register(
        Step(
            key="missing_return",
            title="Return from missing",
            area=AREA,
            fields=(Field("end_date", "Date the child returned", DATE),),
            available=missing_now,
            run=record_return,
            clock=return_clock,
        )
    ),
    register(
        Step(
            key="return_interview",
            title="Return home interview",
            area=AREA,
            fields=(
                Field(
                    "missing_id",
                    "Missing episode",
                    CHOICE,
                    required=False,
                    options=_episodes,
                    hint="The latest return if none is chosen",
                ),
                Field("offered_date", "Date the interview was offered", DATE),
                Field("accepted", "Did the child accept the interview?", YES_NO),
                Field(
                    "done_date",
                    "Date the interview was done",
                    DATE,
                    required=False,
                    hint="Leave empty if it has not happened yet",
                ),
            ),
            available=interview_available,
            run=record_interview,
            clock=interview_clock,
        )
    ),
)
