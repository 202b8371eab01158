"""`casebook report`, `casebook comparators import` and `casebook targets` end to end."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from casebook.cli import app
from casebook.performance.models import BoardPack, ComparatorFigure
from casebook.performance.packs_commands import DEMO_FILES, load_demo
from casebook.record.db import make_engine
from casebook.settings import get_settings

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["init"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def figures(url: str) -> int:
    with Session(make_engine(url)) as s:
        return s.scalar(select(func.count()).select_from(ComparatorFigure))


def test_comparators_import_all_or_nothing_with_plain_errors(database, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(DEMO_FILES[0].read_text().replace(",22.6,", ",twenty,", 1))
    refused = runner.invoke(app, ["comparators", "import", str(DEMO_FILES[1]), str(bad)])
    assert refused.exit_code == 2
    assert "bad.csv, row 2, column re_referrals_percent" in refused.output
    assert "Traceback" not in refused.output
    assert figures(database) == 0
    done = runner.invoke(app, ["comparators", "import", *map(str, DEMO_FILES), "--la-code", "990"])
    assert done.exit_code == 0, done.output
    assert "ILLUSTRATIVE_dfe_comparators.csv" in done.output
    assert figures(database) > 0


def test_targets_set_and_list(database):
    done = runner.invoke(app, ["targets", "set", "A2S", "2025-26", "85", "--tolerance", "5"])
    assert done.exit_code == 0, done.output
    assert "higher is better" in done.output  # the catalogue's direction
    refused = runner.invoke(app, ["targets", "set", "NOPE", "2025", "85"])
    assert refused.exit_code == 2 and "no measure called 'NOPE'" in refused.output
    listed = runner.invoke(app, ["targets", "list"])
    assert "A2S" in listed.output and "2025-26" in listed.output


def test_report_writes_the_pack_and_publishes_it_frozen(database, tmp_path):
    with Session(make_engine(database)) as s:
        assert load_demo(s) is True
        assert load_demo(s) is False  # once only
    pdf = tmp_path / "pack.pdf"
    result = runner.invoke(
        app, ["report", "--period", "2025-Q3", "--out", str(pdf), "--months", "3"]
    )
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    notes = tmp_path / "notes.json"
    notes.write_text(json.dumps({"summary": "Steady."}))
    published = tmp_path / "published.pdf"
    result = runner.invoke(
        app,
        ["report", "--period", "2025-Q3", "--out", str(published), "--months", "3",
         "--publish", "--commentary", str(notes)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Session(make_engine(database)) as s:
        pack = s.scalars(select(BoardPack)).one()
        assert json.loads(pack.commentary_json) == {"summary": "Steady."}
    bad = runner.invoke(app, ["report", "--period", "2025-Q9", "--out", str(pdf)])
    assert bad.exit_code == 2 and "--period" in bad.output
