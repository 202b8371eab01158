"""The child's rows that start or stop a clock, read from the database.

:func:`load_snapshots` reads many children at once with one query per table
(the ids in chunks of :data:`CHUNK`, under SQLite's limit on bound
parameters), so a team's worklist costs the same handful of queries as one
child's record. :func:`load_snapshot` is the same read for one child.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from casebook.record.errors import NotFound
from casebook.record.models.base import ACTIVE, RecordRow
from casebook.record.models.care_leavers import CareLeaver
from casebook.record.models.child_in_need import CinAssessment, CinEpisode, CinPlan, CinVisit
from casebook.record.models.front_door import Contact
from casebook.record.models.looked_after import (
    ClaEpisode,
    ClaHealth,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    EducationPlan,
    Missing,
)
from casebook.record.models.people import Person
from casebook.record.models.protection import (
    CpPlan,
    CpReview,
    CpVisit,
    InitialCpConference,
    S47Enquiry,
    StrategyDiscussion,
)

#: Ids per ``IN (...)`` list: SQLite refuses more than 999 bound parameters in older builds.
CHUNK = 900


@dataclass
class ChildSnapshot:
    """The child's rows that start or stop a clock (active rows only)."""

    person_id: str
    dob: date | None = None
    contacts: list[Contact] = field(default_factory=list)
    referrals: list[CinEpisode] = field(default_factory=list)
    assessments: list[CinAssessment] = field(default_factory=list)
    strategy_discussions: list[StrategyDiscussion] = field(default_factory=list)
    s47_enquiries: list[S47Enquiry] = field(default_factory=list)
    icpcs: list[InitialCpConference] = field(default_factory=list)
    cp_plans: list[CpPlan] = field(default_factory=list)
    cp_reviews: list[CpReview] = field(default_factory=list)
    cp_visits: list[CpVisit] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    cin_visits: list[CinVisit] = field(default_factory=list)
    cla_episodes: list[ClaEpisode] = field(default_factory=list)
    cla_placements: list[ClaPlacement] = field(default_factory=list)
    cla_reviews: list[ClaReview] = field(default_factory=list)
    cla_visits: list[ClaVisit] = field(default_factory=list)
    health_checks: list[ClaHealth] = field(default_factory=list)
    education_plans: list[EducationPlan] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    care_leavers: list[CareLeaver] = field(default_factory=list)


#: The snapshot's lists found by the child's person id: (field, the column holding the id).
#: CLA reviews carry no person id and are found through the child's CLA ids instead.
BY_PERSON: tuple[tuple[str, InstrumentedAttribute[Any]], ...] = (
    ("contacts", Contact.cont_person_id),
    ("referrals", CinEpisode.cine_person_id),
    ("assessments", CinAssessment.cina_person_id),
    ("strategy_discussions", StrategyDiscussion.person_id),
    ("s47_enquiries", S47Enquiry.s47e_person_id),
    ("icpcs", InitialCpConference.icpc_person_id),
    ("cp_plans", CpPlan.cppl_person_id),
    ("cp_reviews", CpReview.cppr_person_id),
    ("cp_visits", CpVisit.cppv_person_id),
    ("cin_plans", CinPlan.cinp_person_id),
    ("cin_visits", CinVisit.cinv_person_id),
    ("cla_episodes", ClaEpisode.clae_person_id),
    ("cla_placements", ClaPlacement.clap_person_id),
    ("cla_visits", ClaVisit.clav_person_id),
    ("health_checks", ClaHealth.clah_person_id),
    ("education_plans", EducationPlan.person_id),
    ("missing", Missing.miss_person_id),
    ("care_leavers", CareLeaver.clea_person_id),
)

R = TypeVar("R", bound=RecordRow)


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


#: The ids of one chunk, bound when a prepared statement runs.
IDS = bindparam("ids", expanding=True)


@functools.cache
def _rows_statement(model: type[R], column_key: str) -> Select[tuple[R]]:
    """Built once per table: building a statement costs more than running it."""
    column = getattr(model, column_key)
    return select(model).where(column.in_(IDS), model.cb_status == ACTIVE)


