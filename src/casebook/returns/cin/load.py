"""Read CIN census XML files into :class:`~.spec.CinData`: all of them, or an error.

Each file is parsed once with lxml (no network, no entity expansion) and
walked element by element. Anything the schema does not allow is a problem
named by file, line, element path and what is wrong: a file that is not
well-formed XML, an unknown element, a value element given twice, a date that
is not ``YYYY-MM-DD`` or does not exist, a flag that is not true/false/1/0, a
count that is not a whole number. Problems are collected (up to
:data:`MAX_PROBLEMS`) and raised together as :class:`~casebook.record.errors.Invalid`,
so nothing is ever half read. Wrong *codes* (an unknown ethnicity, say) are
not parse errors: they are what the validation rules report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from casebook.record.errors import Invalid, Problem

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
)

MAX_PROBLEMS = 200


class _TooMany(Exception):
    pass


class _Reader:
    """Walks one file, collecting problems; ``problems`` is shared across files."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems

    # ------------------------------------------------------------------ problems
    def bad(self, el: Any, field: str, message: str) -> None:
        path = _path(el)
        self.problems.append(
            Problem(
                field, f"{path}: {message}", file=self.name, row=getattr(el, "sourceline", None)
            )
        )
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    # ------------------------------------------------------------------ values
    def text(self, el: Any) -> str | None:
        if len(el):
            self.bad(el, el.tag, "should hold a value, not other elements")
            return None
        value = (el.text or "").strip()
        return value or None

    def date(self, el: Any) -> date | None:
        value = self.text(el)
        if value is None:
            return None
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            self.bad(el, el.tag, f"'{value}' is not a date written YYYY-MM-DD")
            return None
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            self.bad(el, el.tag, f"'{value}' is not a date that exists")
            return None

    def flag(self, el: Any) -> bool | None:
        value = self.text(el)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        self.bad(el, el.tag, f"'{value}' is not true, false, 1 or 0")
        return None

    def count(self, el: Any) -> int | None:
        value = self.text(el)
        if value is None:
            return None
        if not value.isdigit():
            self.bad(el, el.tag, f"'{value}' is not a whole number of 0 or more")
            return None
        return int(value)

    # ------------------------------------------------------------------ structure
    def fill(self, el: Any, target: Any, values: dict[str, tuple[str, Callable]], groups=None):
        """Set ``target``'s attributes from ``el``'s children; ``groups`` handle nested ones."""
        seen: set[str] = set()
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                continue
            if tag in values:
                if tag in seen:
                    self.bad(child, tag, f"is given more than once in <{el.tag}>")
                    continue
                seen.add(tag)
                attr, kind = values[tag]
                setattr(target, attr, kind(self, child))
            elif groups and tag in groups:
                groups[tag](child, target)
            else:
                self.bad(child, tag, f"unknown element <{tag}> in <{el.tag}>")

    # ------------------------------------------------------------------ modules
    def message(self, root: Any, data: CinData) -> None:
        if root.tag != "Message":
            self.bad(root, root.tag, "the root element must be <Message>")
            return
        for child in root:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "Header":
                self.header(child, data.header)
            elif child.tag == "Children":
                for el in child:
                    if not isinstance(el.tag, str):
                        continue
                    if el.tag != "Child":
                        self.bad(el, el.tag, "unknown element in <Children>: only <Child>")
                        continue
                    data.children.append(self.child(el))
            else:
                self.bad(child, child.tag, f"unknown element <{child.tag}> in <Message>")

    def header(self, el: Any, header: Header) -> None:
        header.line = el.sourceline
        self.fill(
            el,
            header,
            {},
            {
                "CollectionDetails": lambda e, h: self.fill(e, h, _COLLECTION),
                "Source": lambda e, h: self.fill(e, h, _SOURCE),
            },
        )

    def child(self, el: Any) -> Child:
        child = Child(line=el.sourceline, file=self.name)
        self.fill(
            el,
            child,
            {},
            {
                "ChildIdentifiers": lambda e, c: self.fill(e, c, _IDENTIFIERS),
                "ChildCharacteristics": self.characteristics,
                "CINdetails": self.episode,
            },
        )
        return child

    def characteristics(self, el: Any, child: Child) -> None:
        def disabilities(e: Any, c: Child) -> None:
            for d in e:
                if not isinstance(d.tag, str):
                    continue
                if d.tag != "Disability":
                    self.bad(d, d.tag, "unknown element in <Disabilities>: only <Disability>")
                    continue
                value = self.text(d)
                if value is not None:
                    c.disabilities.append(value)

        self.fill(el, child, _CHARACTERISTICS, {"Disabilities": disabilities})

    def episode(self, el: Any, child: Child) -> None:
        ep = Episode(line=el.sourceline)
        self.fill(
            el,
            ep,
            _DETAILS,
            {
                "Assessments": self.assessment,
                "CINPlanDates": lambda e, p: p.plans.append(self._simple(e, PlanDates, _PLANS)),
                "Section47": lambda e, p: p.s47s.append(self._simple(e, Section47, _S47)),
                "ChildProtectionPlans": self.protection_plan,
            },
        )
        child.episodes.append(ep)

    def _simple(self, el: Any, cls: type, values: dict) -> Any:
        obj = cls(line=el.sourceline)
        self.fill(el, obj, values)
        return obj

    def assessment(self, el: Any, ep: Episode) -> None:
        a = Assessment(line=el.sourceline)

        def factors(e: Any, target: Assessment) -> None:
            for f in e:
                if not isinstance(f.tag, str):
                    continue
                if f.tag != "AssessmentFactors":
                    self.bad(f, f.tag, "unknown element: only <AssessmentFactors>")
                    continue
                value = self.text(f)
                if value is not None:
                    target.factors.append(value)

        self.fill(el, a, _ASSESSMENT, {"FactorsIdentifiedAtAssessment": factors})
        ep.assessments.append(a)

    def protection_plan(self, el: Any, ep: Episode) -> None:
        plan = ProtectionPlan(line=el.sourceline)

        def reviews(e: Any, target: ProtectionPlan) -> None:
            for r in e:
                if not isinstance(r.tag, str):
                    continue
                if r.tag != "CPPreviewDate":
                    self.bad(r, r.tag, "unknown element in <Reviews>: only <CPPreviewDate>")
                    continue
                target.reviews.append(Review(self.date(r), r.sourceline))

        self.fill(el, plan, _CPP, {"Reviews": reviews})
        ep.cpps.append(plan)


