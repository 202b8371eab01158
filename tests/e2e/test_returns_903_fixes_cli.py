"""`casebook returns import 903` with a bad or blank date: exit 2, file/row/field, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
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


@pytest.mark.parametrize(
    ("value", "says"),
    [("2023-12-21", "'2023-12-21' is not a date written dd/mm/yyyy"), ("", "DECOM is required")],
)
def test_import_names_a_bad_or_blank_decom(database, tmp_path: Path, value: str, says: str) -> None:
    t = tables()
    t["Episodes"][1]["DECOM"] = value  # C1's last episode; C1 has reviews after it
    paths = write_return(t, tmp_path / "in")
    result = runner.invoke(app, ["returns", "import", "903", *map(str, paths), "--year", str(YEAR)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"episodes.csv, row 2, column DECOM: {says}" in " ".join(result.output.split())
    export = runner.invoke(
        app, ["returns", "export", "903", "--year", str(YEAR), "--out", str(tmp_path / "o")]
    )
    assert export.exit_code == 0, export.output
    assert len((tmp_path / "o" / "header.csv").read_text().splitlines()) == 1  # no child
