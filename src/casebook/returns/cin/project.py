"""Project the record onto the CIN census for one collection year.

A child is in the census for the year ending 31 March ``year`` when one of
their referrals (``ssd_cin_episodes``) was open at any time in that year:
referred on or before 31 March and not closed before 1 April. Each such
referral is one ``CINdetails`` group, holding the assessments, CIN plans,
section 47 enquiries and child protection plans linked to it. Rows marked
entered in error or superseded are left out.

Where the census and the record differ in shape:

* ``UPN`` comes from ``ssd_send``; ``FormerUPN`` from ``ssd_linked_identifiers``
  (type :data:`FORMER_UPN`); ``GenderCurrent`` from ``pers_gender`` without the
  SSD's leading zero (``01`` → ``1``).
* A section 47 enquiry's ``InitialCPCtarget`` and ``DateOfInitialCPC`` come from
  the initial conference linked to it; a conference linked only to the
  referral is the referral's own ``DateOfInitialCPC``.
* ``NumberOfPreviousCPP`` counts the child's plans in the record that started
  before this one.
* ``ReferralNFA`` is the referral's ``cine_referral_nfa`` (Y/N).
* Within a referral, only what was under way in the year is returned (the
  DfE's rules 8696, 4013, 8715, 8740): assessments not authorised before
  1 April, CIN and child protection plans not ended before it, section 47
  enquiries whose conference (or, without one, whose start) is not before
  it, and plan reviews held in the year. The census is the record as it
  stood on 31 March: a date after it (a closure, an authorisation, a plan's
  end, a conference, a death) is left out, as not yet known then.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, or_, select

from casebook.record.models import (
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    Disability,
    InitialCpConference,
    LinkedIdentifier,
    Person,
    S47Enquiry,
    Send,
)
from casebook.record.models.base import ACTIVE

from .spec import (
    Assessment,
    Child,
    CinData,
    Episode,
    Header,
    PlanDates,
    ProtectionPlan,
    Review,
    Section47,
    census_period,
)

#: ``link_identifier_type`` under which a child's former UPN is kept.
FORMER_UPN = "Former Unique Pupil Number"

SOFTWARE_CODE = "Casebook"


def _yes(flag: str | None) -> bool | None:
    if flag is None:
        return None
    return flag.upper() == "Y"


def _gender(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return str(int(value)) if value.isdigit() else value


def _factors(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [f.strip() for f in raw.split(",") if f.strip()]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _sorted_by(items: Iterable, *keys: str) -> list:
    far = date.max
    return sorted(items, key=lambda o: tuple(getattr(o, k) or far for k in keys))


def from_record(session, year: int, person_ids: Iterable[str] | None = None) -> CinData:
    """The census the record would return for the year ending 31 March ``year``.

    ``person_ids`` narrows it to those children (continuous validation of one
    child's record); by default every child in the census.
    """
    start, end = census_period(year)
    ep_cond = and_(
        CinEpisode.cb_status == ACTIVE,
        CinEpisode.cine_referral_date.is_not(None),
        CinEpisode.cine_referral_date <= end,
        or_(CinEpisode.cine_close_date.is_(None), CinEpisode.cine_close_date >= start),
    )
    if person_ids is not None:
        ids = list(person_ids)
        ep_cond = and_(ep_cond, CinEpisode.cine_person_id.in_(ids))
    ep_ids = select(CinEpisode.cine_referral_id).where(ep_cond)
    people = select(CinEpisode.cine_person_id).where(ep_cond)
    run = session.execute

    children: dict[str, Child] = {}
    for p in run(
        select(
            Person.pers_person_id,
            Person.pers_upn_unknown,
            Person.pers_dob,
            Person.pers_expected_dob,
            Person.pers_gender,
            Person.pers_death_date,
            Person.pers_ethnicity,
        ).where(Person.pers_person_id.in_(people), Person.cb_status == ACTIVE)
    ):
        children[p[0]] = Child(
            la_child_id=p[0],
            upn_unknown=p[1],
            birth_date=p[2],
            expected_birth_date=p[3] if p[2] is None else None,
            gender=_gender(p[4]),
            death_date=p[5],
            ethnicity=p[6],
        )
    for pid, upn in run(
        select(Send.send_person_id, Send.send_upn)
        .where(
            Send.send_person_id.in_(people), Send.cb_status == ACTIVE, Send.send_upn.is_not(None)
        )
        .order_by(Send.send_table_id)
    ):
        child = children.get(pid)
        if child is not None and child.upn is None:
            child.upn = upn
    for pid, value in run(
        select(LinkedIdentifier.link_person_id, LinkedIdentifier.link_identifier_value)
        .where(
            LinkedIdentifier.link_person_id.in_(people),
            LinkedIdentifier.cb_status == ACTIVE,
            LinkedIdentifier.link_identifier_type == FORMER_UPN,
        )
        .order_by(LinkedIdentifier.link_table_id)
    ):
        child = children.get(pid)
        if child is not None and child.former_upn is None:
            child.former_upn = value
    for child in children.values():
        if child.upn is not None:
            child.upn_unknown = None
    for pid, code in run(
        select(Disability.disa_person_id, Disability.disa_disability_code)
        .where(
            Disability.disa_person_id.in_(people),
            Disability.cb_status == ACTIVE,
            Disability.disa_disability_code.is_not(None),
        )
        .order_by(Disability.disa_table_id)
    ):
        child = children.get(pid)
        if child is not None:
            child.disabilities.append(code)

    episodes: dict[str, Episode] = {}
    owner: dict[str, str] = {}
    for r in run(
        select(
            CinEpisode.cine_referral_id,
            CinEpisode.cine_person_id,
            CinEpisode.cine_referral_date,
            CinEpisode.cine_referral_source_code,
            CinEpisode.cine_cin_primary_need_code,
            CinEpisode.cine_close_date,
            CinEpisode.cine_close_reason,
            CinEpisode.cine_referral_nfa,
        ).where(ep_cond)
    ):
        if r[1] not in children:
            continue
        episodes[r[0]] = Episode(
            referral_date=r[2],
            referral_source=r[3],
            primary_need=r[4],
            closure_date=r[5],
            closure_reason=r[6],
            referral_nfa=_yes(r[7]),
        )
        owner[r[0]] = r[1]

    assessments: dict[str, Assessment] = {}
    for a in run(
        select(
            CinAssessment.cina_assessment_id,
            CinAssessment.cina_referral_id,
            CinAssessment.cina_assessment_start_date,
            CinAssessment.cina_assessment_auth_date,
        ).where(CinAssessment.cina_referral_id.in_(ep_ids), CinAssessment.cb_status == ACTIVE)
    ):
        ep = episodes.get(a[1])
        if ep is not None:
            assessments[a[0]] = item = Assessment(start=a[2], authorised=a[3])
            ep.assessments.append(item)
    for aid, raw in run(
        select(AssessmentFactor.cinf_assessment_id, AssessmentFactor.cinf_assessment_factors_json)
        .where(
            AssessmentFactor.cinf_assessment_id.in_(
                select(CinAssessment.cina_assessment_id).where(
                    CinAssessment.cina_referral_id.in_(ep_ids)
                )
            ),
            AssessmentFactor.cb_status == ACTIVE,
        )
        .order_by(AssessmentFactor.cinf_table_id)
    ):
        item = assessments.get(aid)
        if item is not None:
            item.factors.extend(f for f in _factors(raw) if f not in item.factors)

    for ref, s, e in run(
        select(
            CinPlan.cinp_referral_id,
            CinPlan.cinp_cin_plan_start_date,
            CinPlan.cinp_cin_plan_end_date,
        ).where(CinPlan.cinp_referral_id.in_(ep_ids), CinPlan.cb_status == ACTIVE)
    ):
        if ref in episodes:
            episodes[ref].plans.append(PlanDates(start=s, end=e))

    s47s: dict[str, Section47] = {}
    for sid, ref, s, not_required in run(
        select(
            S47Enquiry.s47e_s47_enquiry_id,
            S47Enquiry.s47e_referral_id,
            S47Enquiry.s47e_s47_start_date,
            S47Enquiry.cb_icpc_not_required,
        ).where(S47Enquiry.s47e_referral_id.in_(ep_ids), S47Enquiry.cb_status == ACTIVE)
    ):
        if ref in episodes:
            s47s[sid] = item = Section47(start=s, icpc_not_required=_yes(not_required))
            episodes[ref].s47s.append(item)

    icpc_referral: dict[str, str] = {}
    for iid, sid, ref, target, held in run(
        select(
            InitialCpConference.icpc_icpc_id,
            InitialCpConference.icpc_s47_enquiry_id,
            InitialCpConference.icpc_referral_id,
            InitialCpConference.icpc_icpc_target_date,
            InitialCpConference.icpc_icpc_date,
        )
        .where(
            or_(
                InitialCpConference.icpc_referral_id.in_(ep_ids),
                InitialCpConference.icpc_s47_enquiry_id.in_(
                    select(S47Enquiry.s47e_s47_enquiry_id).where(
                        S47Enquiry.s47e_referral_id.in_(ep_ids)
                    )
                ),
            ),
            InitialCpConference.cb_status == ACTIVE,
        )
        .order_by(InitialCpConference.icpc_icpc_date, InitialCpConference.icpc_icpc_id)
    ):
        if ref:
            icpc_referral[iid] = ref
        s47 = s47s.get(sid) if sid else None
        if s47 is not None:
            if s47.icpc_date is None and s47.icpc_target is None:
                s47.icpc_target, s47.icpc_date = target, held
        elif ref in episodes and episodes[ref].icpc_date is None:
            episodes[ref].icpc_date = held

    plan_starts: dict[str, list[date]] = defaultdict(list)
    plans: dict[str, ProtectionPlan] = {}
    plan_child: dict[str, str] = {}
    for cid, pid, ref, icpc, s, e, first, latest in run(
        select(
            CpPlan.cppl_cp_plan_id,
            CpPlan.cppl_person_id,
            CpPlan.cppl_referral_id,
            CpPlan.cppl_icpc_id,
            CpPlan.cppl_cp_plan_start_date,
            CpPlan.cppl_cp_plan_end_date,
            CpPlan.cppl_cp_plan_initial_category,
            CpPlan.cppl_cp_plan_latest_category,
        ).where(CpPlan.cppl_person_id.in_(people), CpPlan.cb_status == ACTIVE)
    ):
        if s is not None:
            plan_starts[pid].append(s)
        ref = ref or icpc_referral.get(icpc or "")
        if ref in episodes and owner.get(ref) == pid:
            plans[cid] = item = ProtectionPlan(
                start=s, end=e, initial_category=first, latest_category=latest
            )
            plan_child[cid] = pid
            episodes[ref].cpps.append(item)
    for cid, item in plans.items():
        starts = plan_starts[plan_child[cid]]
        item.previous = sum(1 for d in starts if d < item.start) if item.start is not None else 0
    for cid, day in run(
        select(CpReview.cppr_cp_plan_id, CpReview.cppr_cp_review_date).where(
            CpReview.cppr_cp_plan_id.in_(
                select(CpPlan.cppl_cp_plan_id).where(CpPlan.cppl_person_id.in_(people))
            ),
            CpReview.cb_status == ACTIVE,
            CpReview.cppr_cp_review_date.is_not(None),
        )
    ):
        plan = plans.get(cid)
        if plan is not None:
            plan.reviews.append(Review(date=day))

    def in_year(first: date | None, last: date | None) -> bool:
        """Began by the end of the year (or undated) and not over before it began."""
        return (first is None or first <= end) and (last is None or last >= start)

    def by_end(day: date | None) -> date | None:
        """A date after the year is not yet known at its end."""
        return day if day is None or day <= end else None

    for ref, ep in episodes.items():
        if by_end(ep.closure_date) is None:
            ep.closure_date = ep.closure_reason = None
        ep.icpc_date = by_end(ep.icpc_date)
        for a in ep.assessments:
            if by_end(a.authorised) is None:
                a.authorised, a.factors = None, []
        for p in ep.plans:
            p.end = by_end(p.end)
        for s in ep.s47s:
            s.icpc_date = by_end(s.icpc_date)
        for p in ep.cpps:
            p.end = by_end(p.end)
        ep.assessments = _sorted_by(
            (a for a in ep.assessments if in_year(a.start, a.authorised)), "start", "authorised"
        )
        ep.plans = _sorted_by((p for p in ep.plans if in_year(p.start, p.end)), "start", "end")
        ep.s47s = _sorted_by(
            (s for s in ep.s47s if in_year(s.start, s.icpc_date or s.start)), "start", "icpc_date"
        )
        ep.cpps = _sorted_by((p for p in ep.cpps if in_year(p.start, p.end)), "start", "end")
        for plan in ep.cpps:
            plan.reviews = _sorted_by(
                (r for r in plan.reviews if r.date is not None and start <= r.date <= end), "date"
            )
        children[owner[ref]].episodes.append(ep)
    for child in children.values():
        child.episodes = _sorted_by(child.episodes, "referral_date", "closure_date")
        child.death_date = by_end(child.death_date)

    header = Header(
        collection="CIN",
        year=str(year),
        reference_date=end,
        source_level="L",
        software_code=SOFTWARE_CODE,
    )
    data = CinData(header=header, children=[children[k] for k in sorted(children)])
    return data.set_year(year)
