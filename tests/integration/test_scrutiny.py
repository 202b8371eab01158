"""Scrutiny on the database (SQLite and PostgreSQL): bodies and quorum, the
agenda frozen at publication, minutes that never change once approved,
documents refused by type and size, overdue actions, the work programme, the
pack import and the year's roll-up."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.unit.test_scrutiny_rules import SAMPLE, SYNTHETIC

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Conflict, Invalid
from casebook.scrutiny import (
    actions,
    agenda,
    bodies,
    documents,
    meetings,
    minutes,
    pack_import,
    roll,
    work_programme,
)

OFFICER = "scrutiny-test"


def _panel(db, name="Test Panel", quorum=3):
    body = bodies.create_body(db, name=name, kind="scrutiny_panel", quorum=quorum, actor=OFFICER)
    chair = bodies.add_member(
        db, body.id, name="Ada Fenwick", role="chair", party="Labour", actor=OFFICER
    )
    m2 = bodies.add_member(db, body.id, name="Bram Oakes", role="vice_chair", actor=OFFICER)
    m3 = bodies.add_member(db, body.id, name="Cora Lindqvist", role="member", actor=OFFICER)
    m4 = bodies.add_member(db, body.id, name="Dev Aurelio", role="member", actor=OFFICER)
    coopted = bodies.add_member(
        db, body.id, name="Youth Council", role="co_opted", voting=False, actor=OFFICER
    )
    return body, [chair, m2, m3, m4, coopted]


def _meeting(db, body, day=date(2030, 6, 12)):
    return meetings.create_meeting(
        db, body.id, meeting_date=day, start_time="18:00", venue="Room 3", actor=OFFICER
    )


def test_a_body_refuses_a_second_chair_and_bad_input(db_session):
    body, _ = _panel(db_session)
    with pytest.raises(Invalid) as caught:
        bodies.add_member(db_session, body.id, name="Eli Ward", role="chair", actor=OFFICER)
    assert caught.value.problems[0].field == "role"
    with pytest.raises(Invalid) as caught:
        bodies.create_body(db_session, name="", kind="club", quorum="x", actor=OFFICER)
    assert {p.field for p in caught.value.problems} == {"name", "kind", "quorum"}


def test_quorum_counts_voting_members_in_the_room_and_substitutes_for_whom_they_replace(db_session):
    body, (chair, m2, m3, m4, coopted) = _panel(db_session)
    meeting = _meeting(db_session, body)
    for member, status in ((chair, "present_room"), (m2, "present_online"), (m3, "apologies")):
        roll.record_attendance(
            db_session, meeting.id, kind="member", member_id=member.id, status=status, actor=OFFICER
        )
    roll.record_attendance(
        db_session,
        meeting.id,
        kind="member",
        member_id=coopted.id,
        status="present_room",
        actor=OFFICER,
    )
    q = roll.quorum(db_session, meeting.id)
    assert q.present == 1 and not q.quorate  # online does not count; co-opted has no vote
    roll.record_attendance(
        db_session,
        meeting.id,
        kind="substitute",
        name="Fay Sub",
        substitute_for_id=m3.id,
        status="present_room",
        actor=OFFICER,
    )
    roll.record_attendance(
        db_session, meeting.id, kind="member", member_id=m4.id, status="present_room", actor=OFFICER
    )
    q = roll.quorum(db_session, meeting.id)
    assert q.present == 3 and q.quorate
    assert "Fay Sub (for Cora Lindqvist)" in q.counted
    # the member themselves arriving does not count twice
    roll.record_attendance(
        db_session, meeting.id, kind="member", member_id=m3.id, status="present_room", actor=OFFICER
    )
    assert roll.quorum(db_session, meeting.id).present == 3


def test_declarations_are_per_item_and_a_pecuniary_interest_leaves_the_room(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    item = agenda.add_item(db_session, meeting.id, {"number": 1, "title": "Budget"}, actor=OFFICER)
    with pytest.raises(Invalid):
        roll.declare_interest(
            db_session,
            meeting.id,
            agenda_item_id=item.id,
            name="Ada Fenwick",
            kind="disclosable_pecuniary",
            actor=OFFICER,
        )
    roll.declare_interest(
        db_session,
        meeting.id,
        agenda_item_id=item.id,
        name="Ada Fenwick",
        kind="other_registrable",
        detail="School governor",
        actor=OFFICER,
    )
    assert [d.detail for d in roll.declarations_of(db_session, meeting.id)] == ["School governor"]


def test_the_deadline_warning_when_the_agenda_is_late(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body, date(2030, 6, 12))  # a Wednesday
    cal = WorkingCalendar()
    on_time = meetings.deadline_status(db_session, meeting, date(2030, 6, 4), cal)
    assert on_time.deadline == date(2030, 6, 4) and not on_time.missed and on_time.message is None
    missed = meetings.deadline_status(db_session, meeting, date(2030, 6, 5), cal)
    assert missed.missed and "has passed" in missed.message
    agenda.add_item(db_session, meeting.id, {"number": 1, "title": "Apologies"}, actor=OFFICER)
    publication = agenda.publish(
        db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 8), calendar=cal
    )
    assert publication.late
    late = meetings.deadline_status(db_session, meeting, date(2030, 6, 9), cal)
    assert late.missed and "published late" in late.message
    meetings.set_clear_days(db_session, 2, actor=OFFICER)
    assert not meetings.deadline_status(db_session, meeting, date(2030, 6, 9), cal).missed


def test_a_published_agenda_is_frozen_and_changes_are_new_versions(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    item = agenda.add_item(
        db_session,
        meeting.id,
        {"number": 1, "title": "Placement sufficiency", "report_to_follow": "Y"},
        actor=OFFICER,
    )
    agenda.attach_figures(
        db_session,
        item.id,
        "Children in care",
        [{"label": "Placed out of area", "count": 2}, {"label": "In care", "count": 412}],
        actor=OFFICER,
    )
    first = agenda.publish(db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 1))
    agenda.update_item(
        db_session, item.id, {"title": "Placement sufficiency (revised)"}, actor=OFFICER
    )
    pub, pack = agenda.published_pack(db_session, meeting.id)
    assert pub.version == 1 and pack["items"][0]["title"] == "Placement sufficiency"
    assert pack["items"][0]["figures"][0]["value"] == "c"  # suppressed when frozen
    with pytest.raises(Invalid):  # a new version needs a reason
        agenda.publish(db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 2))
    agenda.publish(
        db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 2), reason="Title corrected"
    )
    pub, pack = agenda.published_pack(db_session, meeting.id)
    assert pub.version == 2 and pack["items"][0]["title"] == "Placement sufficiency (revised)"
    _, old = agenda.published_pack(db_session, meeting.id, version=1)
    assert old["items"][0]["title"] == "Placement sufficiency"
    # the database itself refuses to change what was published
    with pytest.raises(DBAPIError), db_session.begin_nested():
        db_session.execute(
            text("UPDATE cb_scrutiny_publication SET public_json = '{}' WHERE id = :id"),
            {"id": first.id},
        )


def test_exempt_items_are_only_in_the_members_copy(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    agenda.add_item(db_session, meeting.id, {"number": 1, "title": "Open item"}, actor=OFFICER)
    agenda.add_item(
        db_session,
        meeting.id,
        {"number": 2, "title": "Contract award", "exempt": True, "exempt_reason": "Paragraph 3"},
        actor=OFFICER,
    )
    publication = agenda.publish(db_session, meeting.id, actor=OFFICER)
    assert "Contract award" not in publication.public_json
    assert "Contract award" in publication.full_json


def test_approved_minutes_never_change_and_corrections_are_new_versions(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    later = _meeting(db_session, body, date(2030, 7, 10))
    draft = minutes.start(db_session, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db_session,
        draft.id,
        number=5,
        title="Budget",
        narrative="The panel asked.",
        resolutions="The panel noted the report.\nRecommendation: Cabinet to review fees.",
        actor=OFFICER,
    )
    assert [r.recommendation for r in entry.resolutions] == [False, True]
    minutes.update_item(
        db_session, entry.item.id, narrative="The panel asked twice.", actor=OFFICER
    )
    approved = minutes.approve(
        db_session,
        draft.id,
        at_meeting_id=later.id,
        on=date(2030, 7, 10),
        amendments="Item 5: 'twice' added",
        actor=OFFICER,
    )
    assert approved.status == "approved"
    with pytest.raises(Conflict):
        minutes.update_item(db_session, entry.item.id, narrative="Rewritten", actor=OFFICER)
    with pytest.raises(Conflict):
        minutes.start(db_session, meeting.id, actor=OFFICER)
    with pytest.raises(DBAPIError), db_session.begin_nested():  # the database refuses it too
        db_session.execute(
            text("UPDATE cb_scrutiny_minute_item SET narrative = 'x' WHERE id = :id"),
            {"id": entry.item.id},
        )
    correction = minutes.correct(
        db_session, approved.id, reason="Wrong date in item 5", actor=OFFICER
    )
    assert correction.version == 2 and correction.corrects_id == approved.id
    new_item = minutes.entries(db_session, correction.id)[0]
    minutes.update_item(db_session, new_item.item.id, narrative="Corrected.", actor=OFFICER)
    minutes.approve(db_session, correction.id, actor=OFFICER)
    history = minutes.versions(db_session, meeting.id)
    assert [v.version for v in history] == [1, 2]
    assert minutes.entries(db_session, history[0].id)[0].item.narrative == "The panel asked twice."
    assert minutes.entries(db_session, history[1].id)[0].item.narrative == "Corrected."
    # resolutions keep their key across versions, so actions follow them
    keys = [r.key for r in minutes.entries(db_session, history[1].id)[0].resolutions]
    assert keys == [r.key for r in entry.resolutions]


def test_actions_from_resolutions_and_overdue_flags(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    draft = minutes.start(db_session, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db_session,
        draft.id,
        number=3,
        title="Travel policy",
        resolutions="Report back on the consultation.",
        actor=OFFICER,
    )
    key = entry.resolutions[0].key
    today = date(2030, 9, 1)
    late = actions.create_action(
        db_session,
        resolution_key=key,
        description="Bring the findings",
        owner="Head of Travel",
        due_date=today - timedelta(days=1),
        actor=OFFICER,
    )
    assert late.asked == "Report back on the consultation." and late.body_id == body.id
    actions.create_action(
        db_session,
        body_id=body.id,
        asked="A briefing on SEND",
        description="Brief",
        owner="Head of SEND",
        due_date=today + timedelta(days=5),
        actor=OFFICER,
    )
    overdue = actions.overdue(db_session, today)
    assert [a.id for a in overdue if a.body_id == body.id] == [late.id]
    with pytest.raises(Invalid):  # closing needs a response
        actions.update_action(db_session, late.id, status="done", actor=OFFICER)
    with pytest.raises(Conflict):
        actions.update_action(db_session, late.id, response="x", expected_version=99, actor=OFFICER)
    actions.update_action(
        db_session,
        late.id,
        status="done",
        response="Findings reported in July",
        actor=OFFICER,
        on=today,
    )
    assert late.id not in {a.id for a in actions.overdue(db_session, today)}
    assert actions.resolution_status(db_session, key) == "done"
    minutes.approve(db_session, draft.id, actor=OFFICER)  # only approved minutes are public
    said = [a for a in actions.you_said_we_did(db_session) if a.id == late.id]
    assert said and said[0].response == "Findings reported in July"


def test_documents_refused_by_type_and_size_and_stored_by_content(db_session, tmp_path):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    item = agenda.add_item(db_session, meeting.id, {"number": 1, "title": "Report"}, actor=OFFICER)
    pdf = b"%PDF-1.4\n%synthetic\n"
    doc = documents.attach(
        db_session,
        item.id,
        title="Report",
        filename="report.pdf",
        data=pdf,
        data_dir=tmp_path,
        actor=OFFICER,
    )
    stored = list((tmp_path / "documents").rglob("*.pdf"))
    assert [p.name for p in stored] == [f"{doc.sha256}.pdf"]
    assert documents.read(tmp_path, doc) == pdf
    for name, data, message in (
        ("evil.pdf", b"MZ\x90\x00program", "PDF or a Word document"),
        ("report.docx", pdf, "must end .pdf"),
        ("big.pdf", b"%PDF-" + b"x" * 2000, "too big"),
        ("empty.pdf", b"", "empty"),
    ):
        with pytest.raises(Invalid) as caught:
            documents.attach(
                db_session,
                item.id,
                title="x",
                filename=name,
                data=data,
                data_dir=tmp_path,
                actor=OFFICER,
                max_bytes=1000,
            )
        assert caught.value.problems[0].field == "file"
        assert message in caught.value.problems[0].message
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    word = documents.attach(
        db_session,
        item.id,
        title="Appendix",
        filename="appendix.docx",
        data=buffer.getvalue(),
        data_dir=tmp_path,
        actor=OFFICER,
    )
    assert word.content_type == documents.DOCX


def test_the_work_programme_moves_items_and_keeps_the_moves(db_session):
    body, _ = _panel(db_session)
    june = _meeting(db_session, body, date(2030, 6, 12))
    july = _meeting(db_session, body, date(2030, 7, 10))
    item = work_programme.add_item(
        db_session,
        body.id,
        {
            "title": "Care leavers' housing",
            "meeting_id": june.id,
            "lead_author": "Head of Leaving Care",
            "priority": "Children and young people get the best start in life",
            "tests": ["public_interest", "safety"],
            "notes": "Pre-decision scrutiny",
        },
        actor=OFFICER,
    )
    assert work_programme.tests_met(item) == ["Public interest", "Safety"]
    work_programme.move(
        db_session, item.id, to_meeting_id=july.id, reason="Report not ready", actor=OFFICER
    )
    work_programme.move(db_session, item.id, to_meeting_id=None, actor=OFFICER)
    plan, future = work_programme.programme(db_session, body.id)
    assert [i.id for i in future] == [item.id]
    moves = work_programme.moves_of(db_session, item.id)
    assert [json.loads(m.detail)["to"] for m in moves] == [july.id, None]
    with pytest.raises(Invalid):
        work_programme.add_item(
            db_session, body.id, {"title": "x", "tests": ["nonsense"]}, actor=OFFICER
        )


def test_the_synthetic_pack_imports_with_its_part_2_item(db_session):
    result = pack_import.import_pack(db_session, SYNTHETIC, actor=OFFICER, source="synthetic.txt")
    items = agenda.items_of(db_session, result.meeting.id)
    assert [(i.number, i.exempt) for i in items] == [(1, False), (2, False), (3, False), (4, True)]
    assert items[2].verbal_update
    with pytest.raises(Invalid) as caught:  # importing it again is refused, nothing written
        pack_import.import_pack(db_session, SYNTHETIC, actor=OFFICER, source="synthetic.txt")
    assert caught.value.problems[0].file == "synthetic.txt"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample pack is not on this machine")
def test_the_sample_pack_imports(db_session):
    result = pack_import.import_file(db_session, SAMPLE, actor=OFFICER)
    items = agenda.items_of(db_session, result.meeting.id)
    assert [i.number for i in items] == list(range(1, 9))
    assert items[5].title == "Culture of Belonging Programme"
    assert not any(i.exempt for i in items)
    assert result.reports == 3 and result.minute_items == 9 and result.resolutions >= 6
    previous = result.previous_meeting
    assert previous.meeting_date == date(2019, 11, 27)
    statuses = {a.name: a.status for a in roll.roll_of(db_session, previous.id)}
    assert statuses["John Rowley"] == "apologies" and statuses["Rita Potter"] == "present_room"
    assert roll.quorum(db_session, previous.id).quorate
    draft = minutes.current(db_session, previous.id)
    assert draft.status == "draft"
    plan, future = work_programme.programme(db_session, result.meeting.body_id)
    assert len(future) == 3
    exempt_wp = [i for _, rows in plan for i in rows if i.exempt]
    assert [i.title for i in exempt_wp] == ["Towers Outdoor Education Centre - Options Appraisal"]


def test_a_year_roll_up(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body, date(2030, 6, 12))
    agenda.add_item(db_session, meeting.id, {"number": 1, "title": "Item"}, actor=OFFICER)
    draft = minutes.start(db_session, meeting.id, actor=OFFICER)
    entry = minutes.add_item(
        db_session,
        draft.id,
        number=1,
        title="Item",
        actor=OFFICER,
        resolutions="Noted.\nRecommendation: Cabinet to act.",
    )
    actions.create_action(
        db_session,
        resolution_key=entry.resolutions[1].key,
        description="Act",
        owner="Director",
        due_date=date(2030, 7, 1),
        actor=OFFICER,
    )
    up = actions.roll_up(db_session, body.id, "2030-04-01", "2031-03-31", today=date(2030, 8, 1))
    assert (up.meetings_held, up.items_considered, up.resolutions, up.recommendations) == (
        1,
        1,
        2,
        1,
    )
    assert up.actions_overdue == (1 if up.actions_created else 0)
    assert len(up.outcomes) == 2


def test_withdrawn_items_cancelled_meetings_and_dropped_topics(db_session):
    body, _ = _panel(db_session)
    meeting = _meeting(db_session, body)
    item = agenda.add_item(
        db_session, meeting.id, {"number": 1, "title": "Withdrawn"}, actor=OFFICER
    )
    with pytest.raises(Invalid):
        agenda.withdraw_item(db_session, item.id, reason="", actor=OFFICER)
    agenda.withdraw_item(db_session, item.id, reason="Report not ready", actor=OFFICER)
    assert agenda.items_of(db_session, meeting.id) == []
    with pytest.raises(Invalid) as caught:
        agenda.publish(db_session, meeting.id, actor=OFFICER)
    assert caught.value.problems[0].field == "items"
    meetings.set_state(db_session, meeting.id, "cancelled", actor=OFFICER)
    status = meetings.deadline_status(db_session, meeting, date(2031, 1, 1), WorkingCalendar())
    assert not status.missed  # a cancelled meeting has no deadline to miss
    held = _meeting(db_session, body, date(2030, 5, 1))
    meetings.set_state(db_session, held.id, "held", actor=OFFICER)
    with pytest.raises(Invalid):
        meetings.set_state(db_session, held.id, "planned", actor=OFFICER)
    topic = work_programme.add_item(db_session, body.id, {"title": "Dropped topic"}, actor=OFFICER)
    work_programme.set_state(db_session, topic.id, "dropped", actor=OFFICER)
    _, future = work_programme.programme(db_session, body.id)
    assert topic.id not in {t.id for t in future}
