"""Front door and assessment clocks: contact decisions, the child seen after a
referral, and single assessments (stopped when the referral closes)."""

from __future__ import annotations

from collections.abc import Iterator

from casebook.record.timescales.clocks import Clock, seen, within, yes
from casebook.record.timescales.snapshot import ChildSnapshot


def clocks(s: ChildSnapshot) -> Iterator[Clock]:
    """Contacts, and for each referral: child seen, assessment (stopped by closure)."""
    for c in s.contacts:
        if c.cont_contact_date:
            yield Clock(
                "contact_decision", c.cont_contact_date, c.cb_decision_date, ref=c.cont_contact_id
            )
    visited = [
        *(v.cinv_cin_visit_date for v in s.cin_visits if seen(v.cinv_cin_visit_seen)),
        *(v.cppv_cp_visit_date for v in s.cp_visits if seen(v.cppv_cp_visit_seen)),
        *(v.clav_cla_visit_date for v in s.cla_visits if seen(v.clav_cla_visit_seen)),
    ]
    for r in s.referrals:
        start, closed = r.cine_referral_date, r.cine_close_date
        if start is None or yes(r.cine_referral_nfa):
            continue
        # The day the child was seen, where the assessment records it; the SSD's
        # child-seen flag alone has no date, so its start stands in for it.
        assessed = [
            a.cb_child_seen_date or a.cina_assessment_start_date
            for a in s.assessments
            if a.cina_referral_id == r.cine_referral_id and yes(a.cina_assessment_child_seen)
        ]
        seen_on = [d for d in [*visited, *assessed] if within(d, start, closed)]
        yield Clock("child_seen", start, min(seen_on, default=None), closed, r.cine_referral_id)
    closed_on = {r.cine_referral_id: r.cine_close_date for r in s.referrals}
    for a in s.assessments:
        if a.cina_assessment_start_date:
            yield Clock(
                "assessment",
                a.cina_assessment_start_date,
                a.cina_assessment_auth_date,
                closed_on.get(a.cina_referral_id),
                a.cina_assessment_id,
            )
