"""Targets in the database: setting again supersedes (kept), one in force per year."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.performance import targets
from casebook.performance.models import PerformanceTarget
from casebook.record.errors import Invalid


def test_setting_a_target_again_supersedes_the_old_one(db_session):
    targets.set_target(db_session, measure_id="A2S", year=2025, target=85, tolerance=5,
                       better="higher", actor="perf")  # fmt: skip
    targets.set_target(db_session, measure_id="A2S", year=2025, target=88, tolerance=3,
                       better="higher", actor="perf")  # fmt: skip
    targets.set_target(db_session, measure_id="A2S", year=2024, target=80, tolerance=5,
                       better="higher", actor="perf")  # fmt: skip
    now = targets.targets_for(db_session, 2025)
    assert now["A2S"].target == 88 and now["A2S"].tolerance == 3
    rows = db_session.scalars(
        select(PerformanceTarget).where(PerformanceTarget.measure_id == "A2S")
    ).all()
    assert sorted((r.year, r.target, r.cb_status) for r in rows) == [
        (2024, 80, "active"), (2025, 85, "superseded"), (2025, 88, "active")
    ]  # fmt: skip


def test_a_bad_target_is_refused_and_nothing_is_written(db_session):
    with pytest.raises(Invalid) as caught:
        targets.set_target(db_session, measure_id="NOPE", year=2025, target=85, tolerance=-1,
                           better="higher", actor="perf", known={"A2S"})  # fmt: skip
    assert {p.field for p in caught.value.problems} == {"measure_id", "tolerance"}
    assert targets.targets_for(db_session, 2025) == {}
