"""Keeping in touch with a care leaver: whether in touch, accommodation and
whether it is suitable, activity, and the pathway plan review.

Only for a young person who has been looked after, from 16 until the age
support ends. The SSD keeps one ``ssd_care_leavers`` row per young person
holding the latest contact (as the SSDA903 care leaver return reads it): the
first contact adds it, each later one updates it. Every contact is also kept as
a row of its own in ``cb_care_leaver_contact`` (date, in touch, accommodation
and whether suitable, activity, pathway plan review), for the chronology.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, Problem
from casebook.record.models import CareLeaver, CareLeaverContact
from casebook.record.services import Actor
from casebook.record.timescales.leaving_care import CARE_LEAVER_UNTIL_AGE
from casebook.record.workflows.care_common import (
    CARE_LEAVER_FROM_AGE,
    add,
    age_on,
    change,
    describe,
    ever_looked_after,
    first_due,
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

AREA = "care_leavers"
ADULT = 18


def care_leaver_available(state: ChildState) -> str | None:
    if not ever_looked_after(state):
        return (
            "the child was never looked after: only a young person who has been in care "
            "is a care leaver"
        )
    years = state.age
    if years is not None and years < CARE_LEAVER_FROM_AGE:
        return f"care leaver support starts at {CARE_LEAVER_FROM_AGE}; the child is {years}"
    if years is not None and years >= CARE_LEAVER_UNTIL_AGE:
        return f"care leaver support ends at {CARE_LEAVER_UNTIL_AGE}; the young person is {years}"
    return None


def eligibility(state: ChildState, on: date) -> str:
    """The care leaver category (Children (Leaving Care) Act) as the record stands."""
    years = age_on(state.dob, on)
    if state.looked_after and (years is None or years < ADULT):
        return "ELIGIBLE"
    return "RELEVANT" if years is not None and years < ADULT else "FORMER_RELEVANT"


def record_contact(
    session: Session,
    actor: Actor,
    person_id: str,
    values: dict[str, Any],
    today: date,
    state: ChildState,
) -> list[CareLeaver | CareLeaverContact]:
    """The young person's ``ssd_care_leavers`` row (added or updated) and the contact."""
    day: date = values["contact_date"]
    review: date | None = values.get("pathway_plan_review")
    problems: list[Problem] = []
    years = age_on(state.dob, day)
    if years is not None and years < CARE_LEAVER_FROM_AGE:
        problems.append(
            Problem(
                "contact_date",
                f"the young person was {years} then: care leaver contact starts at "
                f"{CARE_LEAVER_FROM_AGE}",
            )
        )
    first_care = min(
        (
            e.clae_cla_episode_start_date
            for e in state.snapshot.cla_episodes
            if e.clae_cla_episode_start_date
        ),
        default=None,
    )
    if first_care is not None and day < first_care:
        problems.append(
            Problem(
                "contact_date",
                f"cannot be before the child was first looked after, {fmt(first_care)}",
            )
        )
    existing = state.care_leaver
    if existing is not None:
        latest = existing.clea_care_leaver_latest_contact
        if latest is not None and day < latest:
            problems.append(
                Problem(
                    "contact_date",
                    f"cannot be before the latest contact recorded, {fmt(latest)}",
                )
            )
        reviewed = existing.clea_pathway_plan_review_date
        if review is not None and reviewed is not None and review < reviewed:
            problems.append(
                Problem(
                    "pathway_plan_review",
                    f"cannot be before the last pathway plan review recorded, {fmt(reviewed)}",
                )
            )
    if values.get("accommodation") and not values.get("accommodation_suitable"):
        problems.append(
            Problem("accommodation_suitable", "Select whether the accommodation is suitable")
        )
    first_per_field: dict[str, Problem] = {}
    for p in problems:
        first_per_field.setdefault(p.field, p)
    if first_per_field:
        raise Invalid(list(first_per_field.values()))

    row = {
        "clea_care_leaver_eligibility": values.get("eligibility") or eligibility(state, day),
        "clea_care_leaver_in_touch": values["in_touch"],
        "clea_care_leaver_latest_contact": day,
        "clea_care_leaver_accommodation": values.get("accommodation"),
        "clea_care_leaver_accom_suitable": values.get("accommodation_suitable"),
        "clea_care_leaver_activity": values.get("activity"),
    }
    if review is not None:
        row["clea_pathway_plan_review_date"] = review
    if values.get("personal_adviser"):
        row["clea_care_leaver_personal_advisor"] = values["personal_adviser"]
    if existing is None:
        leaver = add(session, CareLeaver, {"clea_person_id": person_id, **row}, actor)
    else:
        leaver = change(session, existing, row, actor)
    contact = add(
        session,
        CareLeaverContact,
        {
            "person_id": person_id,
            "care_leaver_id": leaver.clea_table_id,
            "contact_date": day,
            "clea_care_leaver_in_touch": values["in_touch"],
            "clea_care_leaver_accommodation": values.get("accommodation"),
            "clea_care_leaver_accom_suitable": values.get("accommodation_suitable"),
            "clea_care_leaver_activity": values.get("activity"),
            "clea_pathway_plan_review_date": review,
        },
        actor,
    )
    return [leaver, contact]


def pathway_clock(session: Session, _person_id: str, state: ChildState, _today: date) -> str:
    running = first_due(state, "pathway_plan_review")
    if running:
        return running
    ts = timescale(session, "pathway_plan_review")
    return f"The pathway plan is reviewed at least every {describe(ts)}; no review is recorded yet"


STEPS = (
    register(
        Step(
            key="care_leaver_contact",
            title="Care leaver contact",
            area=AREA,
            fields=(
                Field("contact_date", "Date of the contact", DATE),
                Field("in_touch", "In touch", CODE, code_list="care_leaver_in_touch"),
                Field(
                    "accommodation",
                    "Accommodation",
                    CODE,
                    code_list="care_leaver_accommodation",
                    required=False,
                ),
                Field(
                    "accommodation_suitable",
                    "Is the accommodation suitable?",
                    YES_NO,
                    required=False,
                ),
                Field(
                    "activity",
                    "Activity",
                    CODE,
                    code_list="care_leaver_activity",
                    required=False,
                    hint="Education, employment or training, or not (NEET)",
                ),
                Field(
                    "pathway_plan_review",
                    "Date the pathway plan was reviewed",
                    DATE,
                    required=False,
                    hint="Only if it was reviewed at or since this contact",
                ),
                Field("personal_adviser", "Personal adviser", TEXT, required=False),
                Field(
                    "eligibility",
                    "Care leaver category",
                    CODE,
                    code_list="care_leaver_eligibility",
                    required=False,
                    hint="Worked out from age and care status if left empty",
                ),
            ),
            available=care_leaver_available,
            run=record_contact,
            clock=pathway_clock,
        )
    ),
)
