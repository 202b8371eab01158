"""The ``casebook`` command end to end, on a SQLite file chosen by CASEBOOK_DATABASE_URL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from casebook.cli import app
from casebook.record.db import make_engine
from casebook.record.models import BankHoliday, CodeValue
from casebook.settings import get_settings

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CASEBOOK_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_init_creates_the_schema_and_is_repeatable(database):
    first = runner.invoke(app, ["init"])
    again = runner.invoke(app, ["init"])
    assert first.exit_code == 0, first.output
    assert again.exit_code == 0
    assert "schema revision" in again.output
    with Session(make_engine(database)) as s:
        assert s.scalar(select(CodeValue).where(CodeValue.code == "N1")).label == "abuse or neglect"


def test_without_a_url_the_database_is_a_sqlite_file_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CASEBOOK_DATABASE_URL", raising=False)
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["init"]).exit_code == 0
        assert (tmp_path / "data" / "casebook.db").exists()
    finally:
        get_settings.cache_clear()


def test_an_administrator_extends_the_bank_holidays(database):
    runner.invoke(app, ["init"])
    result = runner.invoke(app, ["bank-holidays", "add", "2029-12-25", "Christmas Day"])
    assert result.exit_code == 0, result.output
    with Session(make_engine(database)) as s:
        assert s.get(BankHoliday, date(2029, 12, 25)).name == "Christmas Day"


def test_bad_input_is_refused_naming_the_field_without_a_traceback(database):
    runner.invoke(app, ["init"])
    result = runner.invoke(app, ["bank-holidays", "add", "2029-02-30", "Not a day"])
    assert result.exit_code == 2
    assert "holiday_date" in result.output
    assert "not a real date" in result.output
    assert "Traceback" not in result.output


def test_import_of_a_missing_folder_is_refused(database, tmp_path):
    result = runner.invoke(app, ["import", "ssd", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_an_administrator_changes_a_local_standard(database):
    runner.invoke(app, ["init"])
    assert runner.invoke(app, ["timescales", "set", "cin_visit", "4", "weeks"]).exit_code == 0
    again = runner.invoke(app, ["timescales", "set", "cin_visit", "20", "working_days"])
    assert again.exit_code == 0, again.output
    listing = runner.invoke(app, ["timescales", "list"], env={"COLUMNS": "250"})
    assert "20 working_days" in listing.output
    refused = runner.invoke(app, ["timescales", "set", "no_such_clock", "4", "weeks"])
    assert refused.exit_code == 2
    assert "no_such_clock" in refused.output


def test_users_add_creates_an_account_with_a_hashed_password(database):
    from casebook.access.models import AppUser

    runner.invoke(app, ["init"])
    result = runner.invoke(
        app,
        ["users", "add", "sw.fern", "--role", "social_worker", "--name", "Fern Holloway"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with Session(make_engine(database)) as s:
        user = s.get(AppUser, "sw.fern")
        assert user.password_hash.startswith("$argon2")
    bad = runner.invoke(
        app,
        ["users", "add", "x.y", "--role", "wizard", "--name", "X"],
        input="a long enough password\na long enough password\n",
    )
    assert bad.exit_code == 2
    assert "role" in bad.output
