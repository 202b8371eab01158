"""Timescales read from the database: the child's rows, the bank-holiday table and
the authority's settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import NotFound
from casebook.record.models import (
    CareLeaver,
    ClaEpisode,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    Contact,
    CpPlan,
    CpVisit,
    Missing,
    Person,
    S47Enquiry,
    StrategyDiscussion,
    TimescaleSetting,
)
from casebook.record.models.base import ENTERED_IN_ERROR
from casebook.record.timescales import (
    ChildSnapshot,
    due_for,
    due_for_many,
    load_snapshot,
    load_snapshots,
    load_timescales,
)
from casebook.record.timescales import snapshot as snapshot_module

CHILD = "TS-CHILD-1"


def _add(session: Session, *rows: object) -> None:
    for row in rows:
        session.add(row)
        session.flush()


def _child_with_s47(session: Session) -> None:
    _add(
        session,
        Person(pers_person_id=CHILD, pers_dob=date(2016, 4, 3)),
        StrategyDiscussion(
            id="TS-SD-1", person_id=CHILD, discussion_date=date(2024, 12, 20), outcome_s47="Y"
        ),
        S47Enquiry(
            s47e_s47_enquiry_id="TS-S47-1",
            s47e_person_id=CHILD,
            s47e_s47_start_date=date(2024, 12, 23),
            cb_strategy_discussion_id="TS-SD-1",
        ),
    )


def test_the_calendar_comes_from_the_bank_holiday_table(db_session: Session) -> None:
    calendar = WorkingCalendar.from_session(db_session)
    assert not calendar.is_working_day(date(2024, 12, 25))
    assert calendar.add_working_days(date(2024, 12, 20), 15) == date(2025, 1, 15)


def test_initial_conference_due_15_working_days_after_the_strategy_discussion(
    db_session: Session,
) -> None:
    _child_with_s47(db_session)
    [item] = due_for(db_session, CHILD, date(2025, 1, 9))
    assert (item.key, item.due, item.status, item.days_left) == (
        "icpc",
        date(2025, 1, 15),
        "due",
        4,
    )
    assert item.label == "Initial conference due 15 Jan 2025, 4 working days left"


def test_rows_entered_in_error_do_not_count(db_session: Session) -> None:
    _child_with_s47(db_session)
    s47 = db_session.get(S47Enquiry, "TS-S47-1")
    s47.cb_status = ENTERED_IN_ERROR
    db_session.flush()
    assert due_for(db_session, CHILD, date(2025, 1, 9)) == []


def test_the_authoritys_setting_changes_the_due_date(db_session: Session) -> None:
    _child_with_s47(db_session)
    _add(db_session, TimescaleSetting(key="icpc", amount=10, unit="working_days"))
    assert load_timescales(db_session)["icpc"].amount == 10
    [item] = due_for(db_session, CHILD, date(2025, 1, 2))
    assert item.due == date(2025, 1, 8)


def test_cla_reviews_are_found_through_the_childs_cla_id(db_session: Session) -> None:
    _add(
        db_session,
        Person(pers_person_id=CHILD, pers_dob=date(2012, 1, 1)),
        ClaEpisode(
            clae_cla_episode_id="TS-E1",
            clae_person_id=CHILD,
            clae_cla_id="TS-LA1",
            clae_cla_episode_start_date=date(2024, 12, 20),
        ),
        ClaReview(
            clar_cla_review_id="TS-RV1",
            clar_cla_id="TS-LA1",
            clar_cla_review_date=date(2025, 1, 20),
        ),
        ClaReview(
            clar_cla_review_id="TS-RV9",
            clar_cla_id="SOMEONE-ELSE",
            clar_cla_review_date=date(2025, 1, 21),
        ),
    )
    snapshot = load_snapshot(db_session, CHILD)
    assert [r.clar_cla_review_id for r in snapshot.cla_reviews] == ["TS-RV1"]
    history = due_for(db_session, CHILD, date(2025, 2, 1), include_met=True)
    first = next(i for i in history if i.key == "cla_first_review")
    assert (first.due, first.done, first.status) == (date(2025, 1, 22), date(2025, 1, 20), "met")
    second = next(i for i in history if i.key == "cla_second_review")
    assert second.due == date(2025, 4, 20)


def test_unknown_child(db_session: Session) -> None:
    with pytest.raises(NotFound):
        due_for(db_session, "NOBODY", date(2025, 1, 9))


# --- many children at once ------------------------------------------------------


def _children(session: Session) -> list[str]:
    """Six children with clocks in different areas (one with none), for a worklist."""
    _child_with_s47(session)
    _add(
        session,
        Person(pers_person_id="TS-CLA-A", pers_dob=date(2012, 1, 1)),
        ClaEpisode(
            clae_cla_episode_id="TS-A-E1",
            clae_person_id="TS-CLA-A",
            clae_cla_id="TS-LA-A",
            clae_cla_episode_start_date=date(2024, 11, 1),
        ),
        ClaPlacement(
            clap_cla_placement_id="TS-A-P1",
            clap_person_id="TS-CLA-A",
            clap_cla_placement_start_date=date(2024, 11, 1),
            clap_cla_placement_type="U1",
        ),
        ClaReview(
            clar_cla_review_id="TS-A-R1",
            clar_cla_id="TS-LA-A",
            clar_cla_review_date=date(2024, 11, 25),
        ),
        ClaVisit(
            clav_cla_visit_id="TS-A-V1",
            clav_person_id="TS-CLA-A",
            clav_cla_visit_date=date(2024, 11, 6),
            clav_cla_visit_seen="Y",
        ),
        Person(pers_person_id="TS-CLA-B", pers_dob=date(2020, 7, 9)),
        ClaEpisode(
            clae_cla_episode_id="TS-B-E1",
            clae_person_id="TS-CLA-B",
            clae_cla_id="TS-LA-B",
            clae_cla_episode_start_date=date(2024, 6, 3),
        ),
        ClaReview(
            clar_cla_review_id="TS-B-R1",
            clar_cla_id="TS-LA-B",
            clar_cla_review_date=date(2024, 7, 1),
        ),
        ClaReview(
            clar_cla_review_id="TS-B-R2",
            clar_cla_id="TS-LA-B",
            clar_cla_review_date=date(2024, 9, 30),
        ),
        Person(pers_person_id="TS-CP", pers_dob=date(2019, 5, 5)),
        CpPlan(
            cppl_cp_plan_id="TS-CP-PL1",
            cppl_person_id="TS-CP",
            cppl_cp_plan_start_date=date(2024, 10, 1),
        ),
        CpVisit(
            cppv_cp_visit_id="TS-CP-V1",
            cppv_person_id="TS-CP",
            cppv_cp_visit_date=date(2024, 10, 20),
        ),
        Contact(
            cont_contact_id="TS-CP-C1", cont_person_id="TS-CP", cont_contact_date=date(2025, 1, 6)
        ),
        Person(pers_person_id="TS-LEAVER", pers_dob=date(2006, 3, 3)),
        CareLeaver(
            clea_table_id="TS-LEAVER-1",
            clea_person_id="TS-LEAVER",
            clea_pathway_plan_review_date=date(2024, 9, 1),
        ),
        Missing(
            miss_table_id="TS-LEAVER-M1",
            miss_person_id="TS-LEAVER",
            miss_missing_episode_end_date=date(2025, 1, 6),
        ),
        Person(pers_person_id="TS-NOTHING", pers_dob=date(2015, 2, 2)),
    )
    return [CHILD, "TS-CLA-A", "TS-CLA-B", "TS-CP", "TS-LEAVER", "TS-NOTHING"]


def _rows(snapshot: ChildSnapshot) -> dict[str, object]:
    """The snapshot with each row replaced by its primary key, to compare two reads."""
    out = {}
    for f in fields(snapshot):
        value = getattr(snapshot, f.name)
        out[f.name] = [inspect(r).identity for r in value] if isinstance(value, list) else value
    return out


def _assert_same_as_one_at_a_time(session: Session, children: list[str]) -> None:
    snapshots = load_snapshots(session, children)
    assert list(snapshots) == children
    for child in children:
        assert _rows(snapshots[child]) == _rows(load_snapshot(session, child))
    for on_date in (date(2024, 12, 1), date(2025, 1, 9), date(2025, 6, 30)):
        for include_met in (False, True):
            many = due_for_many(session, children, on_date, include_met=include_met)
            assert list(many) == children
            for child in children:
                assert many[child] == due_for(session, child, on_date, include_met=include_met)


def test_many_children_at_once_give_the_same_answers_as_one_at_a_time(
    db_session: Session,
) -> None:
    children = _children(db_session)
    _assert_same_as_one_at_a_time(db_session, children)
    snapshots = load_snapshots(db_session, children)
    assert [r.clar_cla_review_id for r in snapshots["TS-CLA-A"].cla_reviews] == ["TS-A-R1"]
    assert sorted(r.clar_cla_review_id for r in snapshots["TS-CLA-B"].cla_reviews) == [
        "TS-B-R1",
        "TS-B-R2",
    ]
    worklist = due_for_many(db_session, children, date(2025, 1, 9))
    assert [i.key for i in worklist[CHILD]] == ["icpc"]
    assert worklist["TS-NOTHING"] == []
    assert all(i.person_id == child for child, items in worklist.items() for i in items)
    # Every area shows up somewhere on the worklist.
    keys = {i.key for items in worklist.values() for i in items}
    assert {"icpc", "cla_review", "cp_visit", "contact_decision", "return_interview"} <= keys


def test_many_children_in_chunks_give_the_same_answers(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    children = _children(db_session)
    monkeypatch.setattr(snapshot_module, "CHUNK", 4)
    _assert_same_as_one_at_a_time(db_session, children)


def test_a_worklist_costs_the_same_queries_however_many_children(db_session: Session) -> None:
    children = _children(db_session)
    selects: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    connection = db_session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        due_for_many(db_session, children[1:2], date(2025, 1, 9))
        for_one = len(selects)
        selects.clear()
        due_for_many(db_session, children, date(2025, 1, 9))
        for_all = len(selects)
    finally:
        event.remove(connection, "before_cursor_execute", count)
    # A query per table that holds any of the children's rows, plus a fixed few:
    # never a query per child.
    assert for_one <= for_all <= len(snapshot_module.BY_PERSON) + 5
    assert len(children) >= 3


def test_many_children_with_repeats_unknowns_and_none(db_session: Session) -> None:
    children = _children(db_session)
    twice = due_for_many(db_session, [*children, CHILD], date(2025, 1, 9))
    assert list(twice) == children
    assert load_snapshots(db_session, []) == {}
    assert due_for_many(db_session, [], date(2025, 1, 9)) == {}
    with pytest.raises(NotFound, match="NOBODY"):
        due_for_many(db_session, [CHILD, "NOBODY"], date(2025, 1, 9))


def test_open_items_are_the_open_ones_of_all_items_on_any_day(db_session: Session) -> None:
    """Open items skip clocks already done or stopped: the same as settling all of them."""
    children = _children(db_session)
    seen_open = 0
    for day in (date(2024, 6, 1), date(2025, 1, 9), date(2025, 6, 30)):
        everything = due_for_many(db_session, children, day, include_met=True)
        open_only = due_for_many(db_session, children, day)
        seen_open += sum(len(items) for items in open_only.values())
        for person_id in children:
            assert open_only[person_id] == [i for i in everything[person_id] if i.is_open]
    assert seen_open