_text = _Reader.text
_date = _Reader.date
_flag = _Reader.flag
_count = _Reader.count

_COLLECTION = {
    "Collection": ("collection", _text),
    "Year": ("year", _text),
    "ReferenceDate": ("reference_date", _date),
}
_SOURCE = {
    "SourceLevel": ("source_level", _text),
    "LEA": ("lea", _text),
    "SoftwareCode": ("software_code", _text),
    "Release": ("release", _text),
    "SerialNo": ("serial_no", _text),
    "DateTime": ("date_time", _text),
}
_IDENTIFIERS = {
    "LAchildID": ("la_child_id", _text),
    "UPN": ("upn", _text),
    "FormerUPN": ("former_upn", _text),
    "UPNunknown": ("upn_unknown", _text),
    "PersonBirthDate": ("birth_date", _date),
    "ExpectedPersonBirthDate": ("expected_birth_date", _date),
    "GenderCurrent": ("gender", _text),
    "PersonDeathDate": ("death_date", _date),
}
_CHARACTERISTICS = {"Ethnicity": ("ethnicity", _text)}
_DETAILS = {
    "CINreferralDate": ("referral_date", _date),
    "ReferralSource": ("referral_source", _text),
    "PrimaryNeedCode": ("primary_need", _text),
    "CINclosureDate": ("closure_date", _date),
    "ReasonForClosure": ("closure_reason", _text),
    "DateOfInitialCPC": ("icpc_date", _date),
    "ReferralNFA": ("referral_nfa", _flag),
}
_ASSESSMENT = {
    "AssessmentActualStartDate": ("start", _date),
    "AssessmentInternalReviewDate": ("internal_review", _date),
    "AssessmentAuthorisationDate": ("authorised", _date),
}
_PLANS = {"CINPlanStartDate": ("start", _date), "CINPlanEndDate": ("end", _date)}
_S47 = {
    "S47ActualStartDate": ("start", _date),
    "InitialCPCtarget": ("icpc_target", _date),
    "DateOfInitialCPC": ("icpc_date", _date),
    "ICPCnotRequired": ("icpc_not_required", _flag),
}
_CPP = {
    "CPPstartDate": ("start", _date),
    "CPPendDate": ("end", _date),
    "InitialCategoryOfAbuse": ("initial_category", _text),
    "LatestCategoryOfAbuse": ("latest_category", _text),
    "NumberOfPreviousCPP": ("previous", _count),
}


def _path(el: Any) -> str:
    """``Message/Children/Child[3]/CINdetails[2]/...`` for an element: where it is."""
    parts = []
    node = el
    while node is not None and isinstance(getattr(node, "tag", None), str):
        parent = node.getparent()
        tag = node.tag
        if parent is not None and tag in (
            "Child",
            "CINdetails",
            "Assessments",
            "CINPlanDates",
            "Section47",
            "ChildProtectionPlans",
        ):
            same = [s for s in parent if s.tag == tag]
            if len(same) > 1:
                tag = f"{tag}[{same.index(node) + 1}]"
        parts.append(tag)
        node = parent
    return "/".join(reversed(parts))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
    )


def load(paths: list[Path], *, names: list[str] | None = None) -> CinData:
    """Parse every file into one census; :class:`Invalid` naming each problem otherwise.

    ``names`` are the names to report (an upload's file names); by default
    each path's name. Children of several files are concatenated; the header
    is the first file's.
    """
    data = CinData()
    problems: list[Problem] = []
    if not paths:
        raise Invalid([Problem("(file)", "no CIN census file given")])
    for i, path in enumerate(paths):
        name = names[i] if names else Path(path).name
        reader = _Reader(name, problems)
        try:
            tree = etree.parse(str(path), _parser())
        except etree.XMLSyntaxError as exc:
            problems.append(
                Problem("(file)", f"is not well-formed XML: {exc.msg}", name, exc.lineno)
            )
            continue
        except OSError as exc:
            problems.append(Problem("(file)", f"cannot be read: {exc}", name))
            continue
        part = CinData() if i else data
        try:
            reader.message(tree.getroot(), part)
        except _TooMany:
            break
        data.files.append((name, part.header))
        if i:
            data.children.extend(part.children)
    if problems:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem("(file)", "too many problems; stopped reading", None))
        raise Invalid(problems)
    return data


def load_bytes(content: bytes, name: str = "upload.xml") -> CinData:
    """Parse one uploaded file held in memory (same checks as :func:`load`)."""
    problems: list[Problem] = []
    data = CinData()
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        raise Invalid(
            [Problem("(file)", f"is not well-formed XML: {exc.msg}", name, exc.lineno)]
        ) from None
    data.files.append((name, data.header))
    try:
        _Reader(name, problems).message(root, data)
    except _TooMany:
        problems.append(Problem("(file)", "too many problems; stopped reading", name))
    if problems:
        raise Invalid(problems)
    return data
