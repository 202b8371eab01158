"""Reading GOV.UK-pattern forms and showing their errors beside the fields.

A form that comes back with an error keeps everything that was typed: routes
re-render with ``values`` (the raw form) and ``errors`` (field -> message).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from casebook.record.errors import Invalid, Problem


class FormErrors(dict[str, str]):
    """field -> message, in the order the fields appear on the page."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


def read_date(
    form: Mapping[str, str], name: str, label: str, errors: FormErrors, *, required: bool = True
) -> date | None:
    """A date from the three GOV.UK date fields ``name-day``, ``name-month``, ``name-year``."""
    parts = [str(form.get(f"{name}-{p}", "")).strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors.add(name, f"Enter {label.lower()}")
        return None
    if not all(parts):
        missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        errors.add(name, f"{label} must include a {' and '.join(missing)}")
        return None
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        errors.add(name, f"{label} must be a real date")
        return None


def date_values(name: str, value: date | None) -> dict[str, str]:
    """The three date fields' values for a date, to pre-fill a form."""
    if value is None:
        return {}
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def errors_from(exc: Invalid, field_map: Mapping[str, str] | None = None) -> FormErrors:
    """Record problems as form errors; ``field_map`` turns column names into form fields."""
    errors = FormErrors()
    for problem in exc.problems:
        field = (field_map or {}).get(problem.field, problem.field)
        errors.add(field, _sentence(problem))
    return errors


def _sentence(problem: Problem) -> str:
    message = problem.message
    return message[:1].upper() + message[1:]
