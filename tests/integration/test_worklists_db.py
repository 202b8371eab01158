"""Worklists, allocation, local standards and the missing briefing against the
database, on SQLite and PostgreSQL: scope, unallocated children, allocation and
its refusals, history, settings that change the lists, the briefing's window."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.access.policy import User, visible_children
from casebook.access.roles import Role
from casebook.record.allocation import (
    allocate,
    current_allocations,
    held_unallocated,
    team_workers,
    unallocated_held_by,
)
from casebook.record.errors import Conflict, Invalid
from casebook.record.local_standards import (
    set_local_standard,
    standard,
    standard_history,
    standards,
)
from casebook.record.missing_briefing import missing_briefing
from casebook.record.models import (
    CinEpisode,
    CinPlan,
    CinVisit,
    Department,
    HistoryEntry,
    Involvement,
    Missing,
    Person,
    Professional,
)
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork
from casebook.record.worklists import worklist

ON = date(2025, 3, 12)  # a Wednesday
BOSS = Actor("wl-manager")


def _add(session: Session, *rows: object) -> None:
    for row in rows:
        session.add(row)
        session.flush()


def _child(session: Session, pid: str, name: str) -> None:
    _add(
        session,
        Person(
            pers_person_id=pid, pers_forename=name, pers_surname="Test", pers_dob=date(2015, 6, 1)
        ),
    )


def _involve(session: Session, iid: str, pid: str, prof: str, team: str, start: date) -> None:
    _add(
        session,
        Involvement(
            invo_involvements_id=iid,
            invo_person_id=pid,
            invo_professional_id=prof,
            invo_professional_team=team,
            invo_involvement_start_date=start,
        ),
    )


def _cin(session: Session, pid: str, start: date, team: str = "WL-T1") -> None:
    _add(
        session,
        CinEpisode(
            cine_referral_id=f"R-{pid}",
            cine_person_id=pid,
            cine_referral_date=start,
            cine_referral_team=team,
        ),
        CinPlan(
            cinp_cin_plan_id=f"P-{pid}",
            cinp_person_id=pid,
            cinp_cin_plan_start_date=start,
            cinp_referral_id=f"R-{pid}",
            cinp_cin_plan_team=team,
        ),
    )


@pytest.fixture
def world(db_session: Session) -> Session:
    """Two teams; Tom and Tia in team 1, Uma in team 2; five children.

    WL-C1 (Tom): CIN plan from 2 Jan 2025, never visited: visit overdue.
    WL-C2 (Tia): CIN plan from 2022: drifted; visited lately.
    WL-C3 (Uma, team 2): CIN plan, visit overdue: never on team 1's lists.
    WL-C4: was Tom's until 1 March, plan still open: unallocated, held by team 1.
    WL-C5 (Tom): missing since 10 March.
    """
    s = db_session
    _add(
        s,
        Department(dept_team_id="WL-S", dept_team_name="Service"),
        Department(dept_team_id="WL-T1", dept_team_name="Team One", dept_team_parent_id="WL-S"),
        Department(dept_team_id="WL-T2", dept_team_name="Team Two", dept_team_parent_id="WL-S"),
        Professional(
            prof_professional_id="WL-TOM",
            prof_professional_name="Tom Reed",
            prof_professional_department="WL-T1",
        ),
        Professional(
            prof_professional_id="WL-TIA",
            prof_professional_name="Tia Moss",
            prof_professional_department="WL-T1",
        ),
        Professional(
            prof_professional_id="WL-UMA",
            prof_professional_name="Uma Vale",
            prof_professional_department="WL-T2",
        ),
    )
    for pid, name in (
        ("WL-C1", "Ada"),
        ("WL-C2", "Bea"),
        ("WL-C3", "Cal"),
        ("WL-C4", "Dot"),
        ("WL-C5", "Eli"),
    ):
        _child(s, pid, name)
    _cin(s, "WL-C1", date(2025, 1, 2))
    _cin(s, "WL-C2", date(2022, 11, 1))
    _add(
        s,
        CinVisit(
            cinv_cin_visit_id="V-C2", cinv_person_id="WL-C2", cinv_cin_visit_date=date(2025, 3, 1)
        ),
    )
    _cin(s, "WL-C3", date(2025, 1, 2), team="WL-T2")
    _cin(s, "WL-C4", date(2025, 2, 20))
    _involve(s, "WL-I1", "WL-C1", "WL-TOM", "WL-T1", date(2025, 1, 2))
    _involve(s, "WL-I2", "WL-C2", "WL-TIA", "WL-T1", date(2022, 11, 1))
    _involve(s, "WL-I3", "WL-C3", "WL-UMA", "WL-T2", date(2025, 1, 2))
    _involve(s, "WL-I4", "WL-C4", "WL-TOM", "WL-T1", date(2025, 2, 20))
    s.get(Involvement, "WL-I4").invo_involvement_end_date = date(2025, 3, 1)
    _involve(s, "WL-I5", "WL-C5", "WL-TOM", "WL-T1", date(2024, 6, 1))
    _add(
        s,
        Missing(
            miss_table_id="WL-M1",
            miss_person_id="WL-C5",
            miss_missing_episode_start_date=date(2025, 3, 10),
        ),
    )
    s.commit()  # a savepoint: a service's rollback must not take the world with it
    return s


def _summary(rows) -> list[tuple[str, str, str | None]]:
    return sorted((r.person_id, r.kind, r.worker_id) for r in rows)


def test_my_children_lists_only_the_workers_children(world: Session) -> None:
    found = worklist(world, ON, worker_id="WL-TOM")
    assert sorted(found.children) == ["WL-C1", "WL-C5"]
    assert _summary(found.rows) == [
        ("WL-C1", "overdue", "WL-TOM"),  # not seen within 5 working days of the referral
        ("WL-C1", "visit", "WL-TOM"),
        ("WL-C5", "missing", "WL-TOM"),
    ]
    [overdue] = [r for r in found.rows if r.kind == "visit"]
    assert (overdue.due, overdue.overdue_days) == (date(2025, 2, 2), 38)


def test_my_team_adds_the_unallocated_children_the_team_holds(world: Session) -> None:
    found = worklist(world, ON, team_ids=["WL-T1"])
    assert sorted(found.children) == ["WL-C1", "WL-C2", "WL-C4", "WL-C5"]
    assert _summary(found.rows) == [
        ("WL-C1", "overdue", "WL-TOM"),
        ("WL-C1", "visit", "WL-TOM"),
        ("WL-C2", "drift", "WL-TIA"),
        ("WL-C4", "overdue", None),  # not seen since the referral, and nobody to see them
        ("WL-C4", "unallocated", None),
        ("WL-C5", "missing", "WL-TOM"),
    ]
    assert "WL-C3" not in found.children


def test_the_condition_for_the_policy_finds_the_same_unallocated_children(world: Session) -> None:
    def held(team: str) -> list[str]:
        return world.scalars(
            select(Person.pers_person_id)
            .where(unallocated_held_by([team], ON))
            .order_by(Person.pers_person_id)
        ).all()

    assert held("WL-T1") == ["WL-C4"] == held_unallocated(world, ["WL-T1"], ON)
    assert held("WL-T2") == [] == held_unallocated(world, ["WL-T2"], ON)


def test_a_worker_never_sees_another_teams_child(world: Session) -> None:
    tom = User("wl-tom", Role.SOCIAL_WORKER, team_id="WL-T1", professional_id="WL-TOM")
    # Even asked for team 2's list, Tom's scope lets none of its children through.
    found = worklist(world, ON, visible_children(tom, ON), team_ids=["WL-T2"])
    assert found.children == [] and found.rows == []
    uma_manager = User("wl-boss2", Role.TEAM_MANAGER, team_id="WL-T2")
    mine = worklist(world, ON, visible_children(uma_manager, ON), team_ids=["WL-T2"])
    assert mine.children == ["WL-C3"]


def test_allocating_an_unallocated_child_opens_an_involvement_with_history(
    world: Session,
) -> None:
    new = allocate(
        UnitOfWork(session=world),
        person_id="WL-C4",
        professional_id="WL-TIA",
        team_id="WL-T1",
        on=ON,
        actor=BOSS,
    )
    assert (new.invo_professional_id, new.invo_involvement_start_date) == ("WL-TIA", ON)
    assert new.invo_referral_id == "R-WL-C4"
    found = worklist(world, ON, team_ids=["WL-T1"])
    assert not [r for r in found.rows if r.kind == "unallocated"]
    assert {r.worker_id for r in found.rows if r.person_id == "WL-C4"} == {"WL-TIA"}


def test_reallocating_closes_the_old_involvement_and_keeps_it(world: Session) -> None:
    [old] = current_allocations(world, "WL-C1", "WL-T1", ON)
    allocate(
        UnitOfWork(session=world),
        person_id="WL-C1",
        professional_id="WL-TIA",
        team_id="WL-T1",
        on=ON,
        actor=BOSS,
        reason="LEFT",
        expected_versions={old.invo_involvements_id: old.cb_version},
    )
    closed = world.get(Involvement, "WL-I1")
    assert (closed.invo_involvement_end_date, closed.invo_worker_change_reason) == (ON, "LEFT")
    [now] = current_allocations(world, "WL-C1", "WL-T1", ON)
    assert now.invo_professional_id == "WL-TIA"
    history = world.scalars(
        select(HistoryEntry.action).where(
            HistoryEntry.table_name == "ssd_involvements",
            HistoryEntry.record_id.in_(["WL-I1", now.invo_involvements_id]),
        )
    ).all()
    assert sorted(history) == ["create", "update"]
    assert worklist(world, ON, worker_id="WL-TOM").children == ["WL-C5"]


def test_allocation_refusals(world: Session) -> None:
    with pytest.raises(Invalid) as outside:
        allocate(
            UnitOfWork(session=world),
            person_id="WL-C1",
            professional_id="WL-UMA",
            team_id="WL-T1",
            on=ON,
            actor=BOSS,
        )
    [problem] = outside.value.problems
    assert problem.field == "professional_id"
    assert "Uma Vale is not in Team One" in problem.message
    with pytest.raises(Invalid, match="already allocated to Tom Reed"):
        allocate(
            UnitOfWork(session=world),
            person_id="WL-C1",
            professional_id="WL-TOM",
            team_id="WL-T1",
            on=ON,
            actor=BOSS,
        )
    with pytest.raises(Invalid, match="reason"):
        allocate(
            UnitOfWork(session=world),
            person_id="WL-C1",
            professional_id="WL-TIA",
            team_id="WL-T1",
            on=ON,
            actor=BOSS,
            reason="WHIM",
        )
    with pytest.raises(Conflict):
        allocate(
            UnitOfWork(session=world),
            person_id="WL-C1",
            professional_id="WL-TIA",
            team_id="WL-T1",
            on=ON,
            actor=BOSS,
            expected_versions={},
        )
    assert world.get(Involvement, "WL-I1").invo_involvement_end_date is None


def test_team_workers_with_their_caseloads(world: Session) -> None:
    workers = team_workers(world, "WL-T1", ON)
    assert [(w.professional_id, w.caseload) for w in workers] == [("WL-TIA", 1), ("WL-TOM", 2)]


def test_a_local_standard_changes_the_worklist_and_keeps_its_history(world: Session) -> None:
    assert not [r for r in worklist(world, ON, worker_id="WL-TIA").rows if r.kind == "visit"]
    set_local_standard(UnitOfWork(session=world), "cin_visit", 5, "days", Actor("wl-admin"))
    [row] = [r for r in worklist(world, ON, worker_id="WL-TIA").rows if r.kind == "visit"]
    assert (row.person_id, row.due, row.overdue_days) == ("WL-C2", date(2025, 3, 6), 6)
    set_local_standard(UnitOfWork(session=world), "cin_visit", 4, "weeks", Actor("wl-admin"))
    cin_visit = standard(world, "cin_visit")
    assert (cin_visit.amount, cin_visit.unit, cin_visit.changed) == (4, "weeks", True)
    assert (cin_visit.default_amount, cin_visit.default_unit) == (1, "months")
    changes = standard_history(world, "cin_visit")
    assert [(c.before, c.after, c.actor) for c in changes] == [
        ("5 days", "4 weeks", "wl-admin"),
        (None, "5 days", "wl-admin"),
    ]


def test_the_standards_list_starts_with_visits_and_seen_within_5_working_days(
    db_session: Session,
) -> None:
    found = standards(db_session)
    first = [s.key for s in found[:6]]
    assert first[0] == "child_seen" and {"cin_visit", "cp_visit", "cla_visit"} <= set(first)
    seen = found[0]
    assert (seen.default_amount, seen.default_unit, seen.kind) == (5, "working_days", "local")
    assert {"cin_plan_drift", "cp_plan_drift"} <= {s.key for s in found}


# --------------------------------------------------------------------------- missing briefing


def _missing(s: Session, mid: str, pid: str, start: date, end: date | None = None, **rhi):
    _add(
        s,
        Missing(
            miss_table_id=mid,
            miss_person_id=pid,
            miss_missing_episode_start_date=start,
            miss_missing_episode_end_date=end,
            **rhi,
        ),
    )


def test_the_monday_briefing_covers_the_weekend_from_friday(world: Session) -> None:
    s = world
    _missing(s, "WL-M2", "WL-C1", date(2025, 3, 7), date(2025, 3, 8))  # Fri to Sat
    _missing(s, "WL-M3", "WL-C2", date(2025, 3, 6), date(2025, 3, 6))  # Thursday: too early
    _missing(
        s,
        "WL-M4",
        "WL-C3",
        date(2025, 3, 1),
        date(2025, 3, 9),
        miss_missing_rhi_offered="Y",
        cb_rhi_offered_date=date(2025, 3, 10),
        miss_missing_rhi_accepted="N",
    )
    briefing = missing_briefing(s, date(2025, 3, 10))
    assert briefing.since == date(2025, 3, 7)
    rows = {r.episode_id: r for r in briefing.rows}
    assert set(rows) == {"WL-M1", "WL-M2", "WL-M4"}
    assert rows["WL-M1"].still_missing and rows["WL-M1"].event == "Went missing"
    assert rows["WL-M2"].event == "Went missing and returned"
    assert rows["WL-M2"].rhi_due == date(2025, 3, 11)  # 72 hours from Saturday's return
    assert rows["WL-M2"].rhi_status == "Not offered yet: due 11 Mar 2025"
    assert rows["WL-M4"].rhi_status == "Offered 10 Mar 2025, declined"
    assert rows["WL-M2"].worker_name == "Tom Reed"
    assert briefing.rows[0].episode_id == "WL-M1"  # still missing first


def test_after_easter_the_briefing_reaches_back_to_the_thursday(world: Session) -> None:
    s = world
    _missing(s, "WL-M5", "WL-C1", date(2025, 4, 17), date(2025, 4, 17))  # Maundy Thursday
    _missing(s, "WL-M6", "WL-C2", date(2025, 4, 16), date(2025, 4, 16))  # Wednesday
    briefing = missing_briefing(s, date(2025, 4, 22))  # Good Friday, Easter Monday between
    assert briefing.since == date(2025, 4, 17)
    [row] = [
        r for r in briefing.rows if r.episode_id.startswith("WL-M") and r.episode_id != "WL-M1"
    ]
    assert row.episode_id == "WL-M5"
    assert row.rhi_overdue and row.rhi_status.startswith("Overdue: not offered, was due 20 Apr")


def test_the_briefing_shows_only_the_children_the_user_may_see(world: Session) -> None:
    _missing(world, "WL-M7", "WL-C3", date(2025, 3, 11))  # team 2's child
    _missing(world, "WL-M8", "WL-C2", date(2025, 3, 11), date(2025, 3, 12))  # team 1's
    tom = User("wl-tom", Role.SOCIAL_WORKER, team_id="WL-T1", professional_id="WL-TOM")
    seen = missing_briefing(world, ON, visible_children(tom, ON))
    assert [r.episode_id for r in seen.rows] == ["WL-M8"]  # WL-M1 began before Tuesday
    everyone = missing_briefing(world, ON)
    assert [r.episode_id for r in everyone.rows] == ["WL-M7", "WL-M8"]
