"""Benchmark continuous validation: everyone's open errors (``/returns/errors``).

    python benchmarks/returns_open_errors.py --db /tmp/city.db [--today 2026-03-31]

Prints one JSON line: the seconds to work out every open error (both returns
projected from the record and validated, each child's team) cold and again,
and a kept (cached) result's seconds; best and median of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLite file of a synthetic authority")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 3, 31))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from casebook.returns import continuous

    engine = create_engine(f"sqlite:///{args.db}")
    fresh, kept = [], []
    with Session(engine) as session:
        for _ in range(args.runs):
            began = time.perf_counter()
            found = continuous.open_errors_cached(session, args.today, refresh=True)
            fresh.append(time.perf_counter() - began)
            began = time.perf_counter()
            continuous.open_errors_cached(session, args.today)
            kept.append(time.perf_counter() - began)
    print(
        json.dumps(
            {
                "year": found.year,
                "errors": len(found.errors),
                "children": len({e.child for e in found.errors}),
                "worked_out_s": {
                    "best": round(min(fresh), 3),
                    "median": round(statistics.median(fresh), 3),
                },
                "kept_s": {
                    "best": round(min(kept), 4),
                    "median": round(statistics.median(kept), 4),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
