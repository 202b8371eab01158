"""Care leavers: leaving care services from 16 to 21, and the SSD's snapshot of each.

A young person qualifies after 13 weeks looked after since 14, including some
time at 16 or over. They get a personal adviser (an allocation in
``ssd_involvements``) and, while under 21 at ``as_at``, a row in
``ssd_care_leavers`` with eligibility, keeping in touch, accommodation and
activity as the SSDA903 care leaver return records them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from casebook.interchange.synthetic import followup, rates
from casebook.interchange.synthetic.days import birthday

if TYPE_CHECKING:
    from casebook.interchange.synthetic.journeys import Journey


def care_leaver(j: Journey) -> None:
    """Leaving care services from 16 to 21 for those looked after long enough after 14."""
    rng, cal, child, as_at = j.rng, j.cal, j.child, j.as_at
    b14, b16 = birthday(child.dob, 14), birthday(child.dob, 16)
    b18, b21 = birthday(child.dob, 18), birthday(child.dob, 21)
    days_after_14 = 0
    for p in j.periods:
        stop = p.end if p.end is not None else as_at
        days_after_14 += max(0, stop - max(p.start, b14))
    in_care_16 = [p for p in j.periods if (p.end if p.end is not None else as_at + 1) > b16]
    if not in_care_16 or days_after_14 < 91:
        return
    service_start = max(b16, in_care_16[0].start)
    if service_start > as_at:
        return
    service_end = b21 if b21 <= as_at else None
    if service_end is not None and service_end < j.ctx.window_start:
        return
    last = j.periods[-1]
    team, worker = j.ctx.wf.pick("leaving", rng)
    final = followup.involvements(
        j, last.rid, "leaving", team, worker, service_start, service_end, "CLOSED"
    )
    if service_end is not None:
        return
    in_care = last.end is None
    eligibility = ("ELIGIBLE" if in_care else "RELEVANT") if as_at < b18 else "FORMER_RELEVANT"
    if in_care:
        accommodation = {"K2": "C", "K1": "C", "R1": "C", "H5": "D", "P1": "B"}.get(
            last.last_type, "Y"
        )
        in_touch, activity = (
            "YES",
            ("F2" if rng.random() < 0.7 else rates.LEAVER_ACTIVITY.pick(rng)),
        )
    else:
        accommodation = "Z" if last.reason == "E17" else rates.LEAVER_ACCOMMODATION.pick(rng)
        in_touch = rates.LEAVER_IN_TOUCH.pick(rng)
        activity = rates.LEAVER_ACTIVITY.pick(rng)
    suitable = "N" if accommodation in rates.UNSUITABLE else "Y"
    if rng.random() < 0.04:
        suitable = "N" if suitable == "Y" else "Y"
    latest = as_at - (rng.randint(0, 56) if in_touch == "YES" else rng.randint(60, 400))
    review = as_at - (rng.randint(0, 182) if rng.random() < 0.86 else rng.randint(183, 420))
    latest, review = max(latest, service_start), max(review, service_start)
    team, pa = final or (team, worker)
    j.add(
        "ssd_care_leavers",
        (
            j.new_id("CLV"),
            child.pid,
            eligibility,
            in_touch,
            cal.iso(latest),
            accommodation,
            suitable,
            activity,
            cal.iso(review),
            j.ctx.wf.names[pa],
            team,
            pa,
        ),
    )
