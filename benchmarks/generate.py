"""Benchmark the synthetic authority: time, rows and peak memory, as one JSON line.

    python benchmarks/generate.py --scale 1 --url sqlite:////tmp/city.db
    python benchmarks/generate.py --scale 1 \\
        --url postgresql+psycopg://postgres@127.0.0.1:5432/test --pg-schema gen_bench

A fresh database is made for the run (``casebook.record.schema.upgrade``): a
SQLite file must not exist yet (``--replace`` removes it first); on PostgreSQL
``--pg-schema`` creates that schema, runs in it and drops it afterwards, so a
shared server is left as it was found.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, text

from casebook.interchange.synthetic import generate
from casebook.record.db import make_engine
from casebook.record.schema import upgrade


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-at", type=date.fromisoformat, default=None)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to make")
    parser.add_argument("--pg-schema", help="PostgreSQL: a schema to create, use and drop")
    parser.add_argument("--replace", action="store_true", help="SQLite: remove an existing file")
    args = parser.parse_args(argv)

    path = _sqlite_path(args.url)
    if path is not None and path.exists():
        if not args.replace:
            parser.error(f"{path} exists; pass --replace to start from a fresh file")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    admin: Engine | None = None
    kwargs = {}
    if args.pg_schema:
        admin = make_engine(args.url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{args.pg_schema}"'))
        kwargs["connect_args"] = {"options": f"-csearch_path={args.pg_schema}"}
    engine = make_engine(args.url, **kwargs)
    try:
        started = time.perf_counter()
        upgrade(engine)
        schema_seconds = time.perf_counter() - started
        started = time.perf_counter()
        counts = generate(engine, scale=args.scale, seed=args.seed, as_at=args.as_at)
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{args.pg_schema}" CASCADE'))
            admin.dispose()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "scale": args.scale,
                "seed": args.seed,
                "backend": engine.dialect.name,
                "seconds": round(seconds, 2),
                "schema_seconds": round(schema_seconds, 2),
                "rows": sum(counts.values()),
                "peak_memory_mb": round(peak_kb / 1024, 1),
                "rows_by_table": counts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
