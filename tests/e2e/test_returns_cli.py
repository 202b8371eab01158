"""`casebook returns export|import|validate` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from casebook.cli import app
from casebook.settings import get_settings
from tests.integration.test_returns_903_roundtrip import write_return
from tests.unit.test_returns_903_rules import YEAR, tables

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["init"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def _bad_return(folder: Path) -> list[Path]:
    t = tables()
    t["Episodes"][4]["RNE"] = "X"  # rule 143, row 5
    t["Header"][0]["DOB"] = "2010-06-15"  # rule 102, row 1
    return write_return(t, folder)


def test_validate_lists_every_error_as_json(tmp_path: Path) -> None:
    paths = _bad_return(tmp_path / "in")
    result = runner.invoke(app, ["returns", "validate", *map(str, paths), "--year", str(YEAR)])
    assert result.exit_code == 0, result.output
    errors = json.loads(result.stdout)
    found = {(e["rule"], e["child"], e["table"], e["field"], e["row"]) for e in errors}
    assert ("143", "C3", "Episodes", "RNE", 5) in found
    assert ("102", "C1", "Header", "DOB", 1) in found
    assert all(e["message"] for e in errors)


def test_validate_writes_csv_and_xlsx(tmp_path: Path) -> None:
    paths = [str(p) for p in _bad_return(tmp_path / "in")]
    out_csv, out_xlsx = tmp_path / "e.csv", tmp_path / "e.xlsx"
    args = ["returns", "validate", *paths, "--year", str(YEAR)]
    assert runner.invoke(app, [*args, "--format", "csv", "--out", str(out_csv)]).exit_code == 0
    lines = out_csv.read_text().splitlines()
    assert lines[0] == "rule,child,table,field,row,message"
    assert any(line.startswith("143,C3,Episodes,RNE,5,") for line in lines)
    assert runner.invoke(app, [*args, "--format", "xlsx", "--out", str(out_xlsx)]).exit_code == 0
    sheet = load_workbook(out_xlsx)["Errors"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("rule", "child", "table", "field", "row", "message")
    assert ("143", "C3", "Episodes", "RNE", 5) in {r[:5] for r in rows[1:]}


def test_validate_refuses_a_malformed_file_by_name(tmp_path: Path) -> None:
    paths = write_return(tables(), tmp_path / "in")
    broken = tmp_path / "in" / "broken.csv"
    broken.write_bytes(b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\n\xff\xfe\n")
    result = runner.invoke(
        app, ["returns", "validate", *map(str, paths), str(broken), "--year", "2025"]
    )
    assert result.exit_code == 2
    assert "broken.csv" in result.output and "UTF-8" in result.output
    assert "Traceback" not in result.output


def test_a_row_of_the_wrong_width_is_named(tmp_path: Path) -> None:
    write_return(tables(), tmp_path / "in")
    header = tmp_path / "in" / "header.csv"
    header.write_text(header.read_text() + "C9,F\n")
    result = runner.invoke(app, ["returns", "validate", str(header), "--year", "2025"])
    assert result.exit_code == 2
    assert "header.csv, row 4" in result.output and "2 values" in result.output


def test_export_then_import_then_export_again(database, tmp_path: Path) -> None:
    paths = write_return(tables(), tmp_path / "in")
    imported = runner.invoke(app, ["returns", "import", "903", *map(str, paths), "--year", "2025"])
    assert imported.exit_code == 0, imported.output
    assert "Imported 3 children" in imported.stdout
    out = tmp_path / "out"
    exported = runner.invoke(
        app, ["returns", "export", "903", "--year", "2025", "--out", str(out), "--xml"]
    )
    assert exported.exit_code == 0, exported.output
    assert (out / "episodes.csv").exists() and (out / "ssda903_2025.xml").exists()
    assert (out / "header.csv").read_text().splitlines()[
        0
    ] == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
    again = runner.invoke(app, ["returns", "import", "903", *map(str, paths), "--year", "2025"])
    assert again.exit_code == 2 and "already in the database" in again.output


def test_import_refuses_a_bad_date_and_writes_nothing(database, tmp_path: Path) -> None:
    t = tables()
    t["Missing"][0]["MIS_START"] = "1/5/2024"
    paths = write_return(t, tmp_path / "in")
    result = runner.invoke(app, ["returns", "import", "903", *map(str, paths), "--year", "2025"])
    assert result.exit_code == 2
    assert "missing.csv, row 1, column MIS_START" in result.output
    export = runner.invoke(
        app, ["returns", "export", "903", "--year", "2025", "--out", str(tmp_path / "o")]
    )
    assert export.exit_code == 0
    assert len((tmp_path / "o" / "header.csv").read_text().splitlines()) == 1  # no child


def test_export_cin_writes_the_census(database, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["returns", "export", "cin", "--year", "2025", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("*.xml"))


def test_validate_recognises_the_cin_census_by_its_xml(tmp_path: Path) -> None:
    from tests.unit.test_returns_cin_builders import census, child

    xml = tmp_path / "cin.xml"
    xml.write_bytes(census(child(la="K1", ethnicity="XXXX")))
    result = runner.invoke(app, ["returns", "validate", str(xml), "--year", "2023"])
    assert result.exit_code == 0, result.output
    errors = json.loads(result.stdout)
    assert errors and {e["child"] for e in errors} == {"K1"}
    assert "CIN census 2023" in result.output
    mixed = runner.invoke(
        app,
        [
            "returns",
            "validate",
            str(xml),
            *map(str, write_return(tables(), tmp_path / "in")),
            "--year",
            "2023",
        ],
    )
    assert mixed.exit_code == 2 and "validate one return at a time" in mixed.output
