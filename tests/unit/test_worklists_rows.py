"""Worklist rows, sorting, filtering and CSV, and the missing briefing's return
interview status and window: pure functions over a child's snapshot (no database)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from casebook.record import worklists
from casebook.record.calendar import WorkingCalendar
from casebook.record.local_standards import DRIFT_DEFAULTS, describe
from casebook.record.missing_briefing import rhi_status, window
from casebook.record.models import CinPlan, CinVisit, CpPlan, Missing
from casebook.record.timescales import TIMESCALES, ChildSnapshot
from casebook.record.worklists import Holder, WorklistRow, rows_for_child

ON = date(2025, 3, 12)  # a Wednesday
CAL = WorkingCalendar([date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5)])
TIMESCALES_IN_FORCE = {**DRIFT_DEFAULTS, **TIMESCALES}
HOLDER = Holder("C1", "Ada Lark", "W1", "Wendy Worker", "T1", (("I1", 1),))


def cin_plan(start: date, end: date | None = None, plan_id: str = "P1") -> CinPlan:
    return CinPlan(
        cinp_cin_plan_id=plan_id,
        cinp_person_id="C1",
        cinp_cin_plan_start_date=start,
        cinp_cin_plan_end_date=end,
    )


def visit(on: date) -> CinVisit:
    return CinVisit(cinv_cin_visit_id=f"V{on}", cinv_person_id="C1", cinv_cin_visit_date=on)


def kinds(rows: list[WorklistRow]) -> list[tuple[str, str | None]]:
    return sorted((r.kind, r.key) for r in rows)


def test_an_overdue_cin_visit_is_a_visit_out_of_date_overdue_by_calendar_days() -> None:
    snap = ChildSnapshot("C1", cin_plans=[cin_plan(date(2025, 1, 2))], cin_visits=[])
    [row] = rows_for_child(HOLDER, snap, ON, TIMESCALES_IN_FORCE, CAL)
    # Monthly from the plan start: due 2 Feb 2025, 38 days before 12 March.
    assert (row.kind, row.key, row.due, row.overdue_days) == (
        "visit",
        "cin_visit",
        date(2025, 2, 2),
        38,
    )
    assert row.overdue_text == "overdue by 38 days"
    assert (row.worker_id, row.worker_name, row.person_id) == ("W1", "Wendy Worker", "C1")


def test_due_within_seven_days_is_listed_and_later_is_not() -> None:
    snap = ChildSnapshot(
        "C1", cin_plans=[cin_plan(date(2025, 1, 2))], cin_visits=[visit(date(2025, 2, 15))]
    )
    [row] = rows_for_child(HOLDER, snap, ON, TIMESCALES_IN_FORCE, CAL)
    assert (row.kind, row.due, row.overdue_days) == ("due", date(2025, 3, 15), None)
    later = ChildSnapshot(
        "C1", cin_plans=[cin_plan(date(2025, 1, 2))], cin_visits=[visit(date(2025, 3, 1))]
    )
    assert rows_for_child(HOLDER, later, ON, TIMESCALES_IN_FORCE, CAL) == []


def test_the_visit_frequency_comes_from_the_timescales_in_force() -> None:
    """A local standard of 4 weeks (not monthly) moves the visit's due date."""
    snap = ChildSnapshot(
        "C1", cin_plans=[cin_plan(date(2025, 1, 2))], cin_visits=[visit(date(2025, 3, 1))]
    )
    monthly = rows_for_child(HOLDER, snap, ON, TIMESCALES_IN_FORCE, CAL)
    assert monthly == []  # due 1 April: not within 7 days
    weekly = replace(TIMESCALES["cin_visit"], amount=1, unit="weeks")
    [row] = rows_for_child(HOLDER, snap, ON, {**TIMESCALES_IN_FORCE, "cin_visit": weekly}, CAL)
    assert (row.kind, row.due, row.overdue_days) == ("visit", date(2025, 3, 8), 4)


