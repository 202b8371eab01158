"""The CIN census as Casebook holds it in memory: one compact object per child.

The XML (DfE "CIN census" schema) nests everything under the child::

    Message
      Header / CollectionDetails (Collection, Year, ReferenceDate)
             / Source (SourceLevel, LEA, SoftwareCode, Release, SerialNo, DateTime)
      Children / Child
        ChildIdentifiers (LAchildID, UPN, FormerUPN, UPNunknown, PersonBirthDate,
                          ExpectedPersonBirthDate, GenderCurrent, PersonDeathDate)
        ChildCharacteristics (Ethnicity, Disabilities / Disability*)
        CINdetails* (CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate,
                     ReasonForClosure, DateOfInitialCPC, ReferralNFA,
                     Assessments*, CINPlanDates*, Section47*, ChildProtectionPlans*)

so the parsed form nests the same way. Dates are :class:`datetime.date`,
flags ``bool``, codes stay text (a wrong code is a validation failure, not a
parse error). ``line`` is the element's line in the file (None when the data
came from the record), so a failure can say where to look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: Module (table) names as the DfE's rules use them.
HEADER = "Header"
IDENTIFIERS = "ChildIdentifiers"
CHARACTERISTICS = "ChildCharacteristics"
DISABILITIES = "Disabilities"
DETAILS = "CINdetails"
ASSESSMENTS = "Assessments"
PLANS = "CINplanDates"
SECTION47 = "Section47"
CPP = "ChildProtectionPlans"
REVIEWS = "Reviews"

# Code sets of the CIN census (DfE CIN census guide; shared/domain/code-lists.md).


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


ETHNICITY = _codes(
    "ABAN AIND AOTH APKN BAFR BCRB BOTH CHNE MOTH MWAS MWBA MWBC NOBT OOTH REFU "
    "WBRI WIRI WIRT WOTH WROM"
)
DISABILITY = _codes("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA")
GENDER = _codes("0 1 2 9")
PRIMARY_NEED = frozenset(f"N{i}" for i in range(10))
CLOSURE_REASON = frozenset(f"RC{i}" for i in range(1, 10))
REFERRAL_SOURCE = _codes("1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10")
CATEGORY_OF_ABUSE = _codes("NEG PHY SAB EMO MUL")
UPN_UNKNOWN = frozenset(f"UN{i}" for i in range(1, 11))
ASSESSMENT_FACTORS = _codes(
    "1A 1B 1C 2A 2B 2C 3A 3B 3C 4A 4B 4C 5A 5B 5C 6A 6B 6C 7A 8B 8C 8D 8E 8F 9A 10A "
    "11A 12A 13A 14A 15A 16A 17A 18B 18C 19B 19C 20 21 22A 23A 24A"
)


@dataclass(slots=True)
class Header:
    collection: str | None = None
    year: str | None = None
    reference_date: date | None = None
    source_level: str | None = None
    lea: str | None = None
    software_code: str | None = None
    release: str | None = None
    serial_no: str | None = None
    date_time: str | None = None
    line: int | None = None


@dataclass(slots=True)
class Assessment:
    start: date | None = None
    internal_review: date | None = None
    authorised: date | None = None
    factors: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class PlanDates:
    start: date | None = None
    end: date | None = None
    line: int | None = None


@dataclass(slots=True)
class Section47:
    start: date | None = None
    icpc_target: date | None = None
    icpc_date: date | None = None
    icpc_not_required: bool | None = None
    line: int | None = None


@dataclass(slots=True)
class Review:
    date: date | None = None
    line: int | None = None


@dataclass(slots=True)
class ProtectionPlan:
    start: date | None = None
    end: date | None = None
    initial_category: str | None = None
    latest_category: str | None = None
    previous: int | None = None
    reviews: list[Review] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class Episode:
    """One ``CINdetails`` group: a referral and what followed it."""

    referral_date: date | None = None
    referral_source: str | None = None
    primary_need: str | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    icpc_date: date | None = None
    referral_nfa: bool | None = None
    assessments: list[Assessment] = field(default_factory=list)
    plans: list[PlanDates] = field(default_factory=list)
    s47s: list[Section47] = field(default_factory=list)
    cpps: list[ProtectionPlan] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class Child:
    la_child_id: str | None = None
    upn: str | None = None
    former_upn: str | None = None
    upn_unknown: str | None = None
    birth_date: date | None = None
    expected_birth_date: date | None = None
    gender: str | None = None
    death_date: date | None = None
    ethnicity: str | None = None
    disabilities: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    line: int | None = None
    file: str | None = None


@dataclass(slots=True)
class CinData:
    """A whole census: the header and every child (from files or from the record)."""

    header: Header = field(default_factory=Header)
    children: list[Child] = field(default_factory=list)
    #: Each file's name and header, when read from files (the first is ``header``).
    files: list[tuple[str, Header]] = field(default_factory=list)
    #: The census period the rules use (1 April to 31 March, inclusive).
    start: date | None = None
    end: date | None = None

    def set_year(self, year: int | None) -> CinData:
        """Fix the census period: the year ending 31 March ``year`` (else the header's)."""
        if year is None:
            ref = self.header.reference_date
            if ref is None and self.header.year and self.header.year.isdigit():
                ref = date(int(self.header.year), 3, 31)
            year = ref.year if ref is not None else None
        if year is not None:
            self.start, self.end = date(year - 1, 4, 1), date(year, 3, 31)
        return self


def census_period(year: int) -> tuple[date, date]:
    """The collection year ending 31 March ``year``: (1 April year-1, 31 March year)."""
    return date(year - 1, 4, 1), date(year, 3, 31)
