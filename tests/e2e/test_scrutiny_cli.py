"""`casebook scrutiny ...` end to end on a SQLite file: importing a pack (and a
broken one refused naming the line, nothing written), overdue actions, the
roll-up and the notice setting."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from casebook.cli import app
from casebook.record.db import make_engine
from casebook.scrutiny.models import AgendaItem, Body
from casebook.settings import get_settings
from tests.unit.test_scrutiny_rules import SYNTHETIC

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["init"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def test_import_pack_and_a_broken_pack_refused_naming_the_line(database, tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text(SYNTHETIC.replace("4 March 2026", "sometime in March"), encoding="utf-8")
    result = runner.invoke(app, ["scrutiny", "import-pack", str(broken)])
    assert result.exit_code == 2
    assert "broken.txt, row 4" in result.output and "Traceback" not in result.output
    with Session(make_engine(database)) as db:
        assert db.scalar(select(func.count()).select_from(Body)) == 0
    pack = tmp_path / "pack.txt"
    pack.write_text(SYNTHETIC, encoding="utf-8")
    result = runner.invoke(app, ["scrutiny", "import-pack", str(pack)])
    assert result.exit_code == 0, result.output
    assert "4 agenda items" in result.output
    with Session(make_engine(database)) as db:
        exempt = db.scalars(select(AgendaItem.title).where(AgendaItem.exempt.is_(True))).all()
        assert exempt == ["Residential Contract Award"]
    assert (
        runner.invoke(app, ["scrutiny", "import-pack", str(tmp_path / "missing.txt")]).exit_code
        == 2
    )


def test_the_demo_panel_overdue_actions_and_roll_up(database):
    assert runner.invoke(app, ["scrutiny", "demo"]).exit_code == 0
    result = runner.invoke(app, ["scrutiny", "overdue"])
    assert result.exit_code == 1 and "Head of Placements" in result.output
    result = runner.invoke(
        app,
        [
            "scrutiny",
            "roll-up",
            "Children and Young People Scrutiny Panel",
            "--from",
            "2000-01-01",
            "--to",
            "2100-12-31",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "recommendations 1" in result.output
    result = runner.invoke(
        app, ["scrutiny", "roll-up", "No Such Panel", "--from", "2020-01-01", "--to", "2020-12-31"]
    )
    assert result.exit_code == 2 and "No Such Panel" in result.output


def test_the_notice_period_is_a_setting(database):
    result = runner.invoke(app, ["scrutiny", "notice-days"])
    assert "5 clear working days" in result.output
    assert "7 clear working days" in runner.invoke(app, ["scrutiny", "notice-days", "7"]).output
    assert runner.invoke(app, ["scrutiny", "notice-days", "99"]).exit_code == 2
