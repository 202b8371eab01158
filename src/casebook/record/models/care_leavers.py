"""Care leavers: eligibility, keeping in touch, accommodation, activity and pathway plan reviews.

The SSD keeps one ``ssd_care_leavers`` row per young person, holding the latest
contact (as the SSDA903 care leaver return reads it); Casebook keeps every
contact as well, in ``cb_care_leaver_contact``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow


class CareLeaver(RecordRow, Base):
    __tablename__ = "ssd_care_leavers"

    clea_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    clea_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    clea_care_leaver_eligibility: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_in_touch: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_latest_contact: Mapped[date | None] = mapped_column(Date)
    clea_care_leaver_accommodation: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_accom_suitable: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_activity: Mapped[str | None] = mapped_column(String)
    clea_pathway_plan_review_date: Mapped[date | None] = mapped_column(Date)
    clea_care_leaver_personal_advisor: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_allocated_team: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_department.dept_team_id"), index=True
    )
    clea_care_leaver_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )


class CareLeaverContact(RecordRow, Base):
    """One contact with a care leaver, as it was recorded (Casebook table). The values
    have the names of the ``ssd_care_leavers`` columns they are copied to, and the
    same code lists."""

    __tablename__ = "cb_care_leaver_contact"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    care_leaver_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_care_leavers.clea_table_id"), index=True
    )
    contact_date: Mapped[date] = mapped_column(Date)
    clea_care_leaver_in_touch: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_accommodation: Mapped[str | None] = mapped_column(String)
    clea_care_leaver_accom_suitable: Mapped[str | None] = mapped_column(Flag)
    clea_care_leaver_activity: Mapped[str | None] = mapped_column(String)
    clea_pathway_plan_review_date: Mapped[date | None] = mapped_column(Date)
