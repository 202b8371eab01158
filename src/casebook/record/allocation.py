"""Who holds a child: open episodes, allocations, and allocating or re-allocating a worker.

An *allocation* is an open involvement (``ssd_involvements``): a worker of a
team, from a start date, with no end date (or one still to come). A child is
*unallocated* when an episode is open for them (a referral, a CIN or CP plan, a
period of care, or they are a care leaver under 25) and no involvement is.

:func:`allocate` closes the child's current allocation in the team (keeping it,
with the reason for the change) and opens the new one in one unit of work, so
the history shows who held the child when. It refuses a worker who is not in
the team, or a child already held by that worker. The SQL conditions here
(:func:`open_episode`, :func:`unallocated`, :func:`held_unallocated`) are shared by
the worklists and are what the access policy may use to let a team manager see
the unallocated children their team holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, not_, or_, select
from sqlalchemy.orm import Session, aliased

from casebook.record import services
from casebook.record.calendar import add_months
from casebook.record.errors import Conflict, Invalid, NotFound, Problem
from casebook.record.models import (
    CareLeaver,
    CinEpisode,
    CinPlan,
    ClaEpisode,
    CpPlan,
    Department,
    Involvement,
    Person,
    Professional,
)
from casebook.record.models.base import ACTIVE
from casebook.record.periods import open_on
from casebook.record.services import Actor
from casebook.record.unit_of_work import UnitOfWork

#: The role an allocation from the worklists takes (as the synthetic authority's).
ALLOCATED_ROLE = "Allocated social worker"
#: Why the previous worker's involvement ended (code list ``worker_change_reason``).
CHANGE_REASONS = ("CHANGE", "LEFT", "TRANSFER")
#: Care leavers are supported (and so held by a team) up to this age.
CARE_LEAVER_UNTIL_AGE = 25


def open_involvement(on: date, *conditions) -> ColumnElement[bool]:
    """SQL condition on ``Person``: an involvement is open on ``on`` (with ``conditions``)."""
    return exists().where(
        Involvement.invo_person_id == Person.pers_person_id,
        Involvement.cb_status == ACTIVE,
        open_on(Involvement.invo_involvement_start_date, Involvement.invo_involvement_end_date, on),
        *conditions,
    )


def _open_referral(on: date, *conditions) -> ColumnElement[bool]:
    return exists().where(
        CinEpisode.cine_person_id == Person.pers_person_id,
        CinEpisode.cb_status == ACTIVE,
        open_on(CinEpisode.cine_referral_date, CinEpisode.cine_close_date, on),
        *conditions,
    )


def _open_cin_plan(on: date, *conditions) -> ColumnElement[bool]:
    return exists().where(
        CinPlan.cinp_person_id == Person.pers_person_id,
        CinPlan.cb_status == ACTIVE,
        open_on(CinPlan.cinp_cin_plan_start_date, CinPlan.cinp_cin_plan_end_date, on),
        *conditions,
    )


def _care_leaver(on: date, *conditions) -> ColumnElement[bool]:
    return and_(
        Person.pers_dob > add_months(on, -12 * CARE_LEAVER_UNTIL_AGE),
        exists().where(
            CareLeaver.clea_person_id == Person.pers_person_id,
            CareLeaver.cb_status == ACTIVE,
            *conditions,
        ),
    )


def open_episode(on: date) -> ColumnElement[bool]:
    """SQL condition on ``Person``: a referral, CIN or CP plan, period of care is
    open on ``on``, or the child is a care leaver still supported."""
    cp = exists().where(
        CpPlan.cppl_person_id == Person.pers_person_id,
        CpPlan.cb_status == ACTIVE,
        open_on(CpPlan.cppl_cp_plan_start_date, CpPlan.cppl_cp_plan_end_date, on),
    )
    cla = exists().where(
        ClaEpisode.clae_person_id == Person.pers_person_id,
        ClaEpisode.cb_status == ACTIVE,
        open_on(
            ClaEpisode.clae_cla_episode_start_date, ClaEpisode.clae_cla_episode_ceased_date, on
        ),
    )
    return or_(_open_referral(on), _open_cin_plan(on), cp, cla, _care_leaver(on))


def unallocated(on: date) -> ColumnElement[bool]:
    """SQL condition on ``Person``: a child with an open episode and no open involvement."""
    return and_(
        Person.cb_person_type == "child",
        Person.cb_status == ACTIVE,
        open_episode(on),
        not_(open_involvement(on)),
    )


def last_held_by_teams(team_ids: Select | Iterable[str], on: date) -> Select[tuple[str]]:
    """Ids of the people whose latest involvement was in the team(s) and has ended by
    ``on``, with none open: the worker left or the case came back to the team.

    Driven by the teams' involvements (indexed by team), each checked against the
    person's other involvements (indexed by person): never a scan of everyone.
    """
    teams = team_ids if isinstance(team_ids, Select) else list(team_ids)
    other = aliased(Involvement)
    return select(Involvement.invo_person_id).where(
        Involvement.invo_professional_team.in_(teams),
        Involvement.cb_status == ACTIVE,
        Involvement.invo_involvement_end_date <= on,
        not_(
            exists().where(
                other.invo_person_id == Involvement.invo_person_id,
                other.cb_status == ACTIVE,
                other.invo_involvement_start_date <= on,
                or_(
                    other.invo_involvement_end_date.is_(None),
                    other.invo_involvement_end_date > Involvement.invo_involvement_end_date,
                ),
            )
        ),
    )


def never_allocated_in_teams(team_ids: Select | Iterable[str], on: date) -> Select[tuple[str]]:
    """Ids of the people with a referral open in the team(s) who never had an
    involvement: a referral waiting for its first worker."""
    teams = team_ids if isinstance(team_ids, Select) else list(team_ids)
    return select(CinEpisode.cine_person_id).where(
        CinEpisode.cine_referral_team.in_(teams),
        CinEpisode.cb_status == ACTIVE,
        CinEpisode.cine_close_date.is_(None),
        CinEpisode.cine_referral_date <= on,
        not_(
            exists().where(
                Involvement.invo_person_id == CinEpisode.cine_person_id,
                Involvement.cb_status == ACTIVE,
                Involvement.invo_involvement_start_date <= on,
            )
        ),
    )


def held_unallocated(session: Session, team_ids: Select | Iterable[str], on: date) -> list[str]:
    """Ids of the unallocated children the team(s) hold: their latest involvement
    was in the team, or a referral open in the team never had a worker."""
    found = set(session.scalars(last_held_by_teams(team_ids, on)))
    found.update(session.scalars(never_allocated_in_teams(team_ids, on)))
    found.discard(None)
    return sorted(found)


def unallocated_held_by(team_ids: Select | Iterable[str], on: date) -> ColumnElement[bool]:
    """SQL condition on ``Person``: an unallocated child the team(s) hold (as
    :func:`held_unallocated` finds them), checked child by child: for the access
    policy, so a team manager may open the children their team must allocate."""
    teams = team_ids if isinstance(team_ids, Select) else list(team_ids)
    mine, later = aliased(Involvement), aliased(Involvement)
    last_in_team = exists().where(
        mine.invo_person_id == Person.pers_person_id,
        mine.cb_status == ACTIVE,
        mine.invo_professional_team.in_(teams),
        mine.invo_involvement_end_date <= on,
        not_(
            exists().where(
                later.invo_person_id == mine.invo_person_id,
                later.cb_status == ACTIVE,
                later.invo_involvement_start_date <= on,
                or_(
                    later.invo_involvement_end_date.is_(None),
                    later.invo_involvement_end_date > mine.invo_involvement_end_date,
                ),
            )
        ),
    )
    anyone = aliased(Involvement)
    never_allocated = and_(
        _open_referral(on, CinEpisode.cine_referral_team.in_(teams)),
        not_(
            exists().where(
                anyone.invo_person_id == Person.pers_person_id,
                anyone.cb_status == ACTIVE,
                anyone.invo_involvement_start_date <= on,
            )
        ),
    )
    return and_(unallocated(on), or_(last_in_team, never_allocated))


def teams_below(service_id: str) -> Select[tuple[str]]:
    """The ids of every team below a service (however deep), and the service itself."""
    below = (
        select(Department.dept_team_id)
        .where(Department.dept_team_id == service_id)
        .cte("teams_below", recursive=True)
    )
    below = below.union_all(
        select(Department.dept_team_id).where(
            Department.dept_team_parent_id == below.c.dept_team_id
        )
    )
    return select(below.c.dept_team_id)


@dataclass(frozen=True)
class Worker:
    """A professional a team manager can allocate to."""

    professional_id: str
    name: str
    team_id: str | None
    caseload: int


def team_workers(session: Session, team_id: str, on: date) -> list[Worker]:
    """The team's professionals, with how many children each holds open now, by name."""
    counts: dict[str | None, int] = {}
    held = session.execute(
        select(Involvement.invo_professional_id, Involvement.invo_person_id)
        .where(
            Involvement.invo_professional_team == team_id,
            Involvement.cb_status == ACTIVE,
            open_on(
                Involvement.invo_involvement_start_date, Involvement.invo_involvement_end_date, on
            ),
        )
        .distinct()
    ).all()
    for professional_id, _person in held:
        counts[professional_id] = counts.get(professional_id, 0) + 1
    rows = session.execute(
        select(Professional.prof_professional_id, Professional.prof_professional_name).where(
            Professional.prof_professional_department == team_id,
            Professional.cb_status == ACTIVE,
        )
    ).all()
    return sorted(
        (Worker(pid, name or pid, team_id, counts.get(pid, 0)) for pid, name in rows),
        key=lambda w: (w.name.lower(), w.professional_id),
    )


