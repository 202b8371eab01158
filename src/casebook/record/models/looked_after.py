"""Children looked after: periods of care and their episodes, placements,
reviews, visits, health, education, missing episodes, permanence and adoption."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow


class ClaEpisode(RecordRow, Base):
    __tablename__ = "ssd_cla_episodes"

    clae_cla_episode_id: Mapped[str] = mapped_column(String, primary_key=True)
    clae_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clae_cla_episode_start_date: Mapped[date | None] = mapped_column(Date)
    clae_cla_episode_start_reason: Mapped[str | None] = mapped_column(String)
    clae_cla_primary_need_code: Mapped[str | None] = mapped_column(String)
    clae_cla_episode_ceased_date: Mapped[date | None] = mapped_column(Date)
    clae_cla_episode_ceased_reason: Mapped[str | None] = mapped_column(String)
    clae_cla_id: Mapped[str | None] = mapped_column(String)
    clae_referral_id: Mapped[str | None] = mapped_column(String)
    clae_cla_placement_id: Mapped[str | None] = mapped_column(String)
    clae_entered_care_date: Mapped[date | None] = mapped_column(Date)
    clae_cla_last_iro_contact_date: Mapped[date | None] = mapped_column(Date)


class ClaPlacement(RecordRow, Base):
    __tablename__ = "ssd_cla_placement"

    clap_cla_placement_id: Mapped[str] = mapped_column(String, primary_key=True)
    clap_cla_placement_start_date: Mapped[date | None] = mapped_column(Date)
    clap_cla_placement_type: Mapped[str | None] = mapped_column(String)
    clap_cla_placement_urn: Mapped[str | None] = mapped_column(String)
    clap_cla_placement_distance: Mapped[float | None] = mapped_column(Float)
    clap_cla_id: Mapped[str | None] = mapped_column(String)
    clap_cla_placement_provider: Mapped[str | None] = mapped_column(String)
    clap_cla_placement_postcode: Mapped[str | None] = mapped_column(String)
    clap_cla_placement_end_date: Mapped[date | None] = mapped_column(Date)
    clap_cla_placement_change_reason: Mapped[str | None] = mapped_column(String)
    clap_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )


class ClaReview(RecordRow, Base):
    __tablename__ = "ssd_cla_reviews"

    clar_cla_review_id: Mapped[str] = mapped_column(String, primary_key=True)
    clar_cla_id: Mapped[str | None] = mapped_column(String)
    clar_cla_review_due_date: Mapped[date | None] = mapped_column(Date)
    clar_cla_review_date: Mapped[date | None] = mapped_column(Date)
    clar_cla_review_cancelled: Mapped[str | None] = mapped_column(Flag)
    clar_cla_review_participation: Mapped[str | None] = mapped_column(String)


class ClaVisit(RecordRow, Base):
    __tablename__ = "ssd_cla_visits"

    clav_cla_visit_id: Mapped[str] = mapped_column(String, primary_key=True)
    clav_cla_id: Mapped[str | None] = mapped_column(String)
    clav_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clav_cla_visit_date: Mapped[date | None] = mapped_column(Date)
    clav_cla_visit_seen: Mapped[str | None] = mapped_column(Flag)
    clav_cla_visit_seen_alone: Mapped[str | None] = mapped_column(Flag)
    #: Whether the child's bedroom was seen (Casebook's: the SSD's CLA visits have no such
    #: column, its CIN and CP visits do).
    cb_bedroom_seen: Mapped[str | None] = mapped_column(Flag)


class ClaHealth(RecordRow, Base):
    __tablename__ = "ssd_cla_health"

    clah_health_check_id: Mapped[str] = mapped_column(String, primary_key=True)
    clah_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clah_health_check_type: Mapped[str | None] = mapped_column(String)
    clah_health_check_date: Mapped[date | None] = mapped_column(Date)
    clah_health_check_status: Mapped[str | None] = mapped_column(String)


class ClaImmunisation(RecordRow, Base):
    __tablename__ = "ssd_cla_immunisations"

    cb_row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    clai_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clai_immunisations_status: Mapped[str | None] = mapped_column(Flag)
    clai_immunisations_status_date: Mapped[date | None] = mapped_column(Date)


class ClaSubstanceMisuse(RecordRow, Base):
    __tablename__ = "ssd_cla_substance_misuse"

    clas_substance_misuse_id: Mapped[str] = mapped_column(String, primary_key=True)
    clas_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clas_substance_misuse_date: Mapped[date | None] = mapped_column(Date)
    clas_substance_misused: Mapped[str | None] = mapped_column(Flag)
    clas_intervention_received: Mapped[str | None] = mapped_column(Flag)


class ClaConviction(RecordRow, Base):
    __tablename__ = "ssd_cla_convictions"

    clac_cla_conviction_id: Mapped[str] = mapped_column(String, primary_key=True)
    clac_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clac_cla_conviction_date: Mapped[date | None] = mapped_column(Date)
    clac_cla_conviction_offence: Mapped[str | None] = mapped_column(String)


class ClaCarePlan(RecordRow, Base):
    __tablename__ = "ssd_cla_care_plan"

    lacp_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    lacp_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    lacp_cla_care_plan_start_date: Mapped[date | None] = mapped_column(Date)
    lacp_cla_care_plan_end_date: Mapped[date | None] = mapped_column(Date)
    lacp_cla_care_plan_json: Mapped[str | None] = mapped_column(String)


class SdqScore(RecordRow, Base):
    __tablename__ = "ssd_sdq_scores"

    csdq_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    csdq_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    csdq_sdq_completed_date: Mapped[date | None] = mapped_column(Date)
    csdq_sdq_reason: Mapped[str | None] = mapped_column(String)
    csdq_sdq_score: Mapped[str | None] = mapped_column(String)


class Missing(RecordRow, Base):
    __tablename__ = "ssd_missing"

    miss_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    miss_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    miss_missing_episode_start_date: Mapped[date | None] = mapped_column(Date)
    miss_missing_episode_type: Mapped[str | None] = mapped_column(String)
    miss_missing_episode_end_date: Mapped[date | None] = mapped_column(Date)
    miss_missing_rhi_offered: Mapped[str | None] = mapped_column(String)
    miss_missing_rhi_accepted: Mapped[str | None] = mapped_column(String)
    # Casebook: when the return home interview was offered and done (72-hour clock).
    cb_rhi_offered_date: Mapped[date | None] = mapped_column(Date)
    cb_rhi_done_date: Mapped[date | None] = mapped_column(Date)


class ClaPreviousPermanence(RecordRow, Base):
    __tablename__ = "ssd_cla_previous_permanence"

    lapp_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    lapp_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    lapp_previous_permanence_order_date: Mapped[str | None] = mapped_column(String)
    lapp_previous_permanence_option: Mapped[str | None] = mapped_column(String)
    lapp_previous_permanence_la: Mapped[str | None] = mapped_column(String)


class Permanence(RecordRow, Base):
    __tablename__ = "ssd_permanence"

    perm_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    perm_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    perm_cla_id: Mapped[str | None] = mapped_column(String)
    perm_adm_decision_date: Mapped[date | None] = mapped_column(Date)
    perm_ffa_cp_decision_date: Mapped[date | None] = mapped_column(Date)
    perm_placement_order_date: Mapped[date | None] = mapped_column(Date)
    perm_placed_for_adoption_date: Mapped[date | None] = mapped_column(Date)
    perm_matched_date: Mapped[date | None] = mapped_column(Date)
    perm_adopted_by_carer_flag: Mapped[str | None] = mapped_column(Flag)
    perm_placed_ffa_cp_date: Mapped[date | None] = mapped_column(Date)
    perm_decision_reversed_date: Mapped[date | None] = mapped_column(Date)
    perm_placed_foster_carer_date: Mapped[date | None] = mapped_column(Date)
    perm_part_of_sibling_group: Mapped[str | None] = mapped_column(Flag)
    perm_siblings_placed_together: Mapped[int | None] = mapped_column(Integer)
    perm_siblings_placed_apart: Mapped[int | None] = mapped_column(Integer)
    perm_placement_provider_urn: Mapped[str | None] = mapped_column(String)
    perm_decision_reversed_reason: Mapped[str | None] = mapped_column(String)
    perm_permanence_order_date: Mapped[date | None] = mapped_column(Date)
    perm_permanence_order_type: Mapped[str | None] = mapped_column(String)
    perm_adoption_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )
    perm_adopter_sex: Mapped[str | None] = mapped_column(String)
    perm_adopter_legal_status: Mapped[str | None] = mapped_column(String)
    perm_number_of_adopters: Mapped[str | None] = mapped_column(String)


class S251Finance(RecordRow, Base):
    __tablename__ = "ssd_s251_finance"

    s251_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    s251_cla_placement_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cla_placement.clap_cla_placement_id"), index=True
    )
    s251_placeholder_1: Mapped[str | None] = mapped_column(String)
    s251_placeholder_2: Mapped[str | None] = mapped_column(String)
    s251_placeholder_3: Mapped[str | None] = mapped_column(String)
    s251_placeholder_4: Mapped[str | None] = mapped_column(String)


class PreProceeding(RecordRow, Base):
    __tablename__ = "ssd_pre_proceedings"

    prep_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    prep_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    prep_plo_family_id: Mapped[str | None] = mapped_column(String)
    prep_pre_pro_decision_date: Mapped[date | None] = mapped_column(Date)
    prep_initial_pre_pro_meeting_date: Mapped[date | None] = mapped_column(Date)
    prep_pre_pro_outcome: Mapped[str | None] = mapped_column(String)
    prep_agree_stepdown_issue_date: Mapped[date | None] = mapped_column(Date)
    prep_cp_plans_referral_period: Mapped[int | None] = mapped_column(Integer)
    prep_legal_gateway_outcome: Mapped[str | None] = mapped_column(String)
    prep_prev_pre_proc_child: Mapped[int | None] = mapped_column(Integer)
    prep_prev_care_proc_child: Mapped[int | None] = mapped_column(Integer)
    prep_pre_pro_letter_date: Mapped[date | None] = mapped_column(Date)
    prep_care_pro_letter_date: Mapped[date | None] = mapped_column(Date)
    prep_pre_pro_meetings_num: Mapped[int | None] = mapped_column(Integer)
    prep_pre_pro_parents_legal_rep: Mapped[str | None] = mapped_column(Flag)
    prep_parents_legal_rep_point_of_issue: Mapped[str | None] = mapped_column(Flag)
    prep_court_reference: Mapped[str | None] = mapped_column(String)
    prep_care_proc_court_hearings: Mapped[int | None] = mapped_column(Integer)
    prep_care_proc_short_notice: Mapped[str | None] = mapped_column(Flag)
    prep_proc_short_notice_reason: Mapped[str | None] = mapped_column(String)
    prep_la_inital_plan_approved: Mapped[str | None] = mapped_column(Flag)
    prep_la_initial_care_plan: Mapped[str | None] = mapped_column(String)
    prep_la_final_plan_approved: Mapped[str | None] = mapped_column(Flag)
    prep_la_final_care_plan: Mapped[str | None] = mapped_column(String)


class EducationPlan(RecordRow, Base):
    """A personal education plan meeting or review (Casebook table)."""

    __tablename__ = "education_plan"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    pep_date: Mapped[date] = mapped_column(Date)
    school_urn: Mapped[str | None] = mapped_column(String)
    notes: Mapped[str | None] = mapped_column(Text)
