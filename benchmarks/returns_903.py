"""Benchmark SSDA903 validation: time and peak memory, one JSON line per case.

    python benchmarks/returns_903.py                      # the sector's sample, x1 and x4
    python benchmarks/returns_903.py --synthetic /tmp/city.db --scale 1

Cases (each in a fresh process, so its peak memory is its own):

* ``sample`` - the sector validator's own 903 sample (../shared/benchmarks/
  ssda903-sample/, 2,675 children), collection year 2018;
* ``sample_x4`` - the same copied four times with new CHILD ids (10,700
  children), the size the sector's pandas validator takes ~35 s and 5.6 GB on;
* ``synthetic`` - the synthetic authority (``casebook generate``; made in the
  SQLite file given if it does not exist), its return exported from the record
  (``casebook returns export 903``) and the files validated.

``seconds`` is parse + every rule; ``peak_memory_mb`` the process's maximum
resident set (``resource.getrusage``), interpreter included.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "ssda903-sample"
SAMPLE_YEAR = 2018


def _copies(src: Path, dest: Path, times: int) -> None:
    """Each table ``times`` over, CHILD ids made new for every copy."""
    for f in sorted(src.glob("*.csv")):
        with f.open(newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        i = header.index("CHILD")
        with (dest / f.name).open("w", newline="") as out:
            w = csv.writer(out)
            w.writerow(header)
            for k in range(times):
                for r in body:
                    r = list(r)
                    r[i] = f"{k}{r[i]}"
                    w.writerow(r)


def _validate(folder: Path, year: int) -> dict:
    from casebook.returns.ssda903 import load, validate

    started = time.perf_counter()
    data = load(sorted(folder.glob("*.csv")), year)
    parsed = time.perf_counter()
    errors = validate(data)
    done = time.perf_counter()
    return {
        "children": len(data.rows("Header")),
        "episodes": len(data.rows("Episodes")),
        "errors": len(errors),
        "parse_seconds": round(parsed - started, 2),
        "rules_seconds": round(done - parsed, 2),
        "seconds": round(done - started, 2),
    }


def one(case: str, args: argparse.Namespace) -> dict:
    from casebook.returns.ssda903 import RULES_903

    result: dict = {"case": case, "rules": len(RULES_903)}
    if case in ("sample", "sample_x4"):
        with tempfile.TemporaryDirectory() as tmp:
            _copies(SAMPLE, Path(tmp), 4 if case == "sample_x4" else 1)
            result.update(_validate(Path(tmp), SAMPLE_YEAR))
    else:
        from sqlalchemy.orm import Session

        from casebook.interchange.synthetic import generate
        from casebook.record.db import make_engine
        from casebook.record.schema import upgrade
        from casebook.returns.ssda903.export import export

        db = Path(args.synthetic)
        engine = make_engine(f"sqlite:///{db}")
        if not db.exists():
            upgrade(engine)
            generate(engine, scale=args.scale, seed=1, as_at=date(2025, 3, 31))
        year = args.year
        with tempfile.TemporaryDirectory() as tmp, Session(engine) as session:
            started = time.perf_counter()
            export(session, year, Path(tmp))
            result["export_seconds"] = round(time.perf_counter() - started, 2)
            result.update(_validate(Path(tmp), year))
        engine.dispose()
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--synthetic", help="SQLite file of the synthetic authority (made if absent)"
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args)))
        return 0
    cases = ["sample", "sample_x4"] + (["synthetic"] if args.synthetic else [])
    for case in cases:
        cmd = [sys.executable, __file__, "--one", case, "--scale", str(args.scale)]
        cmd += ["--year", str(args.year)]
        if args.synthetic:
            cmd += ["--synthetic", args.synthetic]
        subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