def current_allocations(
    session: Session, person_id: str, team_id: str, on: date
) -> list[Involvement]:
    """The child's involvements in the team open on ``on``."""
    return list(
        session.scalars(
            select(Involvement)
            .where(
                Involvement.invo_person_id == person_id,
                Involvement.invo_professional_team == team_id,
                Involvement.cb_status == ACTIVE,
                open_on(
                    Involvement.invo_involvement_start_date,
                    Involvement.invo_involvement_end_date,
                    on,
                ),
            )
            .order_by(Involvement.invo_involvement_start_date, Involvement.invo_involvements_id)
        )
    )


def allocate(
    uow: UnitOfWork,
    *,
    person_id: str,
    professional_id: str,
    team_id: str,
    on: date,
    actor: Actor,
    reason: str = "CHANGE",
    role: str = ALLOCATED_ROLE,
    expected_versions: dict[str, int] | None = None,
) -> Involvement:
    """Allocate the child to a worker of the team from ``on``, in one unit of work.

    The child's open involvements in the team (other than IRO-style roles held
    by other teams) end on ``on`` with ``reason``; the new one starts on ``on``.
    ``expected_versions`` (involvement id -> version the user saw) refuses the
    change if someone re-allocated the child meanwhile.
    """
    problems: list[Problem] = []
    if not person_id:
        problems.append(Problem("person_id", "enter the child's person ID"))
    if not professional_id:
        problems.append(Problem("professional_id", "choose the worker to allocate"))
    if reason not in CHANGE_REASONS:
        problems.append(Problem("reason", f"must be one of {', '.join(CHANGE_REASONS)}"))
    if problems:
        raise Invalid(problems)
    with uow:
        session = uow.session
        child = session.get(Person, person_id)
        if child is None or child.cb_status != ACTIVE:
            raise NotFound(f"no child with person id {person_id!r}")
        team = session.get(Department, team_id)
        if team is None or team.cb_status != ACTIVE:
            raise Invalid([Problem("team_id", f"there is no team {team_id!r}")])
        worker = session.get(Professional, professional_id)
        if worker is None or worker.cb_status != ACTIVE:
            raise Invalid(
                [Problem("professional_id", f"there is no worker with id {professional_id!r}")]
            )
        if worker.prof_professional_department != team_id:
            name = worker.prof_professional_name or professional_id
            raise Invalid(
                [
                    Problem(
                        "professional_id",
                        f"{name} is not in {team.dept_team_name or team_id}: "
                        "a child can only be allocated to a worker of the team",
                    )
                ]
            )
        current = current_allocations(session, person_id, team_id, on)
        if any(i.invo_professional_id == professional_id for i in current):
            name = worker.prof_professional_name or professional_id
            raise Invalid([Problem("professional_id", f"the child is already allocated to {name}")])
        if expected_versions is not None and set(expected_versions) != {
            i.invo_involvements_id for i in current
        }:
            raise Conflict(
                "The child's allocation changed after you opened the list. "
                "Nothing was changed: reload the worklist and try again."
            )
        for involvement in current:
            services.update_record(
                session,
                Involvement,
                involvement.invo_involvements_id,
                {"invo_involvement_end_date": on, "invo_worker_change_reason": reason},
                (expected_versions or {}).get(involvement.invo_involvements_id)
                or involvement.cb_version,
                actor,
                reason=f"re-allocated to {professional_id}",
            )
        referral = session.scalar(
            select(CinEpisode.cine_referral_id)
            .where(
                CinEpisode.cine_person_id == person_id,
                CinEpisode.cb_status == ACTIVE,
                open_on(CinEpisode.cine_referral_date, CinEpisode.cine_close_date, on),
            )
            .order_by(CinEpisode.cine_referral_date.desc())
            .limit(1)
        )
        new = services.add_record(
            session,
            Involvement,
            {
                "invo_person_id": person_id,
                "invo_professional_id": professional_id,
                "invo_professional_team": team_id,
                "invo_professional_role_id": role,
                "invo_involvement_start_date": on,
                "invo_referral_id": referral,
            },
            actor,
        )
        uow.commit()
        return new
