"""Early help beyond the SSD's episode: the assessment, the plan and Outcome Star
scores (Casebook tables: the SSD keeps only ``ssd_early_help_episodes``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, RecordRow


class EarlyHelpAssessment(RecordRow, Base):
    """The early help assessment of one episode."""

    __tablename__ = "cb_early_help_assessment"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    episode_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_early_help_episodes.earl_episode_id"), index=True
    )
    assessment_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)


class EarlyHelpPlan(RecordRow, Base):
    """The early help plan (team around the family) of one episode."""

    __tablename__ = "cb_early_help_plan"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    episode_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_early_help_episodes.earl_episode_id"), index=True
    )
    plan_date: Mapped[date] = mapped_column(Date)
    team_around_family: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[str | None] = mapped_column(Text)


class OutcomeStar(RecordRow, Base):
    """One Outcome Star (Family Star Plus) reading: the baseline, then each review.

    ``scores_json`` holds the score (1 to 10) of each area, by area key.
    """

    __tablename__ = "cb_outcome_star"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_person.pers_person_id"), index=True
    )
    episode_id: Mapped[str] = mapped_column(
        String, ForeignKey("ssd_early_help_episodes.earl_episode_id"), index=True
    )
    star_date: Mapped[date] = mapped_column(Date)
    reading: Mapped[str] = mapped_column(String(20))  # baseline or review
    scores_json: Mapped[str] = mapped_column(Text)
    total: Mapped[int] = mapped_column(Integer)
