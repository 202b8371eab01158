"""The one permission check.

``allowed`` says whether a role may take an action at all; ``visible_children``
is the single SQL condition saying which children a user may see, used both to
check one child's record and to limit search results, so the two can never
disagree. Restricted records are visible only to the users named on them,
whatever the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.orm import Session

from casebook.access.models import AuditSample, RecordRestriction
from casebook.access.roles import PERMISSIONS, Action, Role
from casebook.record.allocation import open_involvement, unallocated_held_by
from casebook.record.models import Contact, ContactPerson, Department, Involvement, Person
from casebook.record.models.base import ACTIVE

#: How long after a contact the front door may still open the children it names.
FRONT_DOOR_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class User:
    """The signed-in user as the policy sees them."""

    username: str
    role: Role
    display_name: str = ""
    team_id: str | None = None
    service_id: str | None = None
    professional_id: str | None = None
    front_door: bool = False


def allowed(user: User, action: Action) -> bool:
    """Whether the user's role allows ``action`` (front door work only in a front door team)."""
    if action is Action.FRONT_DOOR and not user.front_door:
        return False
    return action in PERMISSIONS[user.role]


def _named_in_recent_contact(on: date) -> ColumnElement[bool]:
    since = on - FRONT_DOOR_WINDOW
    subject = exists().where(
        Contact.cont_person_id == Person.pers_person_id,
        Contact.cb_status == ACTIVE,
        Contact.cont_contact_date >= since,
    )
    named = exists().where(
        ContactPerson.person_id == Person.pers_person_id,
        ContactPerson.cb_status == ACTIVE,
        ContactPerson.contact_id == Contact.cont_contact_id,
        Contact.cont_contact_date >= since,
    )
    return or_(subject, named)


def _role_scope(user: User, on: date) -> ColumnElement[bool]:
    role = user.role
    if role is Role.PERFORMANCE_OFFICER:
        return true()
    if role is Role.SOCIAL_WORKER:
        mine = (
            open_involvement(on, Involvement.invo_professional_id == user.professional_id)
            if user.professional_id
            else false()
        )
        team = (
            open_involvement(on, Involvement.invo_professional_team == user.team_id)
            if user.team_id
            else false()
        )
        door = _named_in_recent_contact(on) if user.front_door else false()
        return or_(mine, team, door)
    if role is Role.TEAM_MANAGER:
        team = (
            open_involvement(on, Involvement.invo_professional_team == user.team_id)
            if user.team_id
            else false()
        )
        door = _named_in_recent_contact(on) if user.front_door else false()
        # The team's unallocated children too: the manager must open them to allocate.
        held = unallocated_held_by([user.team_id], on) if user.team_id else false()
        return or_(team, held, door)
    if role is Role.HEAD_OF_SERVICE and user.service_id:
        # Every team below the service, however deep (service > locality > team).
        below = (
            select(Department.dept_team_id)
            .where(Department.dept_team_id == user.service_id)
            .cte("service_teams", recursive=True)
        )
        below = below.union_all(
            select(Department.dept_team_id).where(
                Department.dept_team_parent_id == below.c.dept_team_id
            )
        )
        teams = select(below.c.dept_team_id)
        return or_(
            open_involvement(on, Involvement.invo_professional_team.in_(teams)),
            unallocated_held_by(teams, on),
        )
    if role is Role.AUDITOR:
        return exists().where(
            AuditSample.person_id == Person.pers_person_id,
            AuditSample.auditor_username == user.username,
            AuditSample.cb_status == ACTIVE,
        )
    return false()


def visible_children(user: User, on: date) -> ColumnElement[bool]:
    """SQL condition on ``Person``: the children this user may see today."""
    if not allowed(user, Action.VIEW_CHILD):
        return false()
    restricted = exists().where(
        RecordRestriction.person_id == Person.pers_person_id,
        RecordRestriction.cb_status == ACTIVE,
    )
    named = exists().where(
        RecordRestriction.person_id == Person.pers_person_id,
        RecordRestriction.cb_status == ACTIVE,
        RecordRestriction.username == user.username,
    )
    return and_(
        Person.cb_person_type == "child",
        Person.cb_status == ACTIVE,
        or_(not_(restricted), named),
        _role_scope(user, on),
    )


def can_see_child(session: Session, user: User, person_id: str, on: date) -> bool:
    """Whether this user may open this child's record today."""
    found = session.execute(
        select(Person.pers_person_id).where(
            Person.pers_person_id == person_id, visible_children(user, on)
        )
    ).first()
    return found is not None
