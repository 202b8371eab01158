"""The workforce: teams (departments), professionals and their allocations to children."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow


class Department(RecordRow, Base):
    __tablename__ = "ssd_department"

    dept_team_id: Mapped[str] = mapped_column(String, primary_key=True)
    dept_team_name: Mapped[str | None] = mapped_column(String)
    dept_team_parent_id: Mapped[str | None] = mapped_column(String)
    dept_team_parent_name: Mapped[str | None] = mapped_column(String)
    # Casebook: the front door (MASH) teams, whose workers see the children
    # named in recent contacts.
    cb_front_door: Mapped[str] = mapped_column(Flag, default="N", server_default="N")


class Professional(RecordRow, Base):
    __tablename__ = "ssd_professionals"

    prof_professional_id: Mapped[str] = mapped_column(String, primary_key=True)
    prof_staff_id: Mapped[str | None] = mapped_column(String)
    prof_professional_name: Mapped[str | None] = mapped_column(String)
    prof_social_worker_registration_no: Mapped[str | None] = mapped_column(String)
    prof_professional_job_title: Mapped[str | None] = mapped_column(String)
    prof_professional_caseload: Mapped[int | None] = mapped_column(Integer)
    prof_professional_department: Mapped[str | None] = mapped_column(String)
    prof_full_time_equivalency: Mapped[float | None] = mapped_column(Float)
    prof_agency_worker_flag: Mapped[str | None] = mapped_column(Flag)


class Involvement(RecordRow, Base):
    __tablename__ = "ssd_involvements"

    invo_involvements_id: Mapped[str] = mapped_column(String, primary_key=True)
    invo_professional_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )
    invo_professional_role_id: Mapped[str | None] = mapped_column(String)
    invo_professional_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    invo_involvement_start_date: Mapped[date | None] = mapped_column(Date)
    invo_involvement_end_date: Mapped[date | None] = mapped_column(Date)
    invo_worker_change_reason: Mapped[str | None] = mapped_column(String)
    invo_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    invo_referral_id: Mapped[str | None] = mapped_column(String)
