"""Fast bulk loading of many rows into one table, on SQLite or PostgreSQL.

The ORM is the right tool for one social worker's change, not for a whole
authority: loading an SSD extract or generating a city goes straight to the
driver (SQLite ``executemany``; PostgreSQL ``COPY``) inside the caller's
transaction, so an all-or-nothing import stays all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import Connection, Table


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence]
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; return the count.

    Columns left out take their server defaults (``cb_version`` 1, ``cb_status``
    active).
    """
    if conn.dialect.name == "postgresql":
        return _copy_postgres(conn, table, columns, rows)
    return _executemany_sqlite(conn, table, columns, rows)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _executemany_sqlite(conn, table, columns, rows) -> int:
    sql = (
        f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    cursor = conn.connection.dbapi_connection.cursor()
    count = 0
    batch: list[tuple] = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= 20_000:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    cursor.close()
    return count


def _copy_postgres(conn, table, columns, rows) -> int:
    cursor = conn.connection.dbapi_connection.cursor()
    count = 0
    with cursor.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    cursor.close()
    return count
