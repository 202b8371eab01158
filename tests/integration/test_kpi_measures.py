"""Each measure's own edges, on hand-built children, from the database (SQLite and
PostgreSQL) and from its SSD export read by DuckDB: the same rows either way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from casebook.interchange.ssd_export import export_ssd
from casebook.performance.engine import (
    DatabaseSource,
    SsdFolderSource,
    children_behind,
    compute,
)
from casebook.record.models import (
    CareLeaver,
    CinEpisode,
    CinPlan,
    CinVisit,
    ClaEpisode,
    ClaHealth,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    Contact,
    CpPlan,
    CpReview,
    CpVisit,
    EarlyHelpEpisode,
    EducationPlan,
    ExploitationScreening,
    Missing,
    Permanence,
    Person,
    S47Enquiry,
)

AS_AT = date(2025, 3, 31)
d = date.fromisoformat


def build(session: Session) -> list:
    people = {
        # id: date of birth
        "M-CP-A": "2012-01-01",
        "M-CP-B": "2012-01-01",
        "M-CP-C": "2012-01-01",
        "M-CP-D": "2012-01-01",
        "M-CP-E": "2012-01-01",
        "M-CIN-A": "2013-01-01",
        "M-CIN-B": "2013-01-01",
        "M-LA-A": "2012-05-05",  # under 16, settled for years
        "M-LA-B": "2021-01-01",  # under 5
        "M-LA-C": "2010-01-01",
        "M-LA-NEW": "2010-01-01",  # came into care 3 weeks ago
        "M-LA-LEFT": "2009-01-01",  # left care in the period
        "M-AD": "2020-01-01",
        "M-CL-20": "2004-06-01",
        "M-CL-18": "2006-06-01",
        "M-EH": "2015-01-01",
    }
    rows: list = [Person(pers_person_id=k, pers_dob=d(v)) for k, v in people.items()]
    rows += [
        Contact(
            cont_contact_id="MF-REF",
            cont_person_id="M-EH",
            cont_contact_date=d("2024-04-01"),
            cont_contact_outcome_json='{"decision": "STRATEGY"}',
        ),
        Contact(
            cont_contact_id="MF-OLD",
            cont_person_id="M-EH",
            cont_contact_date=d("2024-03-31"),
            cont_contact_outcome_json='{"decision": "REFERRAL"}',
        ),
        Contact(
            cont_contact_id="MF-EH",
            cont_person_id="M-EH",
            cont_contact_date=AS_AT,
            cont_contact_outcome_json='{"decision": "EARLY_HELP"}',
        ),
        CinEpisode(
            cine_referral_id="MR-NFA",
            cine_person_id="M-EH",
            cine_referral_date=d("2024-05-01"),
            cine_referral_nfa="Y",
            cine_close_date=d("2024-05-02"),
        ),
        S47Enquiry(
            s47e_s47_enquiry_id="MS-IN",
            s47e_person_id="M-CP-A",
            s47e_s47_start_date=d("2024-04-01"),
        ),
        S47Enquiry(
            s47e_s47_enquiry_id="MS-OUT",
            s47e_person_id="M-CP-A",
            s47e_s47_start_date=d("2024-03-31"),
        ),
        # CP4/CP5: A had a plan long ago; B's previous plan ended exactly 2 years before.
        CpPlan(
            cppl_cp_plan_id="MP-A1",
            cppl_person_id="M-CP-A",
            cppl_cp_plan_start_date=d("2019-01-01"),
            cppl_cp_plan_end_date=d("2021-06-01"),
        ),
        CpPlan(
            cppl_cp_plan_id="MP-A2",
            cppl_person_id="M-CP-A",
            cppl_cp_plan_start_date=d("2024-06-01"),
        ),
        CpPlan(
            cppl_cp_plan_id="MP-B1",
            cppl_person_id="M-CP-B",
            cppl_cp_plan_start_date=d("2021-06-01"),
            cppl_cp_plan_end_date=d("2022-06-01"),
        ),
        CpPlan(
            cppl_cp_plan_id="MP-B2",
            cppl_person_id="M-CP-B",
            cppl_cp_plan_start_date=d("2024-06-01"),
        ),
        # CP8: C reviewed in time; D's first review late; E's plan too new to count.
        CpPlan(
            cppl_cp_plan_id="MP-C",
            cppl_person_id="M-CP-C",
            cppl_cp_plan_start_date=d("2024-10-01"),
        ),
        CpReview(
            cppr_cp_review_id="MV-C",
            cppr_person_id="M-CP-C",
            cppr_cp_plan_id="MP-C",
            cppr_cp_review_due=d("2025-01-01"),
            cppr_cp_review_date=d("2024-12-20"),
        ),
        CpPlan(
            cppl_cp_plan_id="MP-D",
            cppl_person_id="M-CP-D",
            cppl_cp_plan_start_date=d("2024-06-01"),
        ),
        CpReview(
            cppr_cp_review_id="MV-D",
            cppr_person_id="M-CP-D",
            cppr_cp_plan_id="MP-D",
            cppr_cp_review_due=d("2024-09-01"),
            cppr_cp_review_date=d("2024-09-10"),
        ),
        CpPlan(
            cppl_cp_plan_id="MP-E",
            cppl_person_id="M-CP-E",
            cppl_cp_plan_start_date=d("2025-01-15"),
        ),
        # CP9: C seen on 1 March (due again 1 April); D only "not seen" lately.
        CpVisit(
            cppv_cp_visit_id="MCV-C",
            cppv_person_id="M-CP-C",
            cppv_cp_visit_date=d("2025-03-01"),
            cppv_cp_visit_seen="Y",
        ),
        CpVisit(
            cppv_cp_visit_id="MCV-D1",
            cppv_person_id="M-CP-D",
            cppv_cp_visit_date=d("2025-02-10"),
            cppv_cp_visit_seen="Y",
        ),
        CpVisit(
            cppv_cp_visit_id="MCV-D2",
            cppv_person_id="M-CP-D",
            cppv_cp_visit_date=d("2025-03-20"),
            cppv_cp_visit_seen="N",
        ),
        # CIN2: A's plan started 2 years and a day before the end; B's exactly 2 years.
        CinPlan(
            cinp_cin_plan_id="MN-A",
            cinp_person_id="M-CIN-A",
            cinp_cin_plan_start_date=d("2023-03-30"),
        ),
        CinPlan(
            cinp_cin_plan_id="MN-B",
            cinp_person_id="M-CIN-B",
            cinp_cin_plan_start_date=d("2023-03-31"),
        ),
        CinVisit(
            cinv_cin_visit_id="MNV-A",
            cinv_person_id="M-CIN-A",
            cinv_cin_visit_date=d("2025-02-27"),
        ),
        CinVisit(
            cinv_cin_visit_id="MNV-B",
            cinv_person_id="M-CIN-B",
            cinv_cin_visit_date=d("2025-03-01"),
        ),
    ]

    def care(person, start, end=None, reason=None, entered=None):
        return ClaEpisode(
            clae_cla_episode_id=f"ME-{person}",
            clae_person_id=person,
            clae_cla_episode_start_date=d(start),
            clae_cla_episode_ceased_date=d(end) if end else None,
            clae_cla_episode_ceased_reason=reason,
            clae_entered_care_date=d(entered) if entered else None,
            clae_cla_id=f"MLA-{person}",
        )

    def placement(pid, person, start, end=None, kind="U6", miles=None):
        return ClaPlacement(
            clap_cla_placement_id=pid,
            clap_person_id=person,
            clap_cla_placement_start_date=d(start),
            clap_cla_placement_end_date=d(end) if end else None,
            clap_cla_placement_type=kind,
            clap_cla_placement_distance=miles,
        )

    def review(rid, person, due, held, participation=None, cancelled="N"):
        return ClaReview(
            clar_cla_review_id=rid,
            clar_cla_id=f"MLA-{person}",
            clar_cla_review_due_date=d(due),
            clar_cla_review_date=d(held),
            clar_cla_review_participation=participation,
            clar_cla_review_cancelled=cancelled,
        )

    def check(cid, person, kind, when, status="DONE"):
        return ClaHealth(
            clah_health_check_id=cid,
            clah_person_id=person,
            clah_health_check_type=kind,
            clah_health_check_date=d(when),
            clah_health_check_status=status,
        )

    rows += [
        care("M-LA-A", "2022-01-01"),
        placement("MPL-A", "M-LA-A", "2023-03-31", kind="U4", miles=20.0),
        care("M-LA-B", "2023-01-01"),
        placement("MPL-B", "M-LA-B", "2025-03-28"),
        care("M-LA-C", "2024-01-08"),
        placement("MPL-C1", "M-LA-C", "2024-01-08", "2024-05-01"),
        placement("MPL-C2", "M-LA-C", "2024-05-01", "2024-08-01"),
        placement("MPL-CT", "M-LA-C", "2024-08-01", "2024-08-03", kind="T1"),
        placement("MPL-C3", "M-LA-C", "2024-08-03"),
        care("M-LA-NEW", "2025-03-10"),
        care("M-LA-LEFT", "2023-01-01", "2024-06-01", "E4A"),
        # C's reviews: the first late but before the period; those in the period in time.
        review("MRV-C1", "M-LA-C", "2024-02-05", "2024-02-10", "PN1"),
        review("MRV-C2", "M-LA-C", "2024-05-01", "2024-04-30", "PN7"),
        review("MRV-C3", "M-LA-C", "2024-10-30", "2024-10-29", "PN1", cancelled="Y"),
        review("MRV-C4", "M-LA-C", "2024-10-30", "2024-10-30", "PN4"),
        # B is 3 at the review: not counted for participation.
        review("MRV-B", "M-LA-B", "2024-07-01", "2024-06-20", "PN0"),
        ClaVisit(
            clav_cla_visit_id="MLV-A",
            clav_person_id="M-LA-A",
            clav_cla_visit_date=d("2025-01-10"),
        ),
        ClaVisit(
            clav_cla_visit_id="MLV-C",
            clav_person_id="M-LA-C",
            clav_cla_visit_date=d("2025-01-10"),
        ),
        check("MH-B", "M-LA-B", "HEALTH_ASSESSMENT", "2024-09-30"),  # under 5: 6 months
        check("MH-C", "M-LA-C", "HEALTH_ASSESSMENT", "2024-03-31"),  # exactly 12 months
        check("MH-A", "M-LA-A", "HEALTH_ASSESSMENT", "2024-03-30"),  # a day more
        check("MD-A", "M-LA-A", "DENTAL", "2024-12-01", "NOT_DONE"),
        check("MD-C", "M-LA-C", "DENTAL", "2024-12-01"),
        Missing(
            miss_table_id="MM-LEFT",
            miss_person_id="M-LA-LEFT",
            miss_missing_episode_start_date=d("2024-05-01"),
            miss_missing_episode_type="M",
            miss_missing_episode_end_date=d("2024-05-02"),
            miss_missing_rhi_offered="Y",
            cb_rhi_offered_date=d("2024-05-04"),
        ),
        Missing(
            miss_table_id="MM-C",
            miss_person_id="M-LA-C",
            miss_missing_episode_start_date=d("2024-09-01"),
            miss_missing_episode_type="A",
            miss_missing_episode_end_date=d("2024-09-02"),
            miss_missing_rhi_offered="N",
        ),
        care("M-AD", "2022-01-01", "2024-10-01", "E11", entered="2021-06-01"),
        Permanence(
            perm_table_id="MPM-AD",
            perm_person_id="M-AD",
            perm_placement_order_date=d("2023-01-01"),
            perm_matched_date=d("2022-12-01"),
            perm_placed_for_adoption_date=d("2023-06-01"),
            perm_adopted_by_carer_flag="Y",
            perm_placed_foster_carer_date=d("2022-03-01"),
        ),
        CareLeaver(
            clea_table_id="MCL-20",
            clea_person_id="M-CL-20",
            clea_care_leaver_in_touch="YES",
            clea_care_leaver_accom_suitable="Y",
            clea_care_leaver_activity="G6",
            clea_pathway_plan_review_date=d("2024-09-30"),
        ),
        CareLeaver(
            clea_table_id="MCL-18",
            clea_person_id="M-CL-18",
            clea_care_leaver_in_touch="NO",
            clea_care_leaver_accom_suitable="N",
            clea_care_leaver_activity="F2",
            clea_pathway_plan_review_date=d("2024-09-29"),
        ),
        EarlyHelpEpisode(
            earl_episode_id="MEH-OPEN",
            earl_person_id="M-EH",
            earl_episode_start_date=d("2024-11-01"),
        ),
        EarlyHelpEpisode(
            earl_episode_id="MEH-MET",
            earl_person_id="M-EH",
            earl_episode_start_date=d("2024-01-01"),
            earl_episode_end_date=d("2024-06-01"),
            earl_episode_end_reason="OUTCOMES_MET",
        ),
        EarlyHelpEpisode(
            earl_episode_id="MEH-UP",
            earl_person_id="M-EH",
            earl_episode_start_date=d("2024-06-01"),
            earl_episode_end_date=AS_AT,
            earl_episode_end_reason="STEP_UP",
        ),
        ExploitationScreening(
            id="MX-IN",
            person_id="M-LA-C",
            screening_date=d("2024-09-03"),
            risk_level="SIGNIFICANT",
        ),
        ExploitationScreening(
            id="MX-OUT", person_id="M-LA-C", screening_date=d("2024-03-01"), risk_level="AT_RISK"
        ),
        EducationPlan(id="MPEP-A", person_id="M-LA-A", pep_date=d("2024-11-30")),
        EducationPlan(id="MPEP-C", person_id="M-LA-C", pep_date=d("2024-11-29")),
    ]
    for row in rows:
        session.add(row)
        session.flush()
    return rows


@pytest.fixture
def sources(db_session: Session, tmp_path: Path):
    build(db_session)
    conn = db_session.connection()
    export_ssd(conn, tmp_path / "ssd")
    folder = SsdFolderSource(tmp_path / "ssd")
    yield DatabaseSource(conn), folder
    folder.close()


def numerators(source, measure_id: str, key: str = "record_id") -> dict[str, bool]:
    return {getattr(r, key): r.in_numerator for r in children_behind(source, measure_id, AS_AT)}


def values(source, measure_id: str) -> dict[str, float | None]:
    return {r.record_id: r.value for r in children_behind(source, measure_id, AS_AT)}


def test_every_measure_agrees_between_database_and_ssd(sources) -> None:
    db, ssd = sources
    for a, b in zip(compute(db, AS_AT), compute(ssd, AS_AT), strict=True):
        if b.available:
            assert a == b, a.id
            assert children_behind(db, a.id, AS_AT) == children_behind(ssd, a.id, AS_AT)


def test_front_door_and_referrals(sources) -> None:
    for source in sources:
        assert numerators(source, "FD3") == {"MF-REF": True, "MF-EH": False}  # not MF-OLD
        (fd1,) = compute(source, AS_AT, measures=["FD1"])
        assert fd1.value == 2
        assert numerators(source, "R3") == {"MR-NFA": True}
        assert set(numerators(source, "CP1")) == {"MS-IN"}


def test_repeat_plans(sources) -> None:
    for source in sources:
        assert numerators(source, "CP4") == {
            "MP-A2": True,
            "MP-B2": True,
            "MP-C": False,
            "MP-D": False,
            "MP-E": False,
        }
        cp5 = numerators(source, "CP5")
        assert cp5["MP-A2"] is False  # previous plan ended 3 years before
        assert cp5["MP-B2"] is True  # ended exactly 2 years before


def test_cp_reviews_and_visits(sources) -> None:
    for source in sources:
        cp8 = numerators(source, "CP8", "person_id")
        assert cp8["M-CP-C"] is True
        assert cp8["M-CP-D"] is False  # first review 9 days late
        assert "M-CP-E" not in cp8  # on a plan under 3 months
        assert cp8["M-CP-A"] is False  # no review since June: overdue
        cp9 = numerators(source, "CP9", "person_id")
        assert cp9["M-CP-C"] is True
        assert cp9["M-CP-D"] is False  # the March visit did not see the child


def test_cin_plans(sources) -> None:
    for source in sources:
        assert set(numerators(source, "CIN2")) == {"MN-A"}  # B is exactly 2 years: not over
        cin3 = numerators(source, "CIN3", "person_id")
        assert cin3 == {"M-CIN-A": False, "M-CIN-B": True}  # 27 Feb + 1 month < 31 March


def test_looked_after(sources) -> None:
    for source in sources:
        la1 = set(numerators(source, "LA1", "person_id"))
        assert la1 == {"M-LA-A", "M-LA-B", "M-LA-C", "M-LA-NEW"}
        assert values(source, "LA2")["ME-M-LA-C"] == 3  # the T1 week aside
        assert numerators(source, "LA2", "person_id")["M-LA-C"] is True
        assert numerators(source, "LA3", "person_id") == {"M-LA-A": True}  # 2 years exactly
        la4 = numerators(source, "LA4", "person_id")
        assert la4["M-LA-C"] is True and "M-LA-NEW" not in la4  # late before the period
        assert la4["M-LA-B"] is False  # one review, long ago: next overdue
        # C1 was before the period; C3 was cancelled; B was 3.
        assert numerators(source, "LA5") == {"MRV-C2": False, "MRV-C4": True}
        la6 = numerators(source, "LA6", "person_id")
        assert la6["M-LA-A"] is True  # long-term placement a year old: 12 weeks
        assert la6["M-LA-C"] is False  # 6 weeks since 10 January have passed
        assert la6["M-LA-B"] is True  # new placement 28 March: a week to visit
        la7 = numerators(source, "LA7", "person_id")
        assert la7 == {"M-LA-A": False, "M-LA-B": True, "M-LA-C": True}
        assert numerators(source, "LA8", "person_id") == {
            "M-LA-A": False,
            "M-LA-B": False,
            "M-LA-C": True,
        }
        assert numerators(source, "LA10", "person_id")["M-LA-A"] is False  # 20 miles: not more
        la11 = numerators(source, "LA11", "person_id")
        assert la11["M-LA-LEFT"] is True and la11["M-LA-C"] is False  # "away" is not missing
    db, ssd = sources
    assert numerators(db, "LA12") == {"MM-LEFT": True, "MM-C": False}  # offered 2 days after
    assert children_behind(ssd, "LA12", AS_AT) == []  # the SSD does not say when


def test_adoption(sources) -> None:
    for source in sources:
        assert values(source, "AD1") == {"ME-M-AD": 730}  # 1 Jun 2021 to 1 Jun 2023
        assert values(source, "AD2") == {"ME-M-AD": 0}  # matched before the order
        assert values(source, "AD3") == {"ME-M-AD": 273}  # to the foster placement


def test_care_leavers(sources) -> None:
    for source in sources:
        for measure_id, met in (("CL1", True), ("CL2", False)):
            assert numerators(source, measure_id, "person_id") == {"M-CL-20": met}
        # CL3 counts every care leaver (16-25); CL1Y and CL2Y are the 17-18s.
        assert numerators(source, "CL3", "person_id") == {"M-CL-20": True, "M-CL-18": False}
        assert numerators(source, "CL1Y", "person_id") == {"M-CL-18": False}
        assert numerators(source, "CL2Y", "person_id") == {"M-CL-18": True}
        assert numerators(source, "CL4", "person_id") == {"M-CL-20": True, "M-CL-18": False}


def test_early_help(sources) -> None:
    for source in sources:
        assert set(numerators(source, "EH1")) == {"MEH-OPEN"}
        assert numerators(source, "EH1M") == {"MEH-MET": True, "MEH-UP": False}
        assert numerators(source, "EH1S") == {"MEH-MET": False, "MEH-UP": True}


def test_casebook_only_measures_from_the_database(sources) -> None:
    db, ssd = sources
    assert numerators(db, "EX1") == {"MX-IN": True}
    assert numerators(db, "LA9", "person_id") == {
        "M-LA-A": True,  # exactly 4 months before
        "M-LA-C": False,
        "M-LA-NEW": False,
    }
    for measure_id in ("EX1", "LA9"):
        (result,) = compute(ssd, AS_AT, measures=[measure_id])
        assert not result.available and result.value is None and result.note
        assert children_behind(ssd, measure_id, AS_AT) == []
