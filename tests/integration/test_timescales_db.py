"""Timescales read from the database: the child's rows, the bank-holiday table and
the authority's settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import NotFound
from casebook.record.models import (
    ClaEpisode,
    ClaReview,
    Person,
    S47Enquiry,
    StrategyDiscussion,
    TimescaleSetting,
)
from casebook.record.models.base import ENTERED_IN_ERROR
from casebook.record.timescales import due_for, load_snapshot, load_timescales

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
