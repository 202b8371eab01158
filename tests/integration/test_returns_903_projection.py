"""The SSDA903 projected from the record: what the DfE's return would hold.

Tiny hand-built records (through ``record.services``) for the projection's
known faults: the record as it stood at 31 March, social worker episodes of
the periods of care, former UASC children, missing periods before care, and
adoption decisions of an earlier period of care. Runs on SQLite and
PostgreSQL (``db_session`` rolls back).
"""

from __future__ import annotations

from datetime import date

from casebook.record import services
from casebook.record.models import (
    ClaEpisode,
    ClaPlacement,
    ImmigrationStatus,
    Involvement,
    LegalStatus,
    Missing,
    Permanence,
    Person,
    Professional,
)
from casebook.returns.ssda903 import validate
from casebook.returns.ssda903.project import from_record

YEAR = 2025  # 1 April 2024 to 31 March 2025
ACTOR = services.Actor("returns-test")
ROLE = "Allocated social worker"


def add(session, model, **values):
    return services.add_record(session, model, values, ACTOR)


def child(session, pid: str, dob: date = date(2012, 5, 1)) -> None:
    add(session, Person, pers_person_id=pid, pers_sex="M", pers_dob=dob, pers_ethnicity="WBRI")


def episode(session, pid, n, start, ceased=None, rne="S", rec=None, cla="CLA1", ls="C2"):
    """An episode in a placement of its own (U1, with postcodes) and its legal status."""
    placement = f"{pid}-PL{n}"
    add(
        session,
        ClaPlacement,
        clap_cla_placement_id=placement,
        clap_cla_id=f"{pid}-{cla}",
        clap_person_id=pid,
        clap_cla_placement_start_date=start,
        clap_cla_placement_end_date=ceased,
        clap_cla_placement_type="U1",
        clap_cla_placement_provider="PR1",
        clap_cla_placement_postcode="ZZ1 1AA",
        clap_cla_placement_urn="XXXXXXX",
        clap_cla_placement_change_reason="CHILD" if ceased else None,
    )
    add(
        session,
        LegalStatus,
        lega_person_id=pid,
        lega_legal_status=ls,
        lega_legal_status_start_date=start,
        lega_legal_status_end_date=ceased,
    )
    add(
        session,
        ClaEpisode,
        clae_cla_episode_id=f"{pid}-E{n}",
        clae_person_id=pid,
        clae_cla_id=f"{pid}-{cla}",
        clae_cla_placement_id=placement,
        clae_cla_episode_start_date=start,
        clae_cla_episode_start_reason=rne,
        clae_cla_primary_need_code="N1",
        clae_cla_episode_ceased_date=ceased,
        clae_cla_episode_ceased_reason=rec,
    )


def worker(session, pid, start, end=None, reason=None):
    if session.get(Professional, "PROF1") is None:
        add(
            session,
            Professional,
            prof_professional_id="PROF1",
            prof_social_worker_registration_no="SW123456",
        )
    add(
        session,
        Involvement,
        invo_person_id=pid,
        invo_professional_id="PROF1",
        invo_professional_role_id=ROLE,
        invo_involvement_start_date=start,
        invo_involvement_end_date=end,
        invo_worker_change_reason=reason,
    )


def rules_failed(data) -> set[str]:
    return {e.rule for e in validate(data)}


def test_the_return_shows_the_record_as_it_stood_at_31_march(db_session) -> None:
    s = db_session
    child(s, "C1")
    # care from June 2024; the first episode ends after 31 March, the next starts after it
    episode(s, "C1", 1, date(2024, 6, 1), date(2025, 5, 1), rec="X1")
    episode(s, "C1", 2, date(2025, 5, 1), rne="P")
    worker(s, "C1", date(2024, 6, 1), date(2025, 4, 10), "LEFT")
    worker(s, "C1", date(2025, 4, 10))
    add(
        s,
        Missing,
        miss_person_id="C1",
        miss_missing_episode_type="M",
        miss_missing_episode_start_date=date(2025, 3, 20),
        miss_missing_episode_end_date=date(2025, 4, 5),
    )
    add(
        s,
        Permanence,
        perm_person_id="C1",
        perm_cla_id="C1-CLA1",
        perm_adm_decision_date=date(2024, 10, 1),
        perm_decision_reversed_date=date(2025, 4, 20),
        perm_decision_reversed_reason="RD1",
    )
    add(
        s,
        Permanence,
        perm_person_id="C1",
        perm_cla_id="C1-CLA1",
        perm_adm_decision_date=date(2025, 4, 25),
    )
    data = from_record(s, YEAR)
    (ep,) = data.rows("Episodes")
    assert (ep["DECOM"], ep["DEC"], ep["REC"], ep["REASON_PLACE_CHANGE"]) == (
        "01/06/2024",
        None,
        None,
        None,
    )
    (sw,) = data.rows("SWEpisodes")
    assert (sw["SW_DECOM"], sw["SW_DEC"]) == ("01/06/2024", None)
    (ms,) = data.rows("Missing")
    assert (ms["MIS_START"], ms["MIS_END"]) == ("20/03/2025", None)
    (pa,) = data.rows("PlacedAdoption")
    assert (pa["DATE_PLACED"], pa["DATE_PLACED_CEASED"], pa["REASON_PLACED_CEASED"]) == (
        "01/10/2024",
        None,
        None,
    )
    assert not rules_failed(data) & {"385", "388", "SW07STG2", "571", "117"}
    # the next year's return has the end dates
    later = from_record(s, YEAR + 1)
    assert [r["DEC"] for r in later.rows("Episodes")] == ["01/05/2025", None]


