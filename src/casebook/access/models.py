"""Accounts, sessions, the access log, restrictions and audit samples.

Accounts are not part of the child's record and are not exported to the SSD.
The access log, like the record's history, is append-only: the migration adds
triggers refusing UPDATE and DELETE on it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, RecordRow


class AppUser(RecordRow, Base):
    """A person who signs in. ``team_id`` and ``service_id`` give the scope of
    workers, managers and heads of service; ``professional_id`` links a worker
    to their allocations."""

    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(Text)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("ssd_department.dept_team_id"))
    service_id: Mapped[str | None] = mapped_column(ForeignKey("ssd_department.dept_team_id"))
    professional_id: Mapped[str | None] = mapped_column(
        ForeignKey("ssd_professionals.prof_professional_id")
    )
    agency: Mapped[str | None] = mapped_column(String(60))
    job_title: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class AccessLogEntry(Base):
    """Every view of a child's record, every search, every export: who, when, what.

    ``detail`` never holds a search's text or any personal data beyond the ids
    of the records concerned.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[str | None] = mapped_column(String, index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)


class RecordRestriction(RecordRow, Base):
    """A restricted record (an adoption, a staff member's relative): only the
    users named here may open it, whatever their role."""

    __tablename__ = "record_restriction"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("ssd_person.pers_person_id"), index=True)
    username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)


class AuditSample(RecordRow, Base):
    """A case sampled for audit: the auditor named may open that child's record."""

    __tablename__ = "audit_sample"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("ssd_person.pers_person_id"), index=True)
    auditor_username: Mapped[str] = mapped_column(ForeignKey("app_user.username"), index=True)
    sample_name: Mapped[str | None] = mapped_column(String(120))
