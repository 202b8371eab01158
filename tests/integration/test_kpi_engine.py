"""The KPI engine on hand-built children: each measure's edges, and the same answers from
the database (SQLite and PostgreSQL) and from an SSD export of it read in place by DuckDB."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casebook.interchange.ssd_export import export_ssd
from casebook.interchange.synthetic import generate
from casebook.performance.engine import (
    CATALOGUE,
    DatabaseSource,
    Scope,
    SsdFolderSource,
    breakdown,
    children_behind,
    compute,
)
from casebook.record.calendar import WorkingCalendar
from casebook.record.models import (
    CinAssessment,
    CinEpisode,
    CinVisit,
    ClaEpisode,
    ClaPlacement,
    Contact,
    CpPlan,
    Department,
    InitialCpConference,
    Involvement,
    Person,
    Professional,
    S47Enquiry,
)
from casebook.record.models.base import ENTERED_IN_ERROR

AS_AT = date(2025, 3, 31)  # the period: 1 April 2024 to 31 March 2025
#: England and Wales bank holidays inside the period that the edges lean on.
XMAS = WorkingCalendar([date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)])
d = date.fromisoformat


def build(session: Session) -> None:
    """Children whose rows sit exactly on each measure's edges."""
    rows: list = [
        Department(dept_team_id="KL1", dept_team_name="North Locality"),
        Department(
            dept_team_id="KT1",
            dept_team_name="North Team",
            dept_team_parent_id="KL1",
            dept_team_parent_name="North Locality",
        ),
        Department(dept_team_id="KT2", dept_team_name="South Team"),
        Professional(prof_professional_id="KW1", prof_full_time_equivalency=0.5),
        Professional(prof_professional_id="KW2", prof_full_time_equivalency=1.0),
    ]
    kids = {
        "K-RR": "2015-05-01",  # re-referred exactly 12 months later
        "K-RR2": "2015-05-01",  # re-referred 12 months and a day later
        "K-XMAS": "2016-06-01",  # assessed and seen over Christmas
        "K-CP": "2012-02-02",  # plan ending on the as-at date; plan open exactly 2 years
        "K-18": "2007-01-10",  # turns 18 mid-period, still "in care" after
        "K-18AT": "2007-03-31",  # turns 18 on the as-at date
        "K-17": "2007-04-01",  # 18 the day after the as-at date
        "K-GONE": "2014-01-01",  # a referral entered in error
    }
    rows += [Person(pers_person_id=k, pers_dob=d(v)) for k, v in kids.items()]
    rows += [Person(pers_person_id="K-ADULT", pers_dob=d("1990-01-01"), cb_person_type="adult")]

    def referral(rid, person, when, team="KT1", worker="KW1", **kw):
        return CinEpisode(
            cine_referral_id=rid,
            cine_person_id=person,
            cine_referral_date=d(when),
            cine_referral_nfa="N",
            cine_referral_team=team,
            cine_referral_worker_id=worker,
            **kw,
        )

    rows += [
        referral("KR-RR-1", "K-RR", "2024-01-15", cine_close_date=d("2024-03-01")),
        referral("KR-RR-2", "K-RR", "2025-01-15"),
        referral("KR-RR2-1", "K-RR2", "2024-01-14", cine_close_date=d("2024-03-01")),
        referral("KR-RR2-2", "K-RR2", "2025-01-15", team="KT2", worker="KW2"),
        referral("KR-XMAS", "K-XMAS", "2024-12-20"),
        referral("KR-18", "K-18", "2024-06-03", cine_close_date=d("2024-09-01")),
        referral("KR-17", "K-17", "2024-06-03"),
        referral("KR-GONE", "K-GONE", "2024-06-03", cb_status=ENTERED_IN_ERROR),
        # Seen on Monday 30 December: 4 working days (6 weekdays) after the referral.
        CinVisit(
            cinv_cin_visit_id="KV-XMAS",
            cinv_person_id="K-XMAS",
            cinv_cin_visit_date=d("2024-12-30"),
            cinv_cin_visit_seen="Y",
        ),
    ]
    start = d("2024-12-20")
    weekday_46 = start
    for _ in range(46):
        weekday_46 += timedelta(days=3 if weekday_46.weekday() == 4 else 1)
    rows += [
        CinAssessment(
            cina_assessment_id="KA-45",
            cina_person_id="K-XMAS",
            cina_referral_id="KR-XMAS",
            cina_assessment_start_date=start,
            cina_assessment_auth_date=XMAS.add_working_days(start, 45),
            cina_assessment_team="KT1",
            cina_assessment_worker_id="KW1",
        ),
        CinAssessment(
            cina_assessment_id="KA-46",
            cina_person_id="K-XMAS",
            cina_referral_id="KR-XMAS",
            cina_assessment_start_date=start,
            cina_assessment_auth_date=XMAS.add_working_days(start, 46),
        ),
        # 46 weekdays, but 43 working days: in time only if the bank holidays count.
        CinAssessment(
            cina_assessment_id="KA-HOL",
            cina_person_id="K-XMAS",
            cina_referral_id="KR-XMAS",
            cina_assessment_start_date=start,
            cina_assessment_auth_date=weekday_46,
        ),
        S47Enquiry(
            s47e_s47_enquiry_id="KS-XMAS",
            s47e_referral_id="KR-XMAS",
            s47e_person_id="K-XMAS",
            s47e_s47_start_date=start,
        ),
        InitialCpConference(
            icpc_icpc_id="KC-15",
            icpc_s47_enquiry_id="KS-XMAS",
            icpc_person_id="K-XMAS",
            icpc_referral_id="KR-XMAS",
            icpc_icpc_date=XMAS.add_working_days(start, 15),
        ),
        CpPlan(
            cppl_cp_plan_id="KP-END",
            cppl_person_id="K-CP",
            cppl_cp_plan_start_date=d("2023-01-10"),
            cppl_cp_plan_end_date=AS_AT,
        ),
        CpPlan(
            cppl_cp_plan_id="KP-2Y",
            cppl_person_id="K-XMAS",
            cppl_cp_plan_start_date=d("2023-03-31"),
        ),
        CpPlan(
            cppl_cp_plan_id="KP-LATER",
            cppl_person_id="K-RR",
            cppl_cp_plan_start_date=d("2024-05-01"),
            cppl_cp_plan_end_date=d("2025-04-01"),
        ),
        Contact(
            cont_contact_id="KF-XMAS",
            cont_person_id="K-XMAS",
            cont_contact_date=d("2024-12-24"),
            cont_contact_outcome_json='{"decision": "REFERRAL"}',
            cb_decision_date=d("2024-12-27"),
        ),
        Contact(
            cont_contact_id="KF-LATE",
            cont_person_id="K-RR",
            cont_contact_date=d("2025-01-02"),
            cont_contact_outcome_json='{"decision": "NFA"}',
            cb_decision_date=d("2025-01-06"),
        ),
        Involvement(
            invo_involvements_id="KI-1",
            invo_professional_id="KW1",
            invo_professional_role_id="Allocated social worker",
            invo_professional_team="KT1",
            invo_involvement_start_date=d("2024-12-20"),
            invo_person_id="K-XMAS",
        ),
        Involvement(
            invo_involvements_id="KI-2",
            invo_professional_id="KW1",
            invo_professional_role_id="Allocated social worker",
            invo_professional_team="KT1",
            invo_involvement_start_date=d("2025-01-15"),
            invo_person_id="K-RR",
        ),
        Involvement(
            invo_involvements_id="KI-3",
            invo_professional_id="KW2",
            invo_professional_role_id="Independent reviewing officer",
            invo_professional_team="KT2",
            invo_involvement_start_date=d("2025-01-15"),
            invo_person_id="K-RR2",
        ),
    ]
    for person in ("K-18", "K-18AT", "K-17"):
        rows += [
            ClaEpisode(
                clae_cla_episode_id=f"KE-{person}",
                clae_person_id=person,
                clae_cla_episode_start_date=d("2020-01-01"),
                clae_cla_id=f"KLA-{person}",
            ),
            ClaPlacement(
                clap_cla_placement_id=f"KPL-{person}",
                clap_person_id=person,
                clap_cla_placement_start_date=d("2020-01-01"),
                clap_cla_placement_type="U4",
                clap_cla_placement_distance=25.0,
            ),
        ]
    for row in rows:
        session.add(row)
        session.flush()


