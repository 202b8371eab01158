"""The one way to write: validation, history, optimistic locking, no deletes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from casebook.record import services
from casebook.record.errors import Conflict, Invalid
from casebook.record.models import CinEpisode, CodeValue, HistoryEntry, Person
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork

WORKER = Actor("sw.amber")


def _child(session: Session, person_id: str = "C1") -> Person:
    return services.create(
        UnitOfWork(session=session),
        Person,
        {
            "pers_person_id": person_id,
            "pers_forename": "Tamsin",
            "pers_surname": "Quillfeather",
            "pers_dob": "2015-03-02",
            "pers_sex": "F",
            "pers_ethnicity": "WBRI",
        },
        WORKER,
    )


def _history(session: Session, record_id: str) -> list[HistoryEntry]:
    return list(
        session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.record_id == record_id)
            .order_by(HistoryEntry.id)
        )
    )


def test_create_writes_history_with_who_and_after(db_session):
    child = _child(db_session)
    assert child.cb_version == 1
    (entry,) = _history(db_session, "C1")
    assert entry.actor == "sw.amber"
    assert entry.action == "create"
    assert entry.before_json is None
    assert json.loads(entry.after_json)["pers_dob"] == "2015-03-02"


def test_update_writes_before_and_after_and_bumps_version(db_session):
    child = _child(db_session)
    services.update(
        UnitOfWork(session=db_session),
        Person,
        "C1",
        {"pers_surname": "Brightwater"},
        expected_version=1,
        actor=WORKER,
    )
    assert child.cb_version == 2
    entry = _history(db_session, "C1")[-1]
    assert entry.action == "update"
    assert json.loads(entry.before_json)["pers_surname"] == "Quillfeather"
    assert json.loads(entry.after_json)["pers_surname"] == "Brightwater"


def test_stale_version_is_refused_and_nothing_changes(db_session):
    _child(db_session)
    services.update(
        UnitOfWork(session=db_session),
        Person,
        "C1",
        {"pers_surname": "First"},
        expected_version=1,
        actor=WORKER,
    )
    with pytest.raises(Conflict, match="Someone else saved this record"):
        services.update(
            UnitOfWork(session=db_session),
            Person,
            "C1",
            {"pers_surname": "Second"},
            expected_version=1,
            actor=Actor("tm.basil"),
        )
    assert db_session.get(Person, "C1").pers_surname == "First"
    assert [e.action for e in _history(db_session, "C1")] == ["create", "update"]


def test_second_save_from_an_older_screen_is_refused(fresh_engine):
    """Two workers open the record; the first saves; the second's save is refused."""
    with Session(fresh_engine) as s:
        _child(s)
    with Session(fresh_engine) as a, Session(fresh_engine) as b:
        seen_by_a = a.get(Person, "C1").cb_version
        seen_by_b = b.get(Person, "C1").cb_version
        a.rollback()
        b.rollback()  # each page load ends its transaction, as a web request does
        services.update(
            UnitOfWork(session=a),
            Person,
            "C1",
            {"pers_forename": "Ada"},
            expected_version=seen_by_a,
            actor=WORKER,
        )
        with pytest.raises(Conflict, match="you saw version 1, it is now version 2"):
            services.update(
                UnitOfWork(session=b),
                Person,
                "C1",
                {"pers_forename": "Bea"},
                expected_version=seen_by_b,
                actor=Actor("sw.other"),
            )
    with Session(fresh_engine) as s:
        assert s.get(Person, "C1").pers_forename == "Ada"


def test_two_transactions_racing_second_is_refused(fresh_engine):
    with Session(fresh_engine) as s:
        _child(s)
    first, second = Session(fresh_engine), Session(fresh_engine)
    try:
        assert second.get(Person, "C1").cb_version == 1  # the second user opens the record
        services.update(
            UnitOfWork(session=first),
            Person,
            "C1",
            {"pers_forename": "Ada"},
            expected_version=1,
            actor=WORKER,
        )
        with pytest.raises(Conflict):
            services.update(
                UnitOfWork(session=second),
                Person,
                "C1",
                {"pers_forename": "Bea"},
                expected_version=1,
                actor=Actor("sw.other"),
            )
    finally:
        first.close()
        second.close()
    with Session(fresh_engine) as s:
        assert s.get(Person, "C1").pers_forename == "Ada"
        assert len(_history(s, "C1")) == 2


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"pers_sex": "Q"}, "pers_sex", "not a code in the sex list"),
        ({"pers_dob": "2015-02-30"}, "pers_dob", "not a real date"),
        ({"pers_death_date": "2014-01-01"}, "pers_death_date", "before pers_dob"),
        ({"pers_is_mother": "maybe"}, "pers_is_mother", "must be Y or N"),
        ({"no_such_field": "x"}, "no_such_field", "has no field"),
        ({"cb_version": 7}, "cb_version", "kept by Casebook"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    db_session, values, field, message
):
    before = db_session.scalar(select(HistoryEntry.id).order_by(HistoryEntry.id.desc()).limit(1))
    with pytest.raises(Invalid) as caught:
        services.create(
            UnitOfWork(session=db_session),
            Person,
            {"pers_person_id": "C9", "pers_dob": "2015-03-02", **values},
            WORKER,
        )
    assert any(p.field == field and message in p.message for p in caught.value.problems)
    assert db_session.get(Person, "C9") is None
    after = db_session.scalar(select(HistoryEntry.id).order_by(HistoryEntry.id.desc()).limit(1))
    assert before == after


