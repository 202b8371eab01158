"""Time the whole KPI catalogue on SQLite, PostgreSQL and DuckDB over an SSD extract.

    .venv/bin/python benchmarks/kpi.py --scale 1 --dir bench/kpi1
    .venv/bin/python benchmarks/kpi.py --scale 1 --dir bench/kpi1 \\
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The synthetic authority is generated at ``--scale`` (seed 1, as at 31 March
2025) into ``DIR/city.db`` unless that file exists, and exported as the SSD to
``DIR/ssd`` unless that folder exists. With ``--pg-url`` the same extract is
imported into a schema of its own (``kpi_bench``), dropped afterwards. Then
the whole catalogue is computed for the 12 months to the as-at date, once per
source, each in a process of its own so each reports its own peak memory
(``ru_maxrss``). One JSON line per source, then a line saying whether all
sources agreed.

``--url URL`` times an existing database instead (no generation, no extract), e.g.
one made by ``casebook generate --scale 10``; ``--as-at`` changes the date.
``--top N`` adds, per source, the N slowest measures of a second pass (each
measure timed alone, shared reads counted in the first measure needing them).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

AS_AT = date(2025, 3, 31)
SCHEMA = "kpi_bench"


def _run(
    kind: str, target: str, schema: str | None, queue, as_at: date = AS_AT, top: int = 0
) -> None:
    from casebook.performance.catalogue import CATALOGUE, Context
    from casebook.performance.engine import (
        DatabaseSource,
        SsdFolderSource,
        compute,
        period_for,
    )
    from casebook.record.db import make_engine

    if kind == "duckdb":
        source = SsdFolderSource(target)
    else:
        kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
        source = DatabaseSource(make_engine(target, **kwargs))
    started = time.perf_counter()
    results = compute(source, as_at)
    seconds = time.perf_counter() - started
    slowest = []
    if top:
        context = Context(source, period_for(as_at))
        for measure in CATALOGUE:
            begun = time.perf_counter()
            measure.rows(context)
            slowest.append((round(time.perf_counter() - begun, 3), measure.id))
        slowest = [{"id": i, "seconds": t} for t, i in sorted(slowest, reverse=True)[:top]]
    source.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {r.id: [r.value, r.numerator, r.denominator] for r in results if r.available}
    queue.put(
        {
            "source": kind,
            "measures": len(results),
            "available": len(figures),
            "seconds": round(seconds, 2),
            "peak_memory_mb": round(peak_kb / 1024, 1),
            **({"slowest": slowest} if top else {}),
            "figures": figures,
        }
    )


def _measure(
    kind: str, target: str, schema: str | None = None, as_at: date = AS_AT, top: int = 0
) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(kind, target, schema, queue, as_at, top))
    process.start()
    answer = queue.get()
    process.join()
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--pg-url", help="PostgreSQL URL: also time the catalogue there")
    parser.add_argument("--url", help="time this existing database only")
    parser.add_argument("--as-at", type=date.fromisoformat, default=AS_AT)
    parser.add_argument("--top", type=int, default=0, help="list the N slowest measures")
    args = parser.parse_args(argv)
    if args.url:
        run = _measure(args.url.split(":")[0].split("+")[0], args.url, None, args.as_at, args.top)
        print(json.dumps({k: v for k, v in run.items() if k != "figures"}))
        return 0
    if args.dir is None:
        parser.error("--dir or --url is needed")

    from casebook.interchange.ssd_export import export_ssd
    from casebook.interchange.ssd_import import import_ssd
    from casebook.record.db import make_engine
    from casebook.record.schema import upgrade

    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / "city.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        from casebook.interchange.synthetic import generate

        engine = make_engine(url)
        upgrade(engine)
        generate(engine, scale=args.scale, seed=1, as_at=AS_AT)
        engine.dispose()
    ssd = args.dir / "ssd"
    if not ssd.exists():
        export_ssd(make_engine(url), ssd)

    runs = [
        _measure("sqlite", url, None, args.as_at, args.top),
        _measure("duckdb", str(ssd), None, args.as_at, args.top),
    ]
    if args.pg_url:
        admin = make_engine(args.pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        try:
            pg = make_engine(args.pg_url, connect_args={"options": f"-csearch_path={SCHEMA}"})
            upgrade(pg)
            import_ssd(pg, ssd)
            pg.dispose()
            runs.append(_measure("postgresql", args.pg_url, SCHEMA, args.as_at, args.top))
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
            admin.dispose()
    for run in runs:
        print(json.dumps({"scale": args.scale, **{k: v for k, v in run.items() if k != "figures"}}))
    # Casebook-only measures (not in the SSD) are compared only where every source has them:
    # a database filled from the extract lacks them, as the extract does.
    shared = set.intersection(*(set(run["figures"]) for run in runs))
    answers = [{k: run["figures"][k] for k in sorted(shared)} for run in runs]
    agree = all(a == answers[0] for a in answers)
    for run, answer in zip(runs, answers, strict=True):
        for key in sorted(k for k in shared if answer[k] != answers[0][k]):
            print(
                json.dumps({"differs": key, run["source"]: answer[key], "sqlite": answers[0][key]})
            )
    print(json.dumps({"scale": args.scale, "sources_agree": agree}))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
