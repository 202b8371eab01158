"""Import CIN census XML into the record: every child, or nothing.

This is how an authority moves off its old system with the files it already
sends the DfE. It runs in two passes inside one transaction:

1. **Check.** The files are parsed (:func:`.load.load`: malformed XML,
   unknown elements, wrong dates, flags or counts are refused there); then
   every row the census turns into is checked as the record checks a form —
   code lists and date ranges (:func:`casebook.record.validation.check_values`),
   LAchildID present and unique, not already in the database, and the
   header's Year the one asked for. Every problem names the file, the line
   of the element, and the element (field).
2. **Load.** Only if nothing is wrong, the rows are written in bulk
   (:func:`casebook.interchange.bulk.insert_rows`) referenced tables first,
   one history entry notes the import, and the transaction commits once. A
   database error rolls everything back.

What goes where: ``LAchildID`` is the person's id; ``UPN`` a ``ssd_send`` row;
``FormerUPN`` a ``ssd_linked_identifiers`` row; each ``CINdetails`` a
referral (``ssd_cin_episodes``) with its assessments (and factors), CIN
plans, section 47 enquiries (an initial conference row when the enquiry has
a conference date or target), the referral's own ``DateOfInitialCPC`` as an
initial conference linked to the referral only, child protection plans and
their reviews. ``NumberOfPreviousCPP`` is not stored: the record counts a
child's earlier plans itself, so after importing one year's census it counts
only the plans that census holds.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError

from casebook.interchange.bulk import insert_rows, refresh_statistics
from casebook.record.errors import Invalid, Problem
from casebook.record.models import (
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    Disability,
    HistoryEntry,
    InitialCpConference,
    LinkedIdentifier,
    Person,
    S47Enquiry,
    Send,
)
from casebook.record.validation import check_values, load_codebook

from .load import MAX_PROBLEMS, load
from .project import FORMER_UPN
from .spec import CinData

#: SSD column → the census element it comes from, for messages.
ELEMENT = {
    "pers_person_id": "LAchildID",
    "pers_gender": "GenderCurrent",
    "pers_ethnicity": "Ethnicity",
    "pers_dob": "PersonBirthDate",
    "pers_expected_dob": "ExpectedPersonBirthDate",
    "pers_death_date": "PersonDeathDate",
    "pers_upn_unknown": "UPNunknown",
    "disa_disability_code": "Disability",
    "cine_referral_date": "CINreferralDate",
    "cine_referral_source_code": "ReferralSource",
    "cine_cin_primary_need_code": "PrimaryNeedCode",
    "cine_close_date": "CINclosureDate",
    "cine_close_reason": "ReasonForClosure",
    "cina_assessment_start_date": "AssessmentActualStartDate",
    "cina_assessment_auth_date": "AssessmentAuthorisationDate",
    "cinp_cin_plan_start_date": "CINPlanStartDate",
    "cinp_cin_plan_end_date": "CINPlanEndDate",
    "s47e_s47_start_date": "S47ActualStartDate",
    "icpc_icpc_date": "DateOfInitialCPC",
    "icpc_icpc_target_date": "InitialCPCtarget",
    "cppl_cp_plan_start_date": "CPPstartDate",
    "cppl_cp_plan_end_date": "CPPendDate",
    "cppl_cp_plan_initial_category": "InitialCategoryOfAbuse",
    "cppl_cp_plan_latest_category": "LatestCategoryOfAbuse",
    "cppr_cp_review_date": "CPPreviewDate",
}

#: Tables in the order they are written (referenced tables first).
ORDER = [
    Person,
    Send,
    LinkedIdentifier,
    Disability,
    CinEpisode,
    CinAssessment,
    AssessmentFactor,
    CinPlan,
    S47Enquiry,
    InitialCpConference,
    CpPlan,
    CpReview,
]


def _yn(flag: bool | None) -> str | None:
    return None if flag is None else ("Y" if flag else "N")


def _ssd_gender(value: str | None) -> str | None:
    if value is not None and value.isdigit() and len(value) == 1:
        return "0" + value
    return value


class _Rows:
    """The record rows one census turns into, with where each came from."""

    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = {m: [] for m in ORDER}
        #: (file, line) of the element each row came from, in the same order.
        self.where: dict[Any, list[tuple[str | None, int | None]]] = {m: [] for m in ORDER}

    def add(self, model, where: tuple[str | None, int | None], **values: Any) -> None:
        self.tables[model].append(values)
        self.where[model].append(where)


def rows_for(data: CinData) -> _Rows:
    """Every record row of the census (nothing checked yet)."""
    out = _Rows()
    for c in data.children:
        la = c.la_child_id or ""
        at = (c.file, c.line)
        out.add(
            Person,
            at,
            pers_person_id=la,
            pers_gender=_ssd_gender(c.gender),
            pers_ethnicity=c.ethnicity,
            pers_dob=c.birth_date,
            pers_expected_dob=c.expected_birth_date,
            pers_death_date=c.death_date,
            pers_upn_unknown=c.upn_unknown,
            cb_person_type="child",
        )
        if c.upn:
            out.add(Send, at, send_table_id=f"{la}-UPN", send_upn=c.upn, send_person_id=la)
        if c.former_upn:
            out.add(
                LinkedIdentifier,
                at,
                link_table_id=f"{la}-FUPN",
                link_person_id=la,
                link_identifier_type=FORMER_UPN,
                link_identifier_value=c.former_upn,
            )
        for i, code in enumerate(c.disabilities, 1):
            out.add(
                Disability, at, disa_table_id=f"{la}-D{i}", disa_person_id=la,
                disa_disability_code=code,
            )  # fmt: skip
        for i, ep in enumerate(c.episodes, 1):
            rid = f"{la}-R{i}"
            e_at = (c.file, ep.line)
            out.add(
                CinEpisode,
                e_at,
                cine_referral_id=rid,
                cine_person_id=la,
                cine_referral_date=ep.referral_date,
                cine_referral_source_code=ep.referral_source,
                cine_cin_primary_need_code=ep.primary_need,
                cine_close_date=ep.closure_date,
                cine_close_reason=ep.closure_reason,
                cine_referral_nfa=_yn(ep.referral_nfa),
            )
            if ep.icpc_date is not None:
                out.add(
                    InitialCpConference, e_at, icpc_icpc_id=f"{rid}-C", icpc_person_id=la,
                    icpc_referral_id=rid, icpc_icpc_date=ep.icpc_date,
                )  # fmt: skip
            for j, a in enumerate(ep.assessments, 1):
                aid = f"{rid}-A{j}"
                out.add(
                    CinAssessment, (c.file, a.line), cina_assessment_id=aid,
                    cina_person_id=la, cina_referral_id=rid,
                    cina_assessment_start_date=a.start, cina_assessment_auth_date=a.authorised,
                )  # fmt: skip
                if a.factors:
                    out.add(
                        AssessmentFactor, (c.file, a.line), cinf_table_id=f"{aid}-F",
                        cinf_assessment_id=aid, cinf_assessment_factors_json=json.dumps(a.factors),
                    )  # fmt: skip
            for j, p in enumerate(ep.plans, 1):
                out.add(
                    CinPlan, (c.file, p.line), cinp_cin_plan_id=f"{rid}-P{j}",
                    cinp_referral_id=rid, cinp_person_id=la,
                    cinp_cin_plan_start_date=p.start, cinp_cin_plan_end_date=p.end,
                )  # fmt: skip
            for j, s in enumerate(ep.s47s, 1):
                sid = f"{rid}-S{j}"
                out.add(
                    S47Enquiry, (c.file, s.line), s47e_s47_enquiry_id=sid,
                    s47e_referral_id=rid, s47e_person_id=la, s47e_s47_start_date=s.start,
                    cb_icpc_not_required=_yn(s.icpc_not_required),
                )  # fmt: skip
                if s.icpc_date is not None or s.icpc_target is not None:
                    out.add(
                        InitialCpConference, (c.file, s.line), icpc_icpc_id=f"{sid}-C",
                        icpc_s47_enquiry_id=sid, icpc_person_id=la, icpc_referral_id=rid,
                        icpc_icpc_target_date=s.icpc_target, icpc_icpc_date=s.icpc_date,
                    )  # fmt: skip
            for j, cp in enumerate(ep.cpps, 1):
                cid = f"{rid}-CP{j}"
                out.add(
                    CpPlan, (c.file, cp.line), cppl_cp_plan_id=cid, cppl_referral_id=rid,
                    cppl_person_id=la, cppl_cp_plan_start_date=cp.start,
                    cppl_cp_plan_end_date=cp.end, cppl_cp_plan_initial_category=cp.initial_category,
                    cppl_cp_plan_latest_category=cp.latest_category,
                )  # fmt: skip
                for k, r in enumerate(cp.reviews, 1):
                    out.add(
                        CpReview, (c.file, r.line), cppr_cp_review_id=f"{cid}-V{k}",
                        cppr_person_id=la, cppr_cp_plan_id=cid, cppr_cp_review_date=r.date,
                    )  # fmt: skip
    return out


def check(conn, data: CinData, year: int, rows: _Rows) -> list[Problem]:
    """Everything wrong with importing ``data`` into the database behind ``conn``."""
    problems: list[Problem] = []
    for name, h in data.files or [(None, data.header)]:
        if h.year != str(year):
            message = f"Message/Header/CollectionDetails: the census is for {h.year}, not {year}"
            problems.append(Problem("Year", message, name, h.line))
    first_file = data.files[0][0] if data.files else None
    if not data.children:
        problems.append(Problem("Child", "Message/Children: the census holds no child", first_file))
    ids = Counter(c.la_child_id for c in data.children if c.la_child_id)
    seen: set[str] = set()
    for c in data.children:
        la = c.la_child_id
        if not la:
            problems.append(Problem("LAchildID", "Child: LAchildID is required", c.file, c.line))
        elif ids[la] > 1 and la in seen:
            problems.append(
                Problem("LAchildID", f"Child: '{la}' is on an earlier child too", c.file, c.line)
            )
        seen.add(la or "")
    existing = _already_in_db(conn, list(ids))
    for c in data.children:
        if c.la_child_id in existing:
            problems.append(
                Problem(
                    "LAchildID",
                    f"Child: '{c.la_child_id}' is already in the database",
                    c.file,
                    c.line,
                )
            )
    codes = load_codebook(conn)
    for model in ORDER:
        for values, (file, line) in zip(rows.tables[model], rows.where[model], strict=True):
            for p in check_values(values, codes):
                element = ELEMENT.get(p.field, p.field)
                message = p.message
                for column, name in ELEMENT.items():
                    message = message.replace(column, name)
                problems.append(Problem(element, message, file, line))
                if len(problems) >= MAX_PROBLEMS:
                    return problems
    return problems


def _already_in_db(conn, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        found.update(
            conn.execute(
                select(Person.pers_person_id).where(Person.pers_person_id.in_(chunk))
            ).scalars()
        )
    return found


def import_into(engine: Engine, paths: list[Path], year: int) -> int:
    """Import the census files for the year ending 31 March ``year``; the children written.

    All or nothing: :class:`~casebook.record.errors.Invalid` names every
    problem (file, line, element) and nothing is written.
    """
    data = load([Path(p) for p in paths])
    rows = rows_for(data)
    with engine.begin() as conn:
        problems = check(conn, data, year, rows)
        if problems:
            raise Invalid(problems)
        counts: dict[str, int] = {}
        try:
            for model in ORDER:
                table_rows = rows.tables[model]
                if not table_rows:
                    continue
                columns = list(dict.fromkeys(k for r in table_rows for k in r))
                counts[model.__tablename__] = insert_rows(
                    conn,
                    model.__table__,
                    columns,
                    ([r.get(k) for k in columns] for r in table_rows),
                )
            conn.execute(
                insert(HistoryEntry.__table__).values(
                    at=datetime.now(UTC).replace(tzinfo=None),
                    actor="system",
                    action="import_cin",
                    table_name="cin_census",
                    record_id=", ".join(Path(p).name for p in paths)[-200:],
                    before_json=None,
                    after_json=json.dumps(counts, sort_keys=True),
                    reason=f"CIN census {year} imported",
                )
            )
        except DBAPIError as exc:
            raise Invalid(
                [Problem("(file)", f"the database refused the import, nothing written: {exc.orig}")]
            ) from None
    refresh_statistics(engine)
    return len(data.children)
