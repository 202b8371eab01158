"""The child's chronology, read from every table, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from casebook.record.chronology import KINDS, ChronologyEvent, chronology
from casebook.record.errors import Invalid, NotFound
from casebook.record.models import (
    CareLeaver,
    CaseNote,
    CinAssessment,
    CinEpisode,
    CinPlan,
    ClaEpisode,
    ClaHealth,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    Contact,
    CpPlan,
    CpReview,
    CpVisit,
    Department,
    EarlyHelpEpisode,
    EducationPlan,
    ExploitationScreening,
    InitialCpConference,
    Involvement,
    LegalStatus,
    Missing,
    Permanence,
    Person,
    Professional,
    S47Enquiry,
    StrategyDiscussion,
)
from casebook.record.models.base import ENTERED_IN_ERROR

CHILD = "CH-1"


def _add(session: Session, *rows: object) -> None:
    for row in rows:
        session.add(row)
        session.flush()


def _life(session: Session) -> None:
    """A child's journey from a contact to care, and a little of everything else."""
    _add(
        session,
        Person(pers_person_id=CHILD, pers_forename="Amara", pers_surname="Quillhollow"),
        Person(pers_person_id="OTHER", pers_forename="Someone", pers_surname="Else"),
        Department(dept_team_id="T-1", dept_team_name="Assessment team 1"),
        Professional(prof_professional_id="W-1", prof_professional_name="Sam Worker"),
        EarlyHelpEpisode(
            earl_episode_id="EH-1",
            earl_person_id=CHILD,
            earl_episode_start_date=date(2023, 6, 1),
            earl_episode_end_date=date(2023, 12, 1),
            earl_episode_end_reason="STEP_UP",
            earl_episode_organisation="Northfold hub",
        ),
        Contact(
            cont_contact_id="C-1",
            cont_person_id=CHILD,
            cont_contact_date=date(2024, 1, 10),
            cont_contact_source_code="2A",
            cb_concerns="bruise seen at school",
            cb_decision="REFERRAL",
            cb_decision_date=date(2024, 1, 11),
        ),
        CinEpisode(
            cine_referral_id="R-1",
            cine_person_id=CHILD,
            cine_referral_date=date(2024, 1, 11),
            cine_referral_source_code="6",
            cine_cin_primary_need_code="N1",
            cine_close_date=date(2024, 12, 1),
            cine_close_reason="RC7",
        ),
        Involvement(
            invo_involvements_id="I-1",
            invo_professional_id="W-1",
            invo_professional_team="T-1",
            invo_person_id=CHILD,
            invo_involvement_start_date=date(2024, 1, 11),
            invo_involvement_end_date=date(2024, 12, 1),
            invo_worker_change_reason="CLOSED",
        ),
        CinAssessment(
            cina_assessment_id="A-1",
            cina_person_id=CHILD,
            cina_referral_id="R-1",
            cina_assessment_start_date=date(2024, 1, 11),
            cina_assessment_child_seen="Y",
            cina_assessment_auth_date=date(2024, 2, 20),
        ),
        StrategyDiscussion(
            id="SD-1",
            person_id=CHILD,
            referral_id="R-1",
            discussion_date=date(2024, 1, 12),
            outcome_s47="Y",
        ),
        S47Enquiry(
            s47e_s47_enquiry_id="S47-1",
            s47e_person_id=CHILD,
            s47e_referral_id="R-1",
            s47e_s47_start_date=date(2024, 1, 12),
            s47e_s47_end_date=date(2024, 1, 26),
            cb_strategy_discussion_id="SD-1",
        ),
        InitialCpConference(
            icpc_icpc_id="IC-1",
            icpc_person_id=CHILD,
            icpc_s47_enquiry_id="S47-1",
            icpc_icpc_date=date(2024, 2, 1),
            icpc_icpc_outcome_cp_flag="Y",
        ),
        CpPlan(
            cppl_cp_plan_id="CP-1",
            cppl_person_id=CHILD,
            cppl_icpc_id="IC-1",
            cppl_cp_plan_start_date=date(2024, 2, 1),
            cppl_cp_plan_end_date=date(2024, 6, 30),
            cppl_cp_plan_initial_category="NEG",
        ),
        CpVisit(
            cppv_cp_visit_id="CV-1",
            cppv_person_id=CHILD,
            cppv_cp_visit_date=date(2024, 2, 10),
            cppv_cp_visit_seen="Y",
            cppv_cp_visit_seen_alone="Y",
        ),
        CpReview(
            cppr_cp_review_id="CR-1",
            cppr_person_id=CHILD,
            cppr_cp_plan_id="CP-1",
            cppr_cp_review_date=date(2024, 5, 1),
            cppr_cp_review_outcome_continue_cp="Y",
        ),
        CinPlan(
            cinp_cin_plan_id="CIN-1",
            cinp_person_id=CHILD,
            cinp_cin_plan_start_date=date(2024, 6, 30),
            cinp_cin_plan_end_date=date(2024, 9, 1),
        ),
        ClaEpisode(
            clae_cla_episode_id="E-1",
            clae_person_id=CHILD,
            clae_cla_id="LA-1",
            clae_cla_episode_start_date=date(2024, 9, 1),
            clae_cla_episode_start_reason="S",
            clae_cla_primary_need_code="N1",
        ),
        LegalStatus(
            lega_legal_status_id="L-1",
            lega_person_id=CHILD,
            lega_legal_status="V2",
            lega_legal_status_start_date=date(2024, 9, 1),
            lega_legal_status_end_date=date(2024, 11, 1),
        ),
        LegalStatus(
            lega_legal_status_id="L-2",
            lega_person_id=CHILD,
            lega_legal_status="C1",
            lega_legal_status_start_date=date(2024, 11, 1),
        ),
        ClaPlacement(
            clap_cla_placement_id="P-1",
            clap_person_id=CHILD,
            clap_cla_placement_type="U6",
            clap_cla_placement_provider="PR1",
            clap_cla_placement_start_date=date(2024, 9, 1),
            clap_cla_placement_end_date=date(2024, 11, 1),
            clap_cla_placement_change_reason="CARPL",
        ),
        ClaPlacement(
            clap_cla_placement_id="P-2",
            clap_person_id=CHILD,
            clap_cla_placement_type="U4",
            clap_cla_placement_start_date=date(2024, 11, 1),
        ),
        ClaReview(
            clar_cla_review_id="RV-1",
            clar_cla_id="LA-1",
            clar_cla_review_date=date(2024, 9, 20),
            clar_cla_review_participation="PN1",
        ),
        ClaReview(
            clar_cla_review_id="RV-X",
            clar_cla_id="LA-OTHER",
            clar_cla_review_date=date(2024, 9, 21),
        ),
        ClaVisit(
            clav_cla_visit_id="V-1",
            clav_person_id=CHILD,
            clav_cla_visit_date=date(2024, 9, 5),
            clav_cla_visit_seen="Y",
        ),
        ClaHealth(
            clah_health_check_id="H-1",
            clah_person_id=CHILD,
            clah_health_check_type="HEALTH_ASSESSMENT",
            clah_health_check_status="DONE",
            clah_health_check_date=date(2024, 9, 25),
        ),
        EducationPlan(id="PEP-1", person_id=CHILD, pep_date=date(2024, 10, 1)),
        Missing(
            miss_table_id="M-1",
            miss_person_id=CHILD,
            miss_missing_episode_type="M",
            miss_missing_episode_start_date=date(2024, 10, 5),
            miss_missing_episode_end_date=date(2024, 10, 6),
            cb_rhi_offered_date=date(2024, 10, 7),
        ),
        ExploitationScreening(
            id="X-1",
            person_id=CHILD,
            screening_date=date(2024, 10, 8),
            risk_level="SIGNIFICANT",
            exploitation_type="CCE",
            mace_date=date(2024, 10, 15),
        ),
        Permanence(
            perm_table_id="PM-1",
            perm_person_id=CHILD,
            perm_adm_decision_date=date(2025, 1, 10),
            perm_placement_order_date=date(2025, 2, 10),
        ),
        CareLeaver(
            clea_table_id="CL-1",
            clea_person_id=CHILD,
            clea_care_leaver_latest_contact=date(2025, 2, 20),
            clea_care_leaver_in_touch="YES",
        ),
        CaseNote(
            id="N-1",
            person_id=CHILD,
            note_date=date(2024, 1, 11),
            text="Spoke to the school.",
            author_id="W-1",
        ),
        CaseNote(
            id="N-2",
            person_id=CHILD,
            note_date=date(2024, 1, 12),
            note_type="oversight",
            text="Agree strategy discussion.",
        ),
        CaseNote(
            id="N-3", person_id="OTHER", note_date=date(2024, 1, 12), text="Not this child's."
        ),
    )


