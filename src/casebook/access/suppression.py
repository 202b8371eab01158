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

A breakdown (by team, locality or worker) is a set of groups that add up to a
whole: :func:`present_breakdown` adds *secondary* suppression, so that when one
group is hidden the next-smallest is hidden too and no hidden figure can be
worked out by subtracting the others from the whole. What is judged from a
figure (its RAG against a target, its direction since the previous period, its
rank and quartile among authorities) is withheld with it
(:func:`withhold_judgements`).

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


# --------------------------------------------------------------------------- breakdowns

#: The fields of a figure that add up across groups, by unit (the rest are derived).
_ADDITIVE = {
    "count": ("value", "numerator"),
    "percent": ("numerator", "denominator"),
    "days": ("numerator", "denominator"),
}


def _additive(unit: str) -> tuple[str, ...]:
    return _ADDITIVE.get(unit, ("numerator",))  # rates, caseload: the children counted


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _withhold(shown: Shown, field: str) -> Shown:
    """``shown`` with ``field`` hidden, and whatever would give it back."""
    hide = {field, "value"}
    if field == "denominator" or shown.unit == "count":
        hide.add("numerator")
    values = {
        name: SUPPRESSED
        if name in hide and getattr(shown, name) is not None
        else getattr(shown, name)
        for name in ("value", "numerator", "denominator")
    }
    return Shown(shown.id, **values, unit=shown.unit, suppressed=True)


def secondary(whole: Shown, parts: list[Any], shown: list[Shown]) -> list[Shown]:
    """``shown`` (the groups ``parts`` each as :func:`present` showed them) with
    secondary suppression against ``whole`` as shown.

    For each field that adds up (counts, numerators, denominators): when the
    whole shows it and exactly one group hides it, the group with the next
    smallest figure (not zero where there is one) is hidden too; repeated until
    no hidden figure is the whole minus the figures shown.
    """
    shown = list(shown)
    fields = _additive(whole.unit)
    changed = True
    while changed:
        changed = False
        for name in fields:
            if not _number(getattr(whole, name)):
                continue  # the whole is hidden: there is nothing to subtract from
            hidden = [i for i, s in enumerate(shown) if getattr(s, name) == SUPPRESSED]
            if len(hidden) != 1:
                continue
            candidates = [
                (raw == 0, raw, i)
                for i, (part, s) in enumerate(zip(parts, shown, strict=True))
                if i not in hidden
                and _number(getattr(s, name))
                and _number(raw := getattr(part, name))
            ]
            if not candidates:
                continue
            _, _, pick = min(candidates)
            shown[pick] = _withhold(shown[pick], name)
            changed = True
    return shown


def present_breakdown(
    whole: Any, parts: list[Any], role: Role | str | None, shown_whole: Shown | None = None
) -> tuple[Shown, list[Shown]]:
    """``whole`` and ``parts`` (engine results of groups that add up to it: teams,
    localities, workers) as ``role`` may see them.

    Each group is suppressed as :func:`present` does, then (for aggregate-only
    viewers) secondary suppression hides the next-smallest group wherever one
    hidden group could be worked out from the whole and the others.
    ``shown_whole`` is the whole as the viewer already sees it elsewhere (a
    team's figure hidden in the authority's breakdown stays hidden when that
    team is broken down by worker).
    """
    top = shown_whole if shown_whole is not None else present(whole, role)
    shown = [present(p, role) for p in parts]
    if not must_suppress(role):
        return top, shown
    return top, secondary(top, parts, shown)


def withhold_judgements(measure: dict[str, Any], now: Shown, before: Shown | None) -> None:
    """Withhold in ``measure`` (a scorecard or pack row, changed in place) what is
    judged from a figure the viewer may not see.

    RAG and rank/quartile are worked out from the unsuppressed figure, direction
    from it and the previous period's: with the figure suppressed, they would
    tell what the ``c`` hides. A rank worked out from the authority's own
    *published* figure (the comparators file) is public and is kept.
    """
    if now.suppressed:
        measure["rag"] = None
        measure["direction"] = None
        comparison = measure.get("comparison")
        if comparison and comparison.get("published") is None:
            measure["comparison"] = {**comparison, "rank": None, "quartile": None}
    if before is not None and before.suppressed:
        measure["direction"] = None
