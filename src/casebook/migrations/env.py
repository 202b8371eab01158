"""Alembic environment: runs on the connection handed over by casebook.record.schema."""

from alembic import context

import casebook.access.models  # noqa: F401 - registers the access tables
import casebook.performance.models  # noqa: F401 - registers the performance tables
import casebook.scrutiny.models  # noqa: F401 - registers the scrutiny tables
from casebook.record.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from casebook.record.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