def _titles(events: list[ChronologyEvent]) -> list[str]:
    return [e.title for e in events]


def test_every_event_in_date_order(db_session: Session) -> None:
    _life(db_session)
    events = chronology(db_session, CHILD)
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert {e.kind for e in events} == set(KINDS)
    assert _titles(events)[:8] == [
        "Early help started with Northfold hub",
        "Early help ended: stepped up to social care (STEP_UP)",
        "Contact received from schools (2A)",
        "Contact decision: referral to children's social care",
        "Referral received from police (6): abuse or neglect (N1)",
        "Allocated to Sam Worker, Assessment team 1",
        "Assessment started",
        "Case note by Sam Worker",
    ]
    assert all(e.source_id != "RV-X" and e.source_id != "N-3" for e in events)


def test_titles_use_the_code_lists(db_session: Session) -> None:
    _life(db_session)
    titles = set(_titles(chronology(db_session, CHILD)))
    assert {
        "Child in need episode closed: ceased for any other reason (RC7)",
        "Allocation to Sam Worker, Assessment team 1 ended: case closed (CLOSED)",
        "Strategy discussion: section 47 enquiry agreed",
        "Initial child protection conference: child protection plan",
        "Child protection plan started: neglect (NEG)",
        "Child protection visit: child seen alone",
        "Child protection review: plan continues",
        "Care episode started: started to be looked after (S)",
        "Legal status: interim care order (C1)",
        "Placement ended: change to or implementation of the care plan (CARPL)",
        "Looked-after review",
        "Health assessment: completed",
        "Exploitation screening: significant risk",
        "Multi-agency child exploitation (MACE) meeting",
        "Went missing",
        "Return home interview offered",
        "Placement order made",
        "Care leaver contact: in touch",
        "Management oversight",
    } <= titles


