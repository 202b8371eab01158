"""Project the record onto the SSDA903 return for one collection year.

The return's children are those with a period of care (``ssd_cla_episodes``)
open at any time in the year (1 April to 31 March), plus care leavers (a
``ssd_care_leavers`` row) aged 17 to 21 in the year who were not looked after
in it. Rows marked entered in error or superseded are left out. The return
shows the record as it stood at 31 March: a date after it (an episode's or a
social worker's end, a missing period's end, an adoption decision ceasing) is
left blank with what goes with it (REC, REASON_PLACE_CHANGE, the ceasing
reason), and a row that starts after it is left out. How each table is made:

* **Header** from ``ssd_person`` (SEX M/F/U, or 1/2 before 2024/25), UPN from
  ``ssd_send`` (``send_upn``, else the UN code), MOTHER from
  ``pers_is_mother`` for girls, MC_DOB the first child's date of birth
  (``ssd_mother``).
* **Episodes** one per ``ssd_cla_episodes`` row open in the year: the legal
  status in force on its start (``ssd_legal_status``), the placement it points
  to (``ssd_cla_placement``: type, provider, postcode, URN; the placement's
  change reason when the placement ended with the episode), HOME_POST the
  child's home address (``ssd_address``, type HOME) when the episode began.
* **Reviews** ``ssd_cla_reviews`` held in the year (not cancelled).
* **UASC** the end of an ``ssd_immigration_status`` of UASC in force in the
  year. Children whose UASC status ended in the two years before are
  :attr:`Data903.uasc_before` (the DfE reads last year's returns for them:
  a former UASC child need have no home postcode, rule 392B).
* **OC2** for children looked after for the 12 months to 31 March: the SDQ,
  convictions, immunisations, health assessments and dental checks, and
  substance misuse of the year.
* **OC3** ``ssd_care_leavers`` (ACCOM adds 1 suitable / 2 unsuitable).
* **AD1** and **PlacedAdoption** from ``ssd_permanence``: decisions of the
  periods of care in the return (``perm_cla_id``, else a decision made on or
  after the start of the child's period of care open in the year).
* **PrevPerm** ``ssd_cla_previous_permanence`` for children who started to be
  looked after in the year.
* **Missing** ``ssd_missing`` episodes in the year that began while the child
  was looked after (not missing from home before care).
* **SWEpisodes** the social worker involvements (``ssd_involvements``) of the
  year: all of them for a child looked after on 31 March (the DfE's SW12: the
  whole year, even while not looked after), else those during the child's
  periods of care in it (not those of earlier or later referrals); SW_ID the
  worker's Social Work England registration number, else XX and their id; the
  reason for a change the one the previous involvement ended with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, or_, select

from casebook.record.models import (
    Address,
    CareLeaver,
    ClaConviction,
    ClaEpisode,
    ClaHealth,
    ClaImmunisation,
    ClaPlacement,
    ClaPreviousPermanence,
    ClaReview,
    ClaSubstanceMisuse,
    ImmigrationStatus,
    Involvement,
    LegalStatus,
    Missing,
    Mother,
    Permanence,
    Person,
    Professional,
    SdqScore,
    Send,
)
from casebook.record.models.base import ACTIVE

from . import spec
from .data import Data903, at_least
from .spec import format_date as fd

#: The record's worker change reasons → the 903's SW_REASON.
SW_REASON = {"LEFT": "LEFTRL", "TRANSFER": "TSPROC", "CHANGE": "MANAGE", "CLOSED": "OTHERS"}
#: Involvement roles that are a child's social worker (SWEpisodes).
SOCIAL_WORKER_ROLES = ("Allocated social worker",)

_CHUNK = 500


def _columns(model) -> tuple:
    """A table's columns: rows read as plain tuples (named by column), not mapped
    objects, which are several times slower to build."""
    return tuple(model.__table__.c)


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _flag01(flag: str | None) -> str | None:
    if flag is None:
        return None
    return "1" if flag.upper() in ("Y", "1", "TRUE") else "0"


def _periods_of_care(rows: Iterable[tuple[str, date, date | None]]) -> dict:
    """Each child's periods of care, (first start, last end or None), from their
    episodes (person, start, ceased): an episode that starts the day the previous
    one ceased continues its period."""
    by: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for pid, s, e in sorted(rows, key=lambda r: (r[0], r[1])):
        periods = by[pid]
        if periods and periods[-1][1] is not None and periods[-1][1] == s:
            periods[-1] = (periods[-1][0], e)
        elif periods and periods[-1][1] is None:
            continue  # an episode inside an open period (overlap): the rules say so
        else:
            periods.append((s, e))
    return by


def _sex(value: str | None, year: int) -> str | None:
    if value is None:
        return None
    if year >= 2025:
        return value if value in spec.SEX_FROM_2025 else None
    return {"M": "1", "F": "2"}.get(value)


def from_record(session, year: int, person_ids: Iterable[str] | None = None) -> Data903:
    """The SSDA903 return the record would make for the year ending 31 March ``year``.

    ``person_ids`` narrows it to those children (continuous validation of one
    child's record); by default every child in the return.
    """
    start, end = spec.collection_period(year)
    run = session.execute

    def by_end(day: date | None) -> date | None:
        """A date as the record stood at 31 March: one after it is not yet known."""
        return day if day is not None and day <= end else None

    wanted = list(person_ids) if person_ids is not None else None

    ep_cond = and_(
        ClaEpisode.cb_status == ACTIVE,
        ClaEpisode.clae_cla_episode_start_date.is_not(None),
        ClaEpisode.clae_cla_episode_start_date <= end,
        or_(
            ClaEpisode.clae_cla_episode_ceased_date.is_(None),
            ClaEpisode.clae_cla_episode_ceased_date >= start,
        ),
    )
    if wanted is not None:
        ep_cond = and_(ep_cond, ClaEpisode.clae_person_id.in_(wanted))
    episodes = run(
        select(ClaEpisode, ClaPlacement)
        .outerjoin(
            ClaPlacement,
            and_(
                ClaPlacement.clap_cla_placement_id == ClaEpisode.clae_cla_placement_id,
                ClaPlacement.cb_status == ACTIVE,
            ),
        )
        .where(ep_cond)
    ).all()
    in_care = sorted({e.clae_person_id for e, _ in episodes if e.clae_person_id})

    # care leavers aged 17-21 in the year, not looked after in it
    leaver_cond = and_(CareLeaver.cb_status == ACTIVE, CareLeaver.clea_person_id.is_not(None))
    if wanted is not None:
        leaver_cond = and_(leaver_cond, CareLeaver.clea_person_id.in_(wanted))
    leavers: dict[str, CareLeaver] = {}
    care_set = set(in_care)
    for cl, dob in run(
        select(CareLeaver, Person.pers_dob)
        .join(Person, Person.pers_person_id == CareLeaver.clea_person_id)
        .where(leaver_cond, Person.cb_status == ACTIVE)
    ).all():
        pid = cl.clea_person_id
        if pid in care_set or dob is None:
            continue
        if at_least(dob, 17, end) and not at_least(dob, 22, start):
            leavers[pid] = cl
    cohort = sorted(care_set | set(leavers))

    def each(stmt_for):
        out: list = []
        for chunk in _chunks(cohort):
            out.extend(run(stmt_for(chunk)).all())
        return out

    # periods of care as they stood at 31 March, from each child's whole history
    care: dict[str, list[tuple[date, date | None]]] = {}
    history = []
    for chunk in _chunks(in_care):
        history.extend(
            run(
                select(
                    ClaEpisode.clae_person_id,
                    ClaEpisode.clae_cla_episode_start_date,
                    ClaEpisode.clae_cla_episode_ceased_date,
                ).where(
                    ClaEpisode.clae_person_id.in_(chunk),
                    ClaEpisode.cb_status == ACTIVE,
                    ClaEpisode.clae_cla_episode_start_date.is_not(None),
                    ClaEpisode.clae_cla_episode_start_date <= end,
                )
            ).all()
        )
    for pid, periods in _periods_of_care((p, s, by_end(e)) for p, s, e in history).items():
        care[pid] = [(s, e) for s, e in periods if e is None or e >= start]

    def in_care_on(pid: str, day: date | None) -> bool:
        return day is not None and any(
            s <= day and (e is None or day <= e) for s, e in care.get(pid, ())
        )

    def social_worker_episode(pid: str, a: date, b: date | None) -> bool:
        """Whether an allocation from ``a`` to ``b`` belongs in SWEpisodes: for a child
        looked after on 31 March every allocation of the year (the DfE's SW12); else
        those during the child's periods of care in it (one that ended the day care
        began, or began the day it ended, is another referral's)."""
        periods = care.get(pid, ())
        b_ = b or date.max
        if pid in data.looked_after_at_end:  # (not on short breaks, V3/V4)
            return a <= end and b_ >= start
        for ps, pe in periods:
            if ps == pe:
                if a <= ps <= b_:
                    return True
            elif a < pe and b_ > ps:
                return True
        return False

    people = {
        p.pers_person_id: p
        for p in each(
            lambda ids: select(*_columns(Person)).where(
                Person.pers_person_id.in_(ids), Person.cb_status == ACTIVE
            )
        )
    }
    upn: dict[str, str] = {}
    for s in each(
        lambda ids: select(*_columns(Send)).where(
            Send.send_person_id.in_(ids), Send.cb_status == ACTIVE
        )
    ):
        value = s.send_upn or s.send_upn_unknown
        if value and (s.send_person_id not in upn or s.send_upn):
            upn[s.send_person_id] = value
    first_child: dict[str, date] = {}
    for m in each(
        lambda ids: select(*_columns(Mother)).where(
            Mother.moth_person_id.in_(ids), Mother.cb_status == ACTIVE
        )
    ):
        if m.moth_childs_dob and (
            m.moth_person_id not in first_child or m.moth_childs_dob < first_child[m.moth_person_id]
        ):
            first_child[m.moth_person_id] = m.moth_childs_dob
    legal: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    for ls in each(
        lambda ids: select(*_columns(LegalStatus)).where(
            LegalStatus.lega_person_id.in_(ids), LegalStatus.cb_status == ACTIVE
        )
    ):
        if ls.lega_legal_status_start_date:
            legal[ls.lega_person_id].append(
                (
                    ls.lega_legal_status_start_date,
                    ls.lega_legal_status_end_date,
                    ls.lega_legal_status,
                )
            )
    homes: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for a in each(
        lambda ids: select(*_columns(Address)).where(
            Address.addr_person_id.in_(ids),
            Address.cb_status == ACTIVE,
            Address.addr_address_type == "HOME",
        )
    ):
        if a.addr_address_postcode:
            homes[a.addr_person_id].append(
                (a.addr_address_start_date or date.min, a.addr_address_postcode)
            )

    def legal_on(pid: str, day: date) -> str | None:
        found = None
        for s, e, code in legal.get(pid, ()):
            if (s <= day and (e is None or e > day or s == day)) and (
                found is None or s >= found[0]
            ):
                found = (s, code)
        return found[1] if found else None

    def home_on(pid: str, day: date) -> str | None:
        """The home postcode when the episode began (else the earliest known)."""
        best = None
        known = homes.get(pid, ())
        for s, pc in known:
            if s <= day and (best is None or s >= best[0]):
                best = (s, pc)
        if best is None and known:
            best = min(known)
        return best[1] if best else None

    data = Data903(year)
    t: dict[str, list[dict]] = {name: [] for name in spec.TABLES}

    def dob_of(pid: str) -> str:
        p = people.get(pid)
        return fd(p.pers_dob) if p else ""

    f = spec.female(year)
    for pid in cohort:
        p = people.get(pid)
        if p is None:
            continue
        sex = _sex(p.pers_sex, year)
        mother = _flag01(p.pers_is_mother) if sex == f else None
        if sex == f and mother is None and pid in care_set:
            mother = "1" if pid in first_child else "0"
        t["Header"].append(
            dict(
                CHILD=pid,
                SEX=sex,
                DOB=fd(p.pers_dob),
                ETHNIC=p.pers_ethnicity,
                UPN=upn.get(pid),
                MOTHER=mother,
                MC_DOB=fd(first_child.get(pid)) if mother == "1" else None,
            )
        )

    cla_ids: dict[str, set[str]] = defaultdict(set)
    for e, pl in sorted(
        episodes, key=lambda x: (x[0].clae_person_id or "", x[0].clae_cla_episode_start_date)
    ):
        pid = e.clae_person_id
        day = e.clae_cla_episode_start_date
        if e.clae_cla_id:
            cla_ids[pid].add(e.clae_cla_id)
        ceased = by_end(e.clae_cla_episode_ceased_date)
        change = None
        if (
            ceased is not None
            and pl is not None
            and pl.clap_cla_placement_end_date is not None
            and pl.clap_cla_placement_end_date == ceased
        ):
            change = pl.clap_cla_placement_change_reason
        t["Episodes"].append(
            dict(
                CHILD=pid,
                DECOM=fd(day),
                RNE=e.clae_cla_episode_start_reason,
                LS=legal_on(pid, day),
                CIN=e.clae_cla_primary_need_code,
                PLACE=pl.clap_cla_placement_type if pl else None,
                PLACE_PROVIDER=pl.clap_cla_placement_provider if pl else None,
                DEC=fd(ceased),
                REC=e.clae_cla_episode_ceased_reason if ceased else None,
                REASON_PLACE_CHANGE=change,
                HOME_POST=home_on(pid, day),
                PL_POST=pl.clap_cla_placement_postcode if pl else None,
                URN=pl.clap_cla_placement_urn if pl else None,
            )
        )

    # reviews of the year, through the periods of care
    all_cla = sorted({c for s in cla_ids.values() for c in s})
    owner = {c: pid for pid, s in cla_ids.items() for c in s}
    for chunk in _chunks(all_cla):
        for rv in run(
            select(*_columns(ClaReview)).where(
                ClaReview.clar_cla_id.in_(chunk),
                ClaReview.cb_status == ACTIVE,
                ClaReview.clar_cla_review_date >= start,
                ClaReview.clar_cla_review_date <= end,
            )
        ).all():
            if (rv.clar_cla_review_cancelled or "N").upper() == "Y":
                continue
            pid = owner[rv.clar_cla_id]
            t["Reviews"].append(
                dict(
                    CHILD=pid,
                    DOB=dob_of(pid),
                    REVIEW=fd(rv.clar_cla_review_date),
                    REVIEW_CODE=rv.clar_cla_review_participation,
                )
            )

    for im in each(
        lambda ids: select(*_columns(ImmigrationStatus)).where(
            ImmigrationStatus.immi_person_id.in_(ids),
            ImmigrationStatus.cb_status == ACTIVE,
            ImmigrationStatus.immi_immigration_status == "UASC",
        )
    ):
        pid = im.immi_person_id
        ended = im.immi_immigration_status_end_date
        began = im.immi_immigration_status_start_date
        if pid not in care_set or (began is not None and began > end):
            continue
        if ended is not None and ended < start:
            if ended >= date(start.year - 2, 4, 1):
                data.uasc_before.add(pid)
            continue
        p = people.get(pid)
        t["UASC"].append(
            dict(
                CHILD=pid,
                SEX=_sex(p.pers_sex, year) if p else None,
                DOB=dob_of(pid),
                DUC=fd(by_end(ended)),
            )
        )

    # OC2: children looked after for the 12 months to 31 March
    data.tables["Episodes"] = [Data903.make_row("Episodes", r) for r in t["Episodes"]]
    cla12 = sorted(data.looked_after_12_months)
    _oc2(run, t, cla12, people, start, end)

    for pid, cl in sorted(leavers.items()):
        accom = cl.clea_care_leaver_accommodation
        if accom and len(accom) == 1:
            accom += "1" if (cl.clea_care_leaver_accom_suitable or "Y").upper() == "Y" else "2"
        in_touch = cl.clea_care_leaver_in_touch
        activity = cl.clea_care_leaver_activity
        if in_touch in ("DIED", "RHOM"):  # the return codes both 0 then
            activity = accom = "0"
        elif in_touch is not None:
            activity, accom = activity or "0", accom or "0"
        t["OC3"].append(
            dict(CHILD=pid, DOB=dob_of(pid), IN_TOUCH=in_touch, ACTIV=activity, ACCOM=accom)
        )

    adopted = {
        r["CHILD"]: r
        for r in t["Episodes"]
        if r["REC"] in ("E11", "E12") and r["DEC"] and start <= spec.parse_date(r["DEC"]) <= end
    }
    for pm in each(
        lambda ids: select(*_columns(Permanence)).where(
            Permanence.perm_person_id.in_(ids), Permanence.cb_status == ACTIVE
        )
    ):
        pid = pm.perm_person_id
        if pid not in care_set:
            continue
        decided = pm.perm_adm_decision_date
        if pm.perm_cla_id:
            if pm.perm_cla_id not in cla_ids.get(pid, ()):
                continue  # a decision of another period of care
        elif decided is not None and not any(s <= decided for s, _ in care.get(pid, ())):
            continue  # made before the period of care in the year began
        if decided is not None and decided > end:
            continue
        if pid in adopted:
            t["AD1"].append(
                dict(
                    CHILD=pid,
                    DOB=dob_of(pid),
                    DATE_INT=fd(pm.perm_adm_decision_date),
                    DATE_MATCH=fd(pm.perm_matched_date),
                    FOSTER_CARE=_flag01(pm.perm_adopted_by_carer_flag),
                    NB_ADOPTR=pm.perm_number_of_adopters,
                    SEX_ADOPTR=pm.perm_adopter_sex,
                    LS_ADOPTR=pm.perm_adopter_legal_status,
                )
            )
        if pm.perm_adm_decision_date is not None:
            ceased, reason = pm.perm_decision_reversed_date, pm.perm_decision_reversed_reason
            if ceased is not None and ceased > end:
                ceased = reason = None
            if ceased is None and pid in adopted:
                ceased, reason = spec.parse_date(adopted[pid]["DEC"]), adopted[pid]["REC"]
            t["PlacedAdoption"].append(
                dict(
                    CHILD=pid,
                    DOB=dob_of(pid),
                    DATE_PLACED=fd(pm.perm_adm_decision_date),
                    DATE_PLACED_CEASED=fd(ceased),
                    REASON_PLACED_CEASED=reason,
                )
            )

    starters = {
        r["CHILD"]
        for r in t["Episodes"]
        if r["RNE"] == "S" and spec.parse_date(r["DECOM"]) >= start
    }
    for pp in each(
        lambda ids: select(*_columns(ClaPreviousPermanence)).where(
            ClaPreviousPermanence.lapp_person_id.in_(ids),
            ClaPreviousPermanence.cb_status == ACTIVE,
        )
    ):
        if pp.lapp_person_id in starters:
            t["PrevPerm"].append(
                dict(
                    CHILD=pp.lapp_person_id,
                    DOB=dob_of(pp.lapp_person_id),
                    PREV_PERM=pp.lapp_previous_permanence_option,
                    LA_PERM=pp.lapp_previous_permanence_la,
                    DATE_PERM=pp.lapp_previous_permanence_order_date,
                )
            )

    for ms in each(
        lambda ids: select(*_columns(Missing)).where(
            Missing.miss_person_id.in_(ids),
            Missing.cb_status == ACTIVE,
            Missing.miss_missing_episode_start_date <= end,
            or_(
                Missing.miss_missing_episode_end_date.is_(None),
                Missing.miss_missing_episode_end_date >= start,
            ),
        )
    ):
        if ms.miss_person_id in care_set and in_care_on(
            ms.miss_person_id, ms.miss_missing_episode_start_date
        ):
            t["Missing"].append(
                dict(
                    CHILD=ms.miss_person_id,
                    DOB=dob_of(ms.miss_person_id),
                    MISSING=ms.miss_missing_episode_type,
                    MIS_START=fd(ms.miss_missing_episode_start_date),
                    MIS_END=fd(by_end(ms.miss_missing_episode_end_date)),
                )
            )

    if year >= 2024:
        by_child: dict[str, list[tuple[Involvement, str | None]]] = defaultdict(list)
        for iv, reg in each(
            lambda ids: (
                select(Involvement, Professional.prof_social_worker_registration_no)
                .outerjoin(
                    Professional,
                    Professional.prof_professional_id == Involvement.invo_professional_id,
                )
                .where(
                    Involvement.invo_person_id.in_(ids),
                    Involvement.cb_status == ACTIVE,
                    Involvement.invo_professional_role_id.in_(SOCIAL_WORKER_ROLES),
                    Involvement.invo_involvement_start_date <= end,
                    or_(
                        Involvement.invo_involvement_end_date.is_(None),
                        Involvement.invo_involvement_end_date >= start,
                    ),
                )
            )
        ):
            pid, began = iv.invo_person_id, iv.invo_involvement_start_date
            if (
                pid in care_set
                and began
                and social_worker_episode(pid, began, by_end(iv.invo_involvement_end_date))
            ):
                by_child[pid].append((iv, reg))
        for pid in sorted(by_child):
            prev = None
            for iv, reg in sorted(by_child[pid], key=lambda x: x[0].invo_involvement_start_date):
                reason = None
                if prev is not None:
                    why = prev.invo_worker_change_reason
                    reason = why if why in spec.SW_REASON else SW_REASON.get(why or "", "OTHERS")
                t["SWEpisodes"].append(
                    dict(
                        CHILD=pid,
                        DOB=dob_of(pid),
                        SW_ID=reg or f"XX{iv.invo_professional_id}",
                        SW_DECOM=fd(iv.invo_involvement_start_date),
                        SW_DEC=fd(by_end(iv.invo_involvement_end_date)),
                        SW_REASON=reason,
                    )
                )
                prev = iv

    for name, rows in t.items():
        if name == "SWEpisodes" and year < 2024:
            continue
        data.tables[name] = [Data903.make_row(name, r) for r in rows]
    data.__dict__.pop("episodes_by_child", None)
    data.__dict__.pop("looked_after_12_months", None)
    data.__dict__.pop("looked_after_at_end", None)
    return data


def _oc2(run, t, cla12: list[str], people, start: date, end: date) -> None:
    if not cla12:
        return
    sdq: dict[str, tuple] = {}
    health: dict[str, set[str]] = defaultdict(set)
    immunised: dict[str, str] = {}
    convicted: set[str] = set()
    misuse: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks(cla12):
        for s in run(
            select(*_columns(SdqScore)).where(
                SdqScore.csdq_person_id.in_(chunk), SdqScore.cb_status == ACTIVE
            )
        ).all():
            d = s.csdq_sdq_completed_date
            if (
                d
                and start <= d <= end
                and (s.csdq_person_id not in sdq or d > sdq[s.csdq_person_id][0])
            ):
                sdq[s.csdq_person_id] = (d, s.csdq_sdq_score, s.csdq_sdq_reason)
        for h in run(
            select(*_columns(ClaHealth)).where(
                ClaHealth.clah_person_id.in_(chunk), ClaHealth.cb_status == ACTIVE
            )
        ).all():
            d = h.clah_health_check_date
            if d and start <= d <= end and (h.clah_health_check_status or "DONE").upper() == "DONE":
                health[h.clah_person_id].add((h.clah_health_check_type or "").upper())
        for im in run(
            select(*_columns(ClaImmunisation)).where(
                ClaImmunisation.clai_person_id.in_(chunk), ClaImmunisation.cb_status == ACTIVE
            )
        ).all():
            flag = _flag01(im.clai_immunisations_status)
            if flag:
                immunised[im.clai_person_id] = flag
        for cv in run(
            select(*_columns(ClaConviction)).where(
                ClaConviction.clac_person_id.in_(chunk), ClaConviction.cb_status == ACTIVE
            )
        ).all():
            d = cv.clac_cla_conviction_date
            if d and start <= d <= end:
                convicted.add(cv.clac_person_id)
        for sm in run(
            select(*_columns(ClaSubstanceMisuse)).where(
                ClaSubstanceMisuse.clas_person_id.in_(chunk), ClaSubstanceMisuse.cb_status == ACTIVE
            )
        ).all():
            d = sm.clas_substance_misuse_date
            if d and start <= d <= end and (sm.clas_substance_misused or "Y").upper() == "Y":
                misuse[sm.clas_person_id] = ("1", _flag01(sm.clas_intervention_received))
    for pid in cla12:
        p = people.get(pid)
        dob = p.pers_dob if p else None
        d, score, reason = sdq.get(pid, (None, None, None))
        # an SDQ is due for a child aged 4 to 16 at some time in the year
        due = at_least(dob, 4, end) and not at_least(dob, 17, start)
        if due and score is None and reason is None:
            reason = "SDQ5"  # not completed for another reason
        if not due:
            score = reason = None
        checks = health.get(pid, set())
        sm, received = misuse.get(pid, ("0", None))
        t["OC2"].append(
            dict(
                CHILD=pid,
                DOB=spec.format_date(dob),
                SDQ_SCORE=score,
                SDQ_REASON=reason,
                CONVICTED=("1" if pid in convicted else "0") if at_least(dob, 10, end) else None,
                HEALTH_CHECK=("1" if "HEALTH_ASSESSMENT" in checks else "0")
                if dob and not at_least(dob, 5, end)
                else None,
                IMMUNISATIONS=immunised.get(pid, "0"),
                TEETH_CHECK="1" if "DENTAL" in checks else "0",
                HEALTH_ASSESSMENT="1" if "HEALTH_ASSESSMENT" in checks else "0",
                SUBSTANCE_MISUSE=sm,
                INTERVENTION_RECEIVED=received,
                INTERVENTION_OFFERED=("1" if received == "0" else None),
            )
        )