def test_a_plan_open_past_its_drift_marker_is_flagged_and_the_marker_is_a_setting() -> None:
    old = cin_plan(date(2022, 11, 1))
    snap = ChildSnapshot("C1", cin_plans=[old], cin_visits=[visit(date(2025, 3, 1))])
    [row] = rows_for_child(HOLDER, snap, ON, TIMESCALES_IN_FORCE, CAL)
    assert (row.kind, row.key, row.due, row.overdue_days) == (
        "drift",
        "cin_plan_drift",
        date(2024, 11, 1),
        131,
    )
    assert row.item == "CIN plan over 2 years"
    younger = ChildSnapshot(
        "C1", cin_plans=[cin_plan(date(2023, 9, 1))], cin_visits=[visit(date(2025, 3, 1))]
    )
    assert rows_for_child(HOLDER, younger, ON, TIMESCALES_IN_FORCE, CAL) == []
    shorter = {
        **TIMESCALES_IN_FORCE,
        "cin_plan_drift": replace(DRIFT_DEFAULTS["cin_plan_drift"], amount=18),
    }
    [row] = rows_for_child(HOLDER, younger, ON, shorter, CAL)
    assert (row.kind, row.due, row.item) == ("drift", date(2025, 3, 1), "CIN plan over 18 months")


def test_cp_plan_drift_and_an_ended_plan_is_not_drift() -> None:
    plan = CpPlan(
        cppl_cp_plan_id="CP1",
        cppl_person_id="C1",
        cppl_cp_plan_start_date=date(2022, 1, 10),
        cppl_cp_plan_end_date=None,
    )
    snap = ChildSnapshot("C1", cp_plans=[plan])
    drift = [
        r for r in rows_for_child(HOLDER, snap, ON, TIMESCALES_IN_FORCE, CAL) if r.kind == "drift"
    ]
    assert [(r.key, r.due) for r in drift] == [("cp_plan_drift", date(2024, 1, 10))]
    ended = ChildSnapshot("C1", cp_plans=[replace_plan_end(plan, date(2025, 1, 1))])
    assert not [
        r for r in rows_for_child(HOLDER, ended, ON, TIMESCALES_IN_FORCE, CAL) if r.kind == "drift"
    ]


def replace_plan_end(plan: CpPlan, end: date) -> CpPlan:
    return CpPlan(
        cppl_cp_plan_id=plan.cppl_cp_plan_id,
        cppl_person_id=plan.cppl_person_id,
        cppl_cp_plan_start_date=plan.cppl_cp_plan_start_date,
        cppl_cp_plan_end_date=end,
    )


def test_a_child_missing_now_and_an_unallocated_child() -> None:
    gone = Missing(
        miss_table_id="M1", miss_person_id="C1", miss_missing_episode_start_date=date(2025, 3, 9)
    )
    back = Missing(
        miss_table_id="M0",
        miss_person_id="C1",
        miss_missing_episode_start_date=date(2025, 3, 1),
        miss_missing_episode_end_date=date(2025, 3, 2),
        cb_rhi_offered_date=date(2025, 3, 3),
    )
    snap = ChildSnapshot("C1", missing=[gone, back])
    [row] = rows_for_child(HOLDER, snap, ON, TIMESCALES_IN_FORCE, CAL)
    assert (row.kind, row.start, row.detail) == (
        "missing",
        date(2025, 3, 9),
        "Missing since 9 Mar 2025 (3 days)",
    )
    loose = Holder("C1", "Ada Lark")
    snap = ChildSnapshot("C1", cin_plans=[cin_plan(date(2025, 2, 15))])
    rows = rows_for_child(loose, snap, ON, TIMESCALES_IN_FORCE, CAL, allocated=False)
    assert kinds(rows) == [("due", "cin_visit"), ("unallocated", None)]
    unallocated = next(r for r in rows if r.kind == "unallocated")
    assert unallocated.worker_id is None and unallocated.start == date(2025, 2, 15)


def row(person: str, name: str, kind: str, due: date | None, late: int | None, worker=None):
    return WorklistRow(
        person_id=person,
        child_name=name,
        worker_id=worker,
        worker_name={"W1": "Yusuf", "W2": "Anna"}.get(worker),
        team_id="T1",
        kind=kind,
        item={"visit": "CIN visit", "due": "CP review", "overdue": "Assessment"}.get(kind, kind),
        key=None,
        start=None,
        due=due,
        overdue_days=late,
        detail="=cmd|' /C calc'!A0" if name == "Eve" else "",
    )


ROWS = [
    row("C1", "Cara", "due", date(2025, 3, 14), None, "W1"),
    row("C2", "Bo", "visit", date(2025, 3, 1), 11, "W2"),
    row("C3", "Eve", "overdue", date(2025, 2, 1), 39, "W1"),
    row("C4", "Al", "unallocated", None, None),
]


