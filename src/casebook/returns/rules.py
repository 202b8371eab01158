"""Validation rules of the statutory returns, declared once each.

A rule is data (its DfE code, message and the fields it concerns) plus one
check function. The CIN census and SSDA903 each keep a :class:`RuleBook`; the
same rules run over an uploaded file and, continuously, over what the record
would export today. Codes and messages follow the DfE's published rules so a
result can be compared line by line with other validators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

#: What a rule's check reads: the whole return, parsed (each return has its own shape).
Data = TypeVar("Data")


@dataclass(frozen=True, order=True)
class ReturnError:
    """One failure of one rule, located as precisely as the return allows."""

    rule: str
    child: str | None
    table: str
    field: str
    message: str
    row: int | None = None  # 1-based data row in a CSV table, when there is one
    #: Which return the rule belongs to ("903", "cin"): codes alone can coincide.
    collection: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "return": self.collection,
            "rule": self.rule,
            "child": self.child,
            "table": self.table,
            "field": self.field,
            "row": self.row,
            "message": self.message,
        }


@dataclass(frozen=True)
class Failure:
    """What a check yields: where, and (optionally) which of the rule's fields."""

    child: str | None
    table: str
    field: str
    row: int | None = None


@dataclass(frozen=True)
class Rule(Generic[Data]):
    code: str
    message: str
    #: ``table.field`` names the rule concerns, as the DfE lists them.
    fields: tuple[str, ...]
    check: Callable[[Data], Iterable[Failure]] = field(compare=False, repr=False)
    collection: str = ""

    def run(self, data: Data) -> Iterator[ReturnError]:
        for failure in self.check(data):
            yield ReturnError(
                rule=self.code,
                child=failure.child,
                table=failure.table,
                field=failure.field,
                message=self.message,
                row=failure.row,
                collection=self.collection,
            )


class RuleBook(Generic[Data]):
    """The rules of one return, registered by decorator, in code order."""

    def __init__(self, collection: str) -> None:
        self.collection = collection
        self._rules: dict[str, Rule[Data]] = {}

    def rule(
        self, code: str, message: str, fields: Iterable[str]
    ) -> Callable[[Callable[[Data], Iterable[Failure]]], Callable[[Data], Iterable[Failure]]]:
        def register(check: Callable[[Data], Iterable[Failure]]):
            if code in self._rules:
                raise ValueError(f"{self.collection} rule {code} is declared twice")
            self._rules[code] = Rule(code, message, tuple(fields), check, self.collection)
            return check

        return register

    def __iter__(self) -> Iterator[Rule[Data]]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, code: str) -> Rule[Data]:
        return self._rules[code]

    def validate(self, data: Data, only: Iterable[str] | None = None) -> list[ReturnError]:
        """Every failure of every rule (or of the codes in ``only``), sorted."""
        wanted = set(only) if only is not None else None
        found: list[ReturnError] = []
        for rule in self:
            if wanted is None or rule.code in wanted:
                found.extend(rule.run(data))
        found.sort(key=lambda e: (e.child or "", e.rule, e.table, e.row or 0, e.field))
        return found
