"""The row behind a figure: one referral, plan, visit or child a measure counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ChildRow:
    """One row behind a measure's figure.

    ``in_denominator``: the row is counted in the base (for a count: it is
    counted); ``in_numerator``: it meets the measure. ``value`` is the row's
    number where the measure averages one (days; a worker's FTE share for
    caseload). ``detail`` says in plain words why the row is in or out.
    ``team``, ``worker`` and ``locality`` are ids (``dept_team_id``,
    ``prof_professional_id``, the team's parent ``dept_team_id``).
    """

    person_id: str | None
    record_id: str | None
    team: str | None
    worker: str | None
    locality: str | None
    in_denominator: bool
    in_numerator: bool
    value: float | None = None
    detail: str = ""

    def as_dict(self) -> dict:
        return {
            "person_id": self.person_id,
            "record_id": self.record_id,
            "team": self.team,
            "worker": self.worker,
            "locality": self.locality,
            "in_denominator": self.in_denominator,
            "in_numerator": self.in_numerator,
            "value": self.value,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Period:
    """The days a measure looks at, both ends included; as-at measures use ``end``."""

    start: date
    end: date

    @property
    def as_at(self) -> date:
        return self.end
