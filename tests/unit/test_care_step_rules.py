"""The care steps' rules that need no database: when each step is offered (with
the reason when not), placement details, the adoption milestones' order, the
care leaver category and how a timescale is put in words."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.record.models import ClaEpisode, Missing
from casebook.record.timescales import TIMESCALES
from casebook.record.timescales.snapshot import ChildSnapshot
from casebook.record.workflows import care_steps
from casebook.record.workflows.care_common import describe
from casebook.record.workflows.care_entry import already_looked_after, placement_values
from casebook.record.workflows.care_leavers import care_leaver_available, eligibility
from casebook.record.workflows.care_missing import interview_available, missing_now, not_missing_now
from casebook.record.workflows.care_permanence import _sequence_problem
from casebook.record.workflows.care_reviews import pep_available
from casebook.record.workflows.framework import AREAS, ChildState, step

TODAY = date(2025, 1, 6)


def _state(dob: date = date(2015, 3, 1), *, episodes=(), missing=(), leaver=None) -> ChildState:
    snapshot = ChildSnapshot(
        person_id="U-1", dob=dob, cla_episodes=list(episodes), missing=list(missing)
    )
    open_episode = next((e for e in episodes if e.clae_cla_episode_ceased_date is None), None)
    open_missing = next((m for m in missing if m.miss_missing_episode_end_date is None), None)
    return ChildState(
        person_id="U-1",
        today=TODAY,
        dob=dob,
        snapshot=snapshot,
        open_cla_episode=open_episode,
        care_leaver=leaver,
        missing_now=open_missing,
    )


def _episode(start: date, ceased: date | None = None) -> ClaEpisode:
    return ClaEpisode(
        clae_cla_episode_id=f"E-{start}",
        clae_cla_episode_start_date=start,
        clae_cla_episode_ceased_date=ceased,
        clae_cla_id="CLA-1",
    )


def test_care_areas_are_listed_on_the_steps_page() -> None:
    for s in care_steps.CARE_STEPS:
        assert s.area in AREAS


def test_coming_into_care_only_when_not_looked_after() -> None:
    assert already_looked_after(_state()) is None
    in_care = _state(episodes=[_episode(date(2024, 6, 3))])
    assert "already looked after (since 3 Jun 2024)" in already_looked_after(in_care)


@pytest.mark.parametrize(
    "key", ["care_placement_change", "care_legal_status", "care_leave", "cla_review", "sdq_score"]
)
def test_steps_of_care_need_the_child_looked_after(key: str) -> None:
    assert step(key).available(_state()) == (
        "the child is not looked after: record coming into care first"
    )
    left = _state(episodes=[_episode(date(2024, 1, 8), date(2024, 5, 1))])
    assert (
        step(key).available(left) == "the child is not looked after: they left care on 1 May 2024"
    )
    assert step(key).available(_state(episodes=[_episode(date(2024, 6, 3))])) is None


def test_pep_for_school_age_only() -> None:
    episodes = [_episode(date(2024, 6, 3))]
    assert "aged 3 to 17; the child is 1" in pep_available(
        _state(date(2023, 5, 1), episodes=episodes)
    )
    assert pep_available(_state(date(2015, 5, 1), episodes=episodes)) is None


def test_missing_steps_follow_the_episode() -> None:
    assert missing_now(_state()) == "the child is not recorded as missing now"
    assert interview_available(_state()) == "no missing episode is recorded for this child"
    away = Missing(miss_table_id="M-1", miss_missing_episode_start_date=date(2025, 1, 2))
    state = _state(missing=[away])
    assert "already recorded missing since 2 Jan 2025" in not_missing_now(state)
    assert "has not returned from the missing episode that began 2 Jan 2025" in (
        interview_available(state)
    )
    back = Missing(
        miss_table_id="M-2",
        miss_missing_episode_start_date=date(2024, 12, 1),
        miss_missing_episode_end_date=date(2024, 12, 2),
    )
    assert interview_available(_state(missing=[back])) is None


def test_care_leaver_contact_from_16_for_those_who_were_in_care() -> None:
    assert "never looked after" in care_leaver_available(_state(date(2007, 1, 1)))
    was_in_care = [_episode(date(2020, 1, 6), date(2024, 12, 31))]
    assert "starts at 16; the child is 15" in care_leaver_available(
        _state(date(2009, 6, 1), episodes=was_in_care)
    )
    assert care_leaver_available(_state(date(2007, 1, 1), episodes=was_in_care)) is None
    assert "ends at 25" in care_leaver_available(_state(date(1998, 1, 1), episodes=was_in_care))


def test_care_leaver_category() -> None:
    in_care = _state(date(2008, 6, 1), episodes=[_episode(date(2020, 1, 6))])
    assert eligibility(in_care, TODAY) == "ELIGIBLE"
    left = [_episode(date(2020, 1, 6), date(2024, 12, 31))]
    assert eligibility(_state(date(2008, 6, 1), episodes=left), TODAY) == "RELEVANT"
    assert eligibility(_state(date(2006, 6, 1), episodes=left), TODAY) == "FORMER_RELEVANT"


def test_placement_details_are_tidied_and_checked() -> None:
    base = {"placement_type": "U6", "placement_provider": "PR1"}
    row, problems = placement_values(
        {
            **base,
            "placement_postcode": " ls1  4ap ",
            "placement_distance": "4.55",
            "placement_urn": "sc 123456",
        }
    )
    assert problems == []
    assert row["clap_cla_placement_postcode"] == "LS1 4AP"
    assert row["clap_cla_placement_distance"] == pytest.approx(4.5, abs=0.06)
    assert row["clap_cla_placement_urn"] == "SC123456"
    _, problems = placement_values(
        {**base, "placement_postcode": "X", "placement_distance": "-3", "placement_urn": "12"}
    )
    assert {p.field for p in problems} == {
        "placement_postcode",
        "placement_distance",
        "placement_urn",
    }


def test_adoption_milestones_come_in_order() -> None:
    none = {k: None for k in ("decision", "placement_order", "matched", "placed", "order")}
    order = _sequence_problem("order", date(2024, 12, 1), none, date(2023, 3, 1))
    assert order.field == "milestone"
    assert "placement for adoption is not recorded yet" in order.message
    placed = {
        **none,
        "decision": date(2023, 6, 1),
        "placement_order": date(2023, 9, 1),
        "matched": date(2024, 2, 1),
        "placed": date(2024, 3, 1),
    }
    early = _sequence_problem("order", date(2024, 2, 1), placed, date(2023, 3, 1))
    assert "cannot be before the placement for adoption, 1 Mar 2024" in early.message
    assert _sequence_problem("order", date(2024, 11, 1), placed, date(2023, 3, 1)) is None
    again = _sequence_problem("decision", date(2024, 11, 1), placed, date(2023, 3, 1))
    assert "already recorded, 1 Jun 2023" in again.message


def test_timescales_in_words_come_from_the_registry() -> None:
    assert describe(TIMESCALES["cla_first_review"]) == "20 working days"
    assert describe(TIMESCALES["return_interview"]) == "72 hours"
    assert describe(TIMESCALES["pathway_plan_review"]) == "6 months"
