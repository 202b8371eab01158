"""Leaving care clocks: a care leaver's pathway plan reviews, until the age support ends."""

from __future__ import annotations

from collections.abc import Iterator

from casebook.record.timescales.clocks import Clock, always, birthday, chain
from casebook.record.timescales.snapshot import ChildSnapshot

#: Care leavers are supported (and pathway plans reviewed) up to this age.
CARE_LEAVER_UNTIL_AGE = 25


def clocks(s: ChildSnapshot) -> Iterator[Clock]:
    """Pathway plan reviews, a chain from the first one recorded."""
    reviewed = sorted(
        {r.clea_pathway_plan_review_date for r in s.care_leavers if r.clea_pathway_plan_review_date}
    )
    if reviewed:
        until = birthday(s.dob, CARE_LEAVER_UNTIL_AGE) if s.dob else None
        ref = s.care_leavers[0].clea_table_id
        yield from chain(reviewed[0], reviewed[1:], until, ref, always("pathway_plan_review"))
