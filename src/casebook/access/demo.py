"""One demo account per role, tied to the synthetic authority's teams.

The passwords are public (they are in the README): the demo holds only
synthetic people and must never hold real ones.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.access import accounts
from casebook.access.models import AppUser, AuditSample
from casebook.access.roles import Role
from casebook.record.models import Department, Involvement
from casebook.record.models.base import ACTIVE
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork

#: username -> (role, password). Listed in the README.
DEMO_ACCOUNTS: dict[str, tuple[Role, str]] = {
    "demo.socialworker": (Role.SOCIAL_WORKER, "demo-social-worker-1"),
    "demo.mash": (Role.SOCIAL_WORKER, "demo-front-door-1"),
    "demo.manager": (Role.TEAM_MANAGER, "demo-team-manager-1"),
    "demo.head": (Role.HEAD_OF_SERVICE, "demo-head-of-service-1"),
    "demo.performance": (Role.PERFORMANCE_OFFICER, "demo-performance-1"),
    "demo.auditor": (Role.AUDITOR, "demo-auditor-0001"),
    "demo.partner": (Role.PARTNER, "demo-partner-police-1"),
    "demo.scrutiny": (Role.SCRUTINY_OFFICER, "demo-scrutiny-001"),
    "demo.councillor": (Role.COUNCILLOR, "demo-councillor-1"),
    "demo.admin": (Role.ADMINISTRATOR, "demo-administrator-1"),
}


def _busiest_allocation(session: Session) -> tuple[str, str] | None:
    """(team, worker) with the most open allocations outside the front door."""
    return session.execute(
        select(Involvement.invo_professional_team, Involvement.invo_professional_id)
        .join(Department, Department.dept_team_id == Involvement.invo_professional_team)
        .where(
            Involvement.invo_involvement_end_date.is_(None),
            Involvement.cb_status == ACTIVE,
            Department.cb_front_door != "Y",
        )
        .group_by(Involvement.invo_professional_team, Involvement.invo_professional_id)
        .order_by(func.count().desc(), Involvement.invo_professional_id)
        .limit(1)
    ).first()


def _top_of(session: Session, team_id: str) -> str:
    """The service at the top of a team's hierarchy."""
    current = team_id
    for _ in range(10):
        parent = session.scalar(
            select(Department.dept_team_parent_id).where(Department.dept_team_id == current)
        )
        if not parent:
            return current
        current = parent
    return current


def create_demo_accounts(session: Session) -> list[str]:
    """Create the demo accounts that do not exist yet; return the usernames made."""
    allocation = _busiest_allocation(session)
    team, worker = allocation if allocation else (None, None)
    service = _top_of(session, team) if team else None
    mash = session.scalar(select(Department.dept_team_id).where(Department.cb_front_door == "Y"))
    links = {
        "demo.socialworker": {"team_id": team, "professional_id": worker},
        "demo.mash": {"team_id": mash},
        "demo.manager": {"team_id": team},
        "demo.head": {"service_id": service},
        "demo.partner": {"agency": "Police", "job_title": "MASH police officer"},
    }
    made = []
    for username, (role, password) in DEMO_ACCOUNTS.items():
        if session.get(AppUser, username) is not None:
            continue
        accounts.create_user(
            UnitOfWork(session=session),
            username=username,
            display_name=f"Demo {role.value.replace('_', ' ')}",
            role=role.value,
            password=password,
            actor=Actor("demo"),
            **links.get(username, {}),
        )
        made.append(username)
    if "demo.auditor" in made and team:
        _sample_for_audit(session, team)
    return made


def _sample_for_audit(session: Session, team: str, size: int = 10) -> None:
    """A dip sample of the team's open cases for the demo auditor."""
    children = session.scalars(
        select(Involvement.invo_person_id)
        .where(
            Involvement.invo_professional_team == team,
            Involvement.invo_involvement_end_date.is_(None),
        )
        .order_by(Involvement.invo_person_id)
        .limit(size)
    ).all()
    with UnitOfWork(session=session) as uow:
        for i, person_id in enumerate(children):
            uow.session.add(
                AuditSample(
                    id=f"DEMO-AUDIT-{i + 1}",
                    person_id=person_id,
                    auditor_username="demo.auditor",
                    sample_name="Demo dip sample",
                )
            )
        uow.commit()
