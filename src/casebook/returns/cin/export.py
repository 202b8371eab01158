"""Write the CIN census XML: ``Message`` / ``Header`` / ``Children`` / ``Child`` ...

Elements come in the DfE schema's order; empty values are left out (the
schema's optional elements), so a file read back with :func:`.load.load`
gives the same census. The XML is built with lxml and written UTF-8 with an
XML declaration, indented two spaces.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

import casebook

from .project import from_record
from .spec import CinData, Header

#: File name of the export: ``cin_census_<year>.xml``.
FILE_NAME = "cin_census_{year}.xml"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _add(parent, tag: str, value) -> None:
    text = _iso(value)
    if text is not None and text != "":
        etree.SubElement(parent, tag).text = text


def header_element(h: Header) -> etree._Element:
    el = etree.Element("Header")
    details = etree.SubElement(el, "CollectionDetails")
    _add(details, "Collection", h.collection)
    _add(details, "Year", h.year)
    _add(details, "ReferenceDate", h.reference_date)
    source = etree.SubElement(el, "Source")
    for tag, value in (
        ("SourceLevel", h.source_level),
        ("LEA", h.lea),
        ("SoftwareCode", h.software_code),
        ("Release", h.release),
        ("SerialNo", h.serial_no),
        ("DateTime", h.date_time),
    ):
        _add(source, tag, value)
    return el


def to_xml(data: CinData) -> bytes:
    """The census as CIN census XML (UTF-8 bytes)."""
    root = etree.Element("Message")
    root.append(header_element(data.header))
    kids = etree.SubElement(root, "Children")
    sub = etree.SubElement
    for c in data.children:
        child = sub(kids, "Child")
        ids = sub(child, "ChildIdentifiers")
        _add(ids, "LAchildID", c.la_child_id)
        _add(ids, "UPN", c.upn)
        _add(ids, "FormerUPN", c.former_upn)
        _add(ids, "UPNunknown", c.upn_unknown)
        _add(ids, "PersonBirthDate", c.birth_date)
        _add(ids, "ExpectedPersonBirthDate", c.expected_birth_date)
        _add(ids, "GenderCurrent", c.gender)
        _add(ids, "PersonDeathDate", c.death_date)
        chars = sub(child, "ChildCharacteristics")
        _add(chars, "Ethnicity", c.ethnicity)
        if c.disabilities:
            dis = sub(chars, "Disabilities")
            for code in c.disabilities:
                _add(dis, "Disability", code)
        for ep in c.episodes:
            d = sub(child, "CINdetails")
            _add(d, "CINreferralDate", ep.referral_date)
            _add(d, "ReferralSource", ep.referral_source)
            _add(d, "PrimaryNeedCode", ep.primary_need)
            _add(d, "CINclosureDate", ep.closure_date)
            _add(d, "ReasonForClosure", ep.closure_reason)
            _add(d, "DateOfInitialCPC", ep.icpc_date)
            _add(d, "ReferralNFA", ep.referral_nfa)
            for a in ep.assessments:
                el = sub(d, "Assessments")
                _add(el, "AssessmentActualStartDate", a.start)
                _add(el, "AssessmentInternalReviewDate", a.internal_review)
                _add(el, "AssessmentAuthorisationDate", a.authorised)
                if a.factors:
                    factors = sub(el, "FactorsIdentifiedAtAssessment")
                    for f in a.factors:
                        _add(factors, "AssessmentFactors", f)
            for p in ep.plans:
                el = sub(d, "CINPlanDates")
                _add(el, "CINPlanStartDate", p.start)
                _add(el, "CINPlanEndDate", p.end)
            for s in ep.s47s:
                el = sub(d, "Section47")
                _add(el, "S47ActualStartDate", s.start)
                _add(el, "InitialCPCtarget", s.icpc_target)
                _add(el, "DateOfInitialCPC", s.icpc_date)
                _add(el, "ICPCnotRequired", s.icpc_not_required)
            for cp in ep.cpps:
                el = sub(d, "ChildProtectionPlans")
                _add(el, "CPPstartDate", cp.start)
                _add(el, "CPPendDate", cp.end)
                _add(el, "InitialCategoryOfAbuse", cp.initial_category)
                _add(el, "LatestCategoryOfAbuse", cp.latest_category)
                _add(el, "NumberOfPreviousCPP", cp.previous)
                if cp.reviews:
                    reviews = sub(el, "Reviews")
                    for r in cp.reviews:
                        _add(reviews, "CPPreviewDate", r.date)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export(
    session,
    year: int,
    out_dir: Path,
    *,
    lea: str | None = None,
    serial_no: str = "1",
    generated_at: datetime | None = None,
) -> list[Path]:
    """Write ``cin_census_<year>.xml`` for the year ending 31 March ``year``; the files written.

    ``lea`` is the authority's three-digit LA code (default: the
    ``CASEBOOK_LA_CODE`` environment variable). ``generated_at`` fixes the
    header's DateTime (default: now, UTC).
    """
    data = from_record(session, year)
    h = data.header
    h.lea = lea or os.environ.get("CASEBOOK_LA_CODE") or None
    h.release = casebook.__version__
    h.serial_no = serial_no
    when = generated_at or datetime.now(UTC)
    h.date_time = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME.format(year=year)
    tmp = path.with_suffix(".xml.part")
    tmp.write_bytes(to_xml(data))
    tmp.replace(path)
    return [path]
