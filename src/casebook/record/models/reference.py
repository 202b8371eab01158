"""Reference data an administrator can extend: code lists, bank holidays and
local timescale settings. Loaded by migrations, changed through the services."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.record.models.base import Base, RecordRow


class CodeValue(RecordRow, Base):
    """One code in one national or local code list (e.g. ``primary_need`` / ``N1``)."""

    __tablename__ = "code_value"

    list_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class BankHoliday(RecordRow, Base):
    """A bank holiday in England and Wales: not a working day."""

    __tablename__ = "bank_holiday"

    holiday_date: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class TimescaleSetting(RecordRow, Base):
    """An authority's own value for a timescale, overriding the default in
    :mod:`casebook.record.timescales` (e.g. visits every 4 weeks, not monthly)."""

    __tablename__ = "timescale_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(15))
