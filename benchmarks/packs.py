"""Benchmark the performance screens and board packs on an existing database, as one JSON line.

    python benchmarks/generate.py --scale 1 --url sqlite:////tmp/city1.db --replace
    python benchmarks/packs.py --url sqlite:////tmp/city1.db --period 2025-Q3

Times (seconds): one engine pass over the catalogue; the scorecard's figures
with ``--months`` of trend (cold, then from the cache); the drift counts; the
data quality counts; rendering the board pack PDF. Peak memory is the
process's maximum resident set.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from sqlalchemy.orm import Session

from casebook.performance import data_quality, drift, packs, trends
from casebook.performance.engine import DatabaseSource, compute
from casebook.record.db import make_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--period", default="2025-Q3")
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    source = DatabaseSource(engine)
    period = trends.parse_period(args.period)
    found: dict[str, object] = {"url": args.url.split("@")[-1], "period": period.name}

    def timed(name: str, fn):
        start = time.perf_counter()
        try:
            value = fn()
        except Exception as exc:  # noqa: BLE001 - report what failed and carry on
            found[name] = f"failed: {type(exc).__name__}: {exc}"
            return None
        found[name] = round(time.perf_counter() - start, 2)
        return value

    with Session(engine) as session:
        timed("compute_s", lambda: compute(source, period.end, period.start))
        key = ("bench", args.url)
        results = packs.engine_results(source)
        figures = timed(
            "scorecard_cold_s",
            lambda: packs.build_figures(
                session, results, period, months=args.months, cache_key=key
            ),
        )
        timed(
            "scorecard_cached_s",
            lambda: packs.build_figures(
                session, results, period, months=args.months, cache_key=key
            ),
        )
        timed("drift_s", lambda: drift.counts(session, period.end))
        timed("data_quality_s", lambda: data_quality.counts(session, period.end))
        pdf = timed(
            "pdf_s",
            lambda: packs.render_pdf(
                packs.for_publication(figures), {}, packs.PackMeta("Benchmark", "Draft")
            ),
        )
    source.close()
    found["pdf_bytes"] = len(pdf or b"")
    found["measures"] = len(figures["measures"])
    found["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
