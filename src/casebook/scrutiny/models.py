"""Tables of the scrutiny package, registered on the record's metadata so one
Alembic history covers them."""

from __future__ import annotations

from casebook.record.models.base import Base  # noqa: F401
