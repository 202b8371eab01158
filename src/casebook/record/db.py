"""Engines and sessions. The engine is made once by the entry point, never at import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from casebook.settings import normalise_url


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL, enforced foreign keys and a busy wait."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not url.startswith("sqlite://?"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if url.startswith("sqlite:///") and path not in ("", ":memory:") and "memory" not in url:
            kwargs = {**POOL, **kwargs}
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions
            # begin, so savepoints and all-or-nothing imports behave as on
            # PostgreSQL (see SQLAlchemy's "Serializable isolation / Savepoints").
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            # A transaction that will write takes the write lock up front, so a
            # busy database makes it wait (busy timeout) instead of failing
            # when a read lock cannot be upgraded. See begin_write().
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, **{**POOL, **kwargs})


#: Connections per process: enough for the web server's worker threads (40 by
#: default) never to queue for one; PostgreSQL's default allows 100 in all.
POOL = {"pool_size": 20, "max_overflow": 20}


WRITE_OPTION = "casebook_write"


def begin_write(session: Session) -> None:
    """Start the session's next transaction as a writing one.

    On SQLite a transaction that first reads and then writes fails at once if
    another connection wrote meanwhile; ending any read-only transaction and
    beginning with the write lock lets concurrent writers queue instead. On
    PostgreSQL this changes nothing.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            return  # already writing in this transaction: leave it be
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"
