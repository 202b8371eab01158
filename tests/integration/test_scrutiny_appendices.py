"""A report's cover sheet lists its appendices (SQLite and PostgreSQL): saved,
shown on the item page, the published agenda and the public site, frozen in a
published version, read and written by the API, and imported from a pack."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.e2e.webkit import csrf_from, make_user, signed_in

from casebook.record.errors import Invalid
from casebook.scrutiny import agenda, bodies, meetings, pack_import, reports

OFFICER = "scrutiny-appendices-test"
SAMPLE = Path("/work/shared/samples/scrutiny-panel-2020-01-22.txt")
DAY = date(2031, 6, 11)


def _item(db, name="Appendices Panel"):
    body = bodies.create_body(db, name=name, kind="scrutiny_panel", quorum=2, actor=OFFICER)
    meeting = meetings.create_meeting(db, body.id, meeting_date=DAY, actor=OFFICER)
    item = agenda.add_item(db, meeting.id, {"number": 1, "title": "Placements"}, actor=OFFICER)
    return meeting, item


def test_appendices_are_saved_and_frozen_in_a_published_version(db_session):
    db = db_session
    meeting, item = _item(db)
    report = reports.set_report(
        db,
        item.id,
        {
            "title": "Placement sufficiency",
            "appendices": "Appendix 1 - Action plan\n\n  Appendix 2 - Data  \n",
        },
        actor=OFFICER,
    )
    assert reports.appendices_of(report) == ["Appendix 1 - Action plan", "Appendix 2 - Data"]
    assert agenda.report_dict(report)["appendices"] == [
        "Appendix 1 - Action plan",
        "Appendix 2 - Data",
    ]
    agenda.publish(db, meeting.id, actor=OFFICER, on=date(2031, 6, 1))
    reports.set_report(
        db, item.id, {"title": "Placement sufficiency", "appendices": ["Appendix A"]}, actor=OFFICER
    )
    _, first = agenda.published_pack(db, meeting.id)
    assert first["items"][0]["report"]["appendices"] == [
        "Appendix 1 - Action plan",
        "Appendix 2 - Data",
    ]
    agenda.publish(db, meeting.id, actor=OFFICER, on=date(2031, 6, 2), reason="New appendix")
    _, second = agenda.published_pack(db, meeting.id)
    assert second["items"][0]["report"]["appendices"] == ["Appendix A"]
    _, again = agenda.published_pack(db, meeting.id, version=1)
    assert again["items"][0]["report"]["appendices"][0] == "Appendix 1 - Action plan"


def test_appendices_refuse_what_is_not_a_list_of_titles(db_session):
    _, item = _item(db_session, "Appendices Refusals")
    with pytest.raises(Invalid) as caught:
        reports.set_report(
            db_session, item.id, {"title": "T", "appendices": [{"x": 1}]}, actor=OFFICER
        )
    assert caught.value.problems[0].field == "appendices"
    with pytest.raises(Invalid) as caught:
        reports.set_report(
            db_session, item.id, {"title": "T", "appendices": "x" * 1001}, actor=OFFICER
        )
    assert caught.value.problems[0].field == "appendices"


def test_a_report_written_before_appendices_shows_none(db_session):
    """Old published versions have no "appendices" key: they still render."""
    _, item = _item(db_session, "Appendices Old")
    report = reports.set_report(db_session, item.id, {"title": "T"}, actor=OFFICER)
    assert agenda.report_dict(report)["appendices"] == []


def test_the_parser_reads_an_appendices_section_and_a_cover_sheet_row():
    text = SAMPLE.read_text() if SAMPLE.exists() else None
    if text is None:
        pytest.skip("the shared sample pack is not on this machine")
    extra = text.replace(
        "The previous report was presented at Children and Young People's Scrutiny Panel "
        "on 21 March 2019.\n",
        "The previous report was presented at Children and Young People's Scrutiny Panel "
        "on 21 March 2019.\n\n## **13.0 Appendices**\n\n13.1 Appendix 1 – Attainment tables"
        "\n\n13.2 Appendix 2 – Progress 8 by school\n\nSome other text.\n",
    )
    extra = extra.replace(
        "<b>Report title</b>\tChildren and Young people's Social Work Self-Evaluation\t\n",
        "<b>Report title</b>\tChildren and Young people's Social Work Self-Evaluation\t\n"
        "<b>Appendices</b>\tAppendix A - Self-evaluation; Appendix B - Data\n",
    )
    assert extra != text
    parsed = {r.title: r for r in pack_import.parse(extra, "sample").reports}
    data = parsed["Wolverhampton Education Performance Data 2019 Provisional and Revised"]
    assert data.appendices == [
        "Appendix 1 – Attainment tables",
        "Appendix 2 – Progress 8 by school",
    ]
    self_eval = parsed["Children and Young people's Social Work Self-Evaluation"]
    assert self_eval.appendices == ["Appendix A - Self-evaluation", "Appendix B - Data"]


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample pack is not on this machine")
def test_the_sample_pack_imports_its_appendices(db_session):
    """In the sample, the Culture of Belonging report for the panel has the
    board's report attached (another body's cover sheet): that is its appendix.
    The other cover sheets list none."""
    result = pack_import.import_file(db_session, SAMPLE, actor=OFFICER)
    found = {}
    for item in agenda.items_of(db_session, result.meeting.id):
        report = reports.report_of(db_session, item.id)
        if report is not None:
            found[item.number] = reports.appendices_of(report)
    assert found[6] == [
        "The Culture of Belonging Programme: promoting inclusion, engagement and educational "
        "outcomes for vulnerable children and young people (Children and Families Together "
        "Board, 5 March 2020)"
    ]
    assert [n for n, a in found.items() if a] == [6]


def _post(client, url, data):
    token = csrf_from(client.get("/scrutiny").text)
    return client.post(url, data={"csrf_token": token, **data})


def test_the_cover_sheet_form_api_and_public_page_show_appendices(fresh_engine):
    officer = signed_in(fresh_engine, make_user(fresh_engine, "scrutiny_officer"))
    with Session(fresh_engine) as db:
        meeting, item = _item(db, "Appendices Web")
        db.commit()
        meeting_id, item_id = meeting.id, item.id
    reply = _post(
        officer,
        f"/scrutiny/items/{item_id}/report",
        {"report-title": "Sufficiency", "report-appendices": "Appendix 1 - Plan\nAppendix 2 - Map"},
    )
    assert reply.status_code == 303, reply.text[:2000]
    page = officer.get(f"/scrutiny/items/{item_id}").text
    listed = re.search(r'id="report-appendices-list">(.*?)</ul>', page, re.S)
    assert (
        listed and "Appendix 1 - Plan" in listed.group(1) and "Appendix 2 - Map" in listed.group(1)
    )
    # the form keeps them, one a line
    assert re.search(
        r"<textarea[^>]*report-appendices[^>]*>\s*Appendix 1 - Plan\nAppendix 2 - Map", page
    )
    # a bad list is refused beside the field, keeping what was typed
    bad = _post(
        officer,
        f"/scrutiny/items/{item_id}/report",
        {"report-title": "Sufficiency", "report-appendices": "y" * 1001},
    )
    assert bad.status_code == 422 and 'id="report-appendices-error"' in bad.text
    # the API
    token = csrf_from(officer.get("/scrutiny").text)
    got = officer.get(f"/api/scrutiny/items/{item_id}/report").json()
    assert got["appendices"] == ["Appendix 1 - Plan", "Appendix 2 - Map"]
    put = officer.post(
        f"/api/scrutiny/items/{item_id}/report",
        json={"title": "Sufficiency", "appendices": ["Appendix A - Plan"]},
        headers={"X-CSRF-Token": token},
    )
    assert put.status_code == 200, put.text
    assert put.json()["appendices"] == ["Appendix A - Plan"]
    refused = officer.post(
        f"/api/scrutiny/items/{item_id}/report",
        json={"title": "Sufficiency", "appendices": "not a list"},
        headers={"X-CSRF-Token": token},
    )
    assert refused.status_code == 422 and "appendices" in refused.text
    # published: on the members' published agenda and the public site
    published = _post(
        officer,
        f"/scrutiny/meetings/{meeting_id}/publish",
        {},
    )
    assert published.status_code in (303, 200), published.text[:2000]
    assert "Appendix A - Plan" in officer.get(f"/scrutiny/meetings/{meeting_id}/published").text
    public = officer.get(f"/public/meetings/{meeting_id}")
    assert public.status_code == 200 and "Appendix A - Plan" in public.text
    missing = officer.get("/api/scrutiny/items/0123456789abcdef0123456789abcdef/report")
    assert missing.status_code == 404


ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "x" * 1200, "Appendix 1 | 2031-13-01", "red"]),
)
REPORT_FIELDS = ["title", "appendices", "route", "implications", "designation", "key_decision"]


def test_odd_cover_sheets_never_answer_500(fresh_engine):
    officer = signed_in(fresh_engine, make_user(fresh_engine, "scrutiny_officer"))
    with Session(fresh_engine) as db:
        _, item = _item(db, "Appendices Fuzz")
        db.commit()
        item_id = item.id
    token = csrf_from(officer.get("/scrutiny").text)
    values = st.one_of(
        ODD,
        st.lists(st.one_of(ODD, st.dictionaries(st.text(max_size=5), ODD, max_size=2)), max_size=3),
    )

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        body=st.dictionaries(st.sampled_from(REPORT_FIELDS), values, max_size=4),
        form=st.text(max_size=50),
    )
    def send(body, form):
        reply = officer.post(
            f"/api/scrutiny/items/{item_id}/report", json=body, headers={"X-CSRF-Token": token}
        )
        assert reply.status_code < 500, (body, reply.text[:500])
        page = officer.post(
            f"/scrutiny/items/{item_id}/report",
            data={"csrf_token": token, "report-title": "T", "report-appendices": form},
        )
        assert page.status_code < 500, (form, page.text[:500])

    send()
