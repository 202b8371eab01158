"""Migration 0012 (the bedroom on a looked-after child's visit, every care leaver
contact) goes down and up again on SQLite and PostgreSQL, keeping the visits it
did not add, and the schema it makes is the models'."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from tests.conftest import BACKENDS, new_database

from casebook.record.models import CareLeaverContact, ClaVisit
from casebook.record.schema import alembic_config, upgrade


def _columns(engine, table: str) -> list[str]:
    return [c["name"] for c in inspect(engine).get_columns(table)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_0012_round_trip(backend, tmp_path_factory):
    engine, drop = new_database(backend, tmp_path_factory)
    try:
        assert "cb_bedroom_seen" in _columns(engine, "ssd_cla_visits")
        assert set(_columns(engine, "cb_care_leaver_contact")) == {
            c.name for c in CareLeaverContact.__table__.columns
        }
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ssd_cla_visits (clav_cla_visit_id, clav_cla_visit_seen, "
                    "cb_bedroom_seen) VALUES ('V1', 'Y', 'Y')"
                )
            )
            command.downgrade(alembic_config(engine, conn), "0011")
        assert "cb_bedroom_seen" not in _columns(engine, "ssd_cla_visits")
        assert "cb_care_leaver_contact" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert set(_columns(engine, "ssd_cla_visits")) == {
            c.name for c in ClaVisit.__table__.columns
        }
        indexes = {i["name"] for i in inspect(engine).get_indexes("cb_care_leaver_contact")}
        assert {
            "ix_cb_care_leaver_contact_person_id",
            "ix_cb_care_leaver_contact_care_leaver_id",
        } <= indexes
        with engine.connect() as conn:
            kept = conn.execute(
                text("SELECT clav_cla_visit_seen, cb_bedroom_seen FROM ssd_cla_visits")
            ).all()
        assert [tuple(r) for r in kept] == [("Y", None)]
    finally:
        drop()
