"""Bad SSD extracts are refused whole: every problem named by file, row, column and what
is wrong, and the database left exactly as it was.

Row numbers count as a spreadsheet shows the file: the header is row 1, the
first data row is row 2.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from casebook.interchange import ssd_import
from casebook.interchange.ssd_import import MAX_PROBLEMS, import_ssd
from casebook.interchange.ssd_spec import load_order
from casebook.record.errors import Invalid, Problem
from casebook.record.models import SSD_TABLES, Base, ssd_columns

Rows = dict[str, list[dict[str, str]]]


def good_extract(children: int = 3) -> Rows:
    """A small, valid extract: teams, a worker, children with referrals and assessments."""
    people = [f"C{i}" for i in range(1, children + 1)]
    return {
        "ssd_department": [{"dept_team_id": "T1", "dept_team_name": "Assessment"}],
        "ssd_professionals": [
            {
                "prof_professional_id": "W1",
                "prof_professional_caseload": "12",
                "prof_full_time_equivalency": "0.8",
                "prof_agency_worker_flag": "N",
            }
        ],
        "ssd_person": [
            {"pers_person_id": p, "pers_sex": "F", "pers_dob": "2015-03-02", "pers_is_mother": "N"}
            for p in people
        ],
        "ssd_cin_episodes": [
            {
                "cine_referral_id": f"R{p}",
                "cine_person_id": p,
                "cine_referral_date": "2023-01-05",
                "cine_cin_primary_need_code": "N1",
                "cine_referral_nfa": "N",
                "cine_close_date": "2023-06-01",
                "cine_referral_team": "T1",
                "cine_referral_worker_id": "W1",
            }
            for p in people
        ],
        "ssd_cin_assessments": [
            {
                "cina_assessment_id": f"SA{p}",
                "cina_person_id": p,
                "cina_referral_id": f"R{p}",
                "cina_assessment_start_date": "2023-01-06",
                "cina_assessment_auth_date": "2023-02-01",
            }
            for p in people
        ],
        "ssd_cp_reviews": [
            {
                "cppr_cp_review_id": f"RV{p}",
                "cppr_person_id": p,
                "cppr_cp_review_date": "2023-03-01",
            }
            for p in people
        ],
    }


def write_extract(folder: Path, rows: Rows, headers: dict[str, list[str]] | None = None) -> Path:
    """Write ``rows`` as ``<table>.csv`` files, with the SSD header unless ``headers`` says."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        header = (headers or {}).get(name) or ssd_columns(SSD_TABLES[name])
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, header, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(table_rows)
    return folder


