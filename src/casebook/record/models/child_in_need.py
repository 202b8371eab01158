"""Children in need: referrals (CIN episodes), single assessments and their
factors, CIN plans and visits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow


class CinEpisode(RecordRow, Base):
    __tablename__ = "ssd_cin_episodes"

    cine_referral_id: Mapped[str] = mapped_column(String, primary_key=True)
    cine_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cine_referral_date: Mapped[date | None] = mapped_column(Date)
    cine_cin_primary_need_code: Mapped[str | None] = mapped_column(String)
    cine_referral_source_code: Mapped[str | None] = mapped_column(String)
    cine_referral_source_desc: Mapped[str | None] = mapped_column(String)
    cine_referral_outcome_json: Mapped[str | None] = mapped_column(String)
    cine_referral_nfa: Mapped[str | None] = mapped_column(Flag)
    cine_close_reason: Mapped[str | None] = mapped_column(String)
    cine_close_date: Mapped[date | None] = mapped_column(Date)
    cine_referral_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    cine_referral_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )


class CinAssessment(RecordRow, Base):
    __tablename__ = "ssd_cin_assessments"

    cina_assessment_id: Mapped[str] = mapped_column(String, primary_key=True)
    cina_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cina_referral_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cin_episodes.cine_referral_id"), index=True
    )
    cina_assessment_start_date: Mapped[date | None] = mapped_column(Date)
    cina_assessment_child_seen: Mapped[str | None] = mapped_column(Flag)
    cina_assessment_auth_date: Mapped[date | None] = mapped_column(Date)
    cina_assessment_outcome_json: Mapped[str | None] = mapped_column(String)
    cina_assessment_outcome_nfa: Mapped[str | None] = mapped_column(Flag)
    cina_assessment_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    cina_assessment_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )
    # Casebook: when the child was seen, when the worker completed it, and the
    # manager's authorisation (which sets cina_assessment_auth_date).
    cb_child_seen_date: Mapped[date | None] = mapped_column(Date)
    cb_completed_on: Mapped[date | None] = mapped_column(Date)
    cb_authorisation_status: Mapped[str | None] = mapped_column(String(20))
    cb_authorised_by: Mapped[str | None] = mapped_column(String)
    cb_authorised_on: Mapped[date | None] = mapped_column(Date)


class AssessmentFactor(RecordRow, Base):
    __tablename__ = "ssd_assessment_factors"

    cinf_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    cinf_assessment_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cin_assessments.cina_assessment_id"), index=True
    )
    cinf_assessment_factors_json: Mapped[str | None] = mapped_column(String)


class CinPlan(RecordRow, Base):
    __tablename__ = "ssd_cin_plans"

    cinp_cin_plan_id: Mapped[str] = mapped_column(String, primary_key=True)
    cinp_referral_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_cin_episodes.cine_referral_id"), index=True
    )
    cinp_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cinp_cin_plan_start_date: Mapped[date | None] = mapped_column(Date)
    cinp_cin_plan_end_date: Mapped[date | None] = mapped_column(Date)
    cinp_cin_plan_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    cinp_cin_plan_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )
    # Casebook: the manager's authorisation (status awaiting / authorised; none when imported).
    cb_authorisation_status: Mapped[str | None] = mapped_column(String(20))
    cb_authorised_by: Mapped[str | None] = mapped_column(String)
    cb_authorised_on: Mapped[date | None] = mapped_column(Date)


class CinVisit(RecordRow, Base):
    __tablename__ = "ssd_cin_visits"

    cinv_cin_visit_id: Mapped[str] = mapped_column(String, primary_key=True)
    cinv_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cinv_cin_visit_date: Mapped[date | None] = mapped_column(Date)
    cinv_cin_visit_seen: Mapped[str | None] = mapped_column(Flag)
    cinv_cin_visit_seen_alone: Mapped[str | None] = mapped_column(Flag)
    cinv_cin_visit_bedroom: Mapped[str | None] = mapped_column(Flag)


class CinPlanReview(RecordRow, Base):
    """A review of a child in need plan (Casebook table: the SSD has none)."""

    __tablename__ = "cb_cin_plan_review"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cin_plan_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_cin_plans.cinp_cin_plan_id"), index=True
    )
    review_date: Mapped[date] = mapped_column(Date)
    plan_continues: Mapped[str | None] = mapped_column(Flag)
    notes: Mapped[str | None] = mapped_column(Text)
