"""Management oversight: who authorised each assessment and plan, and when.

A worker completes an assessment a few days before a manager authorises it
(the SSD's authorisation date, which stops the 45-working-day clock); a new
child in need or child protection plan is authorised within a few working
days of its start. Whatever was completed or started but not yet authorised on
the ``as_at`` date is *awaiting*, which is what fills the manager's worklist,
as :mod:`casebook.record.workflows.oversight` would have left it. The
authoriser is the Team Manager of the team holding the work. Draws come from
the chunk's ``detail`` stream, so the journeys are the same with or without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casebook.interchange.synthetic.context import Chunk

#: The values :mod:`casebook.record.workflows.framework` writes.
AWAITING = "awaiting"
AUTHORISED = "authorised"

#: Calendar days from a worker completing an assessment to the manager authorising it.
_COMPLETED_BEFORE = (0, 0, 1, 1, 2, 3, 5, 7, 10, 14)
#: Working days from a plan's start to its authorisation.
_PLAN_AUTHORISED = (0, 1, 2, 2, 3, 4, 5, 7, 10)


def assessment(
    ctx: Chunk, team: str, start: int, auth: int, seen: bool
) -> tuple[int | None, int | None, str | None, str | None, int | None]:
    """(child seen, completed, status, authorised by, authorised on) of an assessment
    started on ``start`` that its manager authorises (or will) on ``auth``."""
    d, as_at = ctx.detail, ctx.as_at
    completed = max(start, auth - d.choice(_COMPLETED_BEFORE))
    seen_on = min(start + d.randint(0, min(10, completed - start)), as_at) if seen else None
    if auth <= as_at:
        return seen_on, completed, AUTHORISED, ctx.wf.managers.get(team), auth
    if completed <= as_at:
        return seen_on, completed, AWAITING, None, None
    return seen_on, None, None, None, None


def plan(
    ctx: Chunk, team: str, start: int, end: int | None
) -> tuple[str | None, str | None, int | None]:
    """(status, authorised by, authorised on) of a plan that started on ``start``."""
    on = ctx.cal.add_working(start, ctx.detail.choice(_PLAN_AUTHORISED))
    if end is not None:
        on = min(on, end)
    if on > ctx.as_at:
        return AWAITING, None, None
    return AUTHORISED, ctx.wf.managers.get(team), on
