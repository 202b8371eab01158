"""The data quality report: records that would make a figure or a return wrong.

- **missing ethnicity**: children known to social care (a referral) with no ethnicity;
- **child seen not recorded**: assessments that do not record whether the child
  was seen (so "seen within 5 days" cannot count them);
- **missing date first seen**: assessments recording the child seen ("Y")
  without the date the child was seen (Casebook's ``cb_child_seen_date``; the
  SSD holds only the flag, so assessments imported from an SSD extract show
  here until the date is added). Without it the front door's timescale falls
  back to the assessment's start;
- **overlapping episodes**: two referrals, or two periods of care, of one child
  that overlap in time;
- **plans without visits**: open CP and CIN plans older than their visit
  timescale with no visit since the plan started;
- **dates in the future**: contacts, referrals, assessments, plans, visits and
  periods of care dated after the day of the report.

Each check gives :class:`Finding` s for the whole authority; the page lists
only the children the user may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from casebook.record.calendar import WorkingCalendar
from casebook.record.models import (
    CinAssessment,
    CinEpisode,
    CinPlan,
    CinVisit,
    ClaEpisode,
    ClaVisit,
    Contact,
    CpPlan,
    CpVisit,
    Person,
)
from casebook.record.models.base import ACTIVE
from casebook.record.timescales.registry import due_date, load_timescales


@dataclass(frozen=True)
class Finding:
    person_id: str
    record_id: str | None
    detail: str


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    description: str


CHECKS = (
    Check("ethnicity", "Missing ethnicity", "Children with a referral but no ethnicity recorded."),
    Check("child_seen", "Child seen not recorded",
          "Assessments that do not record whether the child was seen."),
    Check("first_seen", "Missing date first seen",
          "Assessments recording the child seen but not the date the child was seen."),
    Check("overlaps", "Overlapping episodes",
          "Two referrals, or two periods of care, of one child that overlap."),
    Check("plans_without_visits", "Plans without visits",
          "Open CP and CIN plans past their first visit's due date, with no visit since."),
    Check("future_dates", "Dates in the future", "Records dated after today."),
)  # fmt: skip
CHECK_KEYS = {c.key: c for c in CHECKS}


def _fmt(d: date | None) -> str:
    return f"{d:%-d %b %Y}" if d else "no date"


def missing_ethnicity(session: Session, on: date) -> list[Finding]:
    ids = session.scalars(
        select(Person.pers_person_id)
        .where(
            Person.cb_person_type == "child",
            Person.cb_status == ACTIVE,
            or_(Person.pers_ethnicity.is_(None), func.trim(Person.pers_ethnicity) == ""),
            exists().where(
                CinEpisode.cine_person_id == Person.pers_person_id,
                CinEpisode.cb_status == ACTIVE,
            ),
        )
        .order_by(Person.pers_person_id)
    )
    return [Finding(pid, pid, "No ethnicity recorded") for pid in ids]


def child_seen_missing(session: Session, on: date) -> list[Finding]:
    rows = session.execute(
        select(
            CinAssessment.cina_person_id,
            CinAssessment.cina_assessment_id,
            CinAssessment.cina_assessment_start_date,
        )
        .where(
            CinAssessment.cb_status == ACTIVE,
            CinAssessment.cina_assessment_start_date <= on,
            or_(
                CinAssessment.cina_assessment_child_seen.is_(None),
                CinAssessment.cina_assessment_child_seen == "",
            ),
        )
        .order_by(CinAssessment.cina_assessment_start_date, CinAssessment.cina_assessment_id)
    ).all()
    return [
        Finding(pid, rid, f"Assessment started {_fmt(start)}: child seen not recorded")
        for pid, rid, start in rows
        if pid
    ]


def first_seen_missing(session: Session, on: date) -> list[Finding]:
    rows = session.execute(
        select(
            CinAssessment.cina_person_id,
            CinAssessment.cina_assessment_id,
            CinAssessment.cina_assessment_start_date,
        )
        .where(
            CinAssessment.cb_status == ACTIVE,
            CinAssessment.cina_assessment_start_date <= on,
            CinAssessment.cina_assessment_child_seen == "Y",
            CinAssessment.cb_child_seen_date.is_(None),
        )
        .order_by(CinAssessment.cina_assessment_start_date, CinAssessment.cina_assessment_id)
    ).all()
    return [
        Finding(pid, rid, f"Assessment started {_fmt(start)}: child seen, date seen not recorded")
        for pid, rid, start in rows
        if pid
    ]


def _overlaps(session: Session, model, pid, rid, start, end, what: str) -> Iterator[Finding]:
    a, b = aliased(model), aliased(model)
    far = date(9999, 12, 31)
    a_end = func.coalesce(getattr(a, end.key), far)
    b_end = func.coalesce(getattr(b, end.key), far)
    rows = session.execute(
        select(
            getattr(a, pid.key),
            getattr(a, rid.key),
            getattr(b, rid.key),
            getattr(a, start.key),
            getattr(b, start.key),
        )
        .where(
            getattr(a, pid.key) == getattr(b, pid.key),
            getattr(a, rid.key) < getattr(b, rid.key),
            a.cb_status == ACTIVE,
            b.cb_status == ACTIVE,
            getattr(a, start.key).is_not(None),
            getattr(b, start.key).is_not(None),
            getattr(a, start.key) < b_end,
            getattr(b, start.key) < a_end,
        )
        .order_by(getattr(a, pid.key), getattr(a, rid.key))
    )
    for person_id, first, second, s1, s2 in rows:
        yield Finding(
            person_id,
            first,
            f"{what} {first} (from {_fmt(s1)}) overlaps {second} (from {_fmt(s2)})",
        )


def overlapping_episodes(session: Session, on: date) -> list[Finding]:
    return [
        *_overlaps(session, CinEpisode, CinEpisode.cine_person_id, CinEpisode.cine_referral_id,
                   CinEpisode.cine_referral_date, CinEpisode.cine_close_date, "Referral"),
        *_overlaps(session, ClaEpisode, ClaEpisode.clae_person_id, ClaEpisode.clae_cla_episode_id,
                   ClaEpisode.clae_cla_episode_start_date, ClaEpisode.clae_cla_episode_ceased_date,
                   "Period of care"),
    ]  # fmt: skip


def plans_without_visits(session: Session, on: date) -> list[Finding]:
    timescales = load_timescales(session)
    calendar = WorkingCalendar.from_session(session)
    found = []
    for model, pid, rid, start, end, visit, vpid, vdate, key, what in (
        (CpPlan, CpPlan.cppl_person_id, CpPlan.cppl_cp_plan_id, CpPlan.cppl_cp_plan_start_date,
         CpPlan.cppl_cp_plan_end_date, CpVisit, CpVisit.cppv_person_id, CpVisit.cppv_cp_visit_date,
         "cp_visit", "CP plan"),
        (CinPlan, CinPlan.cinp_person_id, CinPlan.cinp_cin_plan_id,
         CinPlan.cinp_cin_plan_start_date, CinPlan.cinp_cin_plan_end_date, CinVisit,
         CinVisit.cinv_person_id, CinVisit.cinv_cin_visit_date, "cin_visit", "CIN plan"),
    ):  # fmt: skip
        visited = exists().where(
            vpid == pid, visit.cb_status == ACTIVE, vdate >= start, vdate <= on
        )
        rows = session.execute(
            select(pid, rid, start)
            .where(
                model.cb_status == ACTIVE,
                start.is_not(None),
                start <= on,
                or_(end.is_(None), end > on),
                ~visited,
            )
            .order_by(start, rid)
        ).all()
        ts = timescales[key]
        for person_id, record_id, began in rows:
            if person_id and due_date(ts, began, calendar) < on:
                found.append(
                    Finding(person_id, record_id, f"{what} from {_fmt(began)}: no visit since")
                )
    return found


FUTURE_DATES = (
    (Contact, Contact.cont_person_id, Contact.cont_contact_id, Contact.cont_contact_date,
     "Contact"),
    (CinEpisode, CinEpisode.cine_person_id, CinEpisode.cine_referral_id,
     CinEpisode.cine_referral_date, "Referral"),
    (CinAssessment, CinAssessment.cina_person_id, CinAssessment.cina_assessment_id,
     CinAssessment.cina_assessment_start_date, "Assessment start"),
    (CinAssessment, CinAssessment.cina_person_id, CinAssessment.cina_assessment_id,
     CinAssessment.cina_assessment_auth_date, "Assessment authorised"),
    (CinPlan, CinPlan.cinp_person_id, CinPlan.cinp_cin_plan_id, CinPlan.cinp_cin_plan_start_date,
     "CIN plan start"),
    (CpPlan, CpPlan.cppl_person_id, CpPlan.cppl_cp_plan_id, CpPlan.cppl_cp_plan_start_date,
     "CP plan start"),
    (CinVisit, CinVisit.cinv_person_id, CinVisit.cinv_cin_visit_id, CinVisit.cinv_cin_visit_date,
     "CIN visit"),
    (CpVisit, CpVisit.cppv_person_id, CpVisit.cppv_cp_visit_id, CpVisit.cppv_cp_visit_date,
     "CP visit"),
    (ClaVisit, ClaVisit.clav_person_id, ClaVisit.clav_cla_visit_id, ClaVisit.clav_cla_visit_date,
     "Looked-after visit"),
    (ClaEpisode, ClaEpisode.clae_person_id, ClaEpisode.clae_cla_episode_id,
     ClaEpisode.clae_cla_episode_start_date, "Period of care start"),
    (Person, Person.pers_person_id, Person.pers_person_id, Person.pers_dob, "Date of birth"),
)  # fmt: skip


def future_dates(session: Session, on: date) -> list[Finding]:
    found = []
    for model, pid, rid, column, what in FUTURE_DATES:
        rows = session.execute(
            select(pid, rid, column)
            .where(model.cb_status == ACTIVE, column > on, pid.is_not(None))
            .order_by(column, rid)
        ).all()
        found += [Finding(p, r, f"{what} {r}: dated {_fmt(d)}") for p, r, d in rows]
    return found


def findings_for(session: Session, key: str, on: date) -> list[Finding]:
    """The authority's findings for one check (KeyError for an unknown check)."""
    check = CHECK_KEYS[key]
    return {
        "ethnicity": missing_ethnicity,
        "child_seen": child_seen_missing,
        "first_seen": first_seen_missing,
        "overlaps": overlapping_episodes,
        "plans_without_visits": plans_without_visits,
        "future_dates": future_dates,
    }[check.key](session, on)


def counts(session: Session, on: date) -> dict[str, int]:
    return {c.key: len(findings_for(session, c.key, on)) for c in CHECKS}
