"""Steps: statutory visits - under a CIN plan, a CP plan, and to a looked-after child.

A visit records the date, whether the child was seen (and seen alone, and their
bedroom seen: for a looked-after child in Casebook's ``cb_bedroom_seen``, as the
SSD's CLA visits have no such column); what was seen and said goes in a case
note of type ``visit`` written with it, so it appears in the chronology. A visit cannot be in the
future, before the child was born, or before the plan (or care) it is under began.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Problem
from casebook.record.models import CaseNote, CinVisit, ClaVisit, CpVisit
from casebook.record.services import Actor
from casebook.record.workflows.framework import (
    DATE,
    LONG_TEXT,
    YES_NO,
    ChildState,
    Field,
    Step,
    due_clock,
    not_before,
    refuse,
    register,
)
from casebook.record.workflows.referral import professional

AREA = "visits"
VISIT_NOTE = "visit"


#: Every visit's fields: the same for CIN, CP and looked-after visits.
FIELDS = (
    Field("visit_date", "Date of the visit", DATE),
    Field("seen", "Was the child seen?", YES_NO),
    Field("seen_alone", "Was the child seen alone?", YES_NO, required=False),
    Field("bedroom", "Was the child's bedroom seen?", YES_NO, required=False),
    Field("note", "What you saw and heard", LONG_TEXT, required=False,
          hint="The child's words, their home, what happens next"),
)  # fmt: skip


def _check(v: dict[str, Any], started: date | None, what: str) -> None:
    alone = (
        Problem("seen_alone", "The child cannot be seen alone if they were not seen")
        if v.get("seen_alone") == "Y" and v["seen"] == "N"
        else None
    )
    refuse(not_before("visit_date", "The date of the visit", v["visit_date"], started, what),
           alone)  # fmt: skip


def _note(session: Session, actor: Actor, person_id: str, v: dict[str, Any], title: str):
    if not v.get("note"):
        return None
    return services.add_record(
        session,
        CaseNote,
        {
            "person_id": person_id,
            "note_date": v["visit_date"],
            "note_type": VISIT_NOTE,
            "text": f"{title}: {v['note']}",
            "author_id": professional(actor),
        },
        actor,
    )


def _written(*rows: Any) -> list[Any]:
    return [r for r in rows if r is not None]


# --------------------------------------------------------------------------- CIN


def _cin_open(state: ChildState) -> str | None:
    if state.open_cin_plan is None:
        return "there is no open child in need plan to visit under"
    return None


def _cin_visit(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    plan = s.open_cin_plan
    assert plan is not None
    _check(v, plan.cinp_cin_plan_start_date, "the child in need plan started")
    visit = services.add_record(
        session,
        CinVisit,
        {
            "cinv_person_id": person_id,
            "cinv_cin_visit_date": v["visit_date"],
            "cinv_cin_visit_seen": v["seen"],
            "cinv_cin_visit_seen_alone": v.get("seen_alone"),
            "cinv_cin_visit_bedroom": v.get("bedroom"),
        },
        actor,
    )
    return _written(visit, _note(session, actor, person_id, v, "Child in need visit"))


def _ref(get: Callable[[ChildState], Any], column: str) -> Callable[[ChildState], str | None]:
    return lambda s: getattr(get(s), column) if get(s) is not None else None


register(
    Step(
        key="cin_visit",
        title="Record a child in need visit",
        area=AREA,
        fields=FIELDS,
        available=_cin_open,
        run=_cin_visit,
        clock=due_clock("cin_visit", ref=_ref(lambda s: s.open_cin_plan, "cinp_cin_plan_id")),
        button="Record the visit",
    )
)


# --------------------------------------------------------------------------- CP


def _cp_open(state: ChildState) -> str | None:
    if state.open_cp_plan is None:
        return "there is no open child protection plan to visit under"
    return None


def _cp_visit(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    plan = s.open_cp_plan
    assert plan is not None
    _check(v, plan.cppl_cp_plan_start_date, "the child protection plan started")
    visit = services.add_record(
        session,
        CpVisit,
        {
            "cppv_person_id": person_id,
            "cppv_cp_plan_id": plan.cppl_cp_plan_id,
            "cppv_cp_visit_date": v["visit_date"],
            "cppv_cp_visit_seen": v["seen"],
            "cppv_cp_visit_seen_alone": v.get("seen_alone"),
            "cppv_cp_visit_bedroom": v.get("bedroom"),
        },
        actor,
    )
    return _written(visit, _note(session, actor, person_id, v, "Child protection visit"))


register(
    Step(
        key="cp_visit",
        title="Record a child protection visit",
        area=AREA,
        fields=FIELDS,
        available=_cp_open,
        run=_cp_visit,
        clock=due_clock("cp_visit", ref=_ref(lambda s: s.open_cp_plan, "cppl_cp_plan_id")),
        button="Record the visit",
    )
)


# --------------------------------------------------------------------------- CLA


def _cla_open(state: ChildState) -> str | None:
    if not state.looked_after:
        return "the child is not looked after"
    return None


def _cla_visit(
    session: Session, actor: Actor, person_id: str, v: dict[str, Any], today: date, s: ChildState
) -> list[Any]:
    episode = s.open_cla_episode
    assert episode is not None
    _check(v, episode.clae_cla_episode_start_date, "the child came into care")
    visit = services.add_record(
        session,
        ClaVisit,
        {
            "clav_person_id": person_id,
            "clav_cla_id": episode.clae_cla_id,
            "clav_cla_visit_date": v["visit_date"],
            "clav_cla_visit_seen": v["seen"],
            "clav_cla_visit_seen_alone": v.get("seen_alone"),
            "cb_bedroom_seen": v.get("bedroom"),
        },
        actor,
    )
    return _written(visit, _note(session, actor, person_id, v, "Looked-after child visit"))


register(
    Step(
        key="cla_visit",
        title="Record a visit to a looked-after child",
        area=AREA,
        fields=FIELDS,
        available=_cla_open,
        run=_cla_visit,
        clock=due_clock("cla_visit_new_placement", "cla_visit", "cla_visit_long_term"),
        button="Record the visit",
    )
)