def digest(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows: equal digests, equal databases."""
    result = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            result[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return result


def refused(engine: Engine, folder: Path) -> list[Problem]:
    """Import ``folder``, which must be refused with nothing written; return the problems."""
    before = digest(engine)
    with pytest.raises(Invalid) as caught:
        import_ssd(engine, folder)
    assert digest(engine) == before, "a refused import changed the database"
    return caught.value.problems


def has(problems: list[Problem], file: str, row: int | None, column: str, words: str) -> bool:
    return any(
        p.file == file and p.row == row and p.field == column and words in p.message
        for p in problems
    )


def _set(table: str, index: int, **values: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows[table][index].update(values)

    return change


def _duplicate_person(rows: Rows) -> None:
    rows["ssd_person"].append(dict(rows["ssd_person"][0]))


# (what is wrong, change to a good extract, file, row, column, words in the message)
BAD_VALUES = [
    ("unknown code", _set("ssd_person", 1, pers_sex="Q"),
     "ssd_person.csv", 3, "pers_sex", "'Q' is not a code in the sex list"),
    ("impossible date", _set("ssd_person", 0, pers_dob="2023-02-30"),
     "ssd_person.csv", 2, "pers_dob", "'2023-02-30' is not a real date in the form YYYY-MM-DD"),
    ("date not ISO", _set("ssd_person", 0, pers_dob="02/03/2015"),
     "ssd_person.csv", 2, "pers_dob", "not a real date in the form YYYY-MM-DD"),
    ("end before start", _set("ssd_cin_episodes", 2, cine_close_date="2022-12-31"),
     "ssd_cin_episodes.csv", 4, "cine_close_date", "before cine_referral_date 2023-01-05"),
    ("person who does not exist", _set("ssd_cin_assessments", 0, cina_person_id="NOBODY"),
     "ssd_cin_assessments.csv", 2, "cina_person_id",
     "no ssd_person with pers_person_id 'NOBODY'"),
    ("referral that does not exist", _set("ssd_cin_assessments", 1, cina_referral_id="R404"),
     "ssd_cin_assessments.csv", 3, "cina_referral_id", "no ssd_cin_episodes"),
    ("bad flag", _set("ssd_cin_episodes", 0, cine_referral_nfa="maybe"),
     "ssd_cin_episodes.csv", 2, "cine_referral_nfa", "'maybe' must be Y or N"),
    ("bad whole number", _set("ssd_professionals", 0, prof_professional_caseload="12.5"),
     "ssd_professionals.csv", 2, "prof_professional_caseload", "is not a whole number"),
    ("bad number", _set("ssd_professionals", 0, prof_full_time_equivalency="nan"),
     "ssd_professionals.csv", 2, "prof_full_time_equivalency", "'nan' is not a number"),
    ("missing key", _set("ssd_person", 2, pers_person_id=""),
     "ssd_person.csv", 4, "pers_person_id", "is required"),
    ("duplicate id", _duplicate_person,
     "ssd_person.csv", 5, "pers_person_id", "'C1' is on an earlier row too"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "file", "row", "column", "words"),
    [case[1:] for case in BAD_VALUES],
    ids=[case[0] for case in BAD_VALUES],
)
def test_a_bad_value_is_refused_naming_file_row_column_and_problem(
    fresh_engine, tmp_path, change, file, row, column, words
):
    rows = good_extract()
    change(rows)
    problems = refused(fresh_engine, write_extract(tmp_path / "in", rows))
    assert has(problems, file, row, column, words), [str(p) for p in problems]


def test_the_message_reads_as_file_row_column_problem(fresh_engine, tmp_path):
    rows = good_extract()
    rows["ssd_person"][0]["pers_sex"] = "Q"
    problems = refused(fresh_engine, write_extract(tmp_path / "in", rows))
    assert str(problems[0]) == (
        "ssd_person.csv, row 2, column pers_sex: 'Q' is not a code in the sex list"
    )


def test_a_missing_column_is_refused_on_the_header_row(fresh_engine, tmp_path):
    header = [c for c in ssd_columns(SSD_TABLES["ssd_person"]) if c != "pers_dob"]
    folder = write_extract(tmp_path / "in", good_extract(), {"ssd_person": header})
    problems = refused(fresh_engine, folder)
    assert has(problems, "ssd_person.csv", 1, "pers_dob", "is missing from the header")


def test_a_misspelt_column_is_refused_with_a_suggestion(fresh_engine, tmp_path):
    header = ["pers_sx" if c == "pers_sex" else c for c in ssd_columns(SSD_TABLES["ssd_person"])]
    folder = write_extract(tmp_path / "in", good_extract(), {"ssd_person": header})
    problems = refused(fresh_engine, folder)
    assert has(problems, "ssd_person.csv", 1, "pers_sx", "did you mean pers_sex?")
    assert has(problems, "ssd_person.csv", 1, "pers_sex", "is missing from the header")


def test_an_extra_column_is_refused(fresh_engine, tmp_path):
    header = [*ssd_columns(SSD_TABLES["ssd_person"]), "cb_person_type"]
    folder = write_extract(tmp_path / "in", good_extract(), {"ssd_person": header})
    problems = refused(fresh_engine, folder)
    assert has(problems, "ssd_person.csv", 1, "cb_person_type", "is not a column of ssd_person")


def test_columns_in_another_order_are_read_by_name(fresh_engine, tmp_path):
    header = list(reversed(ssd_columns(SSD_TABLES["ssd_person"])))
    counts = import_ssd(
        fresh_engine, write_extract(tmp_path / "in", good_extract(), {"ssd_person": header})
    )
    assert counts["ssd_person"] == 3


def test_an_unknown_file_is_refused_by_name(fresh_engine, tmp_path):
    folder = write_extract(tmp_path / "in", good_extract())
    (folder / "ssd_persons.csv").write_text("pers_person_id\nC9\n", encoding="utf-8")
    problems = refused(fresh_engine, folder)
    assert has(problems, "ssd_persons.csv", None, "(file)", "did you mean ssd_person.csv?")


def test_a_row_with_too_few_values_is_refused(fresh_engine, tmp_path):
    folder = write_extract(tmp_path / "in", good_extract())
    with (folder / "ssd_person.csv").open("a", encoding="utf-8") as handle:
        handle.write("C9,Sam\n")
    problems = refused(fresh_engine, folder)
    assert has(problems, "ssd_person.csv", 5, "pers_surname", "the row has 2 values")


def test_a_file_that_is_not_utf8_is_refused(fresh_engine, tmp_path):
    folder = write_extract(tmp_path / "in", good_extract())
    with (folder / "ssd_person.csv").open("ab") as handle:
        handle.write(b"C9,Zo\xe9" + b"," * 14 + b"\n")
    problems = refused(fresh_engine, folder)
    assert has(problems, "ssd_person.csv", 5, "(file)", "is not UTF-8 text")


def test_a_bad_row_in_the_last_file_after_many_good_rows_writes_nothing(fresh_engine, tmp_path):
    import_ssd(fresh_engine, write_extract(tmp_path / "base", good_extract(children=2)))
    rows = good_extract(children=1500)
    del rows["ssd_department"], rows["ssd_professionals"]  # already in the database
    for name in rows:
        rows[name] = rows[name][2:]  # so are C1 and C2
    rows["ssd_cp_reviews"][-1]["cppr_cp_review_date"] = "2023-13-01"
    assert load_order()[-1] == "ssd_cp_reviews"

    problems = refused(fresh_engine, write_extract(tmp_path / "in", rows))

    assert [(p.file, p.row, p.field) for p in problems] == [
        ("ssd_cp_reviews.csv", 1499, "cppr_cp_review_date")
    ]


def test_references_may_point_at_rows_already_in_the_database(fresh_engine, tmp_path):
    import_ssd(fresh_engine, write_extract(tmp_path / "base", good_extract(children=2)))
    later = {
        "ssd_cin_episodes": [
            {"cine_referral_id": "R-new", "cine_person_id": "C1", "cine_referral_team": "T1"}
        ]
    }
    assert import_ssd(fresh_engine, write_extract(tmp_path / "later", later)) == {
        "ssd_cin_episodes": 1
    }


def test_a_key_already_in_the_database_is_refused(fresh_engine, tmp_path):
    import_ssd(fresh_engine, write_extract(tmp_path / "base", good_extract(children=2)))
    again = {"ssd_person": [{"pers_person_id": "C9"}, {"pers_person_id": "C2"}]}
    problems = refused(fresh_engine, write_extract(tmp_path / "again", again))
    assert has(problems, "ssd_person.csv", 3, "pers_person_id", "'C2' is already in the database")


def test_a_wholly_wrong_file_gives_a_capped_list_and_a_count(fresh_engine, tmp_path):
    rows = good_extract(children=MAX_PROBLEMS + 50)
    for person in rows["ssd_person"]:
        person["pers_sex"] = "Q"
    problems = refused(fresh_engine, write_extract(tmp_path / "in", rows))
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].field == "(more)"
    assert "50 more problems not listed (250 in all)" in problems[-1].message


def test_missing_files_are_empty_tables(fresh_engine, tmp_path):
    rows = good_extract()
    only_people = {"ssd_person": rows["ssd_person"]}
    assert import_ssd(fresh_engine, write_extract(tmp_path / "in", only_people)) == {
        "ssd_person": 3
    }


def test_a_write_between_check_and_load_refuses_the_load_and_keeps_that_write(
    fresh_engine, tmp_path, monkeypatch
):
    real_load = ssd_import.load_files
    after_other_write: dict = {}

    def someone_else_writes_first(*args, **kwargs):
        with fresh_engine.begin() as other:
            other.execute(text("INSERT INTO ssd_person (pers_person_id) VALUES ('C2')"))
        after_other_write.update(digest(fresh_engine))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(ssd_import, "load_files", someone_else_writes_first)
    with pytest.raises(Invalid) as caught:
        import_ssd(fresh_engine, write_extract(tmp_path / "in", good_extract()))

    assert caught.value.problems[0].field == "(database)"
    assert "nothing written" in caught.value.problems[0].message
    assert digest(fresh_engine) == after_other_write
