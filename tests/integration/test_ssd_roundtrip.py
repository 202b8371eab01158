"""Export, import into an empty database, export again: the same bytes, on every engine pair.

The source record is built by hand in the shared database (rolled back after
the test); the copy goes into a database of its own. With both backends each
way, this also proves SQLite and PostgreSQL write identical files.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from casebook.interchange.ssd_export import export_ssd
from casebook.interchange.ssd_import import import_ssd
from casebook.record.models import SSD_TABLES, HistoryEntry, Person, ssd_columns
from casebook.record.models.base import ENTERED_IN_ERROR
from casebook.record.models.child_in_need import AssessmentFactor, CinAssessment, CinEpisode
from casebook.record.models.front_door import Contact
from casebook.record.models.looked_after import (
    ClaEpisode,
    ClaImmunisation,
    ClaPlacement,
    ClaReview,
    Permanence,
)
from casebook.record.models.people import Address, Disability, Mother
from casebook.record.models.protection import CpPlan, CpReview, InitialCpConference, S47Enquiry
from casebook.record.models.workforce import Department, Professional


def build_record(session: Session) -> None:
    """A few children through the front door, child protection and care; an adult; mistakes."""
    d = date.fromisoformat
    session.add_all(
        [
            Department(dept_team_id="T1", dept_team_name="Assessment, North"),
            Professional(
                prof_professional_id="W1",
                prof_professional_name='Ann "Nan" Ash',
                prof_professional_caseload=14,
                prof_full_time_equivalency=0.8,
                prof_agency_worker_flag="N",
            ),
            Professional(prof_professional_id="W2", prof_full_time_equivalency=1.0),
            Person(
                pers_person_id="C1",
                pers_forename="Tamsin",
                pers_sex="F",
                pers_ethnicity="WBRI",
                pers_dob=d("2015-03-02"),
                pers_is_mother="N",
            ),  # fmt: skip
            Person(
                pers_person_id="C2",
                pers_forename="Line one\nline two, with comma",
                pers_sex="M",
                pers_dob=d("2009-11-30"),
            ),  # fmt: skip
            Person(pers_person_id="C3", pers_forename="Typed twice", cb_status=ENTERED_IN_ERROR),
            Person(pers_person_id="A1", pers_forename="Parent", cb_person_type="adult"),
        ]
    )
    session.flush()
    session.add_all(
        [
            Address(
                addr_table_id="AD1",
                addr_person_id="C1",
                addr_address_type="HOME",
                addr_address_json='{"line1": "1 Elm Row", "town": "Casterbridge"}',
                addr_address_start_date=d("2020-01-01"),
                addr_address_postcode="CB1 1AA",
            ),  # fmt: skip
            Address(addr_table_id="AD2", addr_person_id="A1", addr_address_type="HOME"),
            Disability(disa_table_id="DI1", disa_person_id="C2", disa_disability_code="AUT"),
            Contact(
                cont_contact_id="CO1",
                cont_person_id="C1",
                cont_contact_date=d("2023-01-03"),
                cont_contact_source_code="1A",
                cb_concerns="not exported",
            ),  # fmt: skip
            Contact(cont_contact_id="CO2", cont_person_id="C3", cont_contact_date=d("2023-01-04")),
            CinEpisode(
                cine_referral_id="R1",
                cine_person_id="C1",
                cine_referral_date=d("2023-01-05"),
                cine_cin_primary_need_code="N1",
                cine_referral_source_code="1A",
                cine_referral_nfa="N",
                cine_referral_team="T1",
                cine_referral_worker_id="W1",
            ),  # fmt: skip
            CinEpisode(
                cine_referral_id="R2",
                cine_person_id="C2",
                cine_referral_date=d("2022-06-01"),
                cine_close_date=d("2023-06-01"),
                cine_close_reason="RC1",
            ),  # fmt: skip
            CinEpisode(cine_referral_id="R9", cine_person_id="C1", cb_status=ENTERED_IN_ERROR),
            Mother(moth_table_id="MO1", moth_person_id="A1", moth_childs_person_id="C1"),
        ]
    )
    session.flush()
    session.add_all(
        [
            CinAssessment(
                cina_assessment_id="SA1",
                cina_person_id="C1",
                cina_referral_id="R1",
                cina_assessment_start_date=d("2023-01-06"),
                cina_assessment_child_seen="Y",
                cina_assessment_auth_date=d("2023-02-10"),
                cina_assessment_outcome_json='["S47"]',
                cina_assessment_team="T1",
            ),  # fmt: skip
            CinAssessment(cina_assessment_id="SA9", cina_person_id="C1", cina_referral_id="R9"),
            S47Enquiry(
                s47e_s47_enquiry_id="S1",
                s47e_referral_id="R1",
                s47e_person_id="C1",
                s47e_s47_start_date=d("2023-01-07"),
                s47e_s47_nfa="N",
                cb_icpc_not_required="N",
            ),  # fmt: skip
        ]
    )
    session.flush()
    session.add_all(
        [
            AssessmentFactor(
                cinf_table_id="AF1",
                cinf_assessment_id="SA1",
                cinf_assessment_factors_json='["2B", "3A"]',
            ),  # fmt: skip
            AssessmentFactor(cinf_table_id="AF9", cinf_assessment_id="SA9"),
            InitialCpConference(
                icpc_icpc_id="IC1",
                icpc_s47_enquiry_id="S1",
                icpc_person_id="C1",
                icpc_referral_id="R1",
                icpc_icpc_date=d("2023-01-27"),
                icpc_icpc_outcome_cp_flag="Y",
            ),  # fmt: skip
        ]
    )
    session.flush()
    session.add(
        CpPlan(
            cppl_cp_plan_id="PL1",
            cppl_icpc_id="IC1",
            cppl_person_id="C1",
            cppl_cp_plan_start_date=d("2023-01-27"),
            cppl_cp_plan_initial_category="NEG",
            cppl_cp_plan_latest_category="EMO",
            cppl_cp_plan_ola="N",
        )  # fmt: skip
    )
    session.flush()
    session.add_all(
        [
            CpReview(
                cppr_cp_review_id="RV1",
                cppr_person_id="C1",
                cppr_cp_plan_id="PL1",
                cppr_cp_review_due=d("2023-04-21"),
                cppr_cp_review_date=d("2023-04-20"),
                cppr_cp_review_quorate="Y",
            ),  # fmt: skip
            ClaEpisode(
                clae_cla_episode_id="E1",
                clae_person_id="C2",
                clae_cla_id="LA1",
                clae_cla_episode_start_date=d("2023-06-02"),
                clae_cla_episode_start_reason="S",
                clae_cla_primary_need_code="N1",
                clae_cla_placement_id="PLC1",
            ),  # fmt: skip
            ClaPlacement(
                clap_cla_placement_id="PLC1",
                clap_cla_id="LA1",
                clap_person_id="C2",
                clap_cla_placement_start_date=d("2023-06-02"),
                clap_cla_placement_type="U1",
                clap_cla_placement_distance=0.1 + 0.2,
                clap_cla_placement_provider="PR1",
            ),  # fmt: skip
            ClaPlacement(
                clap_cla_placement_id="PLC2", clap_person_id="C2", clap_cla_placement_distance=12.0
            ),  # fmt: skip
            ClaReview(
                clar_cla_review_id="CR1",
                clar_cla_id="LA1",
                clar_cla_review_date=d("2023-06-30"),
                clar_cla_review_participation="PN1",
            ),  # fmt: skip
            ClaImmunisation(
                clai_person_id="C2",
                clai_immunisations_status="Y",
                clai_immunisations_status_date=d("2023-07-01"),
            ),  # fmt: skip
            ClaImmunisation(clai_person_id="C2", clai_immunisations_status="N"),
            Permanence(
                perm_table_id="PE1",
                perm_person_id="C2",
                perm_siblings_placed_together=2,
                perm_siblings_placed_apart=0,
                perm_part_of_sibling_group="Y",
            ),  # fmt: skip
        ]
    )
    session.flush()


def read_ids(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[0] for row in csv.reader(handle)][1:]


def read_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_export_import_export_gives_identical_files(
    db_session: Session, fresh_engine: Engine, tmp_path: Path
):
    build_record(db_session)
    first, second = tmp_path / "first", tmp_path / "second"

    exported = export_ssd(db_session.connection(), first)
    imported = import_ssd(fresh_engine, first)
    again = export_ssd(fresh_engine, second)

    assert set(exported) == set(SSD_TABLES) == {p.stem for p in first.glob("*.csv")}
    assert imported == exported
    assert again == exported
    assert files_of(second) == files_of(first)


def test_the_export_holds_active_children_and_only_rows_that_point_at_them(
    db_session: Session, tmp_path: Path
):
    build_record(db_session)
    counts = export_ssd(db_session.connection(), tmp_path)

    assert read_ids(tmp_path / "ssd_person.csv") == ["C1", "C2"]
    assert read_ids(tmp_path / "ssd_address.csv") == ["AD1"]
    assert read_ids(tmp_path / "ssd_contacts.csv") == ["CO1"]
    assert read_ids(tmp_path / "ssd_cin_episodes.csv") == ["R1", "R2"]
    assert read_ids(tmp_path / "ssd_cin_assessments.csv") == ["SA1"]
    assert read_ids(tmp_path / "ssd_assessment_factors.csv") == ["AF1"]
    assert read_ids(tmp_path / "ssd_mother.csv") == []
    assert counts["ssd_cla_immunisations"] == 2
    assert counts["ssd_ehcp_requests"] == 0


def test_files_have_the_ssd_columns_in_order_and_plain_values(db_session: Session, tmp_path: Path):
    build_record(db_session)
    export_ssd(db_session.connection(), tmp_path)

    for name, table in SSD_TABLES.items():
        with (tmp_path / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == ssd_columns(table)
    contacts = (tmp_path / "ssd_contacts.csv").read_text(encoding="utf-8")
    assert "not exported" not in contacts
    assert "CO1,C1,2023-01-03,1A,," in contacts
    placements = read_dicts(tmp_path / "ssd_cla_placement.csv")
    assert [p["clap_cla_placement_distance"] for p in placements] == ["0.30000000000000004", "12.0"]
    workers = read_dicts(tmp_path / "ssd_professionals.csv")
    assert workers[0]["prof_professional_caseload"] == "14"
    assert workers[0]["prof_professional_name"] == 'Ann "Nan" Ash'


def test_imported_people_are_children_and_the_import_is_in_the_history(
    db_session: Session, fresh_engine: Engine, tmp_path: Path
):
    build_record(db_session)
    export_ssd(db_session.connection(), tmp_path)
    import_ssd(fresh_engine, tmp_path)

    with Session(fresh_engine) as session:
        types = session.scalars(select(Person.cb_person_type).distinct()).all()
        entries = session.scalar(
            select(func.count())
            .select_from(HistoryEntry)
            .where(HistoryEntry.action == "import_ssd")
        )
    assert types == ["child"]
    assert entries == 1


def test_progress_is_reported_after_every_table(db_session: Session, tmp_path: Path):
    seen: list[tuple[int, int]] = []
    export_ssd(db_session.connection(), tmp_path, progress=lambda *step: seen.append(step))
    assert seen == [(n, len(SSD_TABLES)) for n in range(1, len(SSD_TABLES) + 1)]
