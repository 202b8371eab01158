"""Tables of the scrutiny package, registered on the record's metadata so one
Alembic history covers them.

Everything is ``cb_scrutiny_*``. Nothing is deleted: members leave (term end),
meetings are cancelled, actions are dropped. What must never change once it
counts is kept in rows nobody updates again:

- ``cb_scrutiny_publication``: the agenda pack as published, one row per version
  (the public site reads only these, never the live agenda);
- ``cb_scrutiny_minutes`` with status ``approved``: a correction is a new
  version (the database itself refuses an update to approved minutes);
- ``cb_scrutiny_event``: who did what, append-only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, RecordRow


def new_id() -> str:
    return uuid.uuid4().hex


#: Kinds of body and how they relate.
BODY_KINDS = ("scrutiny_panel", "scrutiny_board", "cabinet", "partnership_board", "group", "board")
MEMBER_ROLES = ("chair", "vice_chair", "member", "co_opted", "substitute")
MEETING_MODES = ("in_room", "online", "hybrid")
MEETING_STATES = ("planned", "held", "cancelled")
#: The roll: how someone was at the meeting (or not).
ATTENDANCE = ("present_room", "present_online", "apologies", "absent")
ATTENDEE_KINDS = ("member", "substitute", "in_attendance", "officer")
DESIGNATIONS = ("red", "amber", "green")
ACTION_STATES = ("open", "in_progress", "done", "dropped")
DECLARATION_KINDS = ("disclosable_pecuniary", "other_registrable", "non_registrable")
#: The nine tests a work programme topic is chosen by (scrutiny.md).
NINE_TESTS = (
    "public_interest",
    "cross_cutting_theme",
    "value_added",
    "evidence",
    "impact",
    "national_policy",
    "city_wide",
    "performance",
    "safety",
)


class ScrutinySetting(Base):
    """Scrutiny's own settings table - no longer read: the clear working days
    before a meeting are the timescale registry's ``agenda_publication``. Kept
    (dropping it would need a migration) and empty of meaning."""

    __tablename__ = "cb_scrutiny_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class Body(RecordRow, Base):
    """A panel, board, cabinet or partnership group."""

    __tablename__ = "cb_scrutiny_body"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    remit: Mapped[str | None] = mapped_column(Text)
    quorum: Mapped[int | None] = mapped_column(Integer)
    #: Remote attendance counts towards the quorum only where the law allows it
    #: (not for a council's formal meetings in England since May 2021).
    online_counts_for_quorum: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reports_to_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_body.id"))
    escalates_to_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_body.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class Member(RecordRow, Base):
    """A member of a body, for a term."""

    __tablename__ = "cb_scrutiny_member"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_body.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    party: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    voting: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)


class Meeting(RecordRow, Base):
    __tablename__ = "cb_scrutiny_meeting"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_body.id"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    start_time: Mapped[str | None] = mapped_column(String(5))  # HH:MM
    venue: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10), nullable=False, default="in_room")
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="planned")
    #: When the agenda pack was first published (None: not yet).
    published_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class AgendaItem(RecordRow, Base):
    __tablename__ = "cb_scrutiny_agenda_item"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    group_title: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text, nullable=False)
    presenter: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    page_from: Mapped[int | None] = mapped_column(Integer)
    page_to: Mapped[int | None] = mapped_column(Integer)
    #: Part 2: exempt information, closed to the public. Never on the public site.
    exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    exempt_reason: Mapped[str | None] = mapped_column(Text)
    report_to_follow: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    verbal_update: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: A frozen snapshot of figures (performance scorecard / board pack), JSON.
    figures_title: Mapped[str | None] = mapped_column(Text)
    figures_json: Mapped[str | None] = mapped_column(Text)
    figures_frozen_at: Mapped[datetime | None] = mapped_column(DateTime)


class Report(RecordRow, Base):
    """A report's cover sheet; lists are JSON (recommendations, route, implications)."""

    __tablename__ = "cb_scrutiny_report"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    agenda_item_id: Mapped[str] = mapped_column(
        ForeignKey("cb_scrutiny_agenda_item.id"), index=True, unique=True
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    designation: Mapped[str | None] = mapped_column(String(5))
    lead_cabinet_members: Mapped[str | None] = mapped_column(Text)
    key_decision: Mapped[bool | None] = mapped_column(Boolean)
    forward_plan: Mapped[bool | None] = mapped_column(Boolean)
    wards: Mapped[str | None] = mapped_column(Text)
    accountable_director: Mapped[str | None] = mapped_column(Text)
    originating_service: Mapped[str | None] = mapped_column(Text)
    accountable_employee: Mapped[str | None] = mapped_column(Text)
    employee_job_title: Mapped[str | None] = mapped_column(Text)
    employee_contact: Mapped[str | None] = mapped_column(Text)
    route_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    recommendations_decision_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    recommendations_noting_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    implications_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    background_papers: Mapped[str | None] = mapped_column(Text)
    #: The appendices the cover sheet lists: their titles, JSON ``[str]``.
    appendices_json: Mapped[str] = mapped_column(
        Text, nullable=False, default="[]", server_default="[]"
    )


class Document(Base):
    """An attached PDF or Word document. The bytes live under ``data_dir/documents``
    named by their SHA-256, so a stored file can never be changed in place."""

    __tablename__ = "cb_scrutiny_document"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    agenda_item_id: Mapped[str] = mapped_column(
        ForeignKey("cb_scrutiny_agenda_item.id"), index=True
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    uploaded_by: Mapped[str] = mapped_column(String(60), nullable=False)


class Publication(Base):
    """The agenda pack as published: a frozen JSON copy, one row per version.

    ``public_json`` holds only Part 1 (open) items; ``full_json`` everything,
    for members. Rows are never updated (the database refuses it)."""

    __tablename__ = "cb_scrutiny_publication"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    published_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    published_on: Mapped[date] = mapped_column(Date, nullable=False)
    published_by: Mapped[str] = mapped_column(String(60), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    public_json: Mapped[str] = mapped_column(Text, nullable=False)
    full_json: Mapped[str] = mapped_column(Text, nullable=False)


class Attendance(RecordRow, Base):
    """One line of the roll."""

    __tablename__ = "cb_scrutiny_attendance"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_member.id"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    job_title: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    #: A substitute stands in for this member (and counts for them if they vote).
    substitute_for_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_member.id"))


class Declaration(Base):
    """A declaration of interest on an agenda item."""

    __tablename__ = "cb_scrutiny_declaration"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"), index=True)
    agenda_item_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_agenda_item.id"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    left_room: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class Minutes(Base):
    """One version of a meeting's minutes. Draft versions are edited; approved ones
    never change (a correction is the next version, with its reason)."""

    __tablename__ = "cb_scrutiny_minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_minutes.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    approved_at_meeting_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"))
    approved_on: Mapped[date | None] = mapped_column(Date)
    amendments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(60), nullable=False)


