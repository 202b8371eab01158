"""The front page of a child's record, as at a date: who the child is, what to be
alert to, who is working with them, their family and network, the episode and
plans open now, what is due and overdue, and the latest case notes.

:func:`child_summary` reads it all in a fixed number of queries (none per
relative or per plan) and returns a :class:`ChildSummary`, one typed object
per part, for the page to render. "Open on a date" means started on or before
it and not ended by it: a plan that ended yesterday is not open today. Only
active rows count.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, bindparam, column, exists, or_, select, table
from sqlalchemy.orm import InstrumentedAttribute, Session

from casebook.record.chronology import CodeLabels
from casebook.record.errors import NotFound
from casebook.record.models import (
    CaseNote,
    CinEpisode,
    CinPlan,
    ClaEpisode,
    ClaPlacement,
    CpPlan,
    Department,
    Disability,
    ExploitationScreening,
    Family,
    Involvement,
    LegalStatus,
    Missing,
    Person,
    PersonRelationship,
    Professional,
    Send,
)
from casebook.record.models.base import ACTIVE
from casebook.record.periods import open_on
from casebook.record.timescales import DueItem, due_for

#: How many case notes the summary shows.
LATEST_NOTES = 5

# Restrictions belong to the access room; the record reads the table by name only.
_restriction = table("record_restriction", column("person_id"), column("cb_status"))

#: "X is the <relationship> of the child", read from the other side: the child is
#: the mother of X, so X is the child's child.
INVERSE_RELATIONSHIP = {
    "mother": "child",
    "father": "child",
    "step_parent": "step-child",
    "sibling": "sibling",
    "grandparent": "grandchild",
    "carer": "cared for by this child",
    "other": "other",
}
_FAMILY_ORDER = ("mother", "father", "step_parent", "carer", "grandparent", "sibling", "other")


# --------------------------------------------------------------------------- the parts


@dataclass(frozen=True)
class PersonDetails:
    """Who the child is. Labels are the code lists' words; ``age`` is in whole years on the day."""

    person_id: str
    forename: str | None
    surname: str | None
    dob: date | None
    age: int | None
    sex: str | None
    ethnicity: str | None
    upn: str | None  # unique pupil number, from ssd_send
    person_type: str
    death_date: date | None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.forename, self.surname) if p) or self.person_id


@dataclass(frozen=True)
class Alert:
    """Something everyone opening the record must see first.

    ``kind`` is one of ``cp_plan``, ``looked_after``, ``missing``,
    ``exploitation``, ``restricted``, ``disability``.
    """

    kind: str
    title: str
    detail: str | None = None
    since: date | None = None


@dataclass(frozen=True)
class Allocation:
    """The worker and team allocated to the child (the open involvement)."""

    involvement_id: str
    worker_id: str | None
    worker_name: str | None
    team_id: str | None
    team_name: str | None
    since: date | None


@dataclass(frozen=True)
class FamilyMember:
    """Someone in the child's family or network and what they are to the child.

    ``how_known`` is ``relationship`` (recorded between the two people) or
    ``family`` (in the same SSD family group).
    """

    person_id: str
    name: str
    relationship: str
    dob: date | None
    person_type: str
    how_known: str


@dataclass(frozen=True)
class Referral:
    referral_id: str
    referral_date: date | None
    source: str | None
    primary_need: str | None


@dataclass(frozen=True)
class Plan:
    """An open child in need (``kind`` ``cin``) or child protection (``cp``) plan."""

    plan_id: str
    kind: str
    start: date | None
    category: str | None = None  # CP plans: the latest category of abuse


@dataclass(frozen=True)
class Placement:
    placement_id: str
    start: date | None
    placement_type: str | None
    provider: str | None


@dataclass(frozen=True)
class CarePeriod:
    """The child's current period of care: the open episode, legal status and placement."""

    episode_id: str
    entered_care: date | None
    episode_start: date | None
    legal_status: str | None
    placement: Placement | None


@dataclass(frozen=True)
class CurrentWork:
    """The episode and plans open on the day (each None when there is none)."""

    referral: Referral | None
    cin_plan: Plan | None
    cp_plan: Plan | None
    care: CarePeriod | None


@dataclass(frozen=True)
class NoteLine:
    note_id: str
    note_date: date
    note_type: str
    author: str | None
    text: str


@dataclass(frozen=True)
class ChildSummary:
    """Everything the front page of a child's record shows, as at ``on``.

    ``overdue`` and ``due_next`` come from the one timescale table
    (:func:`casebook.record.timescales.due_for`), soonest first.
    """

    on: date
    person: PersonDetails
    alerts: tuple[Alert, ...]
    allocation: Allocation | None
    family: tuple[FamilyMember, ...]
    current: CurrentWork
    overdue: tuple[DueItem, ...]
    due_next: tuple[DueItem, ...]
    case_notes: tuple[NoteLine, ...]


