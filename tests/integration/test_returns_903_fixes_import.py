"""SSDA903 import: a bad or blank date is a Problem naming file, row and field (issue 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.integration.test_returns_903_roundtrip import write_return
from tests.unit.test_returns_903_rules import YEAR, tables

from casebook.record.errors import Invalid
from casebook.record.models import ClaEpisode, HistoryEntry, Person
from casebook.returns.ssda903.import_ import import_into


# row 2 of episodes.csv is C1's last episode: a period of care of its own once its
# DECOM cannot be read, with C1's reviews after it (the path that used to crash)
@pytest.mark.parametrize(
    ("value", "says"),
    [("2023-12-21", "is not a date written dd/mm/yyyy"), ("", "DECOM is required")],
)
def test_a_bad_or_blank_decom_is_named_and_nothing_written(
    fresh_engine, tmp_path: Path, value: str, says: str
) -> None:
    t = tables()
    assert t["Episodes"][1]["CHILD"] == "C1" and t["Reviews"]
    t["Episodes"][1]["DECOM"] = value
    paths = write_return(t, tmp_path / "in")
    with pytest.raises(Invalid) as caught:
        import_into(fresh_engine, paths, YEAR)
    found = {(p.file, p.row, p.field) for p in caught.value.problems}
    assert ("episodes.csv", 2, "DECOM") in found
    assert any(says in p.message for p in caught.value.problems)
    with Session(fresh_engine) as session:
        for model in (Person, ClaEpisode, HistoryEntry):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_a_bad_decom_and_a_bad_code_are_both_named(fresh_engine, tmp_path: Path) -> None:
    t = tables()
    t["Episodes"][1]["DECOM"] = "2023-12-21"
    t["Episodes"][4]["PLACE"] = "Q9"
    paths = write_return(t, tmp_path / "in")
    with pytest.raises(Invalid) as caught:
        import_into(fresh_engine, paths, YEAR)
    found = {(p.file, p.row, p.field) for p in caught.value.problems}
    assert {("episodes.csv", 2, "DECOM"), ("episodes.csv", 5, "PLACE")} <= found
