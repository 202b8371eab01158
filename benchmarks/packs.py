"""Benchmark the performance screens and board packs on an existing database, as one JSON line.

    python benchmarks/generate.py --scale 1 --url sqlite:////tmp/city1.db --replace
    python benchmarks/packs.py --url sqlite:////tmp/city1.db --period 2025-Q3

Times (seconds): one engine pass over the catalogue; ``casebook kpi refresh`` of
the ``--months`` months (and their quarters) to the period end, skipped with
``--no-refresh``, then the same refresh again (all stored: skipped); the
scorecard's figures with ``--months`` of trend read from the stored figures
(cold, then from the cache), and for comparison computed month by month as
before the stored figures (``--legacy``); one measure's 72-month trend as its
page reads it; the drift counts (cold, then from the cache); the data quality
counts; rendering the board pack PDF. Peak memory is the process's maximum
resident set. The refresh writes to the database (``cb_kpi_figure``).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from sqlalchemy.orm import Session

from casebook.performance import data_quality, drift, packs, trends
from casebook.performance import figures as stored_figures
from casebook.performance.engine import DatabaseSource, compute
from casebook.record.db import make_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--period", default="2025-Q3")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--no-refresh", action="store_true", help="do not store figures")
    parser.add_argument("--legacy", action="store_true", help="also time computing the trend")
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
        if not args.no_refresh:
            timed("refresh_s", lambda: stored_figures.refresh(engine, period.end, args.months))
            timed(
                "refresh_again_s", lambda: stored_figures.refresh(engine, period.end, args.months)
            )
        key = ("bench", args.url)
        results = packs.engine_results(source)

        def scorecard():
            return packs.build_figures(
                session,
                results,
                period,
                months=args.months,
                cache_key=key,
                stored=lambda spans: stored_figures.stored(session, spans),
            )

        figures = timed("scorecard_cold_s", scorecard)
        timed("scorecard_cached_s", scorecard)
        timed(
            "measure_trend_72_s",
            lambda: stored_figures.stored(session, trends.months_ending(period.end, 72), ["R2"]),
        )
        if args.legacy:
            trends.CACHE.clear()
            timed(
                "scorecard_legacy_cold_s",
                lambda: packs.build_figures(
                    session, results, period, months=args.months, cache_key=("legacy",)
                ),
            )
        timed("drift_s", lambda: drift.counts(session, period.end))
        timed("drift_cold_cached_s", lambda: drift.cached_counts(session, period.end, key))
        timed("drift_cached_s", lambda: drift.cached_counts(session, period.end, key))
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
