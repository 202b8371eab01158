"""Who may see which child: the one policy, checked role by role on a hand-built world."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.access.models import AppUser, AuditSample, RecordRestriction
from casebook.access.policy import User, allowed, can_see_child
from casebook.access.roles import PERMISSIONS, Action, Role
from casebook.record.models import Contact, Department, Involvement, Person, Professional

TODAY = date(2025, 6, 2)


@pytest.fixture
def world(db_session):
    s = db_session
    s.add_all(
        [
            Department(dept_team_id="SVC", dept_team_name="Safeguarding"),
            Department(
                dept_team_id="LOC", dept_team_name="North Locality", dept_team_parent_id="SVC"
            ),
            Department(dept_team_id="T1", dept_team_name="North Team 1", dept_team_parent_id="LOC"),
            Department(dept_team_id="T2", dept_team_name="North Team 2", dept_team_parent_id="LOC"),
            Department(dept_team_id="OTHER", dept_team_name="Children in Care"),
            Department(dept_team_id="MASH", dept_team_name="Front Door", cb_front_door="Y"),
            Professional(prof_professional_id="W1", prof_professional_name="Wren Ashdown"),
            Professional(prof_professional_id="W2", prof_professional_name="Ivo Marchbank"),
        ]
    )
    for pid in ("MINE", "TEAM", "OTHERTEAM", "CLOSED", "CONTACTED", "RESTRICTED", "SAMPLED"):
        s.add(Person(pers_person_id=pid, pers_dob=date(2015, 1, 1)))
    s.add(Person(pers_person_id="ADULT", pers_dob=date(1980, 1, 1), cb_person_type="adult"))
    s.flush()

    def involve(iid, person, prof, team, end=None):
        s.add(
            Involvement(
                invo_involvements_id=iid,
                invo_person_id=person,
                invo_professional_id=prof,
                invo_professional_team=team,
                invo_involvement_start_date=date(2024, 1, 1),
                invo_involvement_end_date=end,
            )
        )

    involve("I1", "MINE", "W1", "T1")
    involve("I2", "TEAM", "W2", "T1")
    involve("I3", "OTHERTEAM", "W2", "OTHER")
    involve("I4", "CLOSED", "W1", "T1", end=date(2025, 1, 1))
    involve("I5", "RESTRICTED", "W1", "T1")
    involve("I6", "SAMPLED", "W2", "T2")
    s.add(
        Contact(
            cont_contact_id="C1",
            cont_person_id="CONTACTED",
            cont_contact_date=TODAY - timedelta(days=3),
        )
    )
    s.add(AppUser(username="named", display_name="Named", role="social_worker", password_hash="x"))
    s.add(AppUser(username="auditor1", display_name="Aud", role="auditor", password_hash="x"))
    s.flush()
    s.add(RecordRestriction(id="R1", person_id="RESTRICTED", username="named"))
    s.add(AuditSample(id="S1", person_id="SAMPLED", auditor_username="auditor1"))
    s.flush()
    return s


def visible(session, user: User) -> set[str]:
    everyone = (
        "MINE",
        "TEAM",
        "OTHERTEAM",
        "CLOSED",
        "CONTACTED",
        "RESTRICTED",
        "SAMPLED",
        "ADULT",
    )
    return {p for p in everyone if can_see_child(session, user, p, TODAY)}


def test_social_worker_sees_allocated_and_team_children(world):
    user = User("sw", Role.SOCIAL_WORKER, team_id="T1", professional_id="W1")
    assert visible(world, user) == {"MINE", "TEAM"}


def test_named_user_sees_a_restricted_record_others_do_not(world):
    named = User("named", Role.SOCIAL_WORKER, team_id="T1", professional_id="W1")
    assert "RESTRICTED" in visible(world, named)
    assert "RESTRICTED" not in visible(world, User("po", Role.PERFORMANCE_OFFICER))


def test_team_manager_sees_the_team(world):
    assert visible(world, User("tm", Role.TEAM_MANAGER, team_id="T1")) == {"MINE", "TEAM"}


def test_head_of_service_sees_every_team_below_the_service(world):
    user = User("hos", Role.HEAD_OF_SERVICE, service_id="SVC")
    assert visible(world, user) == {"MINE", "TEAM", "SAMPLED"}


def test_performance_officer_sees_every_child_but_restricted(world):
    assert visible(world, User("po", Role.PERFORMANCE_OFFICER)) == {
        "MINE",
        "TEAM",
        "OTHERTEAM",
        "CLOSED",
        "CONTACTED",
        "SAMPLED",
    }


def test_auditor_sees_only_sampled_cases(world):
    assert visible(world, User("auditor1", Role.AUDITOR)) == {"SAMPLED"}


def test_front_door_sees_children_in_recent_contacts(world):
    door = User("mash", Role.SOCIAL_WORKER, team_id="MASH", front_door=True)
    assert visible(world, door) == {"CONTACTED"}
    later = TODAY + timedelta(days=60)
    assert not can_see_child(world, door, "CONTACTED", later)


@pytest.mark.parametrize(
    "role", [Role.PARTNER, Role.SCRUTINY_OFFICER, Role.COUNCILLOR, Role.ADMINISTRATOR]
)
def test_roles_that_never_see_a_childs_record(world, role):
    assert visible(world, User("x", role, team_id="T1", service_id="SVC")) == set()


def test_front_door_work_needs_a_front_door_team():
    assert not allowed(User("sw", Role.SOCIAL_WORKER, team_id="T1"), Action.FRONT_DOOR)
    assert allowed(
        User("sw", Role.SOCIAL_WORKER, team_id="MASH", front_door=True), Action.FRONT_DOOR
    )


def test_every_role_has_a_permission_set():
    assert set(PERMISSIONS) == set(Role)