_DOBS = select(Person.pers_person_id, Person.pers_dob).where(
    Person.pers_person_id.in_(IDS), Person.cb_status == ACTIVE
)
_CLA_REVIEWS = select(ClaReview).where(
    ClaReview.clar_cla_id.in_(
        select(ClaEpisode.clae_cla_id).where(
            ClaEpisode.clae_person_id.in_(IDS), ClaEpisode.cb_status == ACTIVE
        )
    ),
    ClaReview.cb_status == ACTIVE,
)


def _active_rows(
    session: Session, model: type[R], column: InstrumentedAttribute[Any], ids: Sequence[str]
) -> Iterator[R]:
    """Active rows of ``model`` whose ``column`` is one of ``ids``, a query per chunk."""
    statement = _rows_statement(model, column.key)
    for chunk in _chunks(ids):
        yield from session.scalars(statement, {"ids": list(chunk)})


#: One query saying which of the tables hold any row of the children: most
#: children have rows in a few, and an empty table's query still costs a round trip.
_ANY_ROWS = select(
    *(
        exists().where(column.in_(IDS), column.class_.cb_status == ACTIVE).label(name)
        for name, column in BY_PERSON
    )
)


def _tables_with_rows(
    session: Session, ids: Sequence[str]
) -> list[tuple[str, InstrumentedAttribute[Any]]]:
    """The (field, column) pairs of :data:`BY_PERSON` worth querying for ``ids``."""
    if len(ids) > CHUNK:
        return list(BY_PERSON)
    flags = session.execute(_ANY_ROWS, {"ids": list(ids)}).one()
    return [pair for pair, flag in zip(BY_PERSON, flags, strict=True) if flag]


def _not_found(missing: list[str]) -> NotFound:
    if len(missing) == 1:
        return NotFound(f"no child with person id {missing[0]!r}")
    shown = ", ".join(repr(p) for p in missing[:10])
    more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    return NotFound(f"no children with person ids {shown}{more}")


def load_snapshots(session: Session, person_ids: Iterable[str]) -> dict[str, ChildSnapshot]:
    """The active rows of every child in ``person_ids``, by person id, in the order given.

    One query per table for all the children (per :data:`CHUNK` of them), not
    one per child. Raises :class:`NotFound` naming any id that is not an
    active person, as :func:`load_snapshot` does for one.
    """
    wanted = list(dict.fromkeys(person_ids))
    dobs: dict[str, date | None] = {}
    for chunk in _chunks(wanted):
        found = session.execute(_DOBS, {"ids": list(chunk)})
        dobs.update((person_id, dob) for person_id, dob in found)
    if missing := [p for p in wanted if p not in dobs]:
        raise _not_found(missing)

    snapshots = {p: ChildSnapshot(person_id=p, dob=dobs[p]) for p in wanted}
    for name, column in _tables_with_rows(session, wanted):
        model = column.class_
        for row in _active_rows(session, model, column, wanted):
            getattr(snapshots[getattr(row, column.key)], name).append(row)

    # CLA reviews carry no person id: they hang off the CLA ids of the children's
    # active episodes, read (like the episodes) a chunk of children at a time.
    for chunk in _chunks(wanted):
        owners: dict[str | None, set[str]] = {}
        for person_id in chunk:
            for episode in snapshots[person_id].cla_episodes:
                owners.setdefault(episode.clae_cla_id, set()).add(person_id)
        if not owners:
            continue
        reviews = session.scalars(_CLA_REVIEWS, {"ids": list(chunk)})
        for review in reviews:
            for person_id in owners.get(review.clar_cla_id, ()):
                snapshots[person_id].cla_reviews.append(review)
    return snapshots


def load_snapshot(session: Session, person_id: str) -> ChildSnapshot:
    """The child's active rows, one query per table."""
    return load_snapshots(session, [person_id])[person_id]