class MinuteItem(Base):
    __tablename__ = "cb_scrutiny_minute_item"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    minutes_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_minutes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    narrative: Mapped[str | None] = mapped_column(Text)
    exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Resolution(Base):
    """A numbered resolution (or recommendation) of a minute item. ``key`` is the
    same in every version of the minutes (meeting, item, number), so actions
    follow a resolution across corrections."""

    __tablename__ = "cb_scrutiny_resolution"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    minute_item_id: Mapped[str] = mapped_column(
        ForeignKey("cb_scrutiny_minute_item.id"), index=True
    )
    key: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    recommendation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Taken out of a draft: kept (nothing is deleted), no longer shown, counted
    #: or copied into a correction.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)


class FollowUpAction(RecordRow, Base):
    """What a resolution or recommendation asked for, and what was done."""

    __tablename__ = "cb_scrutiny_action"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_body.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"))
    resolution_key: Mapped[str | None] = mapped_column(String(80), index=True)
    #: What was said (the resolution's words, or the request), kept as it was.
    asked: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(15), nullable=False, default="open")
    response: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None] = mapped_column(Date)
    #: Shown on the public "you said, we did" page once done.
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class WorkProgrammeItem(RecordRow, Base):
    """A topic in a body's work programme: planned for a meeting, or a potential
    future item (no meeting yet)."""

    __tablename__ = "cb_scrutiny_wp_item"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    body_id: Mapped[str] = mapped_column(ForeignKey("cb_scrutiny_body.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("cb_scrutiny_meeting.id"))
    title: Mapped[str] = mapped_column(Text, nullable=False)
    lead_author: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str | None] = mapped_column(Text)  # council plan priority
    notes: Mapped[str | None] = mapped_column(Text)
    #: The nine tests: JSON {test: true/false}.
    tests_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    exempt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    pre_decision: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    state: Mapped[str] = mapped_column(String(15), nullable=False, default="planned")


class Event(Base):
    """Append-only: who changed what in scrutiny, and when."""

    __tablename__ = "cb_scrutiny_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    username: Mapped[str] = mapped_column(String(60), nullable=False)
    entity: Mapped[str] = mapped_column(String(30), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    what: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
