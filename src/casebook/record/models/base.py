"""Declarative base and the columns every record row carries.

Tables that mirror the Standard Safeguarding Dataset keep the SSD's table and
column names exactly, so the same SQL (KPIs, returns) runs on the database and
on an SSD extract read in place by DuckDB. Casebook's own bookkeeping columns
start with ``cb_`` and are never exported.
"""

from __future__ import annotations

from sqlalchemy import Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A Y/N flag, kept as the SSD writes it so SQL is the same on every engine.
Flag = String(1)

#: Record states. Nothing is deleted: a wrong entry is marked, not removed.
ACTIVE = "active"
ENTERED_IN_ERROR = "entered_in_error"
SUPERSEDED = "superseded"
RECORD_STATES = (ACTIVE, ENTERED_IN_ERROR, SUPERSEDED)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordRow:
    """Mixin for every row of the child's record.

    ``cb_version`` is SQLAlchemy's version counter: an UPDATE that finds the
    row changed since it was read affects no row and is refused, so two people
    editing one record can never silently overwrite each other.
    """

    cb_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1", sort_order=100
    )
    cb_status: Mapped[str] = mapped_column(
        String(20), nullable=False, default=ACTIVE, server_default=ACTIVE, sort_order=101
    )
    cb_status_reason: Mapped[str | None] = mapped_column(Text, sort_order=102)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - SQLAlchemy's signature
        return {"version_id_col": cls.__table__.c.cb_version}


def ssd_columns(table) -> list[str]:
    """The SSD's own columns of a mirrored table, in the SSD's order."""
    return [c.name for c in table.columns if not c.name.startswith("cb_")]
