"""Small-number suppression and rounding: the one place figures are made safe to show.

Anyone who may not see children's records (:data:`casebook.access.roles.AGGREGATE_ONLY`:
councillors, scrutiny officers, partners; and the public, ``role=None``) sees
figures as the DfE publishes local authority statistics:

- a count from 1 to 4 is shown as ``c`` (confidential); 0 is shown as 0, as
  the DfE shows a true zero; other counts are shown unrounded, as the DfE
  shows local authority counts;
- a percentage is rounded to a whole number; it is ``c`` when its numerator or
  denominator is 1 to 4, or when the children *not* counted (denominator minus
  numerator) are 1 to 4, since "97% of 40" tells who the one child is
  (secondary suppression); ``k`` when it is above 0 but rounds to 0;
- a rate per 10,000 is rounded to a whole number and is ``c`` when its count is 1 to 4;
- an average (days, caseload) is rounded to a whole number and is ``c`` when it
  is the average of 1 to 4 children;
- the numerator and denominator go through the same count rule.

Every page, API answer, export and board pack that shows a figure passes it
through :func:`present` with the viewer's role; the engine's results are never
shown directly. Roles that may see children get the figures as computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from casebook.access.roles import AGGREGATE_ONLY, Role

SUPPRESSED = "c"
ROUNDS_TO_ZERO = "k"
#: Counts from 1 to this are suppressed.
SMALL = 4

Figure = int | float | str | None


@dataclass(frozen=True)
class Shown:
    """A figure as a viewer may see it (numbers, or ``c`` / ``k``)."""

    id: str
    value: Figure
    numerator: Figure
    denominator: Figure
    unit: str
    suppressed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unit": self.unit,
            "suppressed": self.suppressed,
        }


def must_suppress(role: Role | str | None) -> bool:
    """Whether figures for this role are suppressed (unknown roles and the public: yes)."""
    if role is None:
        return True
    try:
        return Role(role) in AGGREGATE_ONLY
    except ValueError:
        return True


def small(n: Any) -> bool:
    return isinstance(n, int | float) and not isinstance(n, bool) and 0 < n <= SMALL


def count(n: Figure) -> Figure:
    """A count as shown to an aggregate-only viewer."""
    if small(n):
        return SUPPRESSED
    return n


def present(result: Any, role: Role | str | None) -> Shown:
    """``result`` (an engine ``Result``: id, value, numerator, denominator, unit) for ``role``."""
    unit = str(result.unit)
    value, numerator, denominator = result.value, result.numerator, result.denominator
    if not must_suppress(role):
        return Shown(result.id, value, numerator, denominator, unit, False)
    if unit == "percent":
        hide = small(numerator) or small(denominator) or _small_gap(numerator, denominator)
        value = SUPPRESSED if hide and value is not None else _percent(value)
        numerator = SUPPRESSED if hide and numerator is not None else count(numerator)
        denominator = count(denominator)
    elif unit.startswith("rate"):
        value = SUPPRESSED if small(numerator) else whole(value)
        numerator = count(numerator)
    elif unit == "count":
        value, numerator = count(value), count(numerator)
    elif unit == "days":
        hide = small(denominator)
        value = SUPPRESSED if hide else whole(value)
        numerator = SUPPRESSED if hide else whole(numerator)
        denominator = count(denominator)
    else:  # an average over workers (children per FTE)
        value = SUPPRESSED if small(numerator) else whole(value)
        numerator = count(numerator)
    suppressed = SUPPRESSED in (value, numerator, denominator)
    return Shown(result.id, value, numerator, denominator, unit, suppressed)


def present_all(results: list[Any], role: Role | str | None) -> list[Shown]:
    return [present(r, role) for r in results]


def whole(value: Figure) -> Figure:
    """A number rounded to a whole number, halves up (as published tables round)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return value


def _percent(value: Figure) -> Figure:
    if isinstance(value, int | float) and 0 < value < 0.5:
        return ROUNDS_TO_ZERO
    return whole(value)


def _small_gap(numerator: Figure, denominator: Figure) -> bool:
    if isinstance(numerator, int | float) and isinstance(denominator, int | float):
        return small(denominator - numerator)
    return False
