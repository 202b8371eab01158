"""Steps: management oversight - authorising assessments and plans, oversight notes.

Both are a manager's (``Step.manager``: the oversee permission). A manager
cannot authorise an assessment they completed (the history names who sent it
for authorisation) or are the assessment's worker for. An
authorisation is written on the assessment or plan (``cb_authorised_by``,
``cb_authorised_on``; for an assessment also the SSD's auth date, which stops
its 45-working-day clock) and as a management oversight case note, so it
appears in the child's chronology with the oversight notes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Invalid, Problem
from casebook.record.models import CaseNote, CinAssessment, CinPlan, HistoryEntry
from casebook.record.services import Actor
from casebook.record.workflows.framework import (
    AUTHORISED,
    CHOICE,
    DATE,
    LONG_TEXT,
    ChildState,
    Field,
    Step,
    due_label,
    fmt,
    next_due,
    not_before,
    refuse,
    register,
)
from casebook.record.workflows.referral import professional

AREA = "oversight"
OVERSIGHT = "oversight"


def _describe(row: Any) -> tuple[str, str, date | None]:
    """(value, label, the date it was ready from) of an item awaiting authorisation."""
    if isinstance(row, CinAssessment):
        return (
            f"assessment:{row.cina_assessment_id}",
            f"Single assessment started {fmt(row.cina_assessment_start_date)}, "
            f"completed {fmt(row.cb_completed_on)}",
            row.cb_completed_on,
        )
    if isinstance(row, CinPlan):
        return (
            f"cin_plan:{row.cinp_cin_plan_id}",
            f"Child in need plan started {fmt(row.cinp_cin_plan_start_date)}",
            row.cinp_cin_plan_start_date,
        )
    return (
        f"cp_plan:{row.cppl_cp_plan_id}",
        f"Child protection plan started {fmt(row.cppl_cp_plan_start_date)}",
        row.cppl_cp_plan_start_date,
    )


def _awaiting(state: ChildState) -> list[tuple[str, str]]:
    return [_describe(row)[:2] for row in state.awaiting_authorisation]


def _authorise_available(state: ChildState) -> str | None:
    if not state.awaiting_authorisation:
        return "no assessment or plan of this child is waiting for a manager's authorisation"
    return None


def oversight_note(session: Session, actor: Actor, person_id: str, on: date, text: str) -> CaseNote:
    """A management oversight note (a case note of type ``oversight``)."""
    return services.add_record(
        session,
        CaseNote,
        {
            "person_id": person_id,
            "note_date": on,
            "note_type": OVERSIGHT,
            "text": text,
            "author_id": professional(actor),
        },
        actor,
    )


def _completed_by(session: Session, assessment: CinAssessment) -> str | None:
    """The username of whoever completed the assessment (sent it for authorisation),
    from its history: the latest change that set its completion date (among its
    last few changes: nothing but the authorisation changes it after completion)."""
    entries = session.scalars(
        select(HistoryEntry)
        .where(
            HistoryEntry.table_name == CinAssessment.__tablename__,
            HistoryEntry.record_id == assessment.cina_assessment_id,
            HistoryEntry.action == "update",
        )
        .order_by(HistoryEntry.id.desc())
        .limit(10)
    )
    for entry in entries:
        before = json.loads(entry.before_json or "{}")
        after = json.loads(entry.after_json or "{}")
        if after.get("cb_completed_on") and before.get("cb_completed_on") != after.get(
            "cb_completed_on"
        ):
            return entry.actor
    return None


def _own_assessment(session: Session, actor: Actor, assessment: CinAssessment) -> str | None:
    """Why the actor may not authorise the assessment (their own work), or None."""
    own = "You cannot authorise an assessment you completed: another manager must authorise it"
    if _completed_by(session, assessment) == actor.username:
        return own
    prof_id = professional(actor)
    if prof_id and prof_id == assessment.cina_assessment_worker_id:
        return (
            "You cannot authorise an assessment you are the worker for: another manager "
            "must authorise it"
        )
    return None


def _authorise(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    found = {(d := _describe(row))[0]: (row, d[1], d[2]) for row in s.awaiting_authorisation}
    if v["item"] not in found:
        raise Invalid([Problem("item", "That is not waiting for authorisation")])
    row, label, ready = found[v["item"]]
    if isinstance(row, CinAssessment) and (why := _own_assessment(session, actor, row)):
        raise Invalid([Problem("item", why)])
    on = v["authorised_on"]
    refuse(not_before("authorised_on", "The date of authorisation", on, ready, "it was ready"))
    changes: dict[str, Any] = {
        "cb_authorisation_status": AUTHORISED,
        "cb_authorised_by": actor.username,
        "cb_authorised_on": on,
    }
    if isinstance(row, CinAssessment):
        changes["cina_assessment_auth_date"] = on
    model = type(row)
    key = {CinAssessment: "cina_assessment_id", CinPlan: "cinp_cin_plan_id"}.get(
        model, "cppl_cp_plan_id"
    )
    updated = services.update_record(
        session, model, getattr(row, key), changes, row.cb_version, actor
    )
    text = f"Authorised: {label[:1].lower()}{label[1:]}."
    if v.get("note"):
        text += f"\n\n{v['note']}"
    note = oversight_note(session, actor, person_id, on, text)
    return [updated, note]


def _authorise_clock(
    _session: Session, _person_id: str, state: ChildState, _today: date
) -> str | None:
    for row in state.awaiting_authorisation:
        if isinstance(row, CinAssessment):
            return due_label(state, "assessment", ref=row.cina_assessment_id)
    return None


register(
    Step(
        key="authorise",
        title="Authorise an assessment or plan",
        area=AREA,
        description="A manager's authorisation of a completed assessment or a new plan. "
        "It is recorded on the assessment or plan and in the chronology.",
        fields=(
            Field("item", "What you are authorising", CHOICE, options=_awaiting),
            Field("authorised_on", "Date of authorisation", DATE),
            Field("note", "Management oversight", LONG_TEXT, required=False,
                  hint="Your reasons, and anything the worker must do next"),
        ),
        available=_authorise_available,
        run=_authorise,
        clock=_authorise_clock,
        manager=True,
        button="Authorise",
    )
)  # fmt: skip


def _note(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> CaseNote:
    return oversight_note(session, actor, person_id, v["note_date"], v["text"])


register(
    Step(
        key="oversight_note",
        title="Record management oversight",
        area=AREA,
        description="A manager's note on the child's record: direction, decisions, reflection. "
        "It appears in the chronology.",
        fields=(
            Field("note_date", "Date", DATE),
            Field("text", "Management oversight", LONG_TEXT),
        ),
        available=lambda _state: None,
        run=_note,
        clock=next_due,
        manager=True,
        button="Save the oversight",
    )
)
