"""Importing published comparators: all or nothing, replacing older figures, and the
comparison the scorecard shows (England, region, neighbours' median, rank, quartile)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook.performance import comparators
from casebook.performance.models import ComparatorFigure, ComparatorImport, StatisticalNeighbour
from casebook.performance.packs_commands import DEMO_FILES
from casebook.record.errors import Invalid

HEAD = ",".join(comparators.LEADING) + ",re_referrals_percent"
NEIGHBOURS = "old_la_code," + ",".join(f"SN_{i}" for i in range(1, 11))


def stats(*rows: str, period: str = "2025") -> bytes:
    england = f"{period},Reporting year,National,E92000001,England,,,,,,22.6"
    region = f"{period},Reporting year,Regional,E92000001,England,R1,West,,,,21.0"
    return ("\n".join([HEAD, england, region, *rows]) + "\n").encode()


def la(code: str, value: str, period: str = "2025") -> str:
    area = f"Local authority,E92000001,England,R1,West,{code},E0{code},LA {code}"
    return f"{period},Reporting year,{area},{value}"


def counts(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (ComparatorImport, ComparatorFigure, StatisticalNeighbour)
    )


def test_a_bad_file_refuses_every_file_and_names_file_row_and_column(db_session):
    before = counts(db_session)
    good = ("good.csv", stats(la("301", "18.0")))
    bad = ("bad.csv", stats(la("301", "18.0"), la("302", "eighteen")))
    with pytest.raises(Invalid) as caught:
        comparators.import_files(db_session, [good, bad], actor="perf")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("bad.csv", 5, "re_referrals_percent")
    assert counts(db_session) == before


def test_suppressed_cells_are_stored_as_codes(db_session):
    comparators.import_files(
        db_session, [("s.csv", stats(la("301", "c"), la("302", "x"), la("303", "17.5")))],
        actor="perf", known={"R2"},
    )  # fmt: skip
    rows = {
        f.old_la_code: (f.value, f.suppressed)
        for f in db_session.scalars(
            select(ComparatorFigure).where(ComparatorFigure.geographic_level == "la")
        )
    }
    assert rows == {"301": (None, "c"), "302": (None, "x"), "303": (17.5, None)}


def test_comparison_with_england_region_neighbours_rank_and_quartile(db_session):
    others = [la(str(400 + i), str(10 + 2 * i)) for i in range(10)]  # 10, 12, ... 28
    near = "301," + ",".join(str(400 + i) for i in range(10))
    files = [
        ("s.csv", stats(la("301", "18.0"), *others)),
        ("sn.csv", f"{NEIGHBOURS}\n{near}\n".encode()),
    ]
    summary = comparators.import_files(db_session, files, actor="perf")
    assert (summary.figures, summary.neighbours) == (13, 1)
    comparators.set_la_code(db_session, "301", "perf")
    result = comparators.comparisons(db_session, {"R2": "lower", "A2S": "higher"})
    assert set(result) == {"R2"}
    r2 = result["R2"]
    assert (r2.england, r2.region, r2.neighbours_median) == (22.6, 21.0, 19.0)
    assert (r2.rank, r2.out_of, r2.quartile) == (5, 11, 2)
    assert r2.illustrative is False


def test_a_newer_file_for_the_same_period_replaces_the_old_figures(db_session):
    comparators.import_files(db_session, [("a.csv", stats(la("301", "18.0")))], actor="perf")
    comparators.import_files(db_session, [("b.csv", stats(la("301", "16.0")))], actor="perf")
    comparators.import_files(
        db_session, [("c.csv", stats(la("301", "30.0", "2024"), period="2024"))], actor="perf"
    )
    comparators.set_la_code(db_session, "301", "perf")
    r2 = comparators.comparisons(db_session, {"R2": "lower"})["R2"]
    assert (r2.time_period, r2.published) == ("2025", 16.0)  # the latest period, newest file


def test_the_demo_files_import_and_are_marked_illustrative(db_session):
    comparators.import_paths(db_session, list(DEMO_FILES), actor="demo", illustrative=True)
    comparators.set_la_code(db_session, "990", "demo")
    result = comparators.comparisons(db_session, {"R2": "lower", "LA11": "lower"})
    assert result["R2"].illustrative and result["R2"].neighbours_counted == 10
    assert result["R2"].rank is not None


def test_a_bad_la_code_is_refused(db_session):
    with pytest.raises(Invalid) as caught:
        comparators.set_la_code(db_session, "12", "perf")
    assert caught.value.problems[0].field == "la_code"