def test_things_with_a_start_and_an_end_give_both(db_session: Session) -> None:
    _life(db_session)
    plans = chronology(db_session, CHILD, kinds={"cp_plan"})
    assert [(e.date, e.title) for e in plans] == [
        (date(2024, 2, 1), "Child protection plan started: neglect (NEG)"),
        (date(2024, 6, 30), "Child protection plan ended"),
    ]
    assert {(e.source_table, e.source_id) for e in plans} == {("ssd_cp_plans", "CP-1")}


def test_a_placement_ends_before_the_next_starts_on_the_same_day(db_session: Session) -> None:
    _life(db_session)
    placements = chronology(db_session, CHILD, kinds={"placement"})
    assert [(e.source_id, e.title.split(":")[0]) for e in placements] == [
        ("P-1", "Placement started"),
        ("P-1", "Placement ended"),
        ("P-2", "Placement started"),
    ]


def test_filter_by_kind(db_session: Session) -> None:
    _life(db_session)
    notes = chronology(db_session, CHILD, kinds={"oversight"})
    assert [(e.kind, e.source_id, e.detail) for e in notes] == [
        ("oversight", "N-2", "Agree strategy discussion.")
    ]
    visits = chronology(db_session, CHILD, kinds={"visit", "case_note"})
    assert [(e.kind, e.source_table) for e in visits] == [
        ("case_note", "case_note"),
        ("visit", "ssd_cp_visits"),
        ("visit", "ssd_cla_visits"),
    ]


def test_only_the_tables_asked_for_are_read(db_session: Session, engine) -> None:
    _life(db_session)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        chronology(db_session, CHILD, kinds={"visit"})
        few = len(statements)
        statements.clear()
        chronology(db_session, CHILD)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few == 2 + 3  # the person, the code lists, and three visit tables
    assert len(statements) == 2 + 33  # one query per table, however many rows


def test_filter_by_dates(db_session: Session) -> None:
    _life(db_session)
    events = chronology(db_session, CHILD, since=date(2024, 10, 5), until=date(2024, 10, 8))
    assert [(e.date, e.title) for e in events] == [
        (date(2024, 10, 5), "Went missing"),
        (date(2024, 10, 6), "Returned from missing"),
        (date(2024, 10, 7), "Return home interview offered"),
        (date(2024, 10, 8), "Exploitation screening: significant risk"),
    ]
    assert events[-1].detail == "child criminal exploitation"


def test_rows_entered_in_error_are_left_out(db_session: Session) -> None:
    _life(db_session)
    db_session.get(CpVisit, "CV-1").cb_status = ENTERED_IN_ERROR
    db_session.flush()
    assert [e.source_id for e in chronology(db_session, CHILD, kinds={"visit"})] == ["V-1"]


def test_unknown_kind_and_unknown_child(db_session: Session) -> None:
    _life(db_session)
    with pytest.raises(Invalid, match="no kind of event called 'visits'"):
        chronology(db_session, CHILD, kinds={"visits"})
    with pytest.raises(NotFound):
        chronology(db_session, "NOBODY")


def test_a_child_with_nothing_recorded(db_session: Session) -> None:
    _add(db_session, Person(pers_person_id="EMPTY"))
    assert chronology(db_session, "EMPTY") == []
