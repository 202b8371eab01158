"""``casebook kpi`` end to end: the database and an SSD folder give the same JSON; the
period, team and format options; bad options answered in plain words with exit 2."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casebook.cli import app
from casebook.performance.catalogue import CATALOGUE
from casebook.settings import get_settings

runner = CliRunner()
AS_AT = "2025-03-31"


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> tuple[str, str]:
    """A small synthetic authority in a SQLite file, and its SSD export."""
    folder = tmp_path_factory.mktemp("kpi_cli")
    url = f"sqlite:///{folder / 'cli.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("CASEBOOK_DATABASE_URL", url)
    get_settings.cache_clear()
    for args in (
        ["init"],
        ["generate", "--scale", "0.03", "--seed", "2", "--as-at", AS_AT],
        ["export", "ssd", str(folder / "ssd")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    yield url, str(folder / "ssd")
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture
def database(city, monkeypatch):
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", city[0])
    get_settings.cache_clear()
    yield city
    get_settings.cache_clear()


def kpi(*args: str) -> list[dict]:
    result = runner.invoke(app, ["kpi", "--as-at", AS_AT, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_every_measure_and_the_ssd_folder_agrees(database) -> None:
    ours = kpi()
    assert [r["id"] for r in ours] == [m.id for m in CATALOGUE]
    for row in ours:
        assert {"id", "value", "numerator", "denominator"} <= row.keys()
        assert row["from"] == "2024-04-01" and row["as_at"] == AS_AT
    by_id = {r["id"]: r for r in ours}
    assert by_id["FD1"]["denominator"] is None  # a count is not a ratio
    assert by_id["R2"]["denominator"] > 0
    theirs = {r["id"]: r for r in kpi("--ssd", database[1])}
    for measure_id, row in by_id.items():
        if theirs[measure_id]["available"]:
            keys = ("value", "numerator", "denominator")
            assert [row[k] for k in keys] == [theirs[measure_id][k] for k in keys], measure_id


def test_from_and_team_narrow_the_figures(database) -> None:
    year = {r["id"]: r for r in kpi()}
    quarter = {r["id"]: r for r in kpi("--from", "2025-01-01")}
    assert quarter["R1"]["from"] == "2025-01-01"
    assert 0 < quarter["FD1"]["value"] < year["FD1"]["value"]
    # The busiest referral team, counted straight from the SSD file.
    with open(Path(database[1]) / "ssd_cin_episodes.csv", newline="") as handle:
        teams = Counter(
            r["cine_referral_team"]
            for r in csv.DictReader(handle)
            if "2024-04-01" <= r["cine_referral_date"] <= AS_AT
        )
    busiest, referred = teams.most_common(1)[0]
    team = {r["id"]: r for r in kpi("--team", busiest)}
    assert team["R1"]["numerator"] == referred <= year["R1"]["numerator"]
    assert team["FD1"]["value"] < year["FD1"]["value"]  # contacts by allocation: fewer


def test_csv_and_table(database) -> None:
    result = runner.invoke(app, ["kpi", "--as-at", AS_AT, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [m.id for m in CATALOGUE]
    table = runner.invoke(app, ["kpi", "--as-at", AS_AT])
    assert table.exit_code == 0 and "Re-referrals" in table.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--as-at", "2025-02-30"], "--as-at"),
        (["--as-at", AS_AT, "--from", "31/01/2025"], "--from"),
        (["--as-at", AS_AT, "--from", "2025-04-01"], "--from"),
        (["--as-at", AS_AT, "--team", "NO-SUCH-TEAM"], "--team"),
        (["--as-at", AS_AT, "--ssd", "/no/such/folder"], "--ssd"),
    ],
)
def test_bad_options_are_refused_naming_the_option(database, args, named) -> None:
    result = runner.invoke(app, ["kpi", *args])
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output


def test_a_folder_without_ssd_files_is_refused(database, tmp_path) -> None:
    result = runner.invoke(app, ["kpi", "--as-at", AS_AT, "--ssd", str(tmp_path)])
    assert result.exit_code == 2 and "--ssd" in result.output


def test_a_broken_ssd_file_is_refused_naming_it(database, tmp_path) -> None:
    (tmp_path / "ssd_cin_episodes.csv").write_text(
        "cine_referral_id,cine_person_id,cine_referral_date\nR1,P1,31/12/2024\n"
    )
    result = runner.invoke(app, ["kpi", "--as-at", AS_AT, "--ssd", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "ssd_cin_episodes.csv" in result.output and "Traceback" not in result.output


def test_refresh_stores_the_months_and_then_skips_them(database) -> None:
    args = ["kpi", "refresh", "--months", "2", "--as-at", AS_AT]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "3 period(s) computed" in first.output  # February, March and the quarter
    assert "0 already stored" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "Stored 0 figures: 0 period(s) computed" in second.output
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0 and "0 already stored" in forced.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["kpi"], "--as-at"),
        (["kpi", "refresh", "--months", "0"], "--months"),
        (["kpi", "refresh", "--as-at", "31/03/2025"], "--as-at"),
    ],
)
def test_kpi_and_refresh_refuse_bad_options(database, args, named) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output
