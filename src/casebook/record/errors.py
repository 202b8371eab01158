"""The one exception tree of the record, mapped to responses in one place.

::

    RecordError
     ├── NotFound   - no such record (404)
     ├── Forbidden  - the user may not do this (403)
     ├── Conflict   - someone else changed it first (409)
     └── Invalid    - input refused; carries every (field, message) (422)
"""

from __future__ import annotations

from dataclasses import dataclass


class RecordError(Exception):
    """Base of every error the record raises on purpose."""


class NotFound(RecordError):
    pass


class Forbidden(RecordError):
    pass


class Conflict(RecordError):
    """Optimistic locking refused a save: the record changed since it was read."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with input: where (field, and for files the file and row) and what."""

    field: str
    message: str
    file: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        where.append(f"column {self.field}" if self.file else self.field)
        return f"{', '.join(where)}: {self.message}"


class Invalid(RecordError):
    """Input refused. ``problems`` names every field that is wrong."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))
