"""What "open on a date" means, once, for every row with a start and an end.

A row is open on a day when it started on or before it and has not ended by
it: a plan that ended yesterday is not open today, one that ends today is not
open today either. The same SQL runs on SQLite, PostgreSQL and DuckDB.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_


def open_on(start: Any, end: Any, on: Any) -> ColumnElement[bool]:
    """SQL: the period from ``start`` to ``end`` (None: still open) is open on ``on``."""
    return and_(start <= on, or_(end.is_(None), end > on))
