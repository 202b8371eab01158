"""The child's chronology: every event in the record, in date order, in words.

Each table the child's life is written in is read once (one query per table,
and none for kinds not asked for) and turned into :class:`ChronologyEvent` s;
things with a start and an end (a plan, a placement, a period missing) give
an event for each. Codes are shown as their labels with the code after them,
"police (6)", from the code lists read once. Only active rows count: an entry
made in error or superseded is not part of the child's story.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from casebook.record.errors import Invalid, NotFound, Problem
from casebook.record.models import (
    CareLeaver,
    CareLeaverContact,
    CaseNote,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CinPlanReview,
    CinVisit,
    ClaEpisode,
    ClaHealth,
    ClaPlacement,
    ClaReview,
    ClaVisit,
    CodeValue,
    Contact,
    CpPlan,
    CpReview,
    CpVisit,
    Department,
    EarlyHelpAssessment,
    EarlyHelpEpisode,
    EarlyHelpPlan,
    EducationPlan,
    ExploitationScreening,
    InitialCpConference,
    Involvement,
    LegalStatus,
    MaceMeeting,
    Missing,
    OutcomeStar,
    Permanence,
    Person,
    Professional,
    S47Enquiry,
    SdqScore,
    StrategyDiscussion,
)
from casebook.record.models.base import ACTIVE

#: Every kind of event, in the order the same day's events are listed (the journey's order).
KINDS: tuple[str, ...] = (
    "contact",
    "early_help",
    "referral",
    "allocation",
    "assessment",
    "strategy",
    "s47",
    "icpc",
    "cp_plan",
    "cin_plan",
    "cp_review",
    "cla_episode",
    "legal_status",
    "placement",
    "cla_review",
    "visit",
    "health",
    "education",
    "missing",
    "exploitation",
    "permanence",
    "care_leaver",
    "case_note",
    "oversight",
)
_RANK = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class ChronologyEvent:
    """One dated event in the child's record.

    ``source_table`` and ``source_id`` name the row it came from, so a page
    can link to it; a row with a start and an end gives two events.
    """

    date: date
    kind: str  # one of KINDS
    title: str  # in words, codes shown with their labels
    detail: str | None
    source_table: str
    source_id: str


class CodeLabels:
    """Every code list's labels, read once: ``labels("referral_source", "6")`` is "police (6)"."""

    def __init__(self, session: Session):
        rows = session.execute(select(CodeValue.list_name, CodeValue.code, CodeValue.label))
        self._labels: Mapping[tuple[str, str], str] = {(lst, code): lab for lst, code, lab in rows}

    def label(self, list_name: str, code: str | None) -> str | None:
        """The label alone ("police"), the code itself if the list lacks it, None for no code."""
        if code is None or code == "":
            return None
        return self._labels.get((list_name, code), code)

    def __call__(self, list_name: str, code: str | None) -> str | None:
        """The label with its code ("police (6)"), the code alone if unknown, None for no code."""
        label = self.label(list_name, code)
        if label is None or label == code:
            return label
        return f"{label} ({code})"


Read = Callable[[Session, str, CodeLabels], Iterator[ChronologyEvent]]
_SOURCES: list[tuple[frozenset[str], Read]] = []


def _source(*kinds: str) -> Callable[[Read], Read]:
    """Register a reader of one table and the kinds of event it gives."""

    def register(read: Read) -> Read:
        _SOURCES.append((frozenset(kinds), read))
        return read

    return register


