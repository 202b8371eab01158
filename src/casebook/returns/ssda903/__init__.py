"""The SSDA903 return (children looked after): its CSV tables, projection from
the record, export (CSV and XML), import, and the DfE's validation rules.

Public names: :data:`RULES_903`, :func:`load`, :func:`load_bytes`,
:func:`from_record`, :func:`export`, :func:`import_into`, :func:`validate`.
"""

from __future__ import annotations

from casebook.returns.rules import ReturnError

from .data import Data903
from .load import load, load_bytes
from .rules import RULES_903


def validate(data: Data903) -> list[ReturnError]:
    """Every failure of every SSDA903 rule for the return's collection year."""
    return RULES_903.validate(data)


def __getattr__(name: str):
    # The record-side modules import SQLAlchemy models; load them only when asked.
    if name == "from_record":
        from .project import from_record

        return from_record
    if name == "export":
        from .export import export

        return export
    if name == "import_into":
        from .import_ import import_into

        return import_into
    raise AttributeError(name)


__all__ = ["RULES_903", "Data903", "load", "load_bytes", "validate"]
