"""Reading the DfE's statistics CSVs and the neighbour file; rank, quartile, median."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from casebook.performance.comparators import (
    LEADING,
    SUPPRESSION_CODES,
    compare,
    parse_file,
    quartile,
    rank_of,
    read_cell,
)

HEAD = ",".join(LEADING)
ENGLAND = "2025,Reporting year,National,E92000001,England,,,,,"


def csv(*rows: str, columns: str = "re_referrals_percent,a1_days") -> bytes:
    return ("\n".join([f"{HEAD},{columns}", *rows]) + "\n").encode()


def la(code: str, *cells: str, region: str = "E12000005") -> str:
    area = f"Local authority,E92000001,England,{region},West,{code},E0{code},LA {code}"
    return f"2025,Reporting year,{area},{','.join(cells)}"


@pytest.mark.parametrize("code", sorted(SUPPRESSION_CODES))
def test_every_suppression_code_is_kept_as_a_code_not_a_number(code):
    parsed, problems = parse_file("stats.csv", csv(f"{ENGLAND},22.6,454", la("301", code, "400")))
    assert problems == []
    figure = next(f for f in parsed.figures if f.old_la_code == "301" and f.measure_id == "R2")
    assert figure.value is None
    assert figure.suppressed == code


def test_kpis_md_codes_are_all_known():
    assert {"c", "k", "x", "z", "low", "u"} <= set(SUPPRESSION_CODES)


def test_a_bad_cell_names_the_file_row_and_column():
    _, problems = parse_file("stats.csv", csv(f"{ENGLAND},22.6,454", la("301", "twelve", "400")))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.file, problem.row, problem.field) == ("stats.csv", 3, "re_referrals_percent")
    assert "twelve" in problem.message
    assert str(problem).startswith("stats.csv, row 3, column re_referrals_percent:")


def test_missing_leading_columns_and_bad_codes_are_named():
    data = b"time_period,geographic_level,re_referrals_percent\n2025,National,22\n"
    _, problems = parse_file("short.csv", data)
    assert {p.field for p in problems} >= {"time_identifier", "old_la_code", "la_name"}
    _, problems = parse_file("codes.csv", csv(la("31", "20", "400")))
    assert [(p.field, p.row) for p in problems] == [("old_la_code", 2)]


def test_a_file_with_no_known_measure_is_refused():
    _, problems = parse_file("none.csv", csv(la("301", "1", "2"), columns="foo,bar"))
    assert problems and problems[0].row == 1


def test_breakdown_rows_are_skipped_and_totals_kept():
    data = (
        f"{HEAD},characteristic,re_referrals_percent\n"
        f"{la('301', 'Total', '20')}\n{la('301', 'Male', '25')}\n"
    ).encode()
    parsed, problems = parse_file("b.csv", data)
    assert problems == []
    assert [f.value for f in parsed.figures] == [20.0]


def test_explicit_mapping_and_measure_columns():
    parsed, problems = parse_file(
        "m.csv",
        csv(la("301", "5", "6"), columns="my_col,measure_CP2"),
        mapping={"my_col": "R1"},
    )
    assert problems == []
    assert {f.measure_id for f in parsed.figures} == {"R1", "CP2"}


def test_neighbour_file():
    header = "old_la_code," + ",".join(f"SN_{i}" for i in range(1, 11))
    good = "301," + ",".join(str(400 + i) for i in range(10))
    parsed, problems = parse_file("sn.csv", f"{header}\n{good}\n".encode())
    assert problems == [] and parsed.kind == "neighbours"
    assert parsed.neighbours["301"][0] == "400"
    bad = "302,301,302," + ",".join(str(400 + i) for i in range(8))
    _, problems = parse_file("sn.csv", f"{header}\n{bad}\n".encode())
    assert [(p.field, p.row) for p in problems] == [("SN_2", 2)]


def test_read_cell():
    assert read_cell("12.5") == (12.5, None)
    assert read_cell("1,234") == (1234.0, None)
    assert read_cell("LOW") == (None, "low")
    with pytest.raises(ValueError):
        read_cell("nan")


def test_rank_is_best_first_in_the_measures_direction_with_ties():
    others = [10.0, 20.0, 30.0, 30.0]
    assert rank_of(30.0, others, "higher") == (1, 5)
    assert rank_of(25.0, others, "higher") == (3, 5)
    assert rank_of(10.0, others, "lower") == (1, 5)
    assert rank_of(31.0, others, "lower") == (5, 5)


@pytest.mark.parametrize(
    ("rank", "out_of", "q"), [(1, 152, 1), (38, 152, 1), (39, 152, 2), (114, 152, 3), (152, 152, 4)]
)
def test_quartile(rank, out_of, q):
    assert quartile(rank, out_of) == q


def _fig(level, value, code=None, region="R1", suppressed=None):
    return SimpleNamespace(
        geographic_level=level,
        time_period="2025",
        old_la_code=code,
        region_code=region,
        region_name="West",
        value=value,
        suppressed=suppressed,
    )


def test_compare_gives_england_region_neighbour_median_rank_and_quartile():
    figures = [
        _fig("england", 22.6),
        _fig("region", 21.0, region="R1"),
        _fig("region", 30.0, region="R2"),
        _fig("la", 18.0, "301", region="R1"),
        *[_fig("la", float(v), str(400 + i), region="R2") for i, v in enumerate(range(10, 30, 2))],
        _fig("la", None, "499", suppressed="c"),
    ]
    near = [str(400 + i) for i in range(10)]
    result = compare(figures, "R2", "301", near, "lower")
    assert (result.england, result.region) == (22.6, 21.0)
    assert result.neighbours_median == 19.0  # median of 10..28 step 2
    assert result.neighbours_counted == 10
    assert (result.rank, result.out_of) == (5, 11)  # 10, 12, 14, 16 are lower
    assert result.quartile == 2
    assert result.published == 18.0