def chronology(
    session: Session,
    person_id: str,
    *,
    kinds: Collection[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[ChronologyEvent]:
    """Every event in the person's record in date order, optionally only ``kinds``
    and only from ``since`` to ``until`` (both included)."""
    wanted = frozenset(KINDS if kinds is None else kinds)
    if unknown := sorted(wanted - _RANK.keys()):
        raise Invalid(
            [
                Problem("kinds", f"no kind of event called {k!r}; the kinds are {', '.join(KINDS)}")
                for k in unknown
            ]
        )
    found = session.execute(
        select(Person.pers_person_id).where(
            Person.pers_person_id == person_id, Person.cb_status == ACTIVE
        )
    ).first()
    if found is None:
        raise NotFound(f"no person with id {person_id!r}")
    labels = CodeLabels(session)
    events = [
        event
        for kinds_given, read in _SOURCES
        if kinds_given & wanted
        for event in read(session, person_id, labels)
        if event.kind in wanted
        and (since is None or event.date >= since)
        and (until is None or event.date <= until)
    ]
    # Stable: a table's own order (a placement's end before the next one's start) is kept.
    events.sort(key=lambda e: (e.date, _RANK[e.kind]))
    return events


# --------------------------------------------------------------------------- helpers


def _rows(session: Session, person_column, person_id: str, *order):
    """The person's active rows of the table ``person_column`` belongs to, in ``order``."""
    model = person_column.class_
    return session.scalars(
        select(model)
        .where(person_column == person_id, model.cb_status == ACTIVE)
        .order_by(*order, *model.__table__.primary_key.columns)
    )


def _event(day, kind, title, detail, table, row_id) -> Iterator[ChronologyEvent]:
    if day is not None:
        yield ChronologyEvent(day, kind, title, detail or None, table, str(row_id))


def _join(*parts: str | None, sep: str = "; ") -> str | None:
    text = sep.join(p for p in parts if p)
    return text or None


def _with(title: str, what: str | None, sep: str = ": ") -> str:
    return f"{title}{sep}{what}" if what else title


def _seen(seen: str | None, alone: str | None) -> str | None:
    if alone == "Y":
        return "child seen alone"
    if seen == "Y":
        return "child seen"
    if seen == "N":
        return "child not seen"
    return None


def _yes_no(flag: str | None, yes: str | None, no: str | None) -> str | None:
    return {"Y": yes, "N": no}.get(flag or "")


# --------------------------------------------------------------------------- sources


@_source("contact")
def _contacts(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for c in _rows(session, Contact.cont_person_id, person_id, Contact.cont_contact_date):
        source = labels("referral_source", c.cont_contact_source_code) or c.cont_contact_source_desc
        yield from _event(
            c.cont_contact_date,
            "contact",
            _with("Contact received", source, " from "),
            _join(c.cb_contact_who, c.cb_concerns),
            "ssd_contacts",
            c.cont_contact_id,
        )
        if c.cb_decision:
            yield from _event(
                c.cb_decision_date,
                "contact",
                f"Contact decision: {labels.label('contact_decision', c.cb_decision)}",
                c.cb_decision_reason,
                "ssd_contacts",
                c.cont_contact_id,
            )


@_source("early_help")
def _early_help(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = EarlyHelpEpisode.earl_episode_start_date
    for e in _rows(session, EarlyHelpEpisode.earl_person_id, person_id, order):
        yield from _event(
            e.earl_episode_start_date,
            "early_help",
            _with("Early help started", e.earl_episode_organisation, " with "),
            e.earl_episode_reason,
            "ssd_early_help_episodes",
            e.earl_episode_id,
        )
        yield from _event(
            e.earl_episode_end_date,
            "early_help",
            _with("Early help ended", labels("early_help_end_reason", e.earl_episode_end_reason)),
            None,
            "ssd_early_help_episodes",
            e.earl_episode_id,
        )


@_source("referral")
def _referrals(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for r in _rows(session, CinEpisode.cine_person_id, person_id, CinEpisode.cine_referral_date):
        source = (
            labels("referral_source", r.cine_referral_source_code) or r.cine_referral_source_desc
        )
        title = _with("Referral received", source, " from ")
        title = _with(title, labels("primary_need", r.cine_cin_primary_need_code))
        yield from _event(
            r.cine_referral_date,
            "referral",
            title,
            _yes_no(r.cine_referral_nfa, "no further action", None),
            "ssd_cin_episodes",
            r.cine_referral_id,
        )
        yield from _event(
            r.cine_close_date,
            "referral",
            _with(
                "Child in need episode closed", labels("cin_closure_reason", r.cine_close_reason)
            ),
            None,
            "ssd_cin_episodes",
            r.cine_referral_id,
        )


@_source("assessment")
def _assessments(
    session: Session, person_id: str, _labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    order = CinAssessment.cina_assessment_start_date
    for a in _rows(session, CinAssessment.cina_person_id, person_id, order):
        yield from _event(
            a.cina_assessment_start_date,
            "assessment",
            "Assessment started",
            None,
            "ssd_cin_assessments",
            a.cina_assessment_id,
        )
        yield from _event(
            a.cina_assessment_auth_date,
            "assessment",
            _with(
                "Assessment completed",
                _yes_no(a.cina_assessment_outcome_nfa, "no further action", None),
            ),
            _yes_no(a.cina_assessment_child_seen, "child seen", "child not seen"),
            "ssd_cin_assessments",
            a.cina_assessment_id,
        )


@_source("strategy")
def _strategy(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = StrategyDiscussion.discussion_date
    for s in _rows(session, StrategyDiscussion.person_id, person_id, order):
        outcome = _yes_no(s.outcome_s47, "section 47 enquiry agreed", "no section 47 enquiry")
        yield from _event(
            s.discussion_date,
            "strategy",
            _with("Strategy discussion", outcome),
            s.notes,
            "strategy_discussion",
            s.id,
        )


@_source("s47")
def _s47(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for s in _rows(session, S47Enquiry.s47e_person_id, person_id, S47Enquiry.s47e_s47_start_date):
        yield from _event(
            s.s47e_s47_start_date,
            "s47",
            "Section 47 enquiry started",
            None,
            "ssd_s47_enquiry",
            s.s47e_s47_enquiry_id,
        )
        outcome = _join(
            _yes_no(s.s47e_s47_nfa, "no further action", None),
            _yes_no(s.cb_icpc_not_required, "conference not required", None),
            sep=", ",
        )
        yield from _event(
            s.s47e_s47_end_date,
            "s47",
            _with("Section 47 enquiry ended", outcome),
            None,
            "ssd_s47_enquiry",
            s.s47e_s47_enquiry_id,
        )


@_source("icpc")
def _icpc(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = InitialCpConference.icpc_icpc_date
    for c in _rows(session, InitialCpConference.icpc_person_id, person_id, order):
        outcome = _yes_no(
            c.icpc_icpc_outcome_cp_flag, "child protection plan", "no child protection plan"
        )
        title = _with("Initial child protection conference", outcome)
        if c.icpc_icpc_transfer_in == "Y":
            title += " (transfer in)"
        yield from _event(
            c.icpc_icpc_date,
            "icpc",
            title,
            None,
            "ssd_initial_cp_conference",
            c.icpc_icpc_id,
        )


@_source("cp_plan")
def _cp_plans(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for p in _rows(session, CpPlan.cppl_person_id, person_id, CpPlan.cppl_cp_plan_start_date):
        yield from _event(
            p.cppl_cp_plan_start_date,
            "cp_plan",
            _with(
                "Child protection plan started",
                labels("cp_category", p.cppl_cp_plan_initial_category),
            ),
            "transferred in from another authority" if p.cppl_cp_plan_ola == "Y" else None,
            "ssd_cp_plans",
            p.cppl_cp_plan_id,
        )
        yield from _event(
            p.cppl_cp_plan_end_date,
            "cp_plan",
            "Child protection plan ended",
            _with("latest category", labels("cp_category", p.cppl_cp_plan_latest_category))
            if p.cppl_cp_plan_latest_category
            else None,
            "ssd_cp_plans",
            p.cppl_cp_plan_id,
        )


@_source("cp_review")
def _cp_reviews(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = CpReview.cppr_cp_review_date
    for r in _rows(session, CpReview.cppr_person_id, person_id, order):
        outcome = _yes_no(r.cppr_cp_review_outcome_continue_cp, "plan continues", "plan to end")
        yield from _event(
            r.cppr_cp_review_date,
            "cp_review",
            _with("Child protection review", outcome),
            _yes_no(r.cppr_cp_review_quorate, None, "not quorate"),
            "ssd_cp_reviews",
            r.cppr_cp_review_id,
        )


@_source("cin_plan")
def _cin_plans(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = CinPlan.cinp_cin_plan_start_date
    for p in _rows(session, CinPlan.cinp_person_id, person_id, order):
        for day, title in (
            (p.cinp_cin_plan_start_date, "Child in need plan started"),
            (p.cinp_cin_plan_end_date, "Child in need plan ended"),
        ):
            yield from _event(day, "cin_plan", title, None, "ssd_cin_plans", p.cinp_cin_plan_id)


@_source("visit")
def _cp_visits(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for v in _rows(session, CpVisit.cppv_person_id, person_id, CpVisit.cppv_cp_visit_date):
        yield from _event(
            v.cppv_cp_visit_date,
            "visit",
            _with(
                "Child protection visit", _seen(v.cppv_cp_visit_seen, v.cppv_cp_visit_seen_alone)
            ),
            _yes_no(v.cppv_cp_visit_bedroom, "bedroom seen", None),
            "ssd_cp_visits",
            v.cppv_cp_visit_id,
        )


@_source("visit")
def _cin_visits(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for v in _rows(session, CinVisit.cinv_person_id, person_id, CinVisit.cinv_cin_visit_date):
        yield from _event(
            v.cinv_cin_visit_date,
            "visit",
            _with("Child in need visit", _seen(v.cinv_cin_visit_seen, v.cinv_cin_visit_seen_alone)),
            _yes_no(v.cinv_cin_visit_bedroom, "bedroom seen", None),
            "ssd_cin_visits",
            v.cinv_cin_visit_id,
        )


@_source("visit")
def _cla_visits(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for v in _rows(session, ClaVisit.clav_person_id, person_id, ClaVisit.clav_cla_visit_date):
        yield from _event(
            v.clav_cla_visit_date,
            "visit",
            _with("Looked-after visit", _seen(v.clav_cla_visit_seen, v.clav_cla_visit_seen_alone)),
            _yes_no(v.cb_bedroom_seen, "bedroom seen", None),
            "ssd_cla_visits",
            v.clav_cla_visit_id,
        )


@_source("cla_episode")
def _cla_episodes(
    session: Session, person_id: str, labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    order = ClaEpisode.clae_cla_episode_start_date
    for e in _rows(session, ClaEpisode.clae_person_id, person_id, order):
        yield from _event(
            e.clae_cla_episode_start_date,
            "cla_episode",
            _with(
                "Care episode started",
                labels("reason_new_episode", e.clae_cla_episode_start_reason),
            ),
            _with("need", labels("primary_need", e.clae_cla_primary_need_code))
            if e.clae_cla_primary_need_code
            else None,
            "ssd_cla_episodes",
            e.clae_cla_episode_id,
        )
        yield from _event(
            e.clae_cla_episode_ceased_date,
            "cla_episode",
            _with(
                "Care episode ended",
                labels("reason_episode_ceased", e.clae_cla_episode_ceased_reason),
            ),
            None,
            "ssd_cla_episodes",
            e.clae_cla_episode_id,
        )


@_source("legal_status")
def _legal_status(
    session: Session, person_id: str, labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    order = LegalStatus.lega_legal_status_start_date
    for s in _rows(session, LegalStatus.lega_person_id, person_id, order):
        status = labels("legal_status", s.lega_legal_status)
        yield from _event(
            s.lega_legal_status_start_date,
            "legal_status",
            _with("Legal status", status),
            None,
            "ssd_legal_status",
            s.lega_legal_status_id,
        )
        yield from _event(
            s.lega_legal_status_end_date,
            "legal_status",
            _with("Legal status ended", status),
            None,
            "ssd_legal_status",
            s.lega_legal_status_id,
        )


@_source("placement")
def _placements(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = ClaPlacement.clap_cla_placement_start_date
    for p in _rows(session, ClaPlacement.clap_person_id, person_id, order):
        yield from _event(
            p.clap_cla_placement_start_date,
            "placement",
            _with("Placement started", labels("placement_type", p.clap_cla_placement_type)),
            _with("provider", labels("placement_provider", p.clap_cla_placement_provider))
            if p.clap_cla_placement_provider
            else None,
            "ssd_cla_placement",
            p.clap_cla_placement_id,
        )
        yield from _event(
            p.clap_cla_placement_end_date,
            "placement",
            _with(
                "Placement ended",
                labels("placement_change_reason", p.clap_cla_placement_change_reason),
            ),
            None,
            "ssd_cla_placement",
            p.clap_cla_placement_id,
        )


@_source("cla_review")
def _cla_reviews(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    # Reviews carry no person id: they hang off the CLA ids of the child's episodes.
    cla_ids = select(ClaEpisode.clae_cla_id).where(
        ClaEpisode.clae_person_id == person_id, ClaEpisode.cb_status == ACTIVE
    )
    reviews = session.scalars(
        select(ClaReview)
        .where(ClaReview.clar_cla_id.in_(cla_ids), ClaReview.cb_status == ACTIVE)
        .order_by(ClaReview.clar_cla_review_date)
    )
    for r in reviews:
        title = "Looked-after review"
        if r.clar_cla_review_cancelled == "Y":
            title += " cancelled"
        yield from _event(
            r.clar_cla_review_date,
            "cla_review",
            title,
            _with("participation", labels("review_participation", r.clar_cla_review_participation))
            if r.clar_cla_review_participation
            else None,
            "ssd_cla_reviews",
            r.clar_cla_review_id,
        )


@_source("health")
def _health(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = ClaHealth.clah_health_check_date
    for h in _rows(session, ClaHealth.clah_person_id, person_id, order):
        what = labels.label("health_check_type", h.clah_health_check_type) or "health check"
        yield from _event(
            h.clah_health_check_date,
            "health",
            _with(
                what[:1].upper() + what[1:],
                labels.label("health_check_status", h.clah_health_check_status),
            ),
            None,
            "ssd_cla_health",
            h.clah_health_check_id,
        )


@_source("health")
def _sdq(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = SdqScore.csdq_sdq_completed_date
    for s in _rows(session, SdqScore.csdq_person_id, person_id, order):
        if s.csdq_sdq_score not in (None, ""):
            title = f"Strengths and difficulties questionnaire: score {s.csdq_sdq_score}"
        else:
            title = _with(
                "Strengths and difficulties questionnaire not done",
                labels("sdq_reason", s.csdq_sdq_reason),
            )
        yield from _event(
            s.csdq_sdq_completed_date, "health", title, None, "ssd_sdq_scores", s.csdq_table_id
        )


@_source("education")
def _education(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    for p in _rows(session, EducationPlan.person_id, person_id, EducationPlan.pep_date):
        yield from _event(
            p.pep_date,
            "education",
            "Personal education plan meeting",
            _join(_with("school URN", p.school_urn, " ") if p.school_urn else None, p.notes),
            "education_plan",
            p.id,
        )


@_source("missing")
def _missing(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = Missing.miss_missing_episode_start_date
    for m in _rows(session, Missing.miss_person_id, person_id, order):
        away = m.miss_missing_episode_type == "A"
        for day, title in (
            (
                m.miss_missing_episode_start_date,
                "Away from placement without authorisation" if away else "Went missing",
            ),
            (m.miss_missing_episode_end_date, "Came back" if away else "Returned from missing"),
            (m.cb_rhi_offered_date, "Return home interview offered"),
            (m.cb_rhi_done_date, "Return home interview done"),
        ):
            yield from _event(day, "missing", title, None, "ssd_missing", m.miss_table_id)


@_source("exploitation")
def _exploitation(
    session: Session, person_id: str, labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    order = ExploitationScreening.screening_date
    for s in _rows(session, ExploitationScreening.person_id, person_id, order):
        risk = labels.label("exploitation_risk", s.risk_level)
        yield from _event(
            s.screening_date,
            "exploitation",
            _with("Exploitation screening", f"{risk} risk" if risk else None),
            _join(labels.label("exploitation_type", s.exploitation_type), s.notes),
            "exploitation_screening",
            s.id,
        )
        yield from _event(
            s.mace_date,
            "exploitation",
            "Multi-agency child exploitation (MACE) meeting",
            None,
            "exploitation_screening",
            s.id,
        )


@_source("exploitation")
def _mace_meetings(
    session: Session, person_id: str, labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    for m in _rows(session, MaceMeeting.person_id, person_id, MaceMeeting.meeting_date):
        risk = labels.label("exploitation_risk", m.risk_level)
        yield from _event(
            m.meeting_date,
            "exploitation",
            _with("MACE meeting", f"{risk} risk" if risk else None),
            m.actions,
            "cb_mace_meeting",
            m.id,
        )


@_source("cin_plan")
def _cin_plan_reviews(
    session: Session, person_id: str, _labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    for r in _rows(session, CinPlanReview.person_id, person_id, CinPlanReview.review_date):
        outcome = _yes_no(r.plan_continues, "plan continues", "plan to end")
        yield from _event(
            r.review_date,
            "cin_plan",
            _with("Child in need plan review", outcome),
            r.notes,
            "cb_cin_plan_review",
            r.id,
        )


@_source("early_help")
def _early_help_work(
    session: Session, person_id: str, _labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    order = EarlyHelpAssessment.assessment_date
    for a in _rows(session, EarlyHelpAssessment.person_id, person_id, order):
        yield from _event(
            a.assessment_date,
            "early_help",
            "Early help assessment",
            a.summary,
            "cb_early_help_assessment",
            a.id,
        )
    for p in _rows(session, EarlyHelpPlan.person_id, person_id, EarlyHelpPlan.plan_date):
        yield from _event(
            p.plan_date, "early_help", "Early help plan", p.outcomes, "cb_early_help_plan", p.id
        )
    for star in _rows(session, OutcomeStar.person_id, person_id, OutcomeStar.star_date):
        yield from _event(
            star.star_date,
            "early_help",
            f"Outcome Star {star.reading}: {star.total} of 100",
            None,
            "cb_outcome_star",
            star.id,
        )


_PERMANENCE_STEPS = (
    ("perm_adm_decision_date", "Agency decision that the child should be placed for adoption"),
    ("perm_ffa_cp_decision_date", "Decision to place for fostering for adoption"),
    ("perm_placement_order_date", "Placement order made"),
    ("perm_matched_date", "Matched with adopters"),
    ("perm_placed_for_adoption_date", "Placed for adoption"),
    ("perm_placed_ffa_cp_date", "Placed for fostering for adoption"),
    ("perm_placed_foster_carer_date", "Placed with the foster carer"),
    ("perm_decision_reversed_date", "Adoption decision reversed"),
    ("perm_permanence_order_date", "Permanence order made"),
)


@_source("permanence")
def _permanence(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    order = Permanence.perm_adm_decision_date
    for p in _rows(session, Permanence.perm_person_id, person_id, order):
        for column, title in _PERMANENCE_STEPS:
            detail = None
            if column == "perm_decision_reversed_date":
                detail = p.perm_decision_reversed_reason
            elif column == "perm_permanence_order_date":
                title = _with(title, p.perm_permanence_order_type)
            yield from _event(
                getattr(p, column), "permanence", title, detail, "ssd_permanence", p.perm_table_id
            )


def _care_leaver_detail(
    labels: CodeLabels, accommodation: str | None, suitable: str | None, activity: str | None
) -> str | None:
    return _join(
        _with(
            "accommodation",
            _join(
                labels("care_leaver_accommodation", accommodation),
                _yes_no(suitable, "suitable", "not suitable"),
                sep=", ",
            ),
        )
        if accommodation
        else None,
        _with("activity", labels("care_leaver_activity", activity)) if activity else None,
    )


@_source("care_leaver")
def _care_leaver_contacts(
    session: Session, person_id: str, labels: CodeLabels
) -> Iterator[ChronologyEvent]:
    """Every contact with a care leaver as it was recorded (``cb_care_leaver_contact``)."""
    order = CareLeaverContact.contact_date
    for c in _rows(session, CareLeaverContact.person_id, person_id, order):
        yield from _event(
            c.contact_date,
            "care_leaver",
            _with(
                "Care leaver contact",
                labels.label("care_leaver_in_touch", c.clea_care_leaver_in_touch),
            ),
            _care_leaver_detail(
                labels,
                c.clea_care_leaver_accommodation,
                c.clea_care_leaver_accom_suitable,
                c.clea_care_leaver_activity,
            ),
            "cb_care_leaver_contact",
            c.id,
        )
        yield from _event(
            c.clea_pathway_plan_review_date,
            "care_leaver",
            "Pathway plan reviewed",
            None,
            "cb_care_leaver_contact",
            c.id,
        )


@_source("care_leaver")
def _care_leaver(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    """The SSD row's latest contact and pathway plan review, where the contacts kept by
    Casebook do not already hold them (a row imported from an SSD extract has none)."""
    kept = session.execute(
        select(
            CareLeaverContact.contact_date, CareLeaverContact.clea_pathway_plan_review_date
        ).where(CareLeaverContact.person_id == person_id, CareLeaverContact.cb_status == ACTIVE)
    ).all()
    contacts = {day for day, _ in kept}
    reviews = {review for _, review in kept if review is not None}
    order = CareLeaver.clea_care_leaver_latest_contact
    for c in _rows(session, CareLeaver.clea_person_id, person_id, order):
        if c.clea_care_leaver_latest_contact not in contacts:
            yield from _event(
                c.clea_care_leaver_latest_contact,
                "care_leaver",
                _with(
                    "Care leaver contact",
                    labels.label("care_leaver_in_touch", c.clea_care_leaver_in_touch),
                ),
                _care_leaver_detail(
                    labels,
                    c.clea_care_leaver_accommodation,
                    c.clea_care_leaver_accom_suitable,
                    c.clea_care_leaver_activity,
                ),
                "ssd_care_leavers",
                c.clea_table_id,
            )
        if c.clea_pathway_plan_review_date not in reviews:
            yield from _event(
                c.clea_pathway_plan_review_date,
                "care_leaver",
                "Pathway plan reviewed",
                None,
                "ssd_care_leavers",
                c.clea_table_id,
            )


@_source("case_note", "oversight")
def _case_notes(session: Session, person_id: str, _labels: CodeLabels) -> Iterator[ChronologyEvent]:
    notes = session.execute(
        select(CaseNote, Professional.prof_professional_name)
        .outerjoin(Professional, Professional.prof_professional_id == CaseNote.author_id)
        .where(CaseNote.person_id == person_id, CaseNote.cb_status == ACTIVE)
        .order_by(CaseNote.note_date, CaseNote.id)
    )
    for note, author in notes:
        oversight = note.note_type == "oversight"
        if oversight:
            title = "Management oversight"
        elif note.note_type in (None, "", "case_note"):
            title = "Case note"
        else:
            title = note.note_type.replace("_", " ").capitalize()
        yield from _event(
            note.note_date,
            "oversight" if oversight else "case_note",
            _with(title, author, " by "),
            note.text,
            "case_note",
            note.id,
        )


@_source("allocation")
def _allocations(session: Session, person_id: str, labels: CodeLabels) -> Iterator[ChronologyEvent]:
    rows = session.execute(
        select(Involvement, Professional.prof_professional_name, Department.dept_team_name)
        .outerjoin(
            Professional, Professional.prof_professional_id == Involvement.invo_professional_id
        )
        .outerjoin(Department, Department.dept_team_id == Involvement.invo_professional_team)
        .where(Involvement.invo_person_id == person_id, Involvement.cb_status == ACTIVE)
        .order_by(Involvement.invo_involvement_start_date, Involvement.invo_involvements_id)
    )
    for i, worker, team in rows:
        who = _join(worker or i.invo_professional_id, team, sep=", ")
        yield from _event(
            i.invo_involvement_start_date,
            "allocation",
            _with("Allocated", who, " to "),
            None,
            "ssd_involvements",
            i.invo_involvements_id,
        )
        yield from _event(
            i.invo_involvement_end_date,
            "allocation",
            _with(
                _with("Allocation", who, " to ") + " ended",
                labels("worker_change_reason", i.invo_worker_change_reason),
            ),
            None,
            "ssd_involvements",
            i.invo_involvements_id,
        )