# --------------------------------------------------------------------------- reading

# The page's statements are built once, with the child and the day bound when
# they run: building a statement costs more than running it on an index.
PID, ON, IDS = bindparam("pid"), bindparam("on"), bindparam("ids", expanding=True)


def child_summary(session: Session, person_id: str, on: date) -> ChildSummary:
    """The front page of the person's record as at ``on``."""
    person = session.scalars(_PERSON, {"pid": person_id}).first()
    if person is None:
        raise NotFound(f"no person with id {person_id!r}")
    labels = CodeLabels(session)
    current = _current_work(session, person_id, on, labels)
    due = due_for(session, person_id, on)
    return ChildSummary(
        on=on,
        person=_details(session, person, on, labels),
        alerts=tuple(_alerts(session, person_id, on, labels, current)),
        allocation=_allocation(session, person_id, on),
        family=tuple(_family(session, person_id, on, labels)),
        current=current,
        overdue=tuple(i for i in due if i.status == "overdue"),
        due_next=tuple(i for i in due if i.status == "due"),
        case_notes=tuple(_notes(session, person_id, on)),
    )


_PERSON = select(Person).where(Person.pers_person_id == PID, Person.cb_status == ACTIVE)


def _open_on(start: InstrumentedAttribute, end: InstrumentedAttribute) -> ColumnElement[bool]:
    return open_on(start, end, ON)  # the day is bound when the statement runs


@functools.cache
def _latest_open_statement(owner: InstrumentedAttribute, start, end) -> Select:
    model = owner.class_
    return (
        select(model)
        .where(owner == PID, model.cb_status == ACTIVE)
        .where(_open_on(start, end))
        .order_by(start.desc(), *model.__table__.primary_key.columns)
        .limit(1)
    )


def _latest_open(session: Session, owner: InstrumentedAttribute, person_id: str, start, end, on):
    """The person's active row (``owner`` is the column holding their id) open on
    ``on`` that started last, or None."""
    statement = _latest_open_statement(owner, start, end)
    return session.scalars(statement, {"pid": person_id, "on": on}).first()


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _year_before(on: date) -> date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


_UPN = (
    select(Send.send_upn)
    .where(Send.send_person_id == PID, Send.cb_status == ACTIVE, Send.send_upn.is_not(None))
    .order_by(Send.send_table_id.desc())
    .limit(1)
)


def _details(session: Session, person: Person, on: date, labels: CodeLabels) -> PersonDetails:
    upn = session.scalars(_UPN, {"pid": person.pers_person_id}).first()
    return PersonDetails(
        person_id=person.pers_person_id,
        forename=person.pers_forename,
        surname=person.pers_surname,
        dob=person.pers_dob,
        age=_years(person.pers_dob, on) if person.pers_dob and person.pers_dob <= on else None,
        sex=labels.label("sex", person.pers_sex),
        ethnicity=labels.label("ethnicity", person.pers_ethnicity),
        upn=upn,
        person_type=person.cb_person_type,
        death_date=person.pers_death_date,
    )


def _alerts(
    session: Session, person_id: str, on: date, labels: CodeLabels, current: CurrentWork
) -> list[Alert]:
    alerts: list[Alert] = []
    if current.cp_plan is not None:
        alerts.append(
            Alert(
                "cp_plan",
                "On a child protection plan",
                _category(current.cp_plan.category),
                current.cp_plan.start,
            )
        )
    if current.care is not None:
        care = current.care
        placement = care.placement.placement_type if care.placement else None
        alerts.append(
            Alert(
                "looked_after",
                "Looked after",
                "; ".join(
                    p
                    for p in (
                        f"legal status {care.legal_status}" if care.legal_status else None,
                        f"placement {placement}" if placement else None,
                    )
                    if p
                )
                or None,
                care.entered_care,
            )
        )
    missing = _latest_open(
        session,
        Missing.miss_person_id,
        person_id,
        Missing.miss_missing_episode_start_date,
        Missing.miss_missing_episode_end_date,
        on,
    )
    if missing is not None:
        alerts.append(
            Alert(
                "missing",
                "Missing now"
                if missing.miss_missing_episode_type != "A"
                else "Away from placement without authorisation now",
                None,
                missing.miss_missing_episode_start_date,
            )
        )
    screening = session.scalars(_SCREENING, {"pid": person_id, "on": on}).first()
    if (
        screening is not None
        and screening.screening_date >= _year_before(on)
        and (screening.risk_level or "").strip().lower() not in ("", "none")
    ):
        alerts.append(
            Alert(
                "exploitation",
                f"Exploitation risk: {labels.label('exploitation_risk', screening.risk_level)}",
                labels.label("exploitation_type", screening.exploitation_type),
                screening.screening_date,
            )
        )
    restricted = session.scalar(_RESTRICTED, {"pid": person_id})
    if restricted:
        alerts.append(
            Alert("restricted", "Restricted record", "only the people named on it may open it")
        )
    codes = session.scalars(_DISABILITIES, {"pid": person_id}).all()
    if codes:
        alerts.append(
            Alert(
                "disability",
                "Disability" if len(codes) == 1 else "Disabilities",
                ", ".join(labels.label("disability", c) or c for c in dict.fromkeys(codes)),
            )
        )
    return alerts


