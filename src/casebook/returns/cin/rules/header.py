"""Header rules."""

from __future__ import annotations

from datetime import date

from ..spec import HEADER, CinData
from .book import RULES, fail


@RULES.rule("100", "Reference Date is incorrect", ["Header.ReferenceDate"])
def _reference_date(data: CinData):
    h = data.header
    year = h.year if h.year and h.year.isdigit() else None
    expected = date(int(year), 3, 31) if year else None
    if h.reference_date is None or h.reference_date != expected:
        yield fail(None, HEADER, "ReferenceDate", h.line)
