"""Early help beyond the episode: the assessment, the plan, and Outcome Star readings.

Within a few weeks of an episode starting the family is assessed and a team
around the family agrees a plan; the Family Star Plus is scored at the plan (the
baseline) and about every eleven weeks after it (reviews) until the episode
ends. Families whose needs were met climb the star; those who disengage or are
stepped up to social care mostly stay where they were. Scores are kept as
:mod:`casebook.record.workflows.early_help` writes them: one score (1 to 10) per
area, by area key, and their total. Draws come from the chunk's ``detail``
stream, so the journeys are the same with or without this detail.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casebook.interchange.synthetic.journeys import Journey

#: The Family Star Plus area keys, in the workflow's order (a test keeps them equal).
STAR_AREAS = (
    "star_physical_health",
    "star_wellbeing",
    "star_emotional_needs",
    "star_keeping_safe",
    "star_social_networks",
    "star_education",
    "star_boundaries",
    "star_routine",
    "star_home_money",
    "star_work",
)

#: Change in each area's score at a review, by how the episode ends (None: still open).
_STEP = {
    "OUTCOMES_MET": (0, 1, 1, 1, 2),
    "STEP_UP": (-1, -1, 0, 0, 0, 1),
    "DISENGAGED": (-1, 0, 0, 0, 1),
    None: (-1, 0, 1, 1, 1),
}
_STEP_OTHER = (-1, 0, 0, 1, 1)

_AGENCIES = (
    "School",
    "Health visitor",
    "School nurse",
    "GP",
    "Family support worker",
    "Housing officer",
    "Domestic abuse service",
    "Youth worker",
    "Mental health support team",
    "Nursery",
)

_NEED = {
    "Parenting support": (
        "Parents want help with routines and boundaries; the children's needs are mostly met.",
        "Consistent routines at bedtime and mornings; parents use the agreed approach to "
        "behaviour.",
    ),
    "School attendance": (
        "Attendance below 85% this term; anxiety about school and late mornings at home.",
        "Attendance above 90% by the end of term; a morning routine the family keep to.",
    ),
    "Domestic abuse": (
        "Mother has separated from an abusive partner and wants support for her and the children.",
        "A safety plan in place; mother and children attend the recovery programme.",
    ),
    "Emotional wellbeing": (
        "Low mood and withdrawal at home and school; the child has asked for someone to talk to.",
        "Regular sessions with the school's mental health support team; the child reports "
        "feeling better.",
    ),
    "Behaviour": (
        "Angry outbursts at home and fixed-term exclusions at school.",
        "No further exclusions; parents and school use one behaviour plan.",
    ),
    "Housing and money": (
        "Rent arrears and the threat of eviction; the family's money does not reach the "
        "month's end.",
        "Arrears repayment plan agreed; benefits checked and claimed.",
    ),
    "Parental mental health": (
        "Father's depression means the children are missing appointments and school.",
        "Father engaged with his GP and talking therapies; children's appointments kept.",
    ),
}
_NEED_DEFAULT = (
    "The family asked for help; needs are below the threshold for social care.",
    "The family's goals in the plan are met and support from universal services continues.",
)


def detail(
    j: Journey, eid: str, purpose: str, start: int, end: int | None, reason: str | None
) -> None:
    """The assessment, plan and Outcome Star readings of one early help episode
    (``end`` None: still open on the ``as_at`` date)."""
    d, iso, add, new_id, pid = j.ctx.detail, j.cal.iso, j.add, j.new_id, j.child.pid
    last = min(j.as_at if end is None else end, j.as_at)
    need, outcomes = _NEED.get(purpose, _NEED_DEFAULT)
    assessed = start + d.randint(5, 25)
    if assessed > last:
        return
    add("cb_early_help_assessment", (new_id("EHA"), pid, eid, iso(assessed), need))
    planned = assessed + d.randint(3, 15)
    if planned > last:
        return
    team = ", ".join(sorted(d.sample(_AGENCIES, d.randint(2, 4))))
    add("cb_early_help_plan", (new_id("EHP"), pid, eid, iso(planned), team, outcomes))
    scores = [d.randint(2, 6) for _ in STAR_AREAS]
    step = _STEP.get(reason, _STEP_OTHER)
    t, reading = planned + d.randint(0, 7), "baseline"
    while t <= last:
        add(
            "cb_outcome_star",
            (
                new_id("OST"),
                pid,
                eid,
                iso(t),
                reading,
                json.dumps(dict(zip(STAR_AREAS, scores, strict=True))),
                sum(scores),
            ),
        )
        scores = [min(10, max(1, s + d.choice(step))) for s in scores]
        t, reading = t + d.randint(63, 98), "review"
