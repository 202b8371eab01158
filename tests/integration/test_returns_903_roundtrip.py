"""SSDA903 through the database: import, projection, export, round trip,
refusals, continuous validation.

Runs on SQLite and PostgreSQL (``fresh_engine``: a database of its own, since
imports commit).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from tests.unit.test_returns_903_rules import YEAR, tables

from casebook.record.errors import Invalid
from casebook.record.models import ClaPlacement, HistoryEntry, Person
from casebook.returns import continuous
from casebook.returns.ssda903 import load, validate
from casebook.returns.ssda903.export import export, to_xml, write_csv
from casebook.returns.ssda903.import_ import import_into
from casebook.returns.ssda903.project import from_record
from casebook.returns.ssda903.spec import COLUMNS, FILE_NAMES


def write_return(t: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in t.items():
        path = folder / FILE_NAMES[name]
        with path.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS[name])
            for r in rows:
                w.writerow([r.get(c, "") for c in COLUMNS[name]])
        paths.append(path)
    return paths


def _table(data, name: str) -> list[tuple]:
    rows = data.rows(name)
    if name == "Episodes":  # the return holds the episodes open in the year
        rows = [r for r in rows if r["DEC_d"] is None or r["DEC_d"] >= data.start]
    return sorted(tuple(r[c] for c in COLUMNS[name]) for r in rows)


def test_import_then_export_gives_back_the_return(fresh_engine, tmp_path: Path) -> None:
    paths = write_return(tables(), tmp_path / "in")
    assert import_into(fresh_engine, paths, YEAR) == 3
    original = load(paths, YEAR)
    with Session(fresh_engine) as session:
        projected = from_record(session, YEAR)
        written = export(session, YEAR, tmp_path / "out", xml=True)
    assert validate(projected) == []
    for name in COLUMNS:
        if name == "PrevPerm":  # only children who started to be looked after in the year
            continue
        assert _table(projected, name) == _table(original, name), name
    names = {p.name for p in written}
    assert {"header.csv", "episodes.csv", "ssda903_2025.xml"} <= names
    again = load([p for p in written if p.suffix == ".csv"], YEAR)
    assert _table(again, "Episodes") == _table(original, "Episodes")
    header = (tmp_path / "out" / "episodes.csv").read_text().splitlines()[0]
    assert header == ",".join(COLUMNS["Episodes"])
    with Session(fresh_engine) as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(HistoryEntry)
                .where(HistoryEntry.action == "import_903")
            )
            == 1
        )


def test_an_import_with_a_bad_value_writes_nothing(fresh_engine, tmp_path: Path) -> None:
    t = tables()
    t["Episodes"][3]["DEC"] = "2024-05-01"
    t["Episodes"][4]["PLACE"] = "Q9"
    paths = write_return(t, tmp_path / "bad")
    with pytest.raises(Invalid) as caught:
        import_into(fresh_engine, paths, YEAR)
    found = {(p.file, p.row, p.field) for p in caught.value.problems}
    assert ("episodes.csv", 4, "DEC") in found
    assert ("episodes.csv", 5, "PLACE") in found
    with Session(fresh_engine) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_an_import_refuses_children_already_there(fresh_engine, tmp_path: Path) -> None:
    paths = write_return(tables(), tmp_path / "in")
    import_into(fresh_engine, paths, YEAR)
    with pytest.raises(Invalid) as caught:
        import_into(fresh_engine, paths, YEAR)
    assert any("already in the database" in p.message for p in caught.value.problems)
    with Session(fresh_engine) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 3


def test_an_unknown_table_is_refused_by_name(fresh_engine, tmp_path: Path) -> None:
    paths = write_return(tables(), tmp_path / "in")
    odd = tmp_path / "in" / "odd.csv"
    odd.write_text("CHILD,COLOUR\n1,red\n")
    with pytest.raises(Invalid) as caught:
        import_into(fresh_engine, [*paths, odd], YEAR)
    (problem,) = caught.value.problems
    assert problem.file == "odd.csv" and "not a known SSDA903 table" in problem.message


def test_continuous_validation_sees_a_change_in_the_record(fresh_engine, tmp_path: Path) -> None:
    import_into(fresh_engine, write_return(tables(), tmp_path / "in"), YEAR)
    today = date(2025, 1, 15)
    with Session(fresh_engine) as session:
        assert continuous.errors_for_child(session, "C1", today) == []
        # C1 (aged 14) moves into independent living: rule 370 (at least 15)
        session.execute(
            update(ClaPlacement)
            .where(ClaPlacement.clap_person_id == "C1")
            .values(clap_cla_placement_type="P2")
        )
        errors = continuous.errors_for_child(session, "C1", today)
        assert "370" in {e.rule for e in errors}
        assert all(e.child == "C1" for e in errors)
        everyone = continuous.open_errors(session, today)
        assert everyone.year == 2025
        assert "370" in [row[1] for row in everyone.by_rule()]
        assert sum(n for _, n, _ in everyone.by_team()) == len(everyone.errors)
        assert everyone.where(rule="370")[0].child == "C1"


def test_xml_form_holds_every_child(tmp_path: Path) -> None:
    from lxml import etree
    from tests.unit.test_returns_903_rules import build

    data = build(tables())
    root = etree.fromstring(to_xml(data))
    assert [c.findtext("CHILD") for c in root.iter("Child")] == ["C1", "C2", "C3"]
    assert root.find("Children/Child/Episodes/Episode/DECOM").text == "2023-02-01"
    written = write_csv(data, tmp_path)
    assert len(written) == len(COLUMNS)


def test_the_xml_form_reads_back_as_the_same_return(tmp_path: Path) -> None:
    from tests.unit.test_returns_903_rules import build

    from casebook.record.errors import Invalid as Refused
    from casebook.returns.report import validate_files
    from casebook.returns.ssda903 import load_bytes

    original = build(tables())
    xml = to_xml(original)
    again = load_bytes([("return.xml", xml)], YEAR)
    for name in COLUMNS:
        if original.rows(name):
            assert _table(again, name) == _table(original, name), name
    assert validate_files([("return.xml", xml)], YEAR) == ("903", [])
    broken = xml.replace(b"<RNE>P</RNE>", b"<RNE>P</RNE><COLOUR>red</COLOUR>")
    with pytest.raises(Refused) as caught:
        load_bytes([("return.xml", broken)], YEAR)
    (problem,) = caught.value.problems
    assert problem.file == "return.xml" and problem.field == "COLOUR" and problem.row
