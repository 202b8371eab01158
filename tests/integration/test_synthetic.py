"""The synthetic authority: reproducible, to scale, valid, and only ever into an empty database.

Small scales keep these quick (0.02 is about 1,200 children aged 0-17); each
test generates into a database of its own, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Date, Engine, Table, func, select, text

from casebook.interchange.bulk import insert_rows
from casebook.interchange.synthetic import generate
from casebook.interchange.synthetic.days import Calendar
from casebook.record.calendar import WorkingCalendar
from casebook.record.db import make_engine
from casebook.record.errors import Invalid
from casebook.record.models import Base, Person
from casebook.record.schema import upgrade
from casebook.record.validation import check_values, load_codebook

AS_AT = date(2025, 3, 31)
SMALL = 0.02

#: Reference tables the migrations fill, and the history the generator never writes.
NOT_GENERATED = {"code_value", "bank_holiday", "history_entry", "alembic_version"}
#: Dates that may lie after ``as_at``: when something is due, not when it happened.
DUE_DATES = {"cppr_cp_review_due", "clar_cla_review_due_date", "icpc_icpc_target_date"}
#: References the SSD makes by value, without a foreign key: (table, column, target, column).
REFERENCES_BY_VALUE = [
    ("ssd_cp_plans", "cppl_referral_id", "ssd_cin_episodes", "cine_referral_id"),
    ("ssd_cp_visits", "cppv_cp_plan_id", "ssd_cp_plans", "cppl_cp_plan_id"),
    ("ssd_initial_cp_conference", "icpc_cp_plan_id", "ssd_cp_plans", "cppl_cp_plan_id"),
    ("ssd_cla_episodes", "clae_referral_id", "ssd_cin_episodes", "cine_referral_id"),
    ("ssd_cla_episodes", "clae_cla_placement_id", "ssd_cla_placement", "clap_cla_placement_id"),
    ("ssd_cla_placement", "clap_cla_id", "ssd_cla_episodes", "clae_cla_id"),
    ("ssd_cla_reviews", "clar_cla_id", "ssd_cla_episodes", "clae_cla_id"),
    ("ssd_cla_visits", "clav_cla_id", "ssd_cla_episodes", "clae_cla_id"),
    ("ssd_permanence", "perm_cla_id", "ssd_cla_episodes", "clae_cla_id"),
    ("ssd_involvements", "invo_referral_id", "ssd_cin_episodes", "cine_referral_id"),
    ("ssd_involvements", "invo_person_id", "ssd_person", "pers_person_id"),
    ("ssd_department", "dept_team_parent_id", "ssd_department", "dept_team_id"),
    ("ssd_professionals", "prof_professional_department", "ssd_department", "dept_team_id"),
]


def _tables() -> list[Table]:
    return [t for name, t in sorted(Base.metadata.tables.items()) if name not in NOT_GENERATED]


def _sqlite(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def _digest(engine: Engine) -> str:
    """Every generated row of every table, ordered by primary key in Python (so the
    engines' collations cannot differ), hashed."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in _tables():
            key = [list(table.columns).index(c) for c in table.primary_key.columns]
            rows = sorted(conn.execute(select(table)).all(), key=lambda r: [r[i] for i in key])
            h.update(table.name.encode())
            for row in rows:
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _one(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_the_same_seed_gives_the_same_city_on_every_engine(fresh_engine: Engine, tmp_path: Path):
    counts = generate(fresh_engine, scale=SMALL, seed=7, as_at=AS_AT)
    again = _sqlite(tmp_path / "again.db")
    try:
        assert generate(again, scale=SMALL, seed=7, as_at=AS_AT) == counts
        assert _digest(again) == _digest(fresh_engine)
    finally:
        again.dispose()


def test_another_seed_gives_another_city(tmp_path: Path):
    first, second = _sqlite(tmp_path / "a.db"), _sqlite(tmp_path / "b.db")
    try:
        generate(first, scale=SMALL, seed=7, as_at=AS_AT)
        generate(second, scale=SMALL, seed=8, as_at=AS_AT)
        assert _digest(first) != _digest(second)
    finally:
        first.dispose()
        second.dispose()


def test_volumes_follow_the_scale(fresh_engine: Engine):
    calls: list[tuple[int, int]] = []
    counts = generate(
        fresh_engine, scale=0.05, seed=3, as_at=AS_AT, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(i + 1, calls[0][1]) for i in range(calls[0][1])]

    children = _one(
        fresh_engine,
        "SELECT count(*) FROM ssd_person WHERE cb_person_type = 'child' "
        "AND pers_dob > :born_after AND pers_dob <= :as_at",
        born_after=AS_AT.replace(year=AS_AT.year - 18),
        as_at=AS_AT,
    )
    assert 2745 <= children <= 3355  # 61,000 x 0.05, within 10%
    on_cp = _one(
        fresh_engine, "SELECT count(*) FROM ssd_cp_plans WHERE cppl_cp_plan_end_date IS NULL"
    )
    assert 5 <= on_cp <= 30  # about 15
    on_cin = _one(
        fresh_engine, "SELECT count(*) FROM ssd_cin_plans WHERE cinp_cin_plan_end_date IS NULL"
    )
    assert 25 <= on_cin <= 80  # about 45
    in_care = _one(
        fresh_engine,
        "SELECT count(DISTINCT clae_person_id) FROM ssd_cla_episodes "
        "WHERE clae_cla_episode_ceased_date IS NULL",
    )
    assert 10 <= in_care <= 50  # about 30
    contacts = _one(
        fresh_engine,
        "SELECT count(*) FROM ssd_contacts WHERE cont_contact_date > :since",
        since=AS_AT.replace(year=AS_AT.year - 1),
    )
    assert 12 * 12 <= contacts <= 26 * 12  # about 19 a month

    for table, written in counts.items():
        assert _one(fresh_engine, f'SELECT count(*) FROM "{table}"') == written, table


def test_every_row_is_valid_and_nothing_dangles_or_happens_after_as_at(fresh_engine: Engine):
    counts = generate(fresh_engine, scale=SMALL, seed=11, as_at=AS_AT)
    for needed in ("ssd_cla_episodes", "ssd_cp_plans", "ssd_care_leavers", "ssd_missing"):
        assert counts.get(needed), f"nothing written to {needed}"

    problems, late, dangling = [], [], []
    with fresh_engine.connect() as conn:
        codes = load_codebook(conn)
        for table in _tables():
            for row in conn.execute(select(table)).mappings():
                problems += [(table.name, p) for p in check_values(row, codes)]
            for column in table.columns:
                if isinstance(column.type, Date) and column.name not in DUE_DATES:
                    n = conn.execute(
                        select(func.count()).select_from(table).where(column > AS_AT)
                    ).scalar_one()
                    if n:
                        late.append((table.name, column.name, n))
            for fk in table.foreign_keys:
                target = fk.column
                n = conn.execute(
                    select(func.count())
                    .select_from(table)
                    .where(fk.parent.is_not(None), fk.parent.not_in(select(target)))
                ).scalar_one()
                if n:
                    dangling.append((table.name, fk.parent.name, n))
        for table, column, target, key in REFERENCES_BY_VALUE:
            n = conn.execute(
                text(
                    f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL "
                    f"AND {column} NOT IN (SELECT {key} FROM {target} WHERE {key} IS NOT NULL)"
                )
            ).scalar_one()
            if n:
                dangling.append((table, column, n))
    assert problems == []
    assert late == []
    assert dangling == []


def test_a_database_that_holds_children_is_refused(fresh_engine: Engine):
    with fresh_engine.begin() as conn:
        insert_rows(conn, Person.__table__, ["pers_person_id", "cb_person_type"], [("1", "child")])
    with pytest.raises(Invalid, match="already holds 1 child"):
        generate(fresh_engine, scale=SMALL, seed=1, as_at=AS_AT)
    assert _one(fresh_engine, "SELECT count(*) FROM ssd_department") == 0
    with pytest.raises(Invalid, match="scale"):
        generate(fresh_engine, scale=0, seed=1, as_at=AS_AT)


def test_working_days_agree_with_the_record_calendar():
    holidays = [date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1), date(2025, 4, 18)]
    record = WorkingCalendar(holidays)
    first = date(2024, 11, 1).toordinal()
    table = Calendar(first, first + 200, record)
    for day in range(first - 30, first + 230):  # inside the table and past both ends
        for n in (0, 1, 2, 5, 15, 20, 45):
            expected = (
                record.add_working_days(date.fromordinal(day), n) if n else date.fromordinal(day)
            )
            assert table.add_working(day, n) == expected.toordinal(), (date.fromordinal(day), n)


@pytest.mark.slow
def test_the_city_is_steady_over_six_years(tmp_path: Path):
    """At half scale: 150 on CP plans, 300 looked after, 450 on CIN plans, every year-end."""
    engine = _sqlite(tmp_path / "half.db")
    try:
        generate(engine, scale=0.5, seed=5, as_at=AS_AT)
        for years_back in range(6):
            day = AS_AT.replace(year=AS_AT.year - years_back)
            open_on = {
                "cp": _one(
                    engine,
                    "SELECT count(*) FROM ssd_cp_plans WHERE cppl_cp_plan_start_date <= :d "
                    "AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date > :d)",
                    d=day,
                ),
                "cla": _one(
                    engine,
                    "SELECT count(DISTINCT clae_person_id) FROM ssd_cla_episodes "
                    "WHERE clae_cla_episode_start_date <= :d AND "
                    "(clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date > :d)",
                    d=day,
                ),
                "cin": _one(
                    engine,
                    "SELECT count(*) FROM ssd_cin_plans WHERE cinp_cin_plan_start_date <= :d "
                    "AND (cinp_cin_plan_end_date IS NULL OR cinp_cin_plan_end_date > :d)",
                    d=day,
                ),
            }
            assert 110 <= open_on["cp"] <= 190, (day, open_on)
            assert 230 <= open_on["cla"] <= 370, (day, open_on)
            assert 350 <= open_on["cin"] <= 560, (day, open_on)
        contacts = _one(
            engine,
            "SELECT count(*) FROM ssd_contacts WHERE cont_contact_date > :since",
            since=AS_AT.replace(year=AS_AT.year - 5),
        )
        assert 160 * 60 <= contacts <= 215 * 60  # about 187 a month
    finally:
        engine.dispose()