@pytest.fixture
def sources(db_session: Session, tmp_path: Path):
    build(db_session)
    conn = db_session.connection()
    export_ssd(conn, tmp_path / "ssd")
    folder = SsdFolderSource(tmp_path / "ssd")
    yield DatabaseSource(conn), folder
    folder.close()


def flags(source, measure_id: str) -> dict[str, tuple[bool, bool, float | None]]:
    return {
        r.record_id: (r.in_denominator, r.in_numerator, r.value)
        for r in children_behind(source, measure_id, AS_AT)
    }


def test_both_sources_give_identical_answers_and_rows(sources) -> None:
    db, ssd = sources
    ours = compute(db, AS_AT)
    theirs = compute(ssd, AS_AT)
    assert [r.id for r in ours] == [m.id for m in CATALOGUE]
    for a, b in zip(ours, theirs, strict=True):
        if b.available:
            assert (a.value, a.numerator, a.denominator) == (b.value, b.numerator, b.denominator), (
                a.id
            )
            assert children_behind(db, a.id, AS_AT) == children_behind(ssd, a.id, AS_AT), a.id
    # Casebook-only data: figures from the database, "not available" from an SSD extract.
    by_id = {r.id: r for r in theirs}
    assert not by_id["FD2"].available and by_id["FD2"].value is None
    assert {r.id for r in theirs if not r.available} == {"FD2", "LA9", "EX1", "EH2", "QA1", "LA12"}


