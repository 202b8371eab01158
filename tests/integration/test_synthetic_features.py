"""The synthetic authority feeds the newer features: MACE meetings, early help
assessments, plans and Outcome Stars, management oversight, and statutory returns
the DfE's rules accept (CIN census; SSDA903 where the generator is the cause).

One small city per engine for the whole module (generated once; tests only read).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from tests.conftest import BACKENDS, new_database

from casebook.interchange.synthetic import early_help as synthetic_early_help
from casebook.interchange.synthetic import generate
from casebook.interchange.synthetic import oversight as synthetic_oversight
from casebook.interchange.synthetic.workforce import username

AS_AT = date(2025, 3, 31)
SCALE = 0.05


@pytest.fixture(scope="module", params=BACKENDS)
def city(request, tmp_path_factory) -> Iterator[Engine]:
    engine, drop = new_database(request.param, tmp_path_factory)
    generate(engine, scale=SCALE, seed=4, as_at=AS_AT)
    yield engine
    drop()


def _rows(engine: Engine, sql: str, **params: object) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --------------------------------------------------------------------------- MACE


def test_significant_and_serious_screenings_lead_to_mace_meetings(city: Engine):
    screenings = _rows(
        city,
        "SELECT s.id, s.risk_level, s.screening_date, s.mace_date, "
        "(SELECT max(m.meeting_date) FROM cb_mace_meeting m WHERE m.screening_id = s.id), "
        "(SELECT count(*) FROM cb_mace_meeting m WHERE m.screening_id = s.id) "
        "FROM exploitation_screening s",
    )
    held = Counter(risk for _, risk, _, _, _, n in screenings if n)
    assert held["SIGNIFICANT"] and held["SERIOUS"]
    assert held["AT_RISK"] == 0  # a screening at risk only is not taken to MACE
    for sid, _risk, _screened, mace_date, latest, _n in screenings:
        # the screening carries the date of its latest meeting, as the workflow leaves it
        assert (None if mace_date is None else _day(mace_date)) == (
            None if latest is None else _day(latest)
        ), sid
    assert any(n == 2 for *_, n in screenings)  # serious cases come back to MACE

    meetings = _rows(
        city,
        "SELECT m.person_id, s.person_id, m.meeting_date, s.screening_date, m.risk_level, "
        "m.actions FROM cb_mace_meeting m JOIN exploitation_screening s ON s.id = m.screening_id",
    )
    assert meetings
    for person, screened_person, met, screened, risk, actions in meetings:
        assert person == screened_person
        assert _day(screened) <= _day(met) <= AS_AT
        assert risk in ("AT_RISK", "SIGNIFICANT", "SERIOUS")
        assert actions


# --------------------------------------------------------------------------- early help


def test_star_areas_are_the_workflows():
    from casebook.record.workflows.early_help import STAR_AREAS

    assert tuple(key for key, _ in STAR_AREAS) == synthetic_early_help.STAR_AREAS


def test_early_help_episodes_have_assessments_plans_and_outcome_stars(city: Engine):
    episodes = {
        eid: (pid, _day(start), _day(end) if end else None)
        for eid, pid, start, end in _rows(
            city,
            "SELECT earl_episode_id, earl_person_id, earl_episode_start_date, "
            "earl_episode_end_date FROM ssd_early_help_episodes",
        )
    }
    assessed = {
        eid: (pid, _day(d))
        for eid, pid, d in _rows(
            city, "SELECT episode_id, person_id, assessment_date FROM cb_early_help_assessment"
        )
    }
    planned = {
        eid: (pid, _day(d))
        for eid, pid, d in _rows(
            city, "SELECT episode_id, person_id, plan_date FROM cb_early_help_plan"
        )
    }
    assert len(assessed) > 0.8 * len(episodes)
    assert len(planned) > 0.8 * len(episodes)

    def within(eid: str, pid: str, day: date) -> None:
        owner, start, end = episodes[eid]
        assert pid == owner
        assert start <= day <= min(end or AS_AT, AS_AT)

    for eid, (pid, day) in assessed.items():
        within(eid, pid, day)
    for eid, (pid, day) in planned.items():
        within(eid, pid, day)
        assert day >= assessed[eid][1]  # the plan follows the assessment

    readings: dict[str, list] = {}
    for eid, pid, day, reading, scores, total in _rows(
        city,
        "SELECT episode_id, person_id, star_date, reading, scores_json, total "
        "FROM cb_outcome_star ORDER BY episode_id, star_date",
    ):
        within(eid, pid, _day(day))
        values = json.loads(scores)
        assert tuple(values) == synthetic_early_help.STAR_AREAS
        assert all(isinstance(v, int) and 1 <= v <= 10 for v in values.values())
        assert total == sum(values.values())
        readings.setdefault(eid, []).append((reading, _day(day), total))
    assert readings
    for eid, found in readings.items():
        assert [r for r, _, _ in found] == ["baseline"] + ["review"] * (len(found) - 1)
        assert found[0][1] >= planned[eid][1]
    # families whose needs were met climb the star
    met = _rows(
        city,
        "SELECT earl_episode_id FROM ssd_early_help_episodes "
        "WHERE earl_episode_end_reason = 'OUTCOMES_MET'",
    )
    climbs = [r[-1][2] - r[0][2] for (e,) in met if len(r := readings.get(e, [])) > 1]
    assert climbs and sum(climbs) / len(climbs) > 3


# --------------------------------------------------------------------------- oversight


def test_assessments_are_authorised_by_a_team_manager_and_some_await_one(city: Engine):
    managers = {
        username(name)
        for (name,) in _rows(
            city,
            "SELECT prof_professional_name FROM ssd_professionals "
            "WHERE prof_professional_job_title = 'Team Manager'",
        )
    }
    rows = _rows(
        city,
        "SELECT cina_assessment_start_date, cina_assessment_auth_date, "
        "cina_assessment_child_seen, cb_child_seen_date, cb_completed_on, "
        "cb_authorisation_status, cb_authorised_by, cb_authorised_on, "
        "cina_assessment_outcome_json FROM ssd_cin_assessments",
    )
    status = Counter(r[5] for r in rows)
    assert status[synthetic_oversight.AUTHORISED] > 0.9 * len(rows)
    for start, auth, seen, seen_on, completed, state, by, on, outcome in rows:
        start = _day(start)
        assert (seen == "Y") == (seen_on is not None)
        if seen_on is not None:
            assert start <= _day(seen_on) <= AS_AT
        if state == synthetic_oversight.AUTHORISED:
            assert by in managers
            assert _day(on) == _day(auth)
            assert start <= _day(completed) <= _day(on)
        elif state == synthetic_oversight.AWAITING:
            assert auth is None and by is None and on is None
            assert _day(completed) <= AS_AT and outcome is not None
        else:
            assert state is None and auth is None and completed is None


def test_plans_are_authorised_and_the_newest_await_a_manager(city: Engine):
    awaiting = 0
    for table, key, start_col, end_col in (
        ("ssd_cin_plans", "cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
        ("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    ):
        rows = _rows(
            city,
            f"SELECT {key}, {start_col}, {end_col}, cb_authorisation_status, cb_authorised_by, "
            f"cb_authorised_on FROM {table}",
        )
        assert rows
        for _pid, start, end, state, by, on in rows:
            if state == synthetic_oversight.AUTHORISED:
                assert by and _day(start) <= _day(on) <= AS_AT
                assert end is None or _day(on) <= _day(end)
            else:
                assert state == synthetic_oversight.AWAITING and by is None and on is None
                awaiting += 1
    items = _rows(
        city,
        "SELECT cina_person_id FROM ssd_cin_assessments WHERE cb_authorisation_status = 'awaiting' "
        "UNION SELECT cinp_person_id FROM ssd_cin_plans WHERE cb_authorisation_status = 'awaiting' "
        "UNION SELECT cppl_person_id FROM ssd_cp_plans WHERE cb_authorisation_status = 'awaiting'",
    )
    assert items, "no manager has anything to authorise"

    from casebook.record.workflows.framework import AUTHORISED, AWAITING, child_state

    assert (AWAITING, AUTHORISED) == (synthetic_oversight.AWAITING, synthetic_oversight.AUTHORISED)
    with Session(city) as session:
        state = child_state(session, items[0][0], AS_AT)
    assert state.awaiting_authorisation  # what the manager's authorise step offers


# --------------------------------------------------------------------------- returns


def test_the_cin_census_of_the_city_fails_only_the_fictional_la_code(city: Engine):
    from casebook.returns.cin import from_record, validate

    with Session(city) as session:
        found = Counter(e.rule for e in validate(from_record(session, 2025), 2025))
    # 1530: the synthetic UPNs carry the fictional LA code 999, on purpose
    assert set(found) <= {"1530"}, found


def test_the_903_has_no_failure_the_generator_causes(city: Engine):
    ssda903 = pytest.importorskip("casebook.returns.ssda903")
    with Session(city) as session:
        found = Counter(e.rule for e in ssda903.validate(ssda903.from_record(session, 2025)))
    generator_caused = {"145", "304", "378", "516", "520", "529", "553", "SW09STG2"}
    assert not generator_caused & set(found), found
