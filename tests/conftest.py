"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is found at ``CASEBOOK_TEST_POSTGRES_URL`` (default: the CI server at
127.0.0.1:5432, user postgres, database test). Each test run works in its own
schema so runs never see each other. In CI (``CI=true``) an unreachable
PostgreSQL fails the run; on a developer's machine those tests are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from casebook.record.db import make_engine
from casebook.record.schema import upgrade

PG_URL = os.environ.get(
    "CASEBOOK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
BACKENDS = ["sqlite", "postgresql"]


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


_PG_PROBLEM: list[str | None] = []


def require_postgres() -> None:
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_available())
    problem = _PG_PROBLEM[0]
    if problem:
        message = f"PostgreSQL unreachable at {PG_URL}: {problem}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def new_database(backend: str, tmp_path_factory) -> tuple[Engine, callable]:
    """A fresh, migrated database and a function that throws it away."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "casebook.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        return engine, engine.dispose
    require_postgres()
    schema = f"cbt_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return engine, drop


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    """One migrated database per backend for the whole run (tests roll back)."""
    eng, drop = new_database(request.param, tmp_path_factory)
    yield eng
    drop()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, commits included."""
    conn = engine.connect()
    trans = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        trans.rollback()
        conn.close()


@pytest.fixture(params=BACKENDS)
def fresh_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """A database of its own, for tests that must really commit (imports, two users)."""
    eng, drop = new_database(request.param, tmp_path_factory)
    yield eng
    drop()
