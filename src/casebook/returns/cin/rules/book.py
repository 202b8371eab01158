"""The CIN census rule book and small helpers the rule modules share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from casebook.returns.rules import Failure, RuleBook

from ..spec import Child, CinData, Episode

#: Every CIN census rule, registered by the modules of this package.
RULES: RuleBook[CinData] = RuleBook("CIN")


def episodes(data: CinData) -> Iterator[tuple[Child, Episode]]:
    for child in data.children:
        for ep in child.episodes:
            yield child, ep


def within(day: date | None, data: CinData) -> bool:
    """``day`` falls in the census period (inclusive); False when there is no period."""
    return day is not None and data.start is not None and data.start <= day <= data.end


def fail(child: Child | None, table: str, field: str, line: int | None) -> Failure:
    return Failure(child.la_child_id if child is not None else None, table, field, line)
