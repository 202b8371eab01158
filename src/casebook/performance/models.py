"""Tables of the performance package, registered on the record's metadata so one
Alembic history covers them.

- ``cb_perf_target``: a target and tolerance per measure per year. Setting a
  new one supersedes the old row (kept, marked ``superseded``), never deletes it.
- ``cb_comparator_import`` / ``cb_comparator_figure``: the DfE's published
  figures, one row per area per measure per period, with the suppression code
  when the DfE withheld the figure. Each import is one row naming its file;
  figures marked illustrative came from the demo's synthetic file.
- ``cb_statistical_neighbour``: each authority's ten neighbours, in order.
- ``cb_perf_setting``: the authority's own settings (its 3-digit LA code).
- ``cb_board_pack``: a published board pack with the figures it showed and the
  commentary, frozen. The migration makes the table append-only (triggers
  refuse UPDATE and DELETE); a correction is a new version of the same period.
- ``cb_kpi_figure``: a measure's figure stored for one period (a month) as at its
  last day, for the authority (or a team, worker or locality), as ``casebook kpi
  refresh`` computed it: what the trends and sparklines read instead of
  recomputing each month. Derived data: ``--force`` replaces a period's figures.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, RecordRow


class PerformanceTarget(RecordRow, Base):
    """The authority's target for one measure in one year (April to March,
    ``year`` 2025 meaning 2025-26), with the tolerance that makes a miss amber
    rather than red and the direction in which a figure is better."""

    __tablename__ = "cb_perf_target"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int] = mapped_column(Integer)
    target: Mapped[float] = mapped_column(Float)
    tolerance: Mapped[float] = mapped_column(Float)
    better: Mapped[str] = mapped_column(String(10))  # higher | lower
    set_by: Mapped[str] = mapped_column(String(60))
    set_at: Mapped[datetime] = mapped_column(DateTime)


class ComparatorImport(Base):
    """One file of published statistics (or statistical neighbours) as imported."""

    __tablename__ = "cb_comparator_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # statistics | neighbours
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_by: Mapped[str] = mapped_column(String(60))
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class ComparatorFigure(Base):
    """One published figure: an area (England, a region or an authority), a
    measure, a period, and either a value or the DfE's suppression code."""

    __tablename__ = "cb_comparator_figure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("cb_comparator_import.id"), index=True)
    measure_id: Mapped[str] = mapped_column(String(20), index=True)
    time_period: Mapped[str] = mapped_column(String(10))
    geographic_level: Mapped[str] = mapped_column(String(30))
    region_code: Mapped[str | None] = mapped_column(String(12))
    region_name: Mapped[str | None] = mapped_column(String(80))
    old_la_code: Mapped[str | None] = mapped_column(String(3))
    new_la_code: Mapped[str | None] = mapped_column(String(12))
    la_name: Mapped[str | None] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StatisticalNeighbour(Base):
    """One of an authority's ten statistical neighbours (``position`` 1-10)."""

    __tablename__ = "cb_statistical_neighbour"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("cb_comparator_import.id"), index=True)
    old_la_code: Mapped[str] = mapped_column(String(3), index=True)
    position: Mapped[int] = mapped_column(Integer)
    neighbour_code: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PerformanceSetting(Base):
    """A setting of the performance package (``la_code``: the authority's own code)."""

    __tablename__ = "cb_perf_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(60))
    set_at: Mapped[datetime] = mapped_column(DateTime)


class BoardPack(Base):
    """A published board pack. Append-only: its figures and commentary never change."""

    __tablename__ = "cb_board_pack"
    __table_args__ = (
        UniqueConstraint("period", "version", name="uq_cb_board_pack_period_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    figures_json: Mapped[str] = mapped_column(Text)
    commentary_json: Mapped[str] = mapped_column(Text)
    figures_sha256: Mapped[str] = mapped_column(String(64))
    correction_note: Mapped[str | None] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(String(60))
    published_at: Mapped[datetime] = mapped_column(DateTime)


class KpiFigure(Base):
    """One stored figure: a measure for the period ``period_start``..``as_at``, for a
    scope (``authority`` with ``scope_id`` "", or ``team``/``worker``/``locality``)."""

    __tablename__ = "cb_kpi_figure"
    __table_args__ = (
        UniqueConstraint(
            "measure_id",
            "as_at",
            "period_start",
            "scope_kind",
            "scope_id",
            name="uq_cb_kpi_figure_measure_period_scope",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    measure_id: Mapped[str] = mapped_column(String(20))
    as_at: Mapped[date] = mapped_column(Date, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    scope_kind: Mapped[str] = mapped_column(String(20), default="authority")
    scope_id: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
