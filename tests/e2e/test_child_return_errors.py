"""A child's record shows the return errors it would raise today, and a change
to the record that breaks a DfE rule shows up there at once."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.orm import Session

from casebook.record.models import ClaEpisode, ClaPlacement, LegalStatus, Person
from tests.e2e.webkit import make_user, signed_in


def _looked_after_child(engine, ethnicity: str | None) -> str:
    """A 14-year-old in care since the start of this collection year."""
    child = f"RE-{uuid.uuid4().hex[:8]}"
    today = date.today()
    start = date(today.year if today.month > 4 else today.year - 1, 4, 2)
    with Session(engine) as s:
        s.add(
            Person(
                pers_person_id=child,
                pers_forename="Return",
                pers_surname="Errors",
                pers_sex="M",
                pers_ethnicity=ethnicity,
                pers_dob=today - timedelta(days=365 * 14 + 100),
            )
        )
        s.flush()
        s.add(
            ClaEpisode(
                clae_cla_episode_id=f"E-{child}",
                clae_person_id=child,
                clae_cla_episode_start_date=start,
                clae_cla_episode_start_reason="S",
                clae_cla_primary_need_code="N1",
                clae_cla_id=f"CLA-{child}",
                clae_entered_care_date=start,
            )
        )
        s.add(
            ClaPlacement(
                clap_cla_placement_id=f"P-{child}",
                clap_person_id=child,
                clap_cla_id=f"CLA-{child}",
                clap_cla_placement_start_date=start,
                clap_cla_placement_type="U1",
                clap_cla_placement_provider="PR1",
                clap_cla_placement_postcode="FM1 1AA",
            )
        )
        s.add(
            LegalStatus(
                lega_legal_status_id=f"L-{child}",
                lega_person_id=child,
                lega_legal_status="C2",
                lega_legal_status_start_date=start,
            )
        )
        s.commit()
    return child


def test_the_record_shows_the_rule_a_missing_ethnicity_breaks(engine):
    officer = signed_in(engine, make_user(engine, "performance_officer"))
    fostered = _looked_after_child(engine, "WBRI")
    independent = _looked_after_child(engine, None)  # no ethnicity: SSDA903 rule 103

    assert f'href="/children/{fostered}/return-errors"' in officer.get(f"/children/{fostered}").text
    fine = officer.get(f"/children/{fostered}/return-errors")
    broken = officer.get(f"/children/{independent}/return-errors")
    assert fine.status_code == broken.status_code == 200
    assert '<td class="govuk-table__cell">103</td>' not in fine.text
    assert '<td class="govuk-table__cell">103</td>' in broken.text
    assert "Header.ETHNIC" in broken.text


def test_a_councillor_never_sees_a_childs_return_errors(engine):
    child = _looked_after_child(engine, None)
    councillor = signed_in(engine, make_user(engine, "councillor"))
    assert councillor.get(f"/children/{child}/return-errors").status_code == 403
