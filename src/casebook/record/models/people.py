"""People and their circumstances: the child, family, addresses, disabilities, legal status.

SSD tables, plus Casebook's own record of relationships between people (the
SSD groups families but does not say who is whose parent). Adults around a
child are people too (``cb_person_type = 'adult'``) but are not exported as SSD
children."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, Flag, RecordRow
from casebook.record.names import keys_for


class Person(RecordRow, Base):
    __tablename__ = "ssd_person"

    pers_person_id: Mapped[str] = mapped_column(String, primary_key=True)
    pers_forename: Mapped[str | None] = mapped_column(String)
    pers_surname: Mapped[str | None] = mapped_column(String)
    pers_sex: Mapped[str | None] = mapped_column(String)
    pers_gender: Mapped[str | None] = mapped_column(String)
    pers_ethnicity: Mapped[str | None] = mapped_column(String)
    pers_dob: Mapped[date | None] = mapped_column(Date)
    pers_common_child_id: Mapped[str | None] = mapped_column(String)
    pers_legacy_id: Mapped[str | None] = mapped_column(String)
    pers_upn_unknown: Mapped[str | None] = mapped_column(String)
    pers_send_flag: Mapped[str | None] = mapped_column(Flag)
    pers_expected_dob: Mapped[date | None] = mapped_column(Date)
    pers_death_date: Mapped[date | None] = mapped_column(Date)
    pers_is_mother: Mapped[str | None] = mapped_column(Flag)
    pers_nationality: Mapped[str | None] = mapped_column(String)
    # Casebook: children are exported to the SSD; adults around them are not.
    cb_person_type: Mapped[str] = mapped_column(String(10), default="child", server_default="child")
    # Casebook: how the names sound, for search and the duplicate check
    # (casebook.record.names); kept in step with the names on every write.
    cb_surname_key: Mapped[str | None] = mapped_column(String)
    cb_forename_key: Mapped[str | None] = mapped_column(String)

    __table_args__ = (
        Index("ix_ssd_person_name_keys", "cb_surname_key", "cb_forename_key", "pers_dob"),
        Index("ix_ssd_person_pers_dob", "pers_dob"),
    )


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_name_keys(_mapper, _connection, person: Person) -> None:
    """Fill the name keys from the names whenever the ORM writes a person."""
    person.cb_surname_key, person.cb_forename_key = keys_for(
        person.pers_forename, person.pers_surname
    )


class Family(RecordRow, Base):
    __tablename__ = "ssd_family"

    fami_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    fami_family_id: Mapped[str | None] = mapped_column(String, index=True)
    fami_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )


class Address(RecordRow, Base):
    __tablename__ = "ssd_address"

    addr_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    addr_address_json: Mapped[str | None] = mapped_column(String)
    addr_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    addr_address_type: Mapped[str | None] = mapped_column(String)
    addr_address_start_date: Mapped[date | None] = mapped_column(Date)
    addr_address_end_date: Mapped[date | None] = mapped_column(Date)
    addr_address_postcode: Mapped[str | None] = mapped_column(String)


class Disability(RecordRow, Base):
    __tablename__ = "ssd_disability"

    disa_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    disa_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    disa_disability_code: Mapped[str | None] = mapped_column(String)


class ImmigrationStatus(RecordRow, Base):
    __tablename__ = "ssd_immigration_status"

    immi_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    immi_immigration_status_id: Mapped[str] = mapped_column(String, primary_key=True)
    immi_immigration_status: Mapped[str | None] = mapped_column(String)
    immi_immigration_status_start_date: Mapped[date | None] = mapped_column(Date)
    immi_immigration_status_end_date: Mapped[date | None] = mapped_column(Date)


class Mother(RecordRow, Base):
    __tablename__ = "ssd_mother"

    moth_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    moth_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    moth_childs_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    moth_childs_dob: Mapped[date | None] = mapped_column(Date)


class LegalStatus(RecordRow, Base):
    __tablename__ = "ssd_legal_status"

    lega_legal_status_id: Mapped[str] = mapped_column(String, primary_key=True)
    lega_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    lega_legal_status: Mapped[str | None] = mapped_column(String)
    lega_legal_status_start_date: Mapped[date | None] = mapped_column(Date)
    lega_legal_status_end_date: Mapped[date | None] = mapped_column(Date)


class LinkedIdentifier(RecordRow, Base):
    __tablename__ = "ssd_linked_identifiers"

    link_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    link_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    link_identifier_type: Mapped[str | None] = mapped_column(String)
    link_identifier_value: Mapped[str | None] = mapped_column(String)
    link_valid_from_date: Mapped[date | None] = mapped_column(Date)
    link_valid_to_date: Mapped[date | None] = mapped_column(Date)


class VoiceOfChild(RecordRow, Base):
    __tablename__ = "ssd_voice_of_child"

    voch_table_id: Mapped[str] = mapped_column(String, primary_key=True)
    voch_person_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    voch_explained_worries: Mapped[str | None] = mapped_column(Flag)
    voch_story_help_understand: Mapped[str | None] = mapped_column(Flag)
    voch_agree_worker: Mapped[str | None] = mapped_column(Flag)
    voch_plan_safe: Mapped[str | None] = mapped_column(Flag)
    voch_tablet_help_explain: Mapped[str | None] = mapped_column(Flag)


class PersonRelationship(RecordRow, Base):
    """Who is whose mother, father, sibling, carer (Casebook table).

    Read as "``related_person_id`` is the ``relationship`` of ``person_id``",
    e.g. relationship ``mother``.
    """

    __tablename__ = "person_relationship"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    related_person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    relationship: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class CaseNote(RecordRow, Base):
    """A case note on a child's record (Casebook table)."""

    __tablename__ = "case_note"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    note_date: Mapped[date] = mapped_column(Date)
    note_type: Mapped[str] = mapped_column(String(30), default="case_note")
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(
        String, ForeignKey("ssd_professionals.prof_professional_id")
    )
