"""The front door: contacts and their threshold decisions, and early help episodes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, RecordRow


class Contact(RecordRow, Base):
    __tablename__ = "ssd_contacts"

    cont_contact_id: Mapped[str] = mapped_column(String, primary_key=True)
    cont_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    cont_contact_date: Mapped[date | None] = mapped_column(Date)
    cont_contact_source_code: Mapped[str | None] = mapped_column(String)
    cont_contact_source_desc: Mapped[str | None] = mapped_column(String)
    cont_contact_outcome_json: Mapped[str | None] = mapped_column(String)
    # Casebook: who called, what worried them, and the MASH threshold decision.
    cb_contact_who: Mapped[str | None] = mapped_column(Text)
    cb_concerns: Mapped[str | None] = mapped_column(Text)
    cb_decision: Mapped[str | None] = mapped_column(String(20))
    cb_decision_date: Mapped[date | None] = mapped_column(Date)
    cb_decision_reason: Mapped[str | None] = mapped_column(Text)


class EarlyHelpEpisode(RecordRow, Base):
    __tablename__ = "ssd_early_help_episodes"

    earl_episode_id: Mapped[str] = mapped_column(String, primary_key=True)
    earl_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    earl_episode_start_date: Mapped[date | None] = mapped_column(Date)
    earl_episode_end_date: Mapped[date | None] = mapped_column(Date)
    earl_episode_reason: Mapped[str | None] = mapped_column(String)
    earl_episode_end_reason: Mapped[str | None] = mapped_column(String)
    earl_episode_organisation: Mapped[str | None] = mapped_column(String)
    earl_episode_worker_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id"), index=True
    )