def test_social_worker_episodes_are_those_of_the_periods_of_care(db_session) -> None:
    s = db_session
    child(s, "C2")
    # an earlier referral's worker, in the year but before care
    worker(s, "C2", date(2024, 4, 2), date(2024, 5, 1), "CLOSED")
    # care from September to January, its worker starting the day care began
    worker(s, "C2", date(2024, 8, 1), date(2024, 9, 1), "TRANSFER")
    episode(s, "C2", 1, date(2024, 9, 1), date(2025, 1, 10), rec="E4A")
    worker(s, "C2", date(2024, 9, 1), date(2025, 1, 10), "CLOSED")
    # a later referral's worker
    worker(s, "C2", date(2025, 2, 1))
    data = from_record(s, YEAR)
    assert [(r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in data.rows("SWEpisodes")] == [
        ("01/09/2024", "10/01/2025", None)
    ]
    assert "SW10STG2" not in rules_failed(data)


def test_a_child_looked_after_on_31_march_has_the_whole_years_workers(db_session) -> None:
    s = db_session
    child(s, "C6")
    # the DfE's SW12: every social worker episode of the year, even before care began
    worker(s, "C6", date(2024, 3, 1), date(2024, 7, 1), "TRANSFER")
    worker(s, "C6", date(2024, 7, 1), date(2024, 9, 1), "CHANGE")
    episode(s, "C6", 1, date(2024, 9, 1))
    worker(s, "C6", date(2024, 9, 1))
    data = from_record(s, YEAR)
    assert [r["SW_DECOM"] for r in data.rows("SWEpisodes")] == [
        "01/03/2024",
        "01/07/2024",
        "01/09/2024",
    ]
    assert not {r for r in rules_failed(data) if r.startswith("SW")}


def test_a_former_uasc_child_needs_no_home_postcode(db_session) -> None:
    s = db_session
    child(s, "C3", dob=date(2008, 1, 1))
    add(
        s,
        ImmigrationStatus,
        immi_person_id="C3",
        immi_immigration_status="UASC",
        immi_immigration_status_start_date=date(2022, 6, 1),
        immi_immigration_status_end_date=date(2024, 1, 10),
    )
    episode(s, "C3", 1, date(2024, 5, 1))  # no home address: the child has none here
    data = from_record(s, YEAR)
    assert data.uasc_before == {"C3"}
    assert data.rows("UASC") == []  # ceased before the year: rule 104 would refuse its DUC
    assert not rules_failed(data) & {"392B", "104"}
    # UASC longer ago than the two years before: the home postcode is due again
    assert "392B" in rules_failed(from_record(s, YEAR + 2))


def test_missing_from_home_before_care_is_not_in_the_return(db_session) -> None:
    s = db_session
    child(s, "C4")
    for start, end in ((date(2024, 5, 1), date(2024, 5, 2)), (date(2024, 7, 1), None)):
        add(
            s,
            Missing,
            miss_person_id="C4",
            miss_missing_episode_type="M",
            miss_missing_episode_start_date=start,
            miss_missing_episode_end_date=end,
        )
    episode(s, "C4", 1, date(2024, 6, 1))
    data = from_record(s, YEAR)
    assert [r["MIS_START"] for r in data.rows("Missing")] == ["01/07/2024"]
    assert "578" not in rules_failed(data)


def test_an_adoption_decision_of_an_earlier_period_of_care_is_left_out(db_session) -> None:
    s = db_session
    child(s, "C5", dob=date(2020, 1, 1))
    episode(s, "C5", 1, date(2022, 1, 1), date(2023, 1, 1), rec="E13", cla="CLA1")
    episode(s, "C5", 2, date(2024, 5, 1), cla="CLA2")
    for cla, day in (("C5-CLA1", date(2022, 6, 1)), (None, date(2022, 7, 1))):
        add(
            s,
            Permanence,
            perm_person_id="C5",
            perm_cla_id=cla,
            perm_adm_decision_date=day,
            perm_decision_reversed_date=date(2022, 12, 1),
            perm_decision_reversed_reason="RD1",
        )
    add(
        s,
        Permanence,
        perm_person_id="C5",
        perm_cla_id=None,
        perm_adm_decision_date=date(2024, 9, 1),
    )
    data = from_record(s, YEAR)
    assert [r["DATE_PLACED"] for r in data.rows("PlacedAdoption")] == ["01/09/2024"]
    assert "1003" not in rules_failed(data)
