"""Benchmark the CIN census: read + validate time and peak memory, as JSON lines.

    python benchmarks/returns_cin.py                      # both runs below
    python benchmarks/returns_cin.py --children 5000 --scale 1 --year 2025

1. **The sector's sample, enlarged.** ``shared/benchmarks/cin-census-sample``'s
   children are copied (new LAchildIDs) until the census holds ``--children``
   children, written to a temporary file, then read (:func:`load`) and
   validated against every rule (:func:`validate`).
2. **The synthetic authority.** ``casebook generate`` at ``--scale`` into a
   temporary SQLite file, the census for ``--year`` exported from it
   (:func:`export`: the projection of the record plus the XML), then read and
   validated like the sample.

Each measurement runs in a fresh Python process of its own, so its peak
resident memory (``resource.getrusage``, max RSS) is its own and not the
generator's or the other run's.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared/benchmarks/cin-census-sample/fake_CIN_data.xml"
)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def enlarge(sample: Path, children: int, out: Path) -> int:
    """Copy the sample's children, with new LAchildIDs, until there are ``children``."""
    from lxml import etree

    tree = etree.parse(str(sample))
    box = tree.getroot().find("Children")
    originals = list(box)
    for el in originals:
        box.remove(el)
    for i in range(children):
        el = copy.deepcopy(originals[i % len(originals)])
        ident = el.find("ChildIdentifiers/LAchildID")
        ident.text = f"{ident.text}-{i // len(originals)}"
        box.append(el)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return children


def measure_file(path: Path, year: int) -> dict:
    """Read and validate one census file; time of each step and peak memory (this process)."""
    from casebook.returns.cin import load, validate

    t0 = time.perf_counter()
    data = load([path])
    t1 = time.perf_counter()
    errors = validate(data, year)
    t2 = time.perf_counter()
    return {
        "children": len(data.children),
        "read_s": round(t1 - t0, 3),
        "validate_s": round(t2 - t1, 3),
        "total_s": round(t2 - t0, 3),
        "failures": len(errors),
        "top_rules": Counter(e.rule for e in errors).most_common(5),
        "peak_rss_mb": _peak_mb(),
    }


def measure_export(url: str, year: int, out: Path) -> dict:
    from sqlalchemy.orm import Session

    from casebook.record.db import make_engine
    from casebook.returns.cin import export

    engine = make_engine(url)
    t0 = time.perf_counter()
    with Session(engine) as session:
        [path] = export(session, year, out)
    t1 = time.perf_counter()
    return {
        "export_s": round(t1 - t0, 3),
        "file": str(path),
        "bytes": path.stat().st_size,
        "peak_rss_mb": _peak_mb(),
    }


def _child(*args: str) -> dict:
    """Run this script in a new process for one measurement; its JSON answer."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _last_census_year(today: date) -> int:
    return today.year if today >= date(today.year, 3, 31) else today.year - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=None, help="census year (ends 31 March)")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--skip-synthetic", action="store_true")
    # internal: one measurement in this process
    parser.add_argument("--measure-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure-export", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure_file:
        print(json.dumps(measure_file(args.measure_file, args.year)))
        return 0
    if args.measure_export:
        print(json.dumps(measure_export(args.measure_export, args.year, args.out)))
        return 0

    with tempfile.TemporaryDirectory(prefix="cin_bench_") as tmp:
        tmp_dir = Path(tmp)
        big = tmp_dir / "sample_enlarged.xml"
        enlarge(args.sample, args.children, big)
        sample_year = 2022
        result = {"run": "sample_enlarged", "source": args.sample.name}
        result.update(_child("--measure-file", str(big), "--year", str(sample_year)))
        print(json.dumps(result), flush=True)

        if args.skip_synthetic:
            return 0
        from casebook.interchange.synthetic import generate
        from casebook.record.db import make_engine
        from casebook.record.schema import upgrade

        url = f"sqlite:///{tmp_dir / 'city.db'}"
        engine = make_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        generate(engine, scale=args.scale, seed=args.seed)
        generated_s = round(time.perf_counter() - t0, 1)
        engine.dispose()
        year = args.year or _last_census_year(date.today())
        exported = _child(
            "--measure-export", url, "--year", str(year), "--out", str(tmp_dir / "export")
        )
        result = {
            "run": "synthetic_authority",
            "scale": args.scale,
            "year": year,
            "generate_s": generated_s,
            "export_s": exported["export_s"],
            "export_peak_rss_mb": exported["peak_rss_mb"],
            "export_bytes": exported["bytes"],
        }
        result.update(_child("--measure-file", exported["file"], "--year", str(year)))
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
