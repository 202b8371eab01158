"""Reading GOV.UK-pattern forms and showing their errors beside the fields.

A form that comes back with an error keeps everything that was typed: routes
re-render with ``values`` (the raw form) and ``errors`` (field -> message).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Request

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
    except (ValueError, OverflowError):  # a year past C's int overflows
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


#: Any text but NUL, which no database column can hold: ids in paths and queries.
NO_NUL = r"^[^\x00]*$"
RecordId = Annotated[str, Path(pattern=NO_NUL, max_length=100)]


async def _form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields, as typed (less any NUL characters)."""
    form = await request.form()
    return {k: v.replace("\x00", "") for k, v in form.items() if isinstance(v, str)}


#: The posted form, read once (``csrf_protect`` reads the same cached form).
FormFields = Annotated[dict[str, str], Depends(_form_fields)]


def problem_errors(
    exc: Invalid, labels: Mapping[str, str], field_map: Mapping[str, str] | None = None
) -> FormErrors:
    """A service's problems as messages beside the form's fields, each naming the field."""
    errors = FormErrors()
    for problem in exc.problems:
        field = (field_map or {}).get(problem.field, problem.field)
        errors.add(field, labelled_message(labels.get(problem.field) or labels.get(field), problem))
    return errors


def renamed(exc: Invalid, columns: Mapping[str, str]) -> Invalid:
    """The same refusal, naming the fields as the caller sent them, not as the record
    keeps them (``cont_contact_date`` is the ``contact_date`` the caller gave)."""
    return Invalid([replace(p, field=columns.get(p.field, p.field)) for p in exc.problems])


def labelled_message(label: str | None, problem: Problem) -> str:
    message = problem.message
    if not label:
        return message[:1].upper() + message[1:]
    if message.startswith(("is ", "was ", "must ")):
        return f"{label} {message}"
    return f"{label}: {message}"
