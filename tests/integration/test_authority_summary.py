"""The home page's headline counts: a plan is open on a day from its start until
the day it ends (a plan ending today is no longer open), and each child once."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from casebook.record.models import CinPlan, CpPlan, Person
from casebook.record.summary import authority_summary

ON = date(2025, 3, 31)


def test_plans_open_on_the_day_count_each_child_once(db_session: Session) -> None:
    before = authority_summary(db_session, ON)
    tag = uuid.uuid4().hex[:8]
    kids = [f"AS-{tag}-{n}" for n in range(3)]
    for kid in kids:
        db_session.add(Person(pers_person_id=kid, pers_dob=date(2015, 1, 1)))
    db_session.flush()
    db_session.add_all(
        [
            # Two open CP plans for one child count once.
            CpPlan(cppl_cp_plan_id=f"{kids[0]}-a", cppl_person_id=kids[0],
                   cppl_cp_plan_start_date=date(2024, 1, 1)),
            CpPlan(cppl_cp_plan_id=f"{kids[0]}-b", cppl_person_id=kids[0],
                   cppl_cp_plan_start_date=date(2024, 6, 1)),
            # Ends on the day: not open. Starts the next day: not yet open.
            CpPlan(cppl_cp_plan_id=f"{kids[1]}-a", cppl_person_id=kids[1],
                   cppl_cp_plan_start_date=date(2024, 1, 1), cppl_cp_plan_end_date=ON),
            CinPlan(cinp_cin_plan_id=f"{kids[2]}-a", cinp_person_id=kids[2],
                    cinp_cin_plan_start_date=date(2025, 4, 1)),
            CinPlan(cinp_cin_plan_id=f"{kids[1]}-c", cinp_person_id=kids[1],
                    cinp_cin_plan_start_date=ON),
        ]
    )  # fmt: skip
    db_session.flush()
    after = authority_summary(db_session, ON)
    assert after.children - before.children == 3
    assert after.on_cp_plans - before.on_cp_plans == 1
    assert after.on_cin_plans - before.on_cin_plans == 1