_SCREENING = (
    select(ExploitationScreening)
    .where(
        ExploitationScreening.person_id == PID,
        ExploitationScreening.cb_status == ACTIVE,
        ExploitationScreening.screening_date <= ON,
    )
    .order_by(ExploitationScreening.screening_date.desc(), ExploitationScreening.id.desc())
    .limit(1)
)
_RESTRICTED = select(
    exists().where(_restriction.c.person_id == PID, _restriction.c.cb_status == ACTIVE)
)
_DISABILITIES = (
    select(Disability.disa_disability_code)
    .where(
        Disability.disa_person_id == PID,
        Disability.cb_status == ACTIVE,
        Disability.disa_disability_code.is_not(None),
        Disability.disa_disability_code != "NONE",
    )
    .order_by(Disability.disa_disability_code)
)


def _category(category: str | None) -> str | None:
    return f"category {category}" if category else None


_ALLOCATION = (
    select(Involvement, Professional.prof_professional_name, Department.dept_team_name)
    .outerjoin(Professional, Professional.prof_professional_id == Involvement.invo_professional_id)
    .outerjoin(Department, Department.dept_team_id == Involvement.invo_professional_team)
    .where(Involvement.invo_person_id == PID, Involvement.cb_status == ACTIVE)
    .where(_open_on(Involvement.invo_involvement_start_date, Involvement.invo_involvement_end_date))
    .order_by(Involvement.invo_involvement_start_date.desc(), Involvement.invo_involvements_id)
    .limit(1)
)


def _allocation(session: Session, person_id: str, on: date) -> Allocation | None:
    row = session.execute(_ALLOCATION, {"pid": person_id, "on": on}).first()
    if row is None:
        return None
    involvement, worker, team = row
    return Allocation(
        involvement_id=involvement.invo_involvements_id,
        worker_id=involvement.invo_professional_id,
        worker_name=worker,
        team_id=involvement.invo_professional_team,
        team_name=team,
        since=involvement.invo_involvement_start_date,
    )


_RELATIONSHIPS = (
    select(
        PersonRelationship.person_id,
        PersonRelationship.related_person_id,
        PersonRelationship.relationship,
    )
    .where(
        or_(PersonRelationship.person_id == PID, PersonRelationship.related_person_id == PID),
        PersonRelationship.cb_status == ACTIVE,
        or_(PersonRelationship.start_date.is_(None), PersonRelationship.start_date <= ON),
        or_(PersonRelationship.end_date.is_(None), PersonRelationship.end_date > ON),
    )
    .order_by(PersonRelationship.id)
)
_SAME_FAMILY = (
    select(Family.fami_person_id)
    .where(
        Family.fami_family_id.in_(
            select(Family.fami_family_id).where(
                Family.fami_person_id == PID,
                Family.cb_status == ACTIVE,
                Family.fami_family_id.is_not(None),
            )
        ),
        Family.cb_status == ACTIVE,
        Family.fami_person_id != PID,
    )
    .order_by(Family.fami_person_id)
)
_PEOPLE = select(Person).where(Person.pers_person_id.in_(IDS), Person.cb_status == ACTIVE)


def _family(session: Session, person_id: str, on: date, labels: CodeLabels) -> list[FamilyMember]:
    """Recorded relationships both ways, then the rest of the child's SSD family group."""
    found: dict[str, tuple[str, str, str]] = {}  # other person: (code, words, how known)
    rows = session.execute(_RELATIONSHIPS, {"pid": person_id, "on": on})
    for subject, related, code in rows:
        if subject == person_id and related != person_id:
            found.setdefault(
                related, (code, labels.label("relationship", code) or code, "relationship")
            )
        elif related == person_id and subject != person_id:
            inverse = INVERSE_RELATIONSHIP.get(code)
            words = inverse or f"this child is their {labels.label('relationship', code) or code}"
            found.setdefault(subject, (inverse or "other", words, "relationship"))
    same_family = session.scalars(_SAME_FAMILY, {"pid": person_id})
    in_family = [p for p in dict.fromkeys(same_family) if p and p not in found]
    ids = [*found, *in_family]
    if not ids:
        return []
    people = {p.pers_person_id: p for p in session.scalars(_PEOPLE, {"ids": ids})}
    for other in in_family:
        if other in people:
            child = people[other].cb_person_type == "child"
            found[other] = (
                "sibling" if child else "other",
                "sibling" if child else "family member",
                "family",
            )
    members = [
        FamilyMember(
            person_id=other,
            name=" ".join(n for n in (p.pers_forename, p.pers_surname) if n) or other,
            relationship=words,
            dob=p.pers_dob,
            person_type=p.cb_person_type,
            how_known=how,
        )
        for other, (code, words, how) in found.items()
        if (p := people.get(other)) is not None
    ]
    rank = {code: i for i, code in enumerate(_FAMILY_ORDER)}
    codes = {other: code for other, (code, _, _) in found.items()}
    members.sort(
        key=lambda m: (
            rank.get(codes[m.person_id], len(rank)),
            m.dob or date.max,
            m.name,
            m.person_id,
        )
    )
    return members


