"""``casebook worklist`` and ``casebook missing-briefing`` on a SQLite file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from casebook.access.models import AccessLogEntry
from casebook.cli import app
from casebook.record.db import make_engine
from casebook.record.models import (
    CinEpisode,
    CinPlan,
    Department,
    Involvement,
    Missing,
    Person,
    Professional,
)
from casebook.settings import get_settings

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["init"]).exit_code == 0
    with Session(make_engine(url)) as s:
        s.add_all(
            [
                Department(dept_team_id="T1", dept_team_name="Team One"),
                Professional(
                    prof_professional_id="W1",
                    prof_professional_name="Wyn Ash",
                    prof_professional_department="T1",
                ),
                Person(
                    pers_person_id="C1",
                    pers_forename="Cleo",
                    pers_surname="Birch",
                    pers_dob=date(2015, 1, 1),
                ),
            ]
        )
        s.flush()
        s.add_all(
            [
                CinEpisode(
                    cine_referral_id="R1",
                    cine_person_id="C1",
                    cine_referral_date=date(2025, 1, 2),
                    cine_referral_team="T1",
                ),
                CinPlan(
                    cinp_cin_plan_id="P1",
                    cinp_person_id="C1",
                    cinp_referral_id="R1",
                    cinp_cin_plan_start_date=date(2025, 1, 2),
                ),
                Involvement(
                    invo_involvements_id="I1",
                    invo_person_id="C1",
                    invo_professional_id="W1",
                    invo_professional_team="T1",
                    invo_involvement_start_date=date(2025, 1, 2),
                ),
                Missing(
                    miss_table_id="M1",
                    miss_person_id="C1",
                    miss_missing_episode_start_date=date(2025, 3, 7),
                    miss_missing_episode_end_date=date(2025, 3, 8),
                ),
            ]
        )
        s.commit()
    yield url
    get_settings.cache_clear()


def test_the_team_worklist_as_a_table_and_as_csv(database) -> None:
    table = runner.invoke(app, ["worklist", "--team", "T1", "--as-at", "2025-03-12"])
    assert table.exit_code == 0, table.output
    assert "Cleo" in table.output and "Visit out of date: 1" in table.output
    result = runner.invoke(
        app,
        ["worklist", "--team", "T1", "--as-at", "2025-03-12", "--type", "visit", "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["person_id"], r["type"], r["due"], r["overdue_days"]) for r in rows] == [
        ("C1", "visit", "2025-02-02", "38")
    ]
    with Session(make_engine(database)) as s:
        entry = s.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id.desc())).first()
    assert (entry.username, entry.action) == ("cli", "export") and "C1" in entry.detail
    mine = runner.invoke(app, ["worklist", "--worker", "W1", "--as-at", "2025-03-12"])
    assert mine.exit_code == 0 and "Cleo" in mine.output


def test_bad_options_are_refused_plainly(database) -> None:
    for args, message in (
        (["worklist"], "give --team or --worker"),
        (["worklist", "--team", "NOPE"], "there is no team 'NOPE'"),
        (["worklist", "--team", "T1", "--type", "soon"], "--type 'soon' must be one of"),
        (["worklist", "--team", "T1", "--format", "pdf"], "--format 'pdf'"),
        (["worklist", "--team", "T1", "--as-at", "12/03/2025"], "not a date"),
        (["missing-briefing", "--date", "2025-02-30"], "not a date"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_the_monday_missing_briefing(database) -> None:
    result = runner.invoke(app, ["missing-briefing", "--date", "2025-03-10", "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.output)))
    assert (row["episode_id"], row["event"], row["rhi_due"], row["rhi_overdue"]) == (
        "M1",
        "Went missing and returned",
        "2025-03-11",
        "N",
    )
    tuesday = runner.invoke(app, ["missing-briefing", "--date", "2025-03-11"])
    assert "No missing episode started or ended" in tuesday.output
