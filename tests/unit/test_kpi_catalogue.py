"""The catalogue holds every measure of kpis.md, each declared once and fully described."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from casebook.performance.catalogue import CATALOGUE, Kind, Unit, age, measure_by_id, open_at
from casebook.performance.engine import period_for

KPIS = Path(__file__).resolve().parents[3] / "shared" / "domain" / "kpis.md"


#: The ids of kpis.md's table (checked against the file itself where it is at hand).
KPI_IDS = [
    "FD1",
    "FD2",
    "FD3",
    "R1",
    "R2",
    "R3",
    "A1S",
    "A2S",
    "A3S",
    "CP1",
    "CP2",
    "CP3",
    "CP4",
    "CP5",
    "CP6",
    "CP7",
    "CP8",
    "CP9",
    "CIN1",
    "CIN2",
    "CIN3",
    "LA1",
    "LA2",
    "LA3",
    "LA4",
    "LA5",
    "LA6",
    "LA7",
    "LA8",
    "LA9",
    "LA10",
    "LA11",
    "LA12",
    "AD1",
    "AD2",
    "AD3",
    "CL1",
    "CL2",
    "CL3",
    "CL4",
    "WF1",
    "WF2",
    "EX1",
    "EH1",
    "EH2",
    "QA1",
]


def test_every_measure_of_kpis_md_is_declared_once() -> None:
    ids = [m.id for m in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert set(KPI_IDS) <= set(ids)
    if KPIS.exists():
        listed = re.findall(r"^\| ([A-Z]+[0-9]+[A-Z]?) \|", KPIS.read_text(), re.MULTILINE)
        assert listed == KPI_IDS


def test_each_measure_says_what_it_is() -> None:
    for m in CATALOGUE:
        assert m.title and m.definition and m.numerator, m.id
        assert isinstance(m.unit, Unit) and isinstance(m.kind, Kind)
        assert m.better in (None, "higher", "lower")
        ratio = m.unit in (Unit.PERCENT, Unit.RATE, Unit.DAYS, Unit.PER_WORKER)
        assert (m.denominator is not None) == ratio, m.id


def test_unknown_measure() -> None:
    with pytest.raises(KeyError, match="NOPE"):
        measure_by_id("NOPE")


def test_period_is_the_12_months_ending_on_the_as_at_date() -> None:
    p = period_for(date(2025, 3, 31))
    assert (p.start, p.end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert period_for(date(2024, 2, 29)).start == date(2023, 3, 1)
    assert period_for(date(2025, 3, 31), date(2025, 1, 1)).start == date(2025, 1, 1)
    with pytest.raises(ValueError):
        period_for(date(2025, 3, 31), date(2025, 4, 1))


def test_open_at_and_age_edges() -> None:
    assert not open_at(date(2024, 1, 1), date(2025, 3, 31), date(2025, 3, 31))
    assert open_at(date(2024, 1, 1), date(2025, 4, 1), date(2025, 3, 31))
    assert open_at(date(2025, 3, 31), None, date(2025, 3, 31))
    assert age(date(2007, 3, 31), date(2025, 3, 31)) == 18
    assert age(date(2007, 4, 1), date(2025, 3, 31)) == 17
