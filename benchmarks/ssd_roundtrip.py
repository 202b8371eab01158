"""Time an SSD export and its import into an empty database; print one JSON line.

    .venv/bin/python benchmarks/ssd_roundtrip.py --url sqlite:///bench/city.db \\
        --dir bench/ssd --scale 10

If the database holds no children it is first filled with the synthetic city
at ``--scale`` (seed 1). The extract is then written to ``--dir`` and imported
into a fresh database: a SQLite file beside the extract, or for PostgreSQL a
schema of its own (``ssd_bench``) in the same database, dropped afterwards, as
the ``test`` database is shared (``--schema`` puts the source in a schema
of its own too). ``--verify`` exports the copy again and
checks the files are byte-identical.

Each step runs in a process of its own, so each reports its own peak memory
(``ru_maxrss``) rather than the highest of everything before it.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import multiprocessing
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text

from casebook.record.db import make_engine
from casebook.record.models import Person
from casebook.record.schema import upgrade

BENCH_SCHEMA = "ssd_bench"


def _engine(url: str, schema: str | None = None) -> Engine:
    """An engine; on PostgreSQL optionally confined to ``schema``."""
    if schema is None:
        return make_engine(url)
    return make_engine(url, connect_args={"options": f"-csearch_path={schema}"})


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _timed(step: Callable[[], dict[str, int]]) -> dict[str, Any]:
    started = time.perf_counter()
    counts = step()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": sum(counts.values()),
        "peak_mb": _peak_mb(),
    }


def generate_step(url: str, scale: float, schema: str | None = None) -> dict[str, Any]:
    """Fill the database with the synthetic city if it holds no children yet."""
    engine = _engine(url, schema)
    upgrade(engine)
    with engine.connect() as conn:
        children = conn.scalar(
            select(func.count()).select_from(Person).where(Person.cb_person_type == "child")
        )
    if children:
        return {"seconds": 0.0, "rows": 0, "peak_mb": _peak_mb(), "skipped": True}
    from casebook.interchange.synthetic import generate

    return _timed(lambda: generate(engine, scale=scale, seed=1))


def export_step(url: str, out_dir: str, schema: str | None = None) -> dict[str, Any]:
    from casebook.interchange.ssd_export import export_ssd

    shutil.rmtree(out_dir, ignore_errors=True)
    return _timed(lambda: export_ssd(_engine(url, schema), Path(out_dir)))


def import_step(url: str, in_dir: str, schema: str | None = None) -> dict[str, Any]:
    from casebook.interchange.ssd_import import import_ssd

    engine = _engine(url, schema)
    upgrade(engine)
    return _timed(lambda: import_ssd(engine, Path(in_dir)))


def in_own_process(step: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run one step in a fresh process so its peak memory is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(step, args)


def fresh_target(url: str, folder: Path) -> tuple[str, str | None, Callable[[], None]]:
    """Where the import goes: (url, schema, clean-up)."""
    if url.startswith("sqlite"):
        path = folder / "imported.db"
        for leftover in folder.glob("imported.db*"):
            leftover.unlink()
        return f"sqlite:///{path}", None, lambda: None
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {BENCH_SCHEMA}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE"))
        admin.dispose()

    return url, BENCH_SCHEMA, drop


def identical(first: Path, second: Path) -> bool:
    names = sorted(p.name for p in first.glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    return not mismatch and not errors and len(match) == len(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database to export from")
    parser.add_argument("--dir", required=True, type=Path, help="folder for the extract")
    parser.add_argument("--scale", type=float, default=1.0, help="synthetic city size if empty")
    parser.add_argument("--verify", action="store_true", help="re-export and compare bytes")
    parser.add_argument("--schema", help="PostgreSQL: the source's schema (search_path)")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    extract = args.dir / "extract"

    result: dict[str, Any] = {"url": args.url.split("@")[-1], "scale": args.scale}
    result["generate"] = in_own_process(generate_step, args.url, args.scale, args.schema)
    result["export"] = in_own_process(export_step, args.url, str(extract), args.schema)
    target, schema, clean_up = fresh_target(args.url, args.dir)
    try:
        result["import"] = in_own_process(import_step, target, str(extract), schema)
        if args.verify:
            again = args.dir / "again"
            in_own_process(export_step, target, str(again), schema)
            result["identical"] = identical(extract, again)
    finally:
        clean_up()
    print(json.dumps(result))
    return 0 if result.get("identical", True) else 1


if __name__ == "__main__":
    sys.exit(main())
