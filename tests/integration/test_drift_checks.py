"""Drift: assessments past their timescale, visits and reviews out of date, plans open
too long, unallocated children - from the timescale registry, not hard-coded."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from casebook.performance import drift
from casebook.record.models import (
    CinAssessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    Department,
    Involvement,
    Person,
    Professional,
)
from casebook.record.models.reference import TimescaleSetting

ON = date(2025, 10, 15)


def child(s, *, allocated: bool = True) -> str:
    tag = uuid.uuid4().hex[:8]
    pid = f"D-{tag}"
    s.add(Person(pers_person_id=pid, pers_forename="Drift", pers_surname=tag,
                 pers_dob=date(2015, 1, 1), pers_ethnicity="WBRI"))  # fmt: skip
    s.flush()
    s.add(CinEpisode(cine_referral_id=f"R-{tag}", cine_person_id=pid,
                     cine_referral_date=ON - timedelta(days=1200)))  # fmt: skip
    if allocated:
        s.add(Department(dept_team_id=f"T-{tag}", dept_team_name="Team"))
        s.add(Professional(prof_professional_id=f"W-{tag}", prof_professional_name="Worker"))
        s.flush()
        s.add(Involvement(invo_involvements_id=f"I-{tag}", invo_person_id=pid,
                          invo_professional_id=f"W-{tag}", invo_professional_team=f"T-{tag}",
                          invo_involvement_start_date=ON - timedelta(days=1200)))  # fmt: skip
    s.flush()
    return pid


def assessment(s, pid: str, started: date, authorised: date | None = None) -> str:
    aid = f"A-{uuid.uuid4().hex[:8]}"
    s.add(CinAssessment(cina_assessment_id=aid, cina_person_id=pid,
                        cina_assessment_start_date=started, cina_assessment_auth_date=authorised,
                        cina_assessment_child_seen="Y"))  # fmt: skip
    s.flush()
    return aid


def test_assessments_past_their_timescale(db_session):
    s = db_session
    late, recent, done = child(s), child(s), child(s)
    late_id = assessment(s, late, ON - timedelta(days=80))
    assessment(s, recent, ON - timedelta(days=20))
    assessment(s, done, ON - timedelta(days=200), authorised=ON - timedelta(days=150))
    rows = {r.person_id: r for r in drift.assessments_overdue(s, ON)}
    assert late in rows and recent not in rows and done not in rows
    assert rows[late].record_id == late_id and rows[late].due < ON


def test_the_assessment_timescale_comes_from_the_authoritys_settings(db_session):
    s = db_session
    pid = child(s)
    assessment(s, pid, ON - timedelta(days=80))
    assert pid in {r.person_id for r in drift.assessments_overdue(s, ON)}
    s.add(TimescaleSetting(key="assessment", amount=100, unit="working_days"))
    s.flush()
    assert pid not in {r.person_id for r in drift.assessments_overdue(s, ON)}


def test_plans_open_too_long(db_session):
    s = db_session
    old, young, ended = child(s), child(s), child(s)
    s.add(CinPlan(cinp_cin_plan_id=f"P-{old}", cinp_person_id=old,
                  cinp_cin_plan_start_date=ON - timedelta(days=800)))  # fmt: skip
    s.add(CinPlan(cinp_cin_plan_id=f"P-{young}", cinp_person_id=young,
                  cinp_cin_plan_start_date=ON - timedelta(days=300)))  # fmt: skip
    s.add(CinPlan(cinp_cin_plan_id=f"P-{ended}", cinp_person_id=ended,
                  cinp_cin_plan_start_date=ON - timedelta(days=900),
                  cinp_cin_plan_end_date=ON - timedelta(days=10)))  # fmt: skip
    s.add(CpPlan(cppl_cp_plan_id=f"CP-{young}", cppl_person_id=young,
                 cppl_cp_plan_start_date=ON - timedelta(days=740)))  # fmt: skip
    s.flush()
    cin = {r.person_id for r in drift.cin_plans_too_long(s, ON)}
    cp = {r.person_id for r in drift.cp_plans_too_long(s, ON)}
    assert old in cin and young not in cin and ended not in cin
    assert young in cp
    # A longer limit set by the authority is honoured.
    s.add(TimescaleSetting(key="cin_plan_drift", amount=36, unit="months"))
    s.flush()
    assert old not in {r.person_id for r in drift.cin_plans_too_long(s, ON)}


def test_unallocated_children_and_visits_out_of_date(db_session):
    s = db_session
    alone, looked_after = child(s, allocated=False), child(s)
    s.add(CinPlan(cinp_cin_plan_id=f"P-{looked_after}", cinp_person_id=looked_after,
                  cinp_cin_plan_start_date=ON - timedelta(days=90)))  # fmt: skip
    s.flush()
    assert alone in {r.person_id for r in drift.unallocated(s, ON)}
    assert looked_after not in {r.person_id for r in drift.unallocated(s, ON)}
    visits = drift.rows_for(s, "visits", ON)
    assert looked_after in {r.person_id for r in visits}
    assert all(r.due < ON for r in visits)
    counts = drift.counts(s, ON)
    assert set(counts) == {c.key for c in drift.CHECKS}
    assert counts["unallocated"] >= 1 and counts["visits"] >= 1


def test_visits_and_reviews_read_only_children_who_can_have_them(db_session):
    s = db_session
    referral_only, on_plan, plan_ended = child(s), child(s), child(s)
    s.add(CinPlan(cinp_cin_plan_id=f"P-{on_plan}", cinp_person_id=on_plan,
                  cinp_cin_plan_start_date=ON - timedelta(days=90)))  # fmt: skip
    s.add(CinPlan(cinp_cin_plan_id=f"P-{plan_ended}", cinp_person_id=plan_ended,
                  cinp_cin_plan_start_date=ON - timedelta(days=300),
                  cinp_cin_plan_end_date=ON - timedelta(days=100)))  # fmt: skip
    s.flush()
    read = set(drift._children_with_visits_or_reviews(s, ON))
    assert on_plan in read
    assert referral_only not in read and plan_ended not in read  # nothing to be late with
    assert {referral_only, plan_ended} <= set(drift._open_children(s, ON))
    visits = {r.person_id for r in drift.rows_for(s, "visits", ON)}
    assert on_plan in visits and plan_ended not in visits


def test_counts_are_kept_until_the_cache_is_cleared(db_session):
    s = db_session
    drift.COUNTS_CACHE.clear()
    key = ("drift-test", uuid.uuid4().hex)
    before = drift.cached_counts(s, ON, key)["unallocated"]
    child(s, allocated=False)
    assert drift.cached_counts(s, ON, key)["unallocated"] == before
    assert drift.cached_counts(s, ON, (*key, "other"))["unallocated"] == before + 1
