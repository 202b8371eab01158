"""The front page of a child's record, on SQLite and PostgreSQL: each alert appears
exactly while it applies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from casebook.access.models import AppUser, RecordRestriction
from casebook.record.child_summary import Alert, child_summary
from casebook.record.errors import NotFound
from casebook.record.models import (
    CaseNote,
    CinEpisode,
    CinPlan,
    ClaEpisode,
    ClaPlacement,
    CpPlan,
    Department,
    Disability,
    ExploitationScreening,
    Family,
    Involvement,
    LegalStatus,
    Missing,
    Person,
    PersonRelationship,
    Professional,
    Send,
)
from casebook.record.models.base import ENTERED_IN_ERROR
from casebook.record.timescales import due_for

CHILD = "SUM-1"
ON = date(2025, 3, 12)
YESTERDAY = ON - timedelta(days=1)
TOMORROW = ON + timedelta(days=1)


def _add(session: Session, *rows: object) -> None:
    for row in rows:
        session.add(row)
        session.flush()


def _child(session: Session) -> None:
    _add(
        session,
        Person(
            pers_person_id=CHILD,
            pers_forename="Amara",
            pers_surname="Quillhollow",
            pers_dob=date(2015, 3, 13),
            pers_sex="F",
            pers_ethnicity="MWBA",
        ),
        Send(send_table_id="SEND-1", send_person_id=CHILD, send_upn="A999123456789"),
    )


def _kinds(alerts: tuple[Alert, ...]) -> list[str]:
    return [a.kind for a in alerts]


def test_who_the_child_is(db_session: Session) -> None:
    _child(db_session)
    person = child_summary(db_session, CHILD, ON).person
    assert (person.name, person.dob, person.age) == ("Amara Quillhollow", date(2015, 3, 13), 9)
    assert (person.sex, person.ethnicity, person.upn) == (
        "female",
        "White and Black African",
        "A999123456789",
    )
    assert child_summary(db_session, CHILD, date(2025, 3, 13)).person.age == 10


def test_a_child_with_nothing_open(db_session: Session) -> None:
    _child(db_session)
    summary = child_summary(db_session, CHILD, ON)
    assert summary.alerts == ()
    assert summary.allocation is None
    assert summary.family == ()
    assert (summary.current.referral, summary.current.cin_plan) == (None, None)
    assert (summary.current.cp_plan, summary.current.care) == (None, None)
    assert (summary.overdue, summary.due_next, summary.case_notes) == ((), (), ())


def test_unknown_or_removed_child(db_session: Session) -> None:
    with pytest.raises(NotFound):
        child_summary(db_session, "NOBODY", ON)
    _child(db_session)
    db_session.get(Person, CHILD).cb_status = ENTERED_IN_ERROR
    db_session.flush()
    with pytest.raises(NotFound):
        child_summary(db_session, CHILD, ON)


# --------------------------------------------------------------------------- alerts


@pytest.mark.parametrize(
    ("start", "end", "alerted"),
    [
        (date(2024, 6, 1), None, True),
        (date(2024, 6, 1), TOMORROW, True),
        (date(2024, 6, 1), ON, False),
        (date(2024, 6, 1), YESTERDAY, False),
        (TOMORROW, None, False),
        (ON, None, True),
    ],
)
def test_cp_plan_alert(db_session: Session, start: date, end: date | None, alerted: bool) -> None:
    _child(db_session)
    _add(
        db_session,
        CpPlan(
            cppl_cp_plan_id="CP-1",
            cppl_person_id=CHILD,
            cppl_cp_plan_start_date=start,
            cppl_cp_plan_end_date=end,
            cppl_cp_plan_initial_category="NEG",
            cppl_cp_plan_latest_category="EMO",
        ),
    )
    summary = child_summary(db_session, CHILD, ON)
    if alerted:
        assert summary.alerts == (
            Alert("cp_plan", "On a child protection plan", "category emotional (EMO)", start),
        )
        assert summary.current.cp_plan.plan_id == "CP-1"
    else:
        assert summary.alerts == ()
        assert summary.current.cp_plan is None


def test_entered_in_error_plan_is_no_alert(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        CpPlan(
            cppl_cp_plan_id="CP-1",
            cppl_person_id=CHILD,
            cppl_cp_plan_start_date=date(2024, 6, 1),
            cb_status=ENTERED_IN_ERROR,
        ),
    )
    assert child_summary(db_session, CHILD, ON).alerts == ()


def _in_care(session: Session, ceased: date | None = None) -> None:
    _add(
        session,
        ClaEpisode(
            clae_cla_episode_id="E-1",
            clae_person_id=CHILD,
            clae_cla_id="LA-1",
            clae_cla_episode_start_date=date(2024, 11, 1),
            clae_entered_care_date=date(2024, 9, 1),
            clae_cla_episode_ceased_date=ceased,
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
            lega_legal_status="C2",
            lega_legal_status_start_date=date(2024, 11, 1),
            lega_legal_status_end_date=ceased,
        ),
        ClaPlacement(
            clap_cla_placement_id="P-1",
            clap_person_id=CHILD,
            clap_cla_placement_type="U6",
            clap_cla_placement_start_date=date(2024, 9, 1),
            clap_cla_placement_end_date=date(2024, 12, 1),
        ),
        ClaPlacement(
            clap_cla_placement_id="P-2",
            clap_person_id=CHILD,
            clap_cla_placement_type="K2",
            clap_cla_placement_provider="PR4",
            clap_cla_placement_start_date=date(2024, 12, 1),
            clap_cla_placement_end_date=ceased,
        ),
    )


def test_looked_after_alert_and_period_of_care(db_session: Session) -> None:
    _child(db_session)
    _in_care(db_session)
    summary = child_summary(db_session, CHILD, ON)
    [alert] = summary.alerts
    assert alert.kind == "looked_after"
    assert alert.since == date(2024, 9, 1)
    assert alert.detail == ("legal status full care order (C2); placement children's home (K2)")
    care = summary.current.care
    assert (care.episode_id, care.entered_care, care.episode_start) == (
        "E-1",
        date(2024, 9, 1),
        date(2024, 11, 1),
    )
    assert (care.placement.placement_id, care.placement.provider) == ("P-2", "private (PR4)")


def test_no_longer_looked_after(db_session: Session) -> None:
    _child(db_session)
    _in_care(db_session, ceased=YESTERDAY)
    summary = child_summary(db_session, CHILD, ON)
    assert summary.alerts == () and summary.current.care is None


@pytest.mark.parametrize(
    ("end", "alerted"), [(None, True), (TOMORROW, True), (ON, False), (YESTERDAY, False)]
)
def test_missing_now_alert(db_session: Session, end: date | None, alerted: bool) -> None:
    _child(db_session)
    _add(
        db_session,
        Missing(
            miss_table_id="M-1",
            miss_person_id=CHILD,
            miss_missing_episode_type="M",
            miss_missing_episode_start_date=date(2025, 3, 10),
            miss_missing_episode_end_date=end,
        ),
    )
    expected = [Alert("missing", "Missing now", None, date(2025, 3, 10))] if alerted else []
    assert list(child_summary(db_session, CHILD, ON).alerts) == expected


@pytest.mark.parametrize(
    ("screenings", "alerted"),
    [
        ([(date(2024, 4, 1), "SIGNIFICANT")], True),
        ([(date(2024, 3, 12), "SERIOUS")], True),  # exactly 12 months ago
        ([(date(2024, 3, 11), "SERIOUS")], False),  # over 12 months ago
        ([(date(2024, 9, 1), "SERIOUS"), (date(2025, 1, 1), "none")], False),  # latest: none
        ([(date(2024, 9, 1), "AT_RISK"), (TOMORROW, "none")], True),  # not yet screened again
    ],
)
def test_exploitation_risk_alert(
    db_session: Session, screenings: list[tuple[date, str]], alerted: bool
) -> None:
    _child(db_session)
    for i, (day, risk) in enumerate(screenings):
        _add(
            db_session,
            ExploitationScreening(
                id=f"X-{i}",
                person_id=CHILD,
                screening_date=day,
                risk_level=risk,
                exploitation_type="CCE",
            ),
        )
    alerts = child_summary(db_session, CHILD, ON).alerts
    assert _kinds(alerts) == (["exploitation"] if alerted else [])
    if alerted:
        assert alerts[0].detail == "child criminal exploitation"
        assert alerts[0].title.startswith("Exploitation risk: ")


def test_restricted_record_alert(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        AppUser(username="kim", display_name="Kim", role="social_worker", password_hash="x"),
        RecordRestriction(id="RR-1", person_id=CHILD, username="kim", reason="adoption"),
    )
    assert _kinds(child_summary(db_session, CHILD, ON).alerts) == ["restricted"]


def test_disability_alert(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        Disability(disa_table_id="D-0", disa_person_id=CHILD, disa_disability_code="NONE"),
    )
    assert child_summary(db_session, CHILD, ON).alerts == ()
    _add(
        db_session,
        Disability(disa_table_id="D-1", disa_person_id=CHILD, disa_disability_code="LD"),
        Disability(disa_table_id="D-2", disa_person_id=CHILD, disa_disability_code="AUT"),
    )
    [alert] = child_summary(db_session, CHILD, ON).alerts
    assert (alert.kind, alert.title, alert.detail) == (
        "disability",
        "Disabilities",
        "autism or Asperger syndrome, learning",
    )


# --------------------------------------------------------------------------- the people around


def test_the_allocated_worker_and_team(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        Department(dept_team_id="T-1", dept_team_name="Safeguarding team 2"),
        Professional(prof_professional_id="W-1", prof_professional_name="Old Worker"),
        Professional(prof_professional_id="W-2", prof_professional_name="Sam Worker"),
        Involvement(
            invo_involvements_id="I-1",
            invo_professional_id="W-1",
            invo_professional_team="T-1",
            invo_person_id=CHILD,
            invo_involvement_start_date=date(2024, 1, 1),
            invo_involvement_end_date=date(2025, 1, 6),
        ),
        Involvement(
            invo_involvements_id="I-2",
            invo_professional_id="W-2",
            invo_professional_team="T-1",
            invo_person_id=CHILD,
            invo_involvement_start_date=date(2025, 1, 6),
        ),
    )
    allocation = child_summary(db_session, CHILD, ON).allocation
    assert (allocation.worker_name, allocation.team_name, allocation.since) == (
        "Sam Worker",
        "Safeguarding team 2",
        date(2025, 1, 6),
    )
    before = child_summary(db_session, CHILD, date(2024, 6, 1)).allocation
    assert before.worker_name == "Old Worker"


def test_family_and_network(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        Person(
            pers_person_id="MUM",
            pers_forename="Nadia",
            pers_surname="Quillhollow",
            pers_dob=date(1990, 1, 1),
            cb_person_type="adult",
        ),
        Person(pers_person_id="SIB", pers_forename="Ivy", pers_dob=date(2018, 2, 2)),
        Person(pers_person_id="BABY", pers_forename="Leo", pers_dob=date(2024, 8, 8)),
        Person(pers_person_id="EXDAD", pers_forename="Gone", cb_person_type="adult"),
        Person(pers_person_id="STRANGER", pers_forename="Not", pers_surname="Family"),
        PersonRelationship(
            id="PR-1", person_id=CHILD, related_person_id="MUM", relationship="mother"
        ),
        # Recorded from the baby's side: this child is the baby's sibling.
        PersonRelationship(
            id="PR-2", person_id="BABY", related_person_id=CHILD, relationship="sibling"
        ),
        PersonRelationship(
            id="PR-3",
            person_id=CHILD,
            related_person_id="EXDAD",
            relationship="step_parent",
            end_date=date(2023, 1, 1),
        ),
        Family(fami_table_id="F-1", fami_family_id="FAM-1", fami_person_id=CHILD),
        Family(fami_table_id="F-2", fami_family_id="FAM-1", fami_person_id="SIB"),
        Family(fami_table_id="F-3", fami_family_id="FAM-1", fami_person_id="BABY"),
        Family(fami_table_id="F-4", fami_family_id="FAM-9", fami_person_id="STRANGER"),
    )
    family = child_summary(db_session, CHILD, ON).family
    assert [(m.person_id, m.name, m.relationship, m.how_known) for m in family] == [
        ("MUM", "Nadia Quillhollow", "mother", "relationship"),
        ("SIB", "Ivy", "sibling", "family"),
        ("BABY", "Leo", "sibling", "relationship"),
    ]
    assert family[0].person_type == "adult" and family[1].dob == date(2018, 2, 2)


# --------------------------------------------------------------------------- the work


def test_open_referral_and_plans(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        CinEpisode(
            cine_referral_id="R-0",
            cine_person_id=CHILD,
            cine_referral_date=date(2022, 1, 1),
            cine_close_date=date(2022, 6, 1),
        ),
        CinEpisode(
            cine_referral_id="R-1",
            cine_person_id=CHILD,
            cine_referral_date=date(2024, 5, 1),
            cine_referral_source_code="6",
            cine_cin_primary_need_code="N1",
        ),
        CinPlan(
            cinp_cin_plan_id="CIN-1",
            cinp_person_id=CHILD,
            cinp_referral_id="R-1",
            cinp_cin_plan_start_date=date(2024, 7, 1),
        ),
    )
    current = child_summary(db_session, CHILD, ON).current
    assert (current.referral.referral_id, current.referral.source) == ("R-1", "police (6)")
    assert current.referral.primary_need == "abuse or neglect (N1)"
    assert (current.cin_plan.plan_id, current.cin_plan.kind) == ("CIN-1", "cin")


def test_what_is_due_and_overdue_comes_from_the_timescales(db_session: Session) -> None:
    _child(db_session)
    _add(
        db_session,
        CpPlan(
            cppl_cp_plan_id="CP-1",
            cppl_person_id=CHILD,
            cppl_cp_plan_start_date=date(2025, 1, 6),
            cppl_cp_plan_initial_category="NEG",
        ),
    )
    summary = child_summary(db_session, CHILD, ON)
    items = due_for(db_session, CHILD, ON)
    assert summary.overdue and summary.due_next
    assert list(summary.overdue) == [i for i in items if i.status == "overdue"]
    assert list(summary.due_next) == [i for i in items if i.status == "due"]


def test_the_latest_five_case_notes(db_session: Session) -> None:
    _child(db_session)
    _add(db_session, Professional(prof_professional_id="W-1", prof_professional_name="Sam Worker"))
    for i in range(1, 8):
        _add(
            db_session,
            CaseNote(
                id=f"N-{i}",
                person_id=CHILD,
                note_date=date(2025, 3, i * 2),
                note_type="oversight" if i == 5 else "case_note",
                text=f"note {i}",
                author_id="W-1",
            ),
        )
    notes = child_summary(db_session, CHILD, ON).case_notes
    assert [n.note_id for n in notes] == ["N-6", "N-5", "N-4", "N-3", "N-2"]  # N-7 is after ON
    assert (notes[1].note_type, notes[1].author) == ("oversight", "Sam Worker")
