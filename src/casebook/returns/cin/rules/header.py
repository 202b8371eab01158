"""Header rules."""

from __future__ import annotations

from datetime import date

from ..spec import HEADER, CinData
from .book import RULES, fail


@RULES.rule("100", "Reference Date is incorrect", ["Header.ReferenceDate"])
def _reference_date(data: CinData):
    """ReferenceDate must be 31 March of the collection year (the one asked for, else Year)."""
    h = data.header
    if data.end is not None:
        expected = data.end
    elif h.year and h.year.isdigit():
        expected = date(int(h.year), 3, 31)
    else:
        expected = None
    if h.reference_date is None or h.reference_date != expected:
        yield fail(None, HEADER, "ReferenceDate", h.line)
