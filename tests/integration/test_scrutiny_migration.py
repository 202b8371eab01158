"""Migration 0011 goes down and up again on SQLite and PostgreSQL, triggers
included (the approved-minutes guard works again after the round trip)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from tests.conftest import BACKENDS, new_database

from casebook.record.schema import alembic_config, upgrade


@pytest.mark.parametrize("backend", BACKENDS)
def test_0011_round_trip(backend, tmp_path_factory):
    engine, drop = new_database(backend, tmp_path_factory)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(engine, conn), "0010")
        assert not [t for t in inspect(engine).get_table_names() if t.startswith("cb_scrutiny_")]
        upgrade(engine)
        assert "cb_scrutiny_minutes" in inspect(engine).get_table_names()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cb_scrutiny_body (id, name, kind, online_counts_for_quorum, "
                    "created_at) "
                    "VALUES ('b', 'B', 'board', false, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO cb_scrutiny_meeting (id, body_id, meeting_date, mode, public, "
                    "state, created_at) "
                    "VALUES ('m', 'b', '2030-01-01', 'in_room', true, 'held', CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO cb_scrutiny_minutes (id, meeting_id, version, status, "
                    "created_at, created_by) "
                    "VALUES ('v', 'm', 1, 'approved', CURRENT_TIMESTAMP, 't')"
                )
            )
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(text("UPDATE cb_scrutiny_minutes SET amendments = 'x' WHERE id = 'v'"))
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO cb_scrutiny_minute_item (id, minutes_id, number, title, exempt) "
                    "VALUES ('i', 'v', 1, 'Sneaked in', false)"
                )
            )
    finally:
        drop()