def test_re_referral_exactly_12_months_later_counts_a_day_more_does_not(sources) -> None:
    for source in sources:
        rows = flags(source, "R2")
        assert rows["KR-RR-2"][1] is True
        assert rows["KR-RR2-2"][1] is False
        assert "KR-RR-1" not in rows  # before the period: not in the denominator


def test_working_days_skip_bank_holidays(sources) -> None:
    for source in sources:
        a2s = flags(source, "A2S")
        assert a2s["KA-45"] == (True, True, 45)
        assert a2s["KA-46"] == (True, False, 46)
        assert a2s["KA-HOL"] == (True, True, 43)  # 46 weekdays, 3 of them bank holidays
        assert flags(source, "A1S")["KR-XMAS"] == (True, True, 4)
        assert flags(source, "CP2")["KC-15"] == (True, True, 15)
    # A contact on Christmas Eve decided on the 27th: one working day.
    assert flags(sources[0], "FD2")["KF-XMAS"] == (True, True, 1)
    assert flags(sources[0], "FD2")["KF-LATE"][1] is False


def test_plan_ending_on_the_as_at_date_is_ended_not_open(sources) -> None:
    for source in sources:
        assert flags(source, "CP7") == {"KP-END": (True, True, None)}  # lasted 2+ years
        open_plans = flags(source, "CP6")
        assert "KP-END" not in open_plans
        assert open_plans["KP-2Y"][1] is True  # open exactly 2 years: counts
        assert open_plans["KP-LATER"][1] is False  # ends the day after: still open
        cp3 = {r.person_id for r in children_behind(source, "CP3", AS_AT)}
        assert cp3 == {"K-XMAS", "K-RR"}


def test_children_turning_18(sources) -> None:
    for source in sources:
        # Referred at 17: the referral counts for the period.
        assert "KR-18" in flags(source, "R1")
        # Looked after at the end only while under 18: 18 mid-period or on the day is not.
        la1 = {r.person_id for r in children_behind(source, "LA1", AS_AT)}
        assert la1 == {"K-17"}
        la10 = {r.person_id: r.in_numerator for r in children_behind(source, "LA10", AS_AT)}
        assert la10 == {"K-17": True}
        # Entered in error and adults never count.
        assert "KR-GONE" not in flags(source, "R1")


def test_scope_breakdown_and_allocation(sources) -> None:
    for source in sources:
        (r2,) = compute(source, AS_AT, scope=Scope(team="KT2"), measures=["R2"])
        assert (r2.numerator, r2.denominator, r2.value) == (0, 1, 0.0)
        (north,) = compute(source, AS_AT, scope=Scope(locality="KL1"), measures=["R1"])
        assert north.numerator == 4  # KT1's referrals in the period, KL1 its parent
        teams = dict(breakdown(source, "R2", AS_AT, by="team"))
        assert teams["KT2"].denominator == 1 and teams["KT1"].numerator == 1
        # Allocations: K-RR2 has only an IRO, so is unallocated though referred.
        wf2 = {r.person_id for r in children_behind(source, "WF2", AS_AT)}
        assert "K-RR2" in wf2 and "K-RR" not in wf2
        (wf1,) = compute(source, AS_AT, measures=["WF1"])
        assert (wf1.numerator, wf1.denominator, wf1.value) == (2, 0.5, 4.0)


def test_period_from_and_default(sources) -> None:
    db, _ = sources
    (year,) = compute(db, AS_AT, measures=["R1"])
    (spring,) = compute(db, AS_AT, start=date(2025, 1, 1), measures=["R1"])
    assert year.numerator == 5 and spring.numerator == 2
    with pytest.raises(KeyError):
        compute(db, AS_AT, measures=["NOPE"])


def test_synthetic_authority_same_on_database_and_ssd(fresh_engine: Engine, tmp_path) -> None:
    generate(fresh_engine, scale=0.04, seed=3, as_at=AS_AT)
    export_ssd(fresh_engine, tmp_path / "ssd")
    db, ssd = DatabaseSource(fresh_engine), SsdFolderSource(tmp_path / "ssd")
    try:
        ours, theirs = compute(db, AS_AT), compute(ssd, AS_AT)
        compared = 0
        for a, b in zip(ours, theirs, strict=True):
            if b.available:
                assert (a.value, a.numerator, a.denominator) == (
                    b.value,
                    b.numerator,
                    b.denominator,
                ), a.id
                compared += 1
        assert compared == len(CATALOGUE) - 6
        assert {r.id: r.numerator for r in ours}["R1"] > 0
        for measure_id in ("R2", "CP8", "LA4", "WF1"):
            assert breakdown(db, measure_id, AS_AT, by="worker") == breakdown(
                ssd, measure_id, AS_AT, by="worker"
            )
    finally:
        ssd.close()
