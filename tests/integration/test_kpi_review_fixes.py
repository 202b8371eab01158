"""Review fixes to the KPI catalogue, on hand-built children (database and SSD export):
as-at measures do not move with the period's start; CL1/CL2 for ages 17-18, CL3 for
all care leavers, the latest care leaver row by contact date; LA12's 72 hours; the
data quality check "missing date first seen"; and what is judged from a suppressed
figure (RAG, direction, rank, quartile) is withheld with it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from casebook.access import suppression
from casebook.access.roles import Role
from casebook.interchange.ssd_export import export_ssd
from casebook.performance import data_quality, packs
from casebook.performance.catalogue import CATALOGUE, Kind
from casebook.performance.engine import (
    DatabaseSource,
    Result,
    SsdFolderSource,
    children_behind,
    compute,
)
from casebook.record.models import (
    CareLeaver,
    CinAssessment,
    CinEpisode,
    ClaEpisode,
    ClaPlacement,
    ClaReview,
    CpPlan,
    CpReview,
    Missing,
    Person,
)

AS_AT = date(2025, 9, 30)
#: The year, the third quarter and September: the same as-at date, three starts.
STARTS = (None, date(2025, 7, 1), date(2025, 9, 1))
d = date.fromisoformat


def build(session: Session) -> None:
    rows: list = [
        Person(pers_person_id=pid, pers_dob=d(dob))
        for pid, dob in {
            "RF-LA": "2015-01-01",
            "RF-CP": "2016-01-01",
            "RF-17": "2008-01-15",  # 17 at the as-at date
            "RF-20": "2005-01-15",  # 20
            "RF-24": "2001-01-15",  # 24
            "RF-SEEN": "2014-01-01",
            "RF-UNSEEN": "2014-01-01",
            "RF-MISS": "2012-01-01",
        }.items()
    ]
    # Looked after since January 2024: three placements in the year to the as-at date,
    # the first ending in November 2024 (before the quarter).
    rows += [
        ClaEpisode(
            clae_cla_episode_id="RFE-LA",
            clae_person_id="RF-LA",
            clae_cla_episode_start_date=d("2024-01-01"),
            clae_cla_id="RFC-LA",
        ),
        *(
            ClaPlacement(
                clap_cla_placement_id=pid,
                clap_person_id="RF-LA",
                clap_cla_id="RFC-LA",
                clap_cla_placement_start_date=d(start),
                clap_cla_placement_end_date=d(end) if end else None,
                clap_cla_placement_type="U1",
            )
            for pid, start, end in (
                ("RFP-1", "2024-01-01", "2024-11-15"),
                ("RFP-2", "2024-11-15", "2025-08-01"),
                ("RFP-3", "2025-08-01", None),
            )
        ),
        # Reviews all in time except one in April 2025 (in the year, before the quarter).
        *(
            ClaReview(
                clar_cla_review_id=rid,
                clar_cla_id="RFC-LA",
                clar_cla_review_due_date=d(due),
                clar_cla_review_date=d(held),
                clar_cla_review_cancelled="N",
            )
            for rid, due, held in (
                ("RFR-1", "2024-01-29", "2024-01-20"),
                ("RFR-2", "2024-04-20", "2024-04-15"),
                ("RFR-3", "2024-10-15", "2024-10-10"),
                ("RFR-4", "2025-04-10", "2025-04-20"),
                ("RFR-5", "2025-10-10", "2025-09-20"),
            )
        ),
        # A CP plan whose March 2025 review was late.
        CpPlan(
            cppl_cp_plan_id="RFCP",
            cppl_person_id="RF-CP",
            cppl_cp_plan_start_date=d("2024-06-01"),
        ),
        *(
            CpReview(
                cppr_cp_review_id=rid,
                cppr_person_id="RF-CP",
                cppr_cp_plan_id="RFCP",
                cppr_cp_review_due=d(due),
                cppr_cp_review_date=d(held),
            )
            for rid, due, held in (
                ("RFCR-1", "2024-09-01", "2024-09-01"),
                ("RFCR-2", "2025-03-01", "2025-03-10"),
                ("RFCR-3", "2025-09-10", "2025-09-01"),
            )
        ),
        # Care leavers: 17, 20 (two rows: "RFL9" older contact, "RFL10" the latest) and 24.
        CareLeaver(
            clea_table_id="RFL-17",
            clea_person_id="RF-17",
            clea_care_leaver_in_touch="YES",
            clea_care_leaver_accom_suitable="Y",
            clea_care_leaver_activity="F1",
        ),
        CareLeaver(
            clea_table_id="RFL9",
            clea_person_id="RF-20",
            clea_care_leaver_in_touch="NO",
            clea_care_leaver_latest_contact=d("2024-01-01"),
            clea_care_leaver_accom_suitable="N",
        ),
        CareLeaver(
            clea_table_id="RFL10",
            clea_person_id="RF-20",
            clea_care_leaver_in_touch="YES",
            clea_care_leaver_latest_contact=d("2025-06-01"),
            clea_care_leaver_accom_suitable="Y",
        ),
        CareLeaver(
            clea_table_id="RFL-24",
            clea_person_id="RF-24",
            clea_care_leaver_in_touch="NO",
        ),
        # Missing episodes: interviews offered 3 days after the return, 4 days after, and
        # offered (the SSD's flag) with no date.
        *(
            Missing(
                miss_table_id=mid,
                miss_person_id="RF-MISS",
                miss_missing_episode_start_date=d(back),
                miss_missing_episode_end_date=d(back),
                miss_missing_episode_type="M",
                miss_missing_rhi_offered="Y",
                cb_rhi_offered_date=d(offered) if offered else None,
            )
            for mid, back, offered in (
                ("RFM-3", "2025-03-03", "2025-03-06"),
                ("RFM-4", "2025-04-07", "2025-04-11"),
                ("RFM-X", "2025-05-05", None),
            )
        ),
        # Data quality: two assessments recording the child seen, one with the date.
        *(
            CinEpisode(
                cine_referral_id=f"RFREF-{who}",
                cine_person_id=f"RF-{who}",
                cine_referral_date=d("2025-02-03"),
                cine_referral_nfa="N",
            )
            for who in ("SEEN", "UNSEEN")
        ),
        *(
            CinAssessment(
                cina_assessment_id=f"RFA-{who}",
                cina_person_id=f"RF-{who}",
                cina_referral_id=f"RFREF-{who}",
                cina_assessment_start_date=d("2025-02-04"),
                cina_assessment_auth_date=d("2025-03-20"),
                cina_assessment_child_seen="Y",
                cb_child_seen_date=d("2025-02-05") if who == "SEEN" else None,
            )
            for who in ("SEEN", "UNSEEN")
        ),
    ]
    for row in rows:
        session.add(row)
        session.flush()


@pytest.fixture
def sources(db_session: Session, tmp_path: Path):
    build(db_session)
    conn = db_session.connection()
    export_ssd(conn, tmp_path / "ssd")
    folder = SsdFolderSource(tmp_path / "ssd")
    yield DatabaseSource(conn), folder
    folder.close()


def numerators(source, measure_id: str, start: date | None = None) -> dict[str, bool]:
    return {r.record_id: r.in_numerator for r in children_behind(source, measure_id, AS_AT, start)}


# --------------------------------------------------------------------------- as-at measures


def test_every_as_at_measure_is_the_same_whatever_the_periods_start(sources) -> None:
    as_at = [m.id for m in CATALOGUE if m.kind is Kind.AS_AT]
    assert {"LA2", "LA4", "CP8"} <= set(as_at)
    for source in sources:
        year = compute(source, AS_AT, measures=as_at)
        for start in STARTS[1:]:
            assert compute(source, AS_AT, start=start, measures=as_at) == year, start
            for measure_id in as_at:
                assert children_behind(source, measure_id, AS_AT, start) == children_behind(
                    source, measure_id, AS_AT
                ), (measure_id, start)


def test_placements_and_reviews_look_back_a_year_from_the_as_at_date(sources) -> None:
    for source in sources:
        for start in STARTS:
            # Three placements in the 12 months to 30 September 2025, whatever the start.
            assert numerators(source, "LA2", start) == {"RFE-LA": True}
            # The late April and March reviews are in that year: not all in time.
            assert numerators(source, "LA4", start) == {"RFE-LA": False}
            assert numerators(source, "CP8", start) == {"RFCP": False}


# --------------------------------------------------------------------------- care leavers


def test_care_leavers_17_to_18_have_their_own_measures(sources) -> None:
    for source in sources:
        assert numerators(source, "CL1Y") == {"RFL-17": True}
        assert numerators(source, "CL2Y") == {"RFL-17": True}
        assert numerators(source, "CL1") == {"RFL10": True}  # 19-21 only
        assert "RFL-17" not in numerators(source, "CL2")


def test_in_touch_counts_every_care_leaver(sources) -> None:
    for source in sources:
        assert numerators(source, "CL3") == {"RFL-17": True, "RFL10": True, "RFL-24": False}


def test_the_latest_care_leaver_row_is_the_latest_contact_not_the_highest_id_text(
    sources,
) -> None:
    for source in sources:
        # "RFL9" > "RFL10" as text, but RFL10 records the later contact.
        assert numerators(source, "CL1") == {"RFL10": True}


# --------------------------------------------------------------------------- LA12


def test_return_interviews_are_offered_within_72_hours(sources) -> None:
    db, ssd = sources
    assert numerators(db, "LA12") == {"RFM-3": True, "RFM-4": False, "RFM-X": False}
    (la12,) = compute(db, AS_AT, measures=["LA12"])
    assert (la12.numerator, la12.denominator) == (1, 3)
    # The SSD records whether an interview was offered, not when.
    (from_ssd,) = compute(ssd, AS_AT, measures=["LA12"])
    assert not from_ssd.available and from_ssd.value is None and from_ssd.note
    assert children_behind(ssd, "LA12", AS_AT) == []


# --------------------------------------------------------------------------- data quality


def test_missing_date_first_seen(db_session: Session) -> None:
    build(db_session)
    assert "first_seen" in data_quality.CHECK_KEYS
    found = data_quality.findings_for(db_session, "first_seen", AS_AT)
    ours = {f.record_id for f in found if f.person_id.startswith("RF-")}
    assert ours == {"RFA-UNSEEN"}  # RFA-SEEN records the day the child was seen
    assert data_quality.counts(db_session, AS_AT)["first_seen"] >= 1


# --------------------------------------------------------------------------- judgements


def _measure(value, numerator, denominator, previous=(40.0, 20, 50)) -> dict:
    return {
        "id": "R2",
        "title": "Re-referrals",
        "unit": "percent",
        "better": "lower",
        "area": "R",
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "target": {"target": 20.0, "tolerance": 2.0},
        "rag": "green",
        "previous": previous[0],
        "previous_counts": list(previous[1:]),
        "direction": "better",
        "series": [],
        "series_counts": [],
        "comparison": {"rank": 3, "out_of": 30, "quartile": 1, "published": None},
    }


def test_rag_direction_rank_and_quartile_are_withheld_with_a_suppressed_figure() -> None:
    hidden = packs.present_measure(_measure(10.0, 2, 20), Role.COUNCILLOR)
    assert hidden["value"] == "c"
    assert hidden["rag"] is None and hidden["direction"] is None
    assert hidden["comparison"]["rank"] is None and hidden["comparison"]["quartile"] is None
    # Published packs (the public) go the same way.
    published = packs.for_publication({"measures": [_measure(10.0, 2, 20)]})
    assert published["measures"][0]["rag"] is None
    assert published["measures"][0]["comparison"]["rank"] is None
    # A figure shown keeps them; people who may see children see them all.
    shown = packs.present_measure(_measure(10.0, 5, 50), Role.COUNCILLOR)
    assert (shown["value"], shown["rag"], shown["direction"]) == (10, "green", "better")
    assert shown["comparison"]["rank"] == 3
    assert packs.for_viewer({"measures": [_measure(10.0, 2, 20)]}, Role.SOCIAL_WORKER)["measures"][
        0
    ]["rag"] == ("green")


def test_direction_is_withheld_when_the_previous_figure_was_suppressed() -> None:
    shown = packs.present_measure(_measure(10.0, 5, 50, previous=(50.0, 2, 4)), None)
    assert shown["value"] == 10 and shown["previous"] == "c"
    assert shown["direction"] is None and shown["rag"] == "green"


def test_a_rank_from_the_authoritys_own_published_figure_is_public_and_kept() -> None:
    m = _measure(10.0, 2, 20)
    m["comparison"] = {**m["comparison"], "published": 12.0}
    shown = packs.present_measure(m, None)
    assert shown["value"] == "c" and shown["comparison"]["rank"] == 3


def test_secondary_suppression_of_a_breakdown() -> None:
    def r(n: int) -> Result:
        return Result("LA1", n, n, None, "count")

    top, parts = suppression.present_breakdown(r(10), [r(9), r(1)], Role.COUNCILLOR)
    assert top.value == 10 and [p.value for p in parts] == ["c", "c"]
    # The next smallest that is not zero is hidden; the larger group stays.
    top, parts = suppression.present_breakdown(r(30), [r(20), r(1), r(0), r(9)], Role.COUNCILLOR)
    assert [p.value for p in parts] == [20, "c", 0, "c"]
    # Two hidden groups already protect each other; the whole hidden: nothing to add.
    _, parts = suppression.present_breakdown(r(25), [r(20), r(2), r(3)], Role.COUNCILLOR)
    assert [p.value for p in parts] == [20, "c", "c"]
    _, parts = suppression.present_breakdown(r(4), [r(4), r(0)], Role.COUNCILLOR)
    assert [p.value for p in parts] == ["c", 0]
    # Percentages: a hidden numerator hides the next smallest numerator.
    pct = [Result("R2", 20.0, 2, 10, "percent"), Result("R2", 30.0, 6, 20, "percent"),
           Result("R2", 50.0, 20, 40, "percent")]  # fmt: skip
    _, parts = suppression.present_breakdown(
        Result("R2", 40.0, 28, 70, "percent"), pct, Role.COUNCILLOR
    )
    assert [(p.value, p.numerator, p.denominator) for p in parts] == [
        ("c", "c", 10),
        ("c", "c", 20),
        (50, 20, 40),
    ]
    # Roles that see children get every figure.
    _, parts = suppression.present_breakdown(r(10), [r(9), r(1)], Role.SOCIAL_WORKER)
    assert [p.value for p in parts] == [9, 1]