def test_sort_by_any_column_either_way_and_the_default_order() -> None:
    names = lambda rows: [r.child_name for r in rows]  # noqa: E731
    assert names(worklists.sort_rows(ROWS, "child")) == ["Al", "Bo", "Cara", "Eve"]
    assert names(worklists.sort_rows(ROWS, "-child")) == ["Eve", "Cara", "Bo", "Al"]
    assert names(worklists.sort_rows(ROWS, "due")) == ["Eve", "Bo", "Cara", "Al"]
    assert names(worklists.sort_rows(ROWS, "-overdue"))[:2] == ["Eve", "Bo"]
    assert names(worklists.sort_rows(ROWS, "overdue"))[2:] == ["Bo", "Eve"]
    assert names(worklists.sort_rows(ROWS, "worker")) == ["Bo", "Cara", "Eve", "Al"]
    # Default: by type (unallocated, overdue, visit, due), the most overdue first.
    assert names(worklists.sort_rows(ROWS, None)) == ["Al", "Eve", "Bo", "Cara"]
    assert names(worklists.sort_rows(ROWS, "nonsense")) == names(worklists.sort_rows(ROWS, None))


def test_filter_by_type_worker_and_overdue_only() -> None:
    ids = lambda rows: sorted(r.person_id for r in rows)  # noqa: E731
    assert ids(worklists.filter_rows(ROWS, kind="visit")) == ["C2"]
    assert ids(worklists.filter_rows(ROWS, worker="W1")) == ["C1", "C3"]
    assert ids(worklists.filter_rows(ROWS, worker="none")) == ["C4"]
    assert ids(worklists.filter_rows(ROWS, overdue_only=True)) == ["C2", "C3"]
    assert ids(worklists.filter_rows(ROWS, worker="W1", overdue_only=True)) == ["C3"]


def test_csv_has_a_header_every_row_and_no_spreadsheet_formulas() -> None:
    text = worklists.to_csv(worklists.sort_rows(ROWS, "child"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(worklists.CSV_COLUMNS)
    assert [r["person_id"] for r in rows] == ["C4", "C2", "C1", "C3"]
    eve = rows[-1]
    assert (eve["type"], eve["due"], eve["overdue_days"]) == ("overdue", "2025-02-01", "39")
    assert eve["detail"].startswith("'=")


def test_describe_amounts() -> None:
    assert describe(24, "months") == "2 years"
    assert describe(1, "months") == "1 month"
    assert describe(5, "working_days") == "5 working days"


# --------------------------------------------------------------------------- missing briefing


def test_the_briefing_window_is_from_the_previous_working_day() -> None:
    assert window(date(2025, 3, 12), CAL) == date(2025, 3, 11)  # Wednesday: since Tuesday
    assert window(date(2025, 3, 10), CAL) == date(2025, 3, 7)  # Monday: since Friday
    # Tuesday after Easter: Good Friday and Easter Monday are not working days.
    assert window(date(2025, 4, 22), CAL) == date(2025, 4, 17)
    assert window(date(2025, 5, 6), CAL) == date(2025, 5, 2)  # after the May bank holiday


def test_return_interview_status() -> None:
    on = date(2025, 3, 12)
    due = date(2025, 3, 13)
    assert rhi_status(None, None, None, None, None, None, on) == (
        "Still missing: no return interview yet",
        False,
    )
    assert rhi_status(date(2025, 3, 10), "Y", date(2025, 3, 11), "Y", None, due, on) == (
        "Offered 11 Mar 2025, accepted",
        False,
    )
    assert rhi_status(date(2025, 3, 10), "Y", date(2025, 3, 11), "N", None, due, on)[0] == (
        "Offered 11 Mar 2025, declined"
    )
    assert rhi_status(date(2025, 3, 10), None, None, None, date(2025, 3, 11), due, on) == (
        "Done 11 Mar 2025",
        False,
    )
    assert rhi_status(date(2025, 3, 10), None, None, None, None, due, on) == (
        "Not offered yet: due 13 Mar 2025",
        False,
    )
    late = rhi_status(date(2025, 3, 5), None, None, None, None, date(2025, 3, 8), on)
    assert late == ("Overdue: not offered, was due 8 Mar 2025 (4 days)", True)
    # Offered after the briefing's date: as at that date, not offered yet.
    assert (
        rhi_status(date(2025, 3, 5), "Y", date(2025, 3, 20), "Y", None, date(2025, 3, 8), on)[1]
        is True
    )
