"""The SSDA903 rule book and the small helpers every rule module shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from casebook.returns.rules import Failure, RuleBook

from ..data import Data903, Row

RULES_903: RuleBook[Data903] = RuleBook("903")

Check = Callable[[Data903], Iterable[Failure]]


def rule(code: str, message: str, fields: Iterable[str]) -> Callable[[Check], Check]:
    """Declare one DfE rule: its code, message and the ``Table.FIELD`` s it concerns."""
    return RULES_903.rule(code, message, fields)


def fail(table: str, row: Row, field: str) -> Failure:
    """The failure of one row's field. (Built without the frozen dataclass's
    ``__init__``: a large return fails a hundred thousand times.)"""
    f = _new(Failure)
    f.__dict__.update(child=row["CHILD"], table=table, field=field, row=row["_row"])
    return f


_new = object.__new__


def code_rule(
    code: str,
    message: str,
    table: str,
    column: str,
    codes: Callable[[Data903], frozenset[str]] | frozenset[str],
    *,
    required: bool = False,
) -> None:
    """A rule that ``column`` holds a code of its list (and, if ``required``, is given)."""

    def check(data: Data903) -> Iterator[Failure]:
        valid = codes(data) if callable(codes) else codes
        for r in data.rows(table):
            v = r[column]
            if (v is None and required) or (v is not None and v not in valid):
                yield fail(table, r, column)

    RULES_903.rule(code, message, [f"{table}.{column}"])(check)


def date_rule(code: str, message: str, table: str, column: str, *, required: bool = False) -> None:
    """A rule that ``column`` is a valid dd/mm/yyyy date (and, if ``required``, is given)."""
    parsed = column + "_d"

    def check(data: Data903) -> Iterator[Failure]:
        for r in data.rows(table):
            if r[parsed] is None and (required or r[column] is not None):
                yield fail(table, r, column)

    RULES_903.rule(code, message, [f"{table}.{column}"])(check)
