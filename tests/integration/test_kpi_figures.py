"""Stored KPI figures (``cb_kpi_figure``): migration 0013 goes down and up on SQLite
and PostgreSQL; ``refresh`` stores exactly what the engine computes for each finished
month (and quarter), skips what is stored, fills only what is missing, and
``force`` recomputes."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session
from tests.conftest import BACKENDS, new_database

from casebook.interchange.synthetic import generate
from casebook.performance import figures
from casebook.performance.catalogue import CATALOGUE
from casebook.performance.engine import DatabaseSource, compute
from casebook.performance.models import KpiFigure
from casebook.record.schema import alembic_config, upgrade

AS_AT = date(2025, 3, 31)


@pytest.mark.parametrize("backend", BACKENDS)
def test_0013_round_trip(backend, tmp_path_factory):
    engine, drop = new_database(backend, tmp_path_factory)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("cb_kpi_figure")}
        assert columns == {c.name for c in KpiFigure.__table__.columns}
        with engine.begin() as conn:
            command.downgrade(alembic_config(engine, conn), "0012")
        assert "cb_kpi_figure" not in inspect(engine).get_table_names()
        assert not figures.has_table(engine)
        upgrade(engine)
        indexes = {i["name"] for i in inspect(engine).get_indexes("cb_kpi_figure")}
        assert "ix_cb_kpi_figure_as_at" in indexes
    finally:
        drop()


def test_refresh_stores_the_engines_figures_and_skips_what_is_stored(fresh_engine):
    generate(fresh_engine, scale=0.03, seed=5, as_at=AS_AT)
    periods = figures.finished_periods(date(2025, 4, 15), 3)  # April has not ended
    assert periods == [
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),  # the quarter, for the previous period
    ]
    seen: list[date] = []
    done = figures.refresh(fresh_engine, date(2025, 4, 15), 3, advance=seen.append)
    assert (done.computed, done.skipped, done.figures) == (4, 0, 4 * len(CATALOGUE))
    assert len(seen) == 4
    source = DatabaseSource(fresh_engine)
    with Session(fresh_engine) as s:
        held = figures.stored(s, periods)
        for start, end in periods:
            expected = {
                r.id: (r.value, r.numerator, r.denominator) for r in compute(source, end, start)
            }
            assert held[(start, end)] == expected
        fd1 = held[periods[0]]["FD1"]
        assert isinstance(fd1[0], int) and fd1[0] > 0  # a count comes back a whole number
        assert figures.stored(s, [(date(2024, 12, 1), date(2024, 12, 31))]) == {}
    again = figures.refresh(fresh_engine, AS_AT, 3)
    assert (again.computed, again.skipped, again.figures) == (0, 4, 0)
    with Session(fresh_engine) as s:
        s.execute(delete(KpiFigure).where(KpiFigure.measure_id == "R2", KpiFigure.as_at == AS_AT))
        s.commit()
    filled = figures.refresh(fresh_engine, AS_AT, 3)
    assert (filled.computed, filled.skipped, filled.figures) == (2, 2, 2)  # March and Q1
    forced = figures.refresh(fresh_engine, AS_AT, 1, force=True)
    assert (forced.computed, forced.figures) == (2, 2 * len(CATALOGUE))
    with Session(fresh_engine) as s:
        total = s.scalar(select(func.count()).select_from(KpiFigure))
    assert total == 4 * len(CATALOGUE)  # replaced, not doubled
    with Session(fresh_engine) as s:
        s.execute(delete(KpiFigure))
        s.commit()
    figures.refresh_in_background(fresh_engine, AS_AT, 1).join(120)  # as `casebook demo` does
    with Session(fresh_engine) as s:
        assert set(figures.stored(s, figures.finished_periods(AS_AT, 1))) == {
            (date(2025, 3, 1), AS_AT),
            (date(2025, 1, 1), AS_AT),
        }
