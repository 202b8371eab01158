"""Timescales: each clock's due date, met/missed/overdue, overrides, as-at dates.

Snapshots are built by hand from unsaved rows; no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from casebook.record.calendar import WorkingCalendar
from casebook.record.errors import Invalid
from casebook.record.models import (
    CareLeaver,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CinVisit,
    ClaEpisode,
    ClaHealth,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    Contact,
    CpPlan,
    CpReview,
    CpVisit,
    EducationPlan,
    InitialCpConference,
    Missing,
    S47Enquiry,
    StrategyDiscussion,
)
from casebook.record.timescales import (
    KINDS,
    TIMESCALES,
    UNITS,
    ChildSnapshot,
    DueItem,
    Timescale,
    apply_overrides,
    due_date,
    items_for_child,
)

#: England and Wales bank holidays for the dates used here (gov.uk).
HOLIDAYS = [
    date(2023, 12, 25),
    date(2023, 12, 26),
    date(2024, 1, 1),
    date(2024, 3, 29),
    date(2024, 4, 1),
    date(2024, 5, 6),
    date(2024, 5, 27),
    date(2024, 8, 26),
    date(2024, 12, 25),
    date(2024, 12, 26),
    date(2025, 1, 1),
    date(2025, 4, 18),
    date(2025, 4, 21),
    date(2025, 5, 5),
    date(2025, 5, 26),
    date(2025, 8, 25),
    date(2025, 12, 25),
    date(2025, 12, 26),
]
CAL = WorkingCalendar(HOLIDAYS)
CHILD = "P1"


def snapshot(dob: date | None = date(2015, 6, 1), **rows: list) -> ChildSnapshot:
    return ChildSnapshot(person_id=CHILD, dob=dob, **rows)


def items(
    snap: ChildSnapshot,
    on: date,
    *,
    include_met: bool = False,
    timescales: Mapping[str, Timescale] = TIMESCALES,
) -> list[DueItem]:
    return items_for_child(snap, on, timescales, CAL, include_met=include_met)


def of(found: list[DueItem], key: str) -> list[DueItem]:
    return [i for i in found if i.key == key]


def one(found: list[DueItem], key: str) -> DueItem:
    matching = of(found, key)
    assert len(matching) == 1, matching
    return matching[0]


# --- the registry and due dates ----------------------------------------------


def test_every_timescale_is_well_formed() -> None:
    for key, ts in TIMESCALES.items():
        assert key == ts.key and len(key) <= 40
        assert ts.unit in UNITS
        assert ts.kind in KINDS
        assert ts.amount >= 0 and ts.title and ts.description


@pytest.mark.parametrize(
    ("amount", "unit", "start", "expected"),
    [
        (15, "working_days", date(2024, 12, 20), date(2025, 1, 15)),
        (10, "days", date(2025, 1, 10), date(2025, 1, 20)),
        (6, "weeks", date(2025, 1, 10), date(2025, 2, 21)),
        (3, "months", date(2024, 11, 30), date(2025, 2, 28)),
        (72, "hours", date(2025, 1, 10), date(2025, 1, 13)),
        (25, "hours", date(2025, 1, 10), date(2025, 1, 12)),
    ],
)
def test_due_date_for_each_unit(amount: int, unit: str, start: date, expected: date) -> None:
    ts = Timescale("x", "X", amount, unit, "local", "test")
    assert due_date(ts, start, CAL) == expected


def test_overrides_replace_amount_and_unit() -> None:
    registry = apply_overrides([("cin_visit", 4, "weeks")])
    assert registry["cin_visit"].amount == 4 and registry["cin_visit"].unit == "weeks"
    assert registry["cp_visit"] == TIMESCALES["cp_visit"]
    assert TIMESCALES["cin_visit"].unit == "months"  # the defaults are untouched


def test_bad_overrides_are_refused_with_every_problem() -> None:
    with pytest.raises(Invalid) as refused:
        apply_overrides([("no_such_step", 3, "days"), ("icpc", -1, "fortnights")])
    fields = [p.field for p in refused.value.problems]
    assert fields == [
        "timescale_setting.no_such_step.key",
        "timescale_setting.icpc.amount",
        "timescale_setting.icpc.unit",
    ]


# --- front door, referral and assessment ---------------------------------------


def contact(received: date, decided: date | None = None) -> Contact:
    return Contact(
        cont_contact_id="C1",
        cont_person_id=CHILD,
        cont_contact_date=received,
        cb_decision_date=decided,
    )


def test_contact_decision_within_one_working_day() -> None:
    snap = snapshot(contacts=[contact(date(2024, 12, 24))])
    item = one(items(snap, date(2024, 12, 24)), "contact_decision")
    assert item.due == date(2024, 12, 27)
    assert (item.status, item.days_left) == ("due", 1)
    assert item.label == "Contact decision due 27 Dec 2024, 1 working day left"

    today = one(items(snap, date(2024, 12, 27)), "contact_decision")
    assert today.label == "Contact decision due 27 Dec 2024, today"

    late = one(items(snap, date(2024, 12, 31)), "contact_decision")
    assert (late.status, late.days_left) == ("overdue", -2)
    assert late.label == "Contact decision overdue: was due 27 Dec 2024, 2 working days late"


def test_contact_decision_met_and_missed() -> None:
    met = snapshot(contacts=[contact(date(2024, 12, 24), date(2024, 12, 27))])
    assert items(met, date(2025, 1, 6)) == []
    item = one(items(met, date(2025, 1, 6), include_met=True), "contact_decision")
    assert (item.status, item.done, item.days_left) == ("met", date(2024, 12, 27), 0)

    missed = snapshot(contacts=[contact(date(2024, 12, 24), date(2024, 12, 31))])
    item = one(items(missed, date(2025, 1, 6), include_met=True), "contact_decision")
    assert (item.status, item.days_left) == ("missed", -2)
    assert item.label == "Contact decision done 31 Dec 2024, 2 working days late (due 27 Dec 2024)"


def referral(**kw) -> CinEpisode:
    return CinEpisode(
        cine_referral_id="R1", cine_person_id=CHILD, cine_referral_date=date(2024, 12, 20), **kw
    )


def test_child_seen_within_five_working_days_of_referral() -> None:
    snap = snapshot(referrals=[referral()])
    assert one(items(snap, date(2024, 12, 20)), "child_seen").due == date(2024, 12, 31)

    visit = CinVisit(
        cinv_cin_visit_id="V1", cinv_person_id=CHILD, cinv_cin_visit_date=date(2024, 12, 27)
    )
    seen = snapshot(referrals=[referral()], cin_visits=[visit])
    item = one(items(seen, date(2025, 1, 6), include_met=True), "child_seen")
    assert (item.status, item.done) == ("met", date(2024, 12, 27))


def test_referral_nfa_needs_no_visit_and_closure_stops_the_clock() -> None:
    assert (
        of(
            items(snapshot(referrals=[referral(cine_referral_nfa="Y")]), date(2025, 2, 1)),
            "child_seen",
        )
        == []
    )
    closed_early = snapshot(referrals=[referral(cine_close_date=date(2024, 12, 23))])
    assert items(closed_early, date(2025, 2, 1), include_met=True) == []
    closed_late = snapshot(referrals=[referral(cine_close_date=date(2025, 1, 10))])
    item = one(items(closed_late, date(2025, 2, 1), include_met=True), "child_seen")
    assert (item.status, item.done, item.days_left) == ("missed", None, -7)
    assert item.label == "Child seen missed: due 31 Dec 2024, not done"


def assessment(**kw) -> CinAssessment:
    return CinAssessment(
        cina_assessment_id="A1",
        cina_person_id=CHILD,
        cina_referral_id="R1",
        cina_assessment_start_date=date(2024, 12, 20),
        **kw,
    )


def test_assessment_within_45_working_days_of_its_start() -> None:
    item = one(items(snapshot(assessments=[assessment()]), date(2025, 1, 6)), "assessment")
    assert item.due == date(2025, 2, 26)
    done = snapshot(assessments=[assessment(cina_assessment_auth_date=date(2025, 2, 27))])
    item = one(items(done, date(2025, 3, 1), include_met=True), "assessment")
    assert (item.status, item.days_left) == ("missed", -1)


def test_assessment_child_seen_flag_meets_the_child_seen_clock() -> None:
    snap = snapshot(
        referrals=[referral()],
        assessments=[assessment(cina_assessment_child_seen="Y")],
    )
    assert one(items(snap, date(2025, 1, 6), include_met=True), "child_seen").status == "met"


# --- child protection --------------------------------------------------------


def discussion(on: date = date(2024, 12, 20)) -> StrategyDiscussion:
    return StrategyDiscussion(id="SD1", person_id=CHILD, discussion_date=on, outcome_s47="Y")


def s47(**kw) -> S47Enquiry:
    values = {
        "s47e_s47_enquiry_id": "S1",
        "s47e_person_id": CHILD,
        "s47e_referral_id": "R1",
        "s47e_s47_start_date": date(2024, 12, 23),
        "cb_strategy_discussion_id": "SD1",
    }
    return S47Enquiry(**(values | kw))


def test_initial_conference_15_working_days_from_the_strategy_discussion() -> None:
    snap = snapshot(strategy_discussions=[discussion()], s47_enquiries=[s47()])
    item = one(items(snap, date(2025, 1, 9)), "icpc")
    assert (item.start, item.due, item.days_left) == (date(2024, 12, 20), date(2025, 1, 15), 4)
    assert item.label == "Initial conference due 15 Jan 2025, 4 working days left"
    assert item.ref == "S1" and item.person_id == CHILD


def test_initial_conference_across_easter() -> None:
    snap = snapshot(
        strategy_discussions=[discussion(date(2025, 4, 11))],
        s47_enquiries=[s47(s47e_s47_start_date=date(2025, 4, 11))],
    )
    assert one(items(snap, date(2025, 4, 14)), "icpc").due == date(2025, 5, 7)


def test_initial_conference_falls_back_to_the_s47_start() -> None:
    snap = snapshot(s47_enquiries=[s47(cb_strategy_discussion_id=None)])
    assert one(items(snap, date(2025, 1, 9)), "icpc").due == date(2025, 1, 16)


def test_initial_conference_held_late_is_missed() -> None:
    held = InitialCpConference(
        icpc_icpc_id="I1", icpc_s47_enquiry_id="S1", icpc_icpc_date=date(2025, 1, 17)
    )
    snap = snapshot(strategy_discussions=[discussion()], s47_enquiries=[s47()], icpcs=[held])
    assert items(snap, date(2025, 1, 20)) == []
    item = one(items(snap, date(2025, 1, 20), include_met=True), "icpc")
    assert (item.status, item.done, item.days_left) == ("missed", date(2025, 1, 17), -2)
    # As at the day before it was held, it was simply overdue.
    assert one(items(snap, date(2025, 1, 16)), "icpc").status == "overdue"


@pytest.mark.parametrize("flags", [{"s47e_s47_nfa": "Y"}, {"cb_icpc_not_required": "Y"}])
def test_no_conference_when_none_is_needed(flags: dict) -> None:
    snap = snapshot(strategy_discussions=[discussion()], s47_enquiries=[s47(**flags)])
    assert of(items(snap, date(2025, 2, 1), include_met=True), "icpc") == []


def cp_plan(start: date = date(2025, 1, 15), **kw) -> CpPlan:
    return CpPlan(cppl_cp_plan_id="CP1", cppl_person_id=CHILD, cppl_cp_plan_start_date=start, **kw)


def test_cp_reviews_three_months_then_six() -> None:
    snap = snapshot(cp_plans=[cp_plan()])
    assert one(items(snap, date(2025, 2, 1)), "cp_first_review").due == date(2025, 4, 15)

    review = CpReview(
        cppr_cp_review_id="RV1", cppr_cp_plan_id="CP1", cppr_cp_review_date=date(2025, 4, 10)
    )
    snap = snapshot(cp_plans=[cp_plan()], cp_reviews=[review])
    found = items(snap, date(2025, 11, 3), include_met=True)
    assert one(found, "cp_first_review").status == "met"
    later = one(found, "cp_review")
    assert (later.start, later.due, later.status) == (
        date(2025, 4, 10),
        date(2025, 10, 10),
        "overdue",
    )
    assert later.days_left == -24


def test_first_cp_review_counts_from_the_conference_and_clamps_to_month_end() -> None:
    conference = InitialCpConference(icpc_icpc_id="I1", icpc_icpc_date=date(2024, 11, 30))
    plan = cp_plan(start=date(2024, 12, 2), cppl_icpc_id="I1")
    snap = snapshot(cp_plans=[plan], icpcs=[conference])
    assert one(items(snap, date(2025, 1, 6)), "cp_first_review").due == date(2025, 2, 28)


def test_ended_plan_stops_its_clocks() -> None:
    snap = snapshot(cp_plans=[cp_plan(cppl_cp_plan_end_date=date(2025, 2, 1))])
    assert items(snap, date(2025, 6, 1)) == []
    # The visit fell due (15 Feb) was not made and the plan ended later: missed.
    late_end = snapshot(cp_plans=[cp_plan(cppl_cp_plan_end_date=date(2025, 3, 1))])
    assert one(items(late_end, date(2025, 6, 1), include_met=True), "cp_visit").status == "missed"


def test_cp_visits_monthly_and_only_when_the_child_is_seen() -> None:
    visits = [
        CpVisit(cppv_cp_visit_id="V1", cppv_cp_plan_id="CP1", cppv_cp_visit_date=date(2025, 2, 10)),
        CpVisit(
            cppv_cp_visit_id="V2",
            cppv_cp_plan_id="CP1",
            cppv_cp_visit_date=date(2025, 3, 5),
            cppv_cp_visit_seen="N",
        ),
    ]
    snap = snapshot(cp_plans=[cp_plan()], cp_visits=visits)
    item = one(items(snap, date(2025, 3, 6)), "cp_visit")
    assert (item.start, item.due, item.days_left) == (date(2025, 2, 10), date(2025, 3, 10), 4)
    assert item.label == "CP visit due 10 Mar 2025, 4 days left"


def cin_plan() -> CinPlan:
    return CinPlan(
        cinp_cin_plan_id="CIN1", cinp_person_id=CHILD, cinp_cin_plan_start_date=date(2025, 1, 6)
    )


def test_cin_visits_monthly_by_default_and_as_the_authority_sets() -> None:
    snap = snapshot(cin_plans=[cin_plan()])
    assert one(items(snap, date(2025, 1, 20)), "cin_visit").due == date(2025, 2, 6)
    four_weeks = apply_overrides([("cin_visit", 4, "weeks")])
    assert one(items(snap, date(2025, 1, 20), timescales=four_weeks), "cin_visit").due == date(
        2025, 2, 3
    )


def test_override_changes_the_conference_due_date() -> None:
    snap = snapshot(strategy_discussions=[discussion()], s47_enquiries=[s47()])
    ten = apply_overrides([("icpc", 10, "working_days")])
    assert one(items(snap, date(2025, 1, 2), timescales=ten), "icpc").due == date(2025, 1, 8)


# --- children looked after -----------------------------------------------------

CARE_START = date(2024, 12, 20)


def episode(eid: str = "E1", start: date = CARE_START, ceased: date | None = None) -> ClaEpisode:
    return ClaEpisode(
        clae_cla_episode_id=eid,
        clae_person_id=CHILD,
        clae_cla_id="LA1",
        clae_cla_episode_start_date=start,
        clae_cla_episode_ceased_date=ceased,
    )


def cla_review(rid: str, on: date, **kw) -> ClaReview:
    return ClaReview(clar_cla_review_id=rid, clar_cla_id="LA1", clar_cla_review_date=on, **kw)


def test_cla_reviews_20_working_days_then_3_months_then_6() -> None:
    snap = snapshot(cla_episodes=[episode()])
    assert one(items(snap, date(2025, 1, 6)), "cla_first_review").due == date(2025, 1, 22)

    reviews = [cla_review("RV1", date(2025, 1, 20)), cla_review("RV2", date(2025, 4, 15))]
    found = items(
        snapshot(cla_episodes=[episode()], cla_reviews=reviews), date(2025, 5, 1), include_met=True
    )
    assert one(found, "cla_first_review").status == "met"
    assert one(found, "cla_second_review").due == date(2025, 4, 20)
    assert one(found, "cla_review").due == date(2025, 10, 15)


def test_cancelled_reviews_do_not_count_and_episodes_join_into_one_period() -> None:
    episodes = [episode(), episode("E2", date(2025, 2, 3))]
    episodes[0].clae_cla_episode_ceased_date = date(2025, 2, 3)
    reviews = [cla_review("RV1", date(2025, 1, 20), clar_cla_review_cancelled="Y")]
    found = items(snapshot(cla_episodes=episodes, cla_reviews=reviews), date(2025, 2, 5))
    item = one(found, "cla_first_review")
    assert (item.status, item.due) == ("overdue", date(2025, 1, 22))


def placement(pid: str, start: date, kind: str = "U6", end: date | None = None) -> ClaPlacement:
    return ClaPlacement(
        clap_cla_placement_id=pid,
        clap_person_id=CHILD,
        clap_cla_placement_start_date=start,
        clap_cla_placement_type=kind,
        clap_cla_placement_end_date=end,
    )


def cla_visit(vid: str, on: date) -> ClaVisit:
    return ClaVisit(clav_cla_visit_id=vid, clav_person_id=CHILD, clav_cla_visit_date=on)


def test_cla_visit_a_week_after_a_new_placement_then_six_weeks() -> None:
    snap = snapshot(cla_episodes=[episode()], cla_placements=[placement("PL1", CARE_START)])
    assert one(items(snap, date(2024, 12, 23)), "cla_visit_new_placement").due == date(2024, 12, 27)

    snap.cla_visits = [cla_visit("V1", date(2024, 12, 24))]
    item = one(items(snap, date(2025, 1, 6)), "cla_visit")
    assert (item.start, item.due) == (date(2024, 12, 24), date(2025, 2, 4))


def test_new_placement_restarts_the_visit_clock() -> None:
    snap = snapshot(
        cla_episodes=[episode()],
        cla_placements=[placement("PL1", CARE_START), placement("PL2", date(2025, 1, 10))],
        cla_visits=[cla_visit("V1", date(2024, 12, 24))],
    )
    found = items(snap, date(2025, 1, 13))
    assert [i.key for i in found if "visit" in i.key] == ["cla_visit_new_placement"]
    assert one(found, "cla_visit_new_placement").due == date(2025, 1, 17)


def test_stable_long_term_placement_visits_every_12_weeks_after_a_year() -> None:
    long_term = placement("PL1", date(2023, 1, 2), kind="U4")
    visits = [cla_visit("V1", date(2023, 11, 1)), cla_visit("V2", date(2024, 3, 1))]
    snap = snapshot(
        cla_episodes=[episode(start=date(2023, 1, 2))],
        cla_placements=[long_term],
        cla_visits=visits,
    )
    found = items(snap, date(2024, 3, 4), include_met=True)
    assert one(found, "cla_visit").start == date(2023, 11, 1)  # placement under a year old
    assert one(found, "cla_visit_long_term").due == date(2024, 5, 24)

    short_term = placement("PL1", date(2023, 1, 2), kind="U6")
    snap.cla_placements = [short_term]
    assert one(items(snap, date(2024, 3, 4)), "cla_visit").due == date(2024, 4, 12)


def health(hid: str, on: date, kind: str = "HEALTH_ASSESSMENT", status: str = "DONE") -> ClaHealth:
    return ClaHealth(
        clah_health_check_id=hid,
        clah_person_id=CHILD,
        clah_health_check_date=on,
        clah_health_check_type=kind,
        clah_health_check_status=status,
    )


def test_initial_health_assessment_then_reviews_by_age() -> None:
    snap = snapshot(cla_episodes=[episode()])
    assert one(items(snap, date(2025, 1, 6)), "health_assessment").due == date(2025, 1, 22)

    snap.health_checks = [health("H1", date(2025, 1, 15))]
    assert one(items(snap, date(2025, 2, 1)), "health_review").due == date(2026, 1, 15)
    toddler = snapshot(
        dob=date(2022, 3, 1), cla_episodes=[episode()], health_checks=snap.health_checks
    )
    assert one(items(toddler, date(2025, 2, 1)), "health_review_under_5").due == date(2025, 7, 15)


def test_refused_health_check_does_not_meet_the_clock() -> None:
    snap = snapshot(
        cla_episodes=[episode()], health_checks=[health("H1", date(2025, 1, 15), status="REFUSED")]
    )
    assert one(items(snap, date(2025, 1, 23)), "health_assessment").status == "overdue"


def test_dental_check_every_12_months() -> None:
    snap = snapshot(cla_episodes=[episode()])
    assert one(items(snap, date(2025, 1, 6)), "dental_check").due == date(2025, 12, 20)
    snap.health_checks = [health("D1", date(2025, 3, 1), kind="DENTAL")]
    assert one(items(snap, date(2025, 3, 2)), "dental_check").due == date(2026, 3, 1)


def test_pep_20_school_days_then_each_term() -> None:
    snap = snapshot(cla_episodes=[episode()])
    assert one(items(snap, date(2025, 1, 6)), "pep").due == date(2025, 1, 22)
    snap.education_plans = [EducationPlan(id="PEP1", person_id=CHILD, pep_date=date(2025, 1, 20))]
    assert one(items(snap, date(2025, 2, 1)), "pep_review").due == date(2025, 5, 20)


def test_no_pep_for_a_baby() -> None:
    baby = snapshot(dob=date(2024, 6, 1), cla_episodes=[episode()])
    assert of(items(baby, date(2025, 1, 6), include_met=True), "pep") == []


def test_leaving_care_stops_the_looked_after_clocks() -> None:
    snap = snapshot(cla_episodes=[episode(ceased=date(2024, 12, 24))])
    assert items(snap, date(2025, 3, 1), include_met=True) == []
    # Left after the first visit fell due (27 Dec) without one: that one was missed.
    snap = snapshot(cla_episodes=[episode(ceased=date(2025, 1, 10))])
    found = items(snap, date(2025, 3, 1), include_met=True)
    assert [(i.key, i.status) for i in found] == [("cla_visit_new_placement", "missed")]


# --- missing, care leavers --------------------------------------------------------


def test_return_home_interview_within_72_hours() -> None:
    episode_ = Missing(
        miss_table_id="M1",
        miss_person_id=CHILD,
        miss_missing_episode_start_date=date(2025, 1, 9),
        miss_missing_episode_end_date=date(2025, 1, 10),
    )
    snap = snapshot(missing=[episode_])
    item = one(items(snap, date(2025, 1, 14)), "return_interview")
    assert (item.due, item.status, item.days_left) == (date(2025, 1, 13), "overdue", -1)
    episode_.cb_rhi_offered_date = date(2025, 1, 12)
    assert one(items(snap, date(2025, 1, 14), include_met=True), "return_interview").status == "met"


def test_still_missing_has_no_interview_due() -> None:
    away = Missing(
        miss_table_id="M1", miss_person_id=CHILD, miss_missing_episode_start_date=date(2025, 1, 9)
    )
    assert items(snapshot(missing=[away]), date(2025, 1, 20), include_met=True) == []


def test_pathway_plan_reviewed_every_six_months() -> None:
    rows = [
        CareLeaver(
            clea_table_id="CL1",
            clea_person_id=CHILD,
            clea_pathway_plan_review_date=date(2024, 6, 1),
        ),
        CareLeaver(
            clea_table_id="CL2",
            clea_person_id=CHILD,
            clea_pathway_plan_review_date=date(2025, 1, 2),
        ),
    ]
    found = items(
        snapshot(dob=date(2006, 5, 1), care_leavers=rows), date(2025, 1, 6), include_met=True
    )
    assert [(i.due, i.status) for i in of(found, "pathway_plan_review")] == [
        (date(2024, 12, 1), "missed"),
        (date(2025, 7, 2), "due"),
    ]


# --- the whole list ---------------------------------------------------------------


def test_open_items_come_soonest_first_and_history_on_request() -> None:
    snap = snapshot(
        contacts=[contact(date(2024, 12, 18), date(2024, 12, 19))],
        referrals=[referral()],
        assessments=[assessment()],
        strategy_discussions=[discussion()],
        s47_enquiries=[s47()],
    )
    found = items(snap, date(2024, 12, 23))
    assert [i.key for i in found] == ["child_seen", "icpc", "assessment"]
    assert all(i.status == "due" for i in found)
    history = items(snap, date(2024, 12, 23), include_met=True)
    assert [i.key for i in history][0] == "contact_decision"


def test_nothing_starts_before_its_date() -> None:
    snap = snapshot(strategy_discussions=[discussion()], s47_enquiries=[s47()])
    assert items(snap, date(2024, 12, 19), include_met=True) == []
