"""Performance to scrutiny on the database (SQLite and PostgreSQL): the scorecard
computed by the engine over a few hand-built children, with targets, RAG and
comparators, frozen on an agenda item with small numbers suppressed; a published
board pack attached by id; neither changes when the record, the targets or the
packs do; exempt items never reach the public copy."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from tests.unit.test_packs_render import figures

from casebook.performance import packs, targets
from casebook.performance.models import ComparatorFigure, ComparatorImport
from casebook.record.errors import Invalid, NotFound
from casebook.record.models import CinEpisode, Contact, Person
from casebook.scrutiny import agenda, bodies, meetings, performance_link

OFFICER = "scrutiny-test"
AS_AT = date(2025, 3, 31)  # the 12 months from 1 April 2024
d = date.fromisoformat


def _item(db, exempt=False):
    body = bodies.create_body(db, name="Perf Panel", kind="scrutiny_panel", quorum=2, actor=OFFICER)
    meeting = meetings.create_meeting(
        db, body.id, meeting_date=date(2030, 6, 12), start_time="18:00", actor=OFFICER
    )
    values = {"number": 1, "title": "Performance report"}
    if exempt:
        values.update(exempt=True, exempt_reason="Paragraph 2")
    return meeting, agenda.add_item(db, meeting.id, values, actor=OFFICER)


def _children(db, contacts: int, prefix: str = "SP") -> None:
    """``contacts`` contacts in the period (FD1), and two referrals (R1: a count of 2)."""
    for n in range(contacts):
        pid = f"{prefix}-C{n}"
        db.add(Person(pers_person_id=pid, pers_dob=d("2015-01-01")))
        db.flush()
        db.add(
            Contact(
                cont_contact_id=f"{pid}-K",
                cont_person_id=pid,
                cont_contact_date=d("2024-10-01"),
                cont_contact_outcome_json='{"decision": "REFERRAL"}',
            )
        )
    for n in range(2 if prefix == "SP" else 0):
        db.add(
            CinEpisode(
                cine_referral_id=f"{prefix}-R{n}",
                cine_person_id=f"{prefix}-C{n}",
                cine_referral_date=d("2024-10-02"),
                cine_referral_nfa="N",
            )
        )
    db.commit()


def _england(db, measure_id: str, value: float) -> None:
    imported = ComparatorImport(
        file_name="england.csv", kind="statistics", sha256="0" * 64, rows=1,
        illustrative=True, imported_by=OFFICER, imported_at=datetime(2025, 1, 1),
    )  # fmt: skip
    db.add(imported)
    db.flush()
    db.add(
        ComparatorFigure(
            import_id=imported.id,
            measure_id=measure_id,
            time_period="202324",
            geographic_level="england",
            value=value,
            active=True,
        )  # fmt: skip
    )
    db.commit()


def _row(item, measure_id: str) -> dict:
    return next(r for r in agenda.figures_of(item) if r["id"] == measure_id)


def test_the_scorecard_is_frozen_with_targets_rag_comparators_and_suppression(db_session):
    _children(db_session, 6)
    targets.set_target(
        db_session, measure_id="FD1", year=2024, target=10, tolerance=2, better="lower",
        actor=OFFICER,
    )  # fmt: skip
    _england(db_session, "FD1", 55.5)
    meeting, item = _item(db_session)

    item = performance_link.attach_scorecard(db_session, item.id, "2025-03-31", OFFICER)
    fd1 = _row(item, "FD1")
    assert fd1["value"] == 6 and fd1["rag"] == targets.GREEN and fd1["target"] == 10
    assert fd1["england"] == 55.5 and fd1["comparator_period"] == "2023-24"
    assert fd1["as_at"] == "2025-03-31" and fd1["start"] == "2024-04-01"
    r1 = _row(item, "R1")  # two referrals: suppressed, and no RAG beside it
    assert r1["value"] == "c" and r1["numerator"] == "c" and r1["suppressed"] is True
    assert r1["rag"] is None
    assert item.figures_title == "Performance scorecard as at 31 March 2025"
    frozen = item.figures_json
    assert performance_link.provenance(agenda.figures_of(item))["source"] == "scorecard"

    # the record and the targets change; the item shows the same figures
    _children(db_session, 5, prefix="SQ")
    targets.set_target(
        db_session, measure_id="FD1", year=2024, target=2, tolerance=0, better="lower",
        actor=OFFICER,
    )  # fmt: skip
    live = performance_link.scorecard_rows(db_session, AS_AT)
    live_fd1 = next(r for r in live if r["id"] == "FD1")
    assert live_fd1["value"] == 11 and live_fd1["rag"] == targets.RED  # the live figure moved
    db_session.expire_all()
    again = db_session.get(type(item), item.id)
    assert again.figures_json == frozen
    assert _row(again, "FD1")["value"] == 6 and _row(again, "FD1")["rag"] == targets.GREEN


def test_bad_dates_and_unknown_items_name_the_problem(db_session):
    _, item = _item(db_session)
    for as_at, start, field in (
        ("", None, "as_at"),
        ("2025-02-30", None, "as_at"),
        ("2999-01-01", None, "as_at"),
        ("2025-03-31", "2025-04-01", "start"),
    ):
        with pytest.raises(Invalid) as caught:
            performance_link.attach_scorecard(db_session, item.id, as_at, OFFICER, start=start)
        assert caught.value.problems[0].field == field
    with pytest.raises(NotFound):
        performance_link.attach_scorecard(db_session, "nope", "2025-03-31", OFFICER)
    assert item.figures_json is None


def test_a_published_pack_is_attached_and_a_correction_changes_nothing(db_session):
    pack = packs.publish(db_session, figures(), {}, title="Q3 pack", actor="perf")
    meeting, item = _item(db_session)
    item = performance_link.attach_pack(db_session, item.id, str(pack.id), OFFICER)
    assert item.figures_title == "Q3 pack (board pack, version 1)"
    rows = agenda.figures_of(item)
    assert [r["id"] for r in rows] == ["A2S", "CP2", "WF2"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["A2S"]["value"] == 82 and by_id["A2S"]["target"] == 85
    assert by_id["A2S"]["rag"] == "amber"
    assert by_id["CP2"]["value"] == "c" and by_id["CP2"]["rag"] is None  # 3 of 4
    assert by_id["WF2"]["value"] == "c"  # a count of 3
    where = performance_link.provenance(rows)
    assert where == {
        "source": "pack", "as_at": "2025-09-30", "start": "2025-07-01", "pack_id": pack.id,
        "pack_version": 1, "pack_period": "2025-Q3",
    }  # fmt: skip
    assert performance_link.pack_of_item(db_session, item.id).id == pack.id

    changed = figures()
    changed["measures"][0]["value"] = 40.0
    packs.publish(db_session, changed, {}, title="Q3 pack", actor="perf", correction_note="A2S")
    db_session.expire_all()
    assert _row(db_session.get(type(item), item.id), "A2S")["value"] == 82

    for bad, error in (("x", Invalid), ("", Invalid), (str(2**40), Invalid), ("999999", NotFound)):
        with pytest.raises(error):
            performance_link.attach_pack(db_session, item.id, bad, OFFICER)


def test_attaching_after_publication_waits_for_the_next_version(db_session):
    pack = packs.publish(db_session, figures(), {}, title="Q3 pack", actor="perf")
    meeting, item = _item(db_session)
    agenda.publish(db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 1))
    performance_link.attach_pack(db_session, item.id, pack.id, OFFICER)
    _, published = agenda.published_pack(db_session, meeting.id)
    assert published["items"][0]["figures"] == []  # published stays as published
    agenda.publish(
        db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 2), reason="Figures attached"
    )
    _, published = agenda.published_pack(db_session, meeting.id)
    assert published["items"][0]["figures"][0]["id"] == "A2S"
    assert performance_link.pack_in_public_copy(published["items"], str(pack.id))


def test_figures_on_an_exempt_item_stay_out_of_the_public_copy(db_session):
    pack = packs.publish(db_session, figures(), {}, title="Q3 pack", actor="perf")
    meeting, item = _item(db_session, exempt=True)
    performance_link.attach_pack(db_session, item.id, pack.id, OFFICER)
    publication = agenda.publish(db_session, meeting.id, actor=OFFICER, on=date(2030, 6, 1))
    assert json.loads(publication.public_json)["items"] == []
    _, members = agenda.published_pack(db_session, meeting.id, include_exempt=True)
    assert members["items"][0]["figures"][0]["id"] == "A2S"
    assert not performance_link.pack_in_public_copy([], str(pack.id))
