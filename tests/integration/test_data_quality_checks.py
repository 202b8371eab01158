"""The data quality report: missing ethnicity, child seen not recorded, overlapping
episodes, plans without visits, dates in the future."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from casebook.performance import data_quality
from casebook.record.models import (
    CinAssessment,
    CinEpisode,
    CinPlan,
    CinVisit,
    ClaEpisode,
    Contact,
    Person,
)

ON = date(2025, 10, 15)


def child(s, ethnicity: str | None = "WBRI") -> str:
    pid = f"Q-{uuid.uuid4().hex[:8]}"
    s.add(Person(pers_person_id=pid, pers_forename="Quality", pers_surname="Child",
                 pers_dob=date(2014, 3, 3), pers_ethnicity=ethnicity))  # fmt: skip
    s.flush()
    s.add(CinEpisode(cine_referral_id=f"R1-{pid}", cine_person_id=pid,
                     cine_referral_date=ON - timedelta(days=400),
                     cine_close_date=ON - timedelta(days=100)))  # fmt: skip
    s.flush()
    return pid


def keys(findings) -> set[str]:
    return {f.person_id for f in findings}


def test_missing_ethnicity_and_child_seen(db_session):
    s = db_session
    blank, known = child(s, ethnicity=None), child(s)
    s.add(CinAssessment(cina_assessment_id=f"A-{known}", cina_person_id=known,
                        cina_assessment_start_date=ON - timedelta(days=30)))  # fmt: skip
    s.flush()
    assert blank in keys(data_quality.missing_ethnicity(s, ON))
    assert known not in keys(data_quality.missing_ethnicity(s, ON))
    assert known in keys(data_quality.child_seen_missing(s, ON))


def test_overlapping_episodes(db_session):
    s = db_session
    overlap, apart = child(s), child(s)
    s.add(CinEpisode(cine_referral_id=f"R2-{overlap}", cine_person_id=overlap,
                     cine_referral_date=ON - timedelta(days=200)))  # fmt: skip
    s.add(CinEpisode(cine_referral_id=f"R2-{apart}", cine_person_id=apart,
                     cine_referral_date=ON - timedelta(days=50)))  # fmt: skip
    s.add(ClaEpisode(clae_cla_episode_id=f"E1-{apart}", clae_person_id=apart,
                     clae_cla_episode_start_date=ON - timedelta(days=300),
                     clae_cla_episode_ceased_date=ON - timedelta(days=200)))  # fmt: skip
    s.add(ClaEpisode(clae_cla_episode_id=f"E2-{apart}", clae_person_id=apart,
                     clae_cla_episode_start_date=ON - timedelta(days=200)))  # fmt: skip
    s.flush()
    found = data_quality.overlapping_episodes(s, ON)
    assert overlap in keys(found)
    assert apart not in keys(found)  # ends the day the next starts: no overlap


def test_plans_without_visits_and_future_dates(db_session):
    s = db_session
    unvisited, visited, future = child(s), child(s), child(s)
    for pid in (unvisited, visited):
        s.add(CinPlan(cinp_cin_plan_id=f"P-{pid}", cinp_person_id=pid,
                      cinp_cin_plan_start_date=ON - timedelta(days=60)))  # fmt: skip
    s.add(CinVisit(cinv_cin_visit_id=f"V-{visited}", cinv_person_id=visited,
                   cinv_cin_visit_date=ON - timedelta(days=20)))  # fmt: skip
    s.add(Contact(cont_contact_id=f"C-{future}", cont_person_id=future,
                  cont_contact_date=ON + timedelta(days=3)))  # fmt: skip
    s.flush()
    assert unvisited in keys(data_quality.plans_without_visits(s, ON))
    assert visited not in keys(data_quality.plans_without_visits(s, ON))
    found = data_quality.future_dates(s, ON)
    assert future in keys(found)
    assert any("Contact" in f.detail for f in found if f.person_id == future)
    assert data_quality.counts(s, ON)["future_dates"] >= 1