def test_reference_to_missing_person_is_refused(db_session):
    with pytest.raises(Invalid) as caught:
        services.create(
            UnitOfWork(session=db_session),
            CinEpisode,
            {"cine_person_id": "NOBODY", "cine_referral_date": date(2024, 1, 5)},
            WORKER,
        )
    assert caught.value.problems[0].field == "cine_person_id"
    assert "no ssd_person with id 'NOBODY'" in caught.value.problems[0].message


def test_records_are_never_deleted(db_session):
    child = _child(db_session)
    db_session.delete(child)
    with pytest.raises(Invalid, match="never deleted"):
        db_session.flush()
    db_session.rollback()


def test_entered_in_error_keeps_the_row_with_its_reason(db_session):
    _child(db_session)
    ref = services.create(
        UnitOfWork(session=db_session),
        CinEpisode,
        {
            "cine_person_id": "C1",
            "cine_referral_date": "2024-01-05",
            "cine_cin_primary_need_code": "N1",
        },
        WORKER,
    )
    with pytest.raises(Invalid, match="say why"):
        services.mark_entered_in_error(
            UnitOfWork(session=db_session), CinEpisode, ref.cine_referral_id, "  ", 1, WORKER
        )
    services.mark_entered_in_error(
        UnitOfWork(session=db_session),
        CinEpisode,
        ref.cine_referral_id,
        "recorded on the wrong child",
        1,
        WORKER,
    )
    kept = db_session.get(CinEpisode, ref.cine_referral_id)
    assert kept.cb_status == "entered_in_error"
    assert kept.cb_status_reason == "recorded on the wrong child"
    assert _history(db_session, ref.cine_referral_id)[-1].reason == "recorded on the wrong child"
    with pytest.raises(Invalid, match="entered in error"):
        services.update(
            UnitOfWork(session=db_session),
            CinEpisode,
            ref.cine_referral_id,
            {"cine_cin_primary_need_code": "N2"},
            kept.cb_version,
            WORKER,
        )


def test_supersede_keeps_the_old_record(db_session):
    _child(db_session)
    ref = services.create(
        UnitOfWork(session=db_session),
        CinEpisode,
        {
            "cine_person_id": "C1",
            "cine_referral_date": "2024-01-05",
            "cine_cin_primary_need_code": "N1",
        },
        WORKER,
    )
    new = services.supersede(
        UnitOfWork(session=db_session),
        CinEpisode,
        ref.cine_referral_id,
        {"cine_cin_primary_need_code": "N4"},
        "need recoded after audit",
        1,
        WORKER,
    )
    old = db_session.get(CinEpisode, ref.cine_referral_id)
    assert old.cb_status == "superseded"
    assert new.cine_cin_primary_need_code == "N4"
    assert new.cine_referral_date == date(2024, 1, 5)
    assert new.cine_referral_id != old.cine_referral_id


def test_an_administrator_can_extend_a_code_list(db_session):
    services.create(
        UnitOfWork(session=db_session),
        CodeValue,
        {"list_name": "primary_need", "code": "N10", "label": "local need"},
        Actor("admin"),
    )
    _child(db_session)
    ref = services.create(
        UnitOfWork(session=db_session),
        CinEpisode,
        {
            "cine_person_id": "C1",
            "cine_referral_date": "2024-01-05",
            "cine_cin_primary_need_code": "N10",
        },
        WORKER,
    )
    assert ref.cine_cin_primary_need_code == "N10"


def test_history_cannot_be_rewritten_even_by_hand(fresh_engine):
    with Session(fresh_engine) as s:
        _child(s)
    for statement in ("UPDATE history_entry SET actor = 'someone'", "DELETE FROM history_entry"):
        with fresh_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
    with Session(fresh_engine) as s:
        assert _history(s, "C1")[0].actor == "sw.amber"
