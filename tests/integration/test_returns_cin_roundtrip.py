"""CIN census through the database: import, projection, export, round trip, refusals.

Runs on SQLite and PostgreSQL (``fresh_engine``: a database of its own, since
imports commit).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.conftest import new_database
from tests.unit.test_returns_cin_builders import (
    UPN,
    UPN2,
    assessment,
    census,
    child,
    cpp,
    episode,
    plan,
    s47,
)

from casebook.record.errors import Invalid
from casebook.record.models import (
    CinEpisode,
    CpPlan,
    CpReview,
    HistoryEntry,
    InitialCpConference,
    Person,
    S47Enquiry,
)
from casebook.returns.cin import export, from_record, import_into, load, load_bytes, validate

YEAR = 2023
WHEN = datetime(2023, 5, 2, 9, 30)


def rich_census() -> bytes:
    """Every module of the census, consistent with itself."""
    c1 = child(
        la="C1",
        upn=UPN,
        former_upn="A123456789012",
        disabilities=("MOB", "VIS"),
        episodes=[
            episode(
                referral="2022-04-10",
                source="2A",
                need="N1",
                closed="2022-08-01",
                reason="RC7",
                body=assessment(start="2022-04-11", auth="2022-04-20", factors=("3A", "4B"))
                + s47(start="2022-04-12", target="2022-05-03", icpc="2022-05-01")
                + cpp(
                    start="2022-05-01",
                    end="2022-07-30",
                    first="NEG",
                    latest="EMO",
                    reviews=("2022-06-15",),
                ),
            ),
            episode(
                referral="2022-09-01",
                source="6",
                need="N4",
                body=assessment(start="2022-09-02", auth=None)
                + plan(start="2022-09-10", end="2022-11-30")
                + s47(start="2022-11-20", icpc="2022-12-01")
                + cpp(start="2022-12-01", previous="1", reviews=("2023-02-20", "2023-03-01")),
            ),
        ],
    )
    c2 = child(
        la="C2",
        upn=None,
        upn_unknown="UN1",
        dob=None,
        expected="2023-06-01",
        gender="0",
        disabilities=(),
        episodes=[episode(referral="2023-01-10", need="N2", icpc="2023-02-01", nfa="true")],
    )
    c3 = child(
        la="C3",
        upn=UPN2,
        death="2023-02-01",
        ethnicity="MWBC",
        episodes=[
            episode(
                referral="2022-10-01",
                need="N3",
                closed="2023-02-01",
                reason="RC2",
                body=s47(start="2022-10-05", not_required="true"),
            )
        ],
    )
    return census(c1, c2, c3)


def _plain(value):
    """A census part without where it was read from (file, line), for comparing."""
    if is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if f.name not in ("line", "file")
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _export(engine, out: Path) -> Path:
    with Session(engine) as session:
        [path] = export(session, YEAR, out, lea="999", generated_at=WHEN)
    return path


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_round_trip_record_to_xml_to_empty_database_to_identical_xml(
    fresh_engine, tmp_path, tmp_path_factory
):
    source = _write(tmp_path, "census.xml", rich_census())
    assert import_into(fresh_engine, [source], YEAR) == 3

    first = _export(fresh_engine, tmp_path / "first")
    assert _plain(load([first]).children) == _plain(load_bytes(rich_census()).children)
    assert validate(load([first]), YEAR) == []

    second_db, drop = new_database(fresh_engine.dialect.name, tmp_path_factory)
    try:
        assert import_into(second_db, [first], YEAR) == 3
        second = _export(second_db, tmp_path / "second")
    finally:
        drop()
    assert second.read_bytes() == first.read_bytes()


def test_import_then_project_and_export(fresh_engine, tmp_path):
    """One import (databases are slow to make): the rows written, the projection, the header."""
    import_into(fresh_engine, [_write(tmp_path, "census.xml", rich_census())], YEAR)
    assert _count(fresh_engine, Person) == 3
    assert _count(fresh_engine, CinEpisode) == 4
    assert _count(fresh_engine, S47Enquiry) == 3
    assert _count(fresh_engine, InitialCpConference) == 3  # two at S47s, one at a referral
    assert _count(fresh_engine, CpPlan) == 2
    assert _count(fresh_engine, CpReview) == 3
    with Session(fresh_engine) as session:
        person = session.get(Person, "C2")
        assert person.pers_gender == "00" and person.pers_expected_dob == date(2023, 6, 1)
        assert person.cb_person_type == "child"
        history = session.scalars(
            select(HistoryEntry).where(HistoryEntry.action == "import_cin")
        ).one()
        assert "census.xml" in history.record_id

    with Session(fresh_engine) as session:
        assert [c.la_child_id for c in from_record(session, YEAR).children] == ["C1", "C2", "C3"]
        assert [c.la_child_id for c in from_record(session, YEAR, ["C2"]).children] == ["C2"]
        # the year after: C1's second referral is still open, C2's has no closure either
        later = from_record(session, YEAR + 1)
        assert [c.la_child_id for c in later.children] == ["C1", "C2"]
        assert [e.referral_date for e in later.children[0].episodes] == [date(2022, 9, 1)]
        [open_referral] = later.children[0].episodes
        assert open_referral.plans == []  # ended in November 2022
        assert open_referral.s47s == []  # its conference was in December 2022
        assert [a.authorised for a in open_referral.assessments] == [None]  # still open
        [plan] = open_referral.cpps
        assert plan.previous == 1 and plan.reviews == []  # reviews held before April 2023
        assert from_record(session, YEAR - 5).children == []

    # The census is the record as it stood on 31 March: later dates are not yet known.
    after = census(
        child(
            la="C4",
            episodes=[
                episode(
                    referral="2023-01-05",
                    closed="2023-05-01",
                    reason="RC7",
                    body=assessment(start="2023-01-06", auth="2023-04-10", factors=("3A",)),
                )
            ],
        )
    )
    import_into(fresh_engine, [_write(tmp_path, "after.xml", after)], YEAR)
    with Session(fresh_engine) as session:
        [c4] = from_record(session, YEAR, ["C4"]).children
    [referral] = c4.episodes
    assert (referral.closure_date, referral.closure_reason) == (None, None)
    assert [(a.authorised, a.factors) for a in referral.assessments] == [(None, [])]

    path = _export(fresh_engine, tmp_path / "out")
    assert path.name == "cin_census_2023.xml"
    header = load([path]).header
    assert (header.collection, header.year, header.reference_date) == (
        "CIN",
        "2023",
        date(2023, 3, 31),
    )
    assert (header.lea, header.software_code, header.date_time) == (
        "999",
        "Casebook",
        "2023-05-02T09:30:00Z",
    )


def _nothing_written(engine) -> None:
    for model in (Person, CinEpisode, S47Enquiry, CpPlan, CpReview):
        assert _count(engine, model) == 0


BAD_CENSUSES = [
    (b"<Message><Children>", "(file)", "not well-formed"),
    (census(child(), child(la="C2", ethnicity="XXXX")), "Ethnicity", "'XXXX' is not a code"),
    (census(child(la="C1"), child(la="C1", upn=UPN2)), "LAchildID", "earlier child"),
    (census(child(la=None)), "LAchildID", "required"),
    (
        census(child(episodes=[episode(closed="2022-05-01", reason="RC7")])),
        "CINclosureDate",
        "before",
    ),
    (census(child(), year="2022", reference="2022-03-31"), "Year", "not 2023"),
    (census(child(gender="5")), "GenderCurrent", "'05' is not a code"),
    (
        census(child()).replace(b"<Ethnicity>", b"<Religion>x</Religion><Ethnicity>"),
        "Religion",
        "unknown",
    ),
]


def test_a_bad_census_is_refused_whole_naming_file_and_field(fresh_engine, tmp_path):
    good = _write(tmp_path, "a_good.xml", census(child(la="G1")))
    for content, field, says in BAD_CENSUSES:
        bad = _write(tmp_path, "b_bad.xml", content)
        with pytest.raises(Invalid) as caught:
            import_into(fresh_engine, [good, bad], YEAR)
        problems = caught.value.problems
        assert any(p.field == field and says in p.message for p in problems), problems
        assert all(p.file in ("a_good.xml", "b_bad.xml") for p in problems)
        _nothing_written(fresh_engine)


def test_a_child_already_in_the_database_is_refused(fresh_engine, tmp_path):
    source = _write(tmp_path, "census.xml", rich_census())
    import_into(fresh_engine, [source], YEAR)
    with pytest.raises(Invalid) as caught:
        import_into(fresh_engine, [source], YEAR)
    problem = caught.value.problems[0]
    assert problem.field == "LAchildID" and "already in the database" in problem.message
    assert problem.file == "census.xml" and problem.row is not None
    assert _count(fresh_engine, Person) == 3
