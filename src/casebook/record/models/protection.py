"""Child protection: strategy discussions, section 47 enquiries, initial
conferences, CP plans, reviews and visits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow


class S47Enquiry(RecordRow, Base):
    __tablename__ = "ssd_s47_enquiry"

    s47e_s47_enquiry_id: Mapped[str] = mapped_column(String, primary_key=True)
    s47e_referral_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cin_episodes.cine_referral_id"), index=True
    )
    s47e_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    s47e_s47_start_date: Mapped[date | None] = mapped_column(Date)
    s47e_s47_end_date: Mapped[date | None] = mapped_column(Date)
    s47e_s47_nfa: Mapped[str | None] = mapped_column(Flag)
    s47e_s47_outcome_json: Mapped[str | None] = mapped_column(String)
    s47e_s47_completed_by_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )
    s47e_s47_completed_by_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    # Casebook: the strategy discussion that started it (the ICPC clock) and
    # the CIN census ICPCnotRequired flag.
    cb_strategy_discussion_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("strategy_discussion.id"), index=True
    )
    cb_icpc_not_required: Mapped[str | None] = mapped_column(Flag)


class InitialCpConference(RecordRow, Base):
    __tablename__ = "ssd_initial_cp_conference"

    icpc_icpc_id: Mapped[str] = mapped_column(String, primary_key=True)
    icpc_icpc_meeting_id: Mapped[str | None] = mapped_column(String)
    icpc_s47_enquiry_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_s47_enquiry.s47e_s47_enquiry_id"), index=True
    )
    icpc_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    icpc_cp_plan_id: Mapped[str | None] = mapped_column(String)
    icpc_referral_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cin_episodes.cine_referral_id"), index=True
    )
    icpc_icpc_transfer_in: Mapped[str | None] = mapped_column(Flag)
    icpc_icpc_target_date: Mapped[date | None] = mapped_column(Date)
    icpc_icpc_date: Mapped[date | None] = mapped_column(Date)
    icpc_icpc_outcome_cp_flag: Mapped[str | None] = mapped_column(Flag)
    icpc_icpc_outcome_json: Mapped[str | None] = mapped_column(String)
    icpc_icpc_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    icpc_icpc_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )


class CpPlan(RecordRow, Base):
    __tablename__ = "ssd_cp_plans"

    cppl_cp_plan_id: Mapped[str] = mapped_column(String, primary_key=True)
    cppl_referral_id: Mapped[str | None] = mapped_column(String)
    cppl_icpc_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_initial_cp_conference.icpc_icpc_id"), index=True
    )
    cppl_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cppl_cp_plan_start_date: Mapped[date | None] = mapped_column(Date)
    cppl_cp_plan_end_date: Mapped[date | None] = mapped_column(Date)
    cppl_cp_plan_initial_category: Mapped[str | None] = mapped_column(String)
    cppl_cp_plan_ola: Mapped[str | None] = mapped_column(Flag)
    cppl_cp_plan_latest_category: Mapped[str | None] = mapped_column(String)
    # Casebook: the manager's authorisation (status awaiting / authorised; none when imported).
    cb_authorisation_status: Mapped[str | None] = mapped_column(String(20))
    cb_authorised_by: Mapped[str | None] = mapped_column(String)
    cb_authorised_on: Mapped[date | None] = mapped_column(Date)


class CpReview(RecordRow, Base):
    __tablename__ = "ssd_cp_reviews"

    cppr_cp_review_id: Mapped[str] = mapped_column(String, primary_key=True)
    cppr_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cppr_cp_plan_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cp_plans.cppl_cp_plan_id"), index=True
    )
    cppr_cp_review_due: Mapped[date | None] = mapped_column(Date)
    cppr_cp_review_date: Mapped[date | None] = mapped_column(Date)
    cppr_cp_review_meeting_id: Mapped[str | None] = mapped_column(String)
    cppr_cp_review_outcome_continue_cp: Mapped[str | None] = mapped_column(Flag)
    cppr_cp_review_quorate: Mapped[str | None] = mapped_column(Flag)
    cppr_cp_review_participation: Mapped[str | None] = mapped_column(Flag)


class CpVisit(RecordRow, Base):
    __tablename__ = "ssd_cp_visits"

    cppv_cp_visit_id: Mapped[str] = mapped_column(String, primary_key=True)
    cppv_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cppv_cp_plan_id: Mapped[str | None] = mapped_column(String)
    cppv_cp_visit_date: Mapped[date | None] = mapped_column(Date)
    cppv_cp_visit_seen: Mapped[str | None] = mapped_column(Flag)
    cppv_cp_visit_seen_alone: Mapped[str | None] = mapped_column(Flag)
    cppv_cp_visit_bedroom: Mapped[str | None] = mapped_column(Flag)


class StrategyDiscussion(RecordRow, Base):
    """A strategy discussion (Casebook table: the SSD has none). Its date
    starts the 15-working-day clock for the initial child protection conference."""

    __tablename__ = "strategy_discussion"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    referral_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cin_episodes.cine_referral_id"), index=True
    )
    discussion_date: Mapped[date] = mapped_column(Date)
    outcome_s47: Mapped[str | None] = mapped_column(Flag)
    worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id")
    )
    notes: Mapped[str | None] = mapped_column(Text)
