"""Reading CIN census XML: what is read, and bad input refused whole, naming where and what."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.unit.test_returns_cin_builders import assessment, census, child, cpp, episode, plan, s47

from casebook.record.errors import Invalid
from casebook.returns.cin import load, load_bytes, to_xml

SAMPLE = Path("/work/shared/benchmarks/cin-census-sample/fake_CIN_data.xml")


def refused(xml: bytes | str, name: str = "bad.xml"):
    if isinstance(xml, str):
        xml = xml.encode()
    with pytest.raises(Invalid) as caught:
        load_bytes(xml, name)
    return caught.value.problems


def test_every_module_is_read():
    body = (
        assessment(factors=("3A", "4B"), review="2022-06-20")
        + plan(end="2022-09-01")
        + s47(target="2022-06-25", icpc="2022-06-20")
        + cpp(start="2022-09-01", reviews=("2022-11-01",), previous="1")
    )
    xml = census(
        child(
            former_upn="A1",
            disabilities=("MOB", "VIS"),
            episodes=[episode(icpc="2022-06-02", body=body)],
        )
    )
    data = load_bytes(xml)
    assert data.header.year == "2023" and data.header.reference_date == date(2023, 3, 31)
    [c] = data.children
    assert (c.la_child_id, c.former_upn, c.gender, c.disabilities) == (
        "C1",
        "A1",
        "1",
        ["MOB", "VIS"],
    )
    [ep] = c.episodes
    assert ep.referral_nfa is False and ep.icpc_date == date(2022, 6, 2)
    assert ep.assessments[0].factors == ["3A", "4B"]
    assert ep.assessments[0].internal_review == date(2022, 6, 20)
    assert ep.plans[0].end == date(2022, 9, 1)
    assert ep.s47s[0].icpc_target == date(2022, 6, 25) and ep.s47s[0].icpc_not_required is False
    assert ep.cpps[0].previous == 1 and ep.cpps[0].reviews[0].date == date(2022, 11, 1)


def test_written_xml_reads_back_the_same():
    xml = census(
        child(episodes=[episode(body=assessment(factors=("21",)) + cpp(reviews=("2022-10-01",)))])
    )
    once = to_xml(load_bytes(xml))
    assert to_xml(load_bytes(once)) == once


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared CIN sample is not here")
def test_the_sectors_sample_is_read():
    data = load([SAMPLE])
    assert len(data.children) > 300
    assert data.children[0].file == SAMPLE.name


def test_malformed_xml_names_the_file_and_line():
    [problem] = refused("<Message><Header>\n</Message>", "broken.xml")
    assert problem.file == "broken.xml"
    assert problem.row == 2
    assert "not well-formed" in problem.message


def test_an_unknown_element_is_named_with_its_path():
    xml = census(child()).replace(b"<Ethnicity>", b"<Colour>red</Colour><Ethnicity>")
    [problem] = refused(xml)
    assert problem.field == "Colour"
    assert "Message/Children/Child/ChildCharacteristics" in problem.message
    assert "unknown element" in problem.message
    assert problem.file == "bad.xml" and problem.row == 2


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("21/06/2022", "YYYY-MM-DD"),
        ("2022-02-30", "not a date that exists"),
        ("yesterday", "YYYY-MM-DD"),
    ],
)
def test_a_wrong_date_is_refused(value, says):
    [problem] = refused(census(child(episodes=[episode(referral=value)])))
    assert problem.field == "CINreferralDate"
    assert says in problem.message
    assert "Child/CINdetails" in problem.message


def test_a_wrong_flag_is_refused():
    [problem] = refused(census(child(episodes=[episode(nfa="maybe")])))
    assert problem.field == "ReferralNFA"
    assert "true, false, 1 or 0" in problem.message


def test_an_impossible_count_is_refused():
    [problem] = refused(census(child(episodes=[episode(body=cpp(previous="-1"))])))
    assert problem.field == "NumberOfPreviousCPP"


def test_a_value_given_twice_is_refused():
    xml = census(child()).replace(
        b"<GenderCurrent>1</GenderCurrent>", b"<GenderCurrent>1</GenderCurrent>" * 2
    )
    [problem] = refused(xml)
    assert problem.field == "GenderCurrent" and "more than once" in problem.message


def test_the_second_child_is_named_in_the_path():
    xml = census(child(la="C1"), child(la="C2", dob="2015-13-01"))
    [problem] = refused(xml)
    assert "Children/Child[2]/ChildIdentifiers" in problem.message


def test_every_problem_is_reported_not_just_the_first():
    xml = census(child(dob="x", episodes=[episode(referral="y", nfa="z")]))
    assert {p.field for p in refused(xml)} == {"PersonBirthDate", "CINreferralDate", "ReferralNFA"}


def test_a_wrong_root_is_refused():
    [problem] = refused("<Census/>")
    assert "root element" in problem.message


def test_files_are_read_together_and_problems_name_each_file(tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(census(child(la="C1")))
    other = tmp_path / "other.xml"
    other.write_bytes(census(child(la="C2")))
    data = load([good, other])
    assert [c.la_child_id for c in data.children] == ["C1", "C2"]
    assert [c.file for c in data.children] == ["good.xml", "other.xml"]
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Message>")
    with pytest.raises(Invalid) as caught:
        load([good, bad])
    assert [p.file for p in caught.value.problems] == ["bad.xml"]


def test_no_file_is_refused():
    with pytest.raises(Invalid):
        load([])
