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


class ContactPerson(RecordRow, Base):
    """Someone named in a contact besides its subject: siblings, parents, the
    person of concern (Casebook table). The SSD keeps one person per contact."""

    __tablename__ = "contact_person"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    contact_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_contacts.cont_contact_id"), index=True
    )
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    role_in_contact: Mapped[str | None] = mapped_column(String(40))


class PartnerRequest(RecordRow, Base):
    """The MASH asks a partner agency officer to add what their agency knows."""

    __tablename__ = "partner_request"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    contact_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_contacts.cont_contact_id"), index=True
    )
    partner_username: Mapped[str] = mapped_column(String(60), index=True)
    requested_by: Mapped[str] = mapped_column(String(60))
    requested_on: Mapped[date] = mapped_column(Date)
    question: Mapped[str | None] = mapped_column(Text)


class PartnerContribution(RecordRow, Base):
    """What a partner agency added to an enquiry, in answer to a request."""

    __tablename__ = "partner_contribution"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    request_id: Mapped[str] = mapped_column(String, ForeignKey("partner_request.id"), index=True)
    contributed_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