def _current_work(session: Session, person_id: str, on: date, labels: CodeLabels) -> CurrentWork:
    referral = _latest_open(
        session,
        CinEpisode.cine_person_id,
        person_id,
        CinEpisode.cine_referral_date,
        CinEpisode.cine_close_date,
        on,
    )
    cin = _latest_open(
        session,
        CinPlan.cinp_person_id,
        person_id,
        CinPlan.cinp_cin_plan_start_date,
        CinPlan.cinp_cin_plan_end_date,
        on,
    )
    cp = _latest_open(
        session,
        CpPlan.cppl_person_id,
        person_id,
        CpPlan.cppl_cp_plan_start_date,
        CpPlan.cppl_cp_plan_end_date,
        on,
    )
    return CurrentWork(
        referral=Referral(
            referral_id=referral.cine_referral_id,
            referral_date=referral.cine_referral_date,
            source=labels("referral_source", referral.cine_referral_source_code)
            or referral.cine_referral_source_desc,
            primary_need=labels("primary_need", referral.cine_cin_primary_need_code),
        )
        if referral
        else None,
        cin_plan=Plan(cin.cinp_cin_plan_id, "cin", cin.cinp_cin_plan_start_date) if cin else None,
        cp_plan=Plan(
            cp.cppl_cp_plan_id,
            "cp",
            cp.cppl_cp_plan_start_date,
            labels(
                "cp_category",
                cp.cppl_cp_plan_latest_category or cp.cppl_cp_plan_initial_category,
            ),
        )
        if cp
        else None,
        care=_care(session, person_id, on, labels),
    )


def _care(session: Session, person_id: str, on: date, labels: CodeLabels) -> CarePeriod | None:
    episode = _latest_open(
        session,
        ClaEpisode.clae_person_id,
        person_id,
        ClaEpisode.clae_cla_episode_start_date,
        ClaEpisode.clae_cla_episode_ceased_date,
        on,
    )
    if episode is None:
        return None
    status = _latest_open(
        session,
        LegalStatus.lega_person_id,
        person_id,
        LegalStatus.lega_legal_status_start_date,
        LegalStatus.lega_legal_status_end_date,
        on,
    )
    placement = _latest_open(
        session,
        ClaPlacement.clap_person_id,
        person_id,
        ClaPlacement.clap_cla_placement_start_date,
        ClaPlacement.clap_cla_placement_end_date,
        on,
    )
    return CarePeriod(
        episode_id=episode.clae_cla_episode_id,
        entered_care=episode.clae_entered_care_date or episode.clae_cla_episode_start_date,
        episode_start=episode.clae_cla_episode_start_date,
        legal_status=labels("legal_status", status.lega_legal_status) if status else None,
        placement=Placement(
            placement_id=placement.clap_cla_placement_id,
            start=placement.clap_cla_placement_start_date,
            placement_type=labels("placement_type", placement.clap_cla_placement_type),
            provider=labels("placement_provider", placement.clap_cla_placement_provider),
        )
        if placement
        else None,
    )


_NOTES = (
    select(CaseNote, Professional.prof_professional_name)
    .outerjoin(Professional, Professional.prof_professional_id == CaseNote.author_id)
    .where(CaseNote.person_id == PID, CaseNote.cb_status == ACTIVE, CaseNote.note_date <= ON)
    .order_by(CaseNote.note_date.desc(), CaseNote.id.desc())
    .limit(LATEST_NOTES)
)


def _notes(session: Session, person_id: str, on: date) -> list[NoteLine]:
    rows = session.execute(_NOTES, {"pid": person_id, "on": on})
    return [
        NoteLine(note.id, note.note_date, note.note_type, author, note.text)
        for note, author in rows
    ]


__all__ = [
    "Alert",
    "Allocation",
    "CarePeriod",
    "ChildSummary",
    "CurrentWork",
    "FamilyMember",
    "NoteLine",
    "PersonDetails",
    "Placement",
    "Plan",
    "Referral",
    "child_summary",
]
