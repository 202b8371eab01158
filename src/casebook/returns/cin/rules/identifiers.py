"""ChildIdentifiers, ChildCharacteristics and Disabilities rules."""

from __future__ import annotations

from collections import Counter

from ..spec import (
    CHARACTERISTICS,
    DETAILS,
    DISABILITIES,
    DISABILITY,
    ETHNICITY,
    GENDER,
    IDENTIFIERS,
    CinData,
    _codes,
)
from .book import RULES, fail

_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_LA_CODES = frozenset(
    [f"{i:03d}" for i in range(1, 6)]
    + [
        str(i)
        for lo, hi in (
            (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373),
            (380, 384), (390, 394), (660, 681), (701, 708), (800, 803), (805, 808),
            (810, 813), (820, 823), (835, 839), (850, 852), (855, 857), (865, 896),
            (935, 938), (940, 941),
        )
        for i in range(lo, hi + 1)
    ]
    + list(_codes("420 815 816 825 826 830 831 840 841 845 846 860 861 908 909 916 919 921 "
                  "925 926 928 929 931 933"))
)  # fmt: skip
_CHAR13 = frozenset("ABCDEFGHJKLMNPQRTUVWXYZ0123456789")


@RULES.rule("8500", "LA Child ID missing", ["ChildIdentifiers.LAchildID"])
def _id_missing(data: CinData):
    for c in data.children:
        if not c.la_child_id:
            yield fail(c, IDENTIFIERS, "LAchildID", c.line)


@RULES.rule(
    "8510", "More than one child record with the same LA Child ID", ["ChildIdentifiers.LAchildID"]
)
def _id_unique(data: CinData):
    counts = Counter(c.la_child_id for c in data.children if c.la_child_id)
    for c in data.children:
        if c.la_child_id and counts[c.la_child_id] > 1:
            yield fail(c, IDENTIFIERS, "LAchildID", c.line)


@RULES.rule("1520", "More than one record with the same UPN", ["ChildIdentifiers.UPN"])
def _upn_unique(data: CinData):
    counts = Counter(c.upn for c in data.children if c.upn)
    for c in data.children:
        if c.upn and counts[c.upn] > 1:
            yield fail(c, IDENTIFIERS, "UPN", c.line)


def _check_letter(upn: str) -> str | None:
    tail = upn[1:]
    if len(upn) != 13 or not tail.isdigit():
        return None
    total = sum(int(ch) * weight for weight, ch in enumerate(tail, start=2))
    return _CHECK_LETTERS[total % 23]


@RULES.rule("1510", "UPN invalid (wrong check letter at character 1)", ["ChildIdentifiers.UPN"])
def _upn_check_letter(data: CinData):
    for c in data.children:
        if c.upn:
            letter = _check_letter(c.upn)
            if letter is not None and letter != c.upn[0]:
                yield fail(c, IDENTIFIERS, "UPN", c.line)


@RULES.rule(
    "1530", "UPN invalid (characters 2-4 not a recognised LA code)", ["ChildIdentifiers.UPN"]
)
def _upn_la(data: CinData):
    for c in data.children:
        if c.upn and len(c.upn) == 13 and c.upn[1:4] not in _LA_CODES:
            yield fail(c, IDENTIFIERS, "UPN", c.line)


@RULES.rule("1540", "UPN invalid (characters 5-12 not all numeric)", ["ChildIdentifiers.UPN"])
def _upn_numeric(data: CinData):
    for c in data.children:
        if c.upn and not c.upn[4:12].isdigit():
            yield fail(c, IDENTIFIERS, "UPN", c.line)


@RULES.rule("1550", "UPN invalid (character 13 not a recognised value)", ["ChildIdentifiers.UPN"])
def _upn_char13(data: CinData):
    for c in data.children:
        if c.upn and len(c.upn) == 13 and c.upn[12] not in _CHAR13:
            yield fail(c, IDENTIFIERS, "UPN", c.line)


@RULES.rule(
    "8520",
    "Date of Birth is after data collection period (must be on or before the end of the census "
    "period)",
    ["ChildIdentifiers.PersonBirthDate", "Header.ReferenceDate"],
)
def _dob_after_period(data: CinData):
    if data.end is None:
        return
    for c in data.children:
        if c.birth_date is not None and c.birth_date > data.end:
            yield fail(c, IDENTIFIERS, "PersonBirthDate", c.line)


@RULES.rule(
    "8525",
    "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
    ["ChildIdentifiers.PersonBirthDate", "ChildIdentifiers.ExpectedPersonBirthDate"],
)
def _dob_or_expected(data: CinData):
    for c in data.children:
        if (c.birth_date is None) == (c.expected_birth_date is None):
            yield fail(c, IDENTIFIERS, "PersonBirthDate", c.line)


@RULES.rule(
    "8535Q",
    "Child’s date of death should not be prior to the date of birth",
    ["ChildIdentifiers.PersonDeathDate", "ChildIdentifiers.PersonBirthDate"],
)
def _death_before_birth(data: CinData):
    for c in data.children:
        if c.death_date is not None and c.birth_date is not None and c.death_date < c.birth_date:
            yield fail(c, IDENTIFIERS, "PersonDeathDate", c.line)


@RULES.rule("4180", "Gender is missing", ["ChildIdentifiers.GenderCurrent"])
def _gender(data: CinData):
    for c in data.children:
        if c.gender not in GENDER:
            yield fail(c, IDENTIFIERS, "GenderCurrent", c.line)


@RULES.rule(
    "8750",
    "Gender must equal 0 for an unborn child",
    [
        "ChildIdentifiers.GenderCurrent",
        "ChildIdentifiers.PersonBirthDate",
        "ChildIdentifiers.ExpectedPersonBirthDate",
    ],
)
def _unborn_gender(data: CinData):
    for c in data.children:
        if c.birth_date is None and c.expected_birth_date is not None and c.gender != "0":
            yield fail(c, IDENTIFIERS, "GenderCurrent", c.line)


@RULES.rule(
    "8772",
    "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details "
    "is a referral going on to further action",
    ["ChildIdentifiers.UPNunknown", "CINdetails.ReferralNFA"],
)
def _un7(data: CinData):
    for c in data.children:
        if c.upn_unknown == "UN7":
            for ep in c.episodes:
                if ep.referral_nfa is not True:
                    yield fail(c, DETAILS, "ReferralNFA", ep.line)


@RULES.rule(
    "4220",
    "Ethnicity is missing or invalid (see Ethnicity table)",
    ["ChildCharacteristics.Ethnicity"],
)
def _ethnicity(data: CinData):
    for c in data.children:
        if c.ethnicity not in ETHNICITY:
            yield fail(c, CHARACTERISTICS, "Ethnicity", c.line)


@RULES.rule(
    "8540",
    "Child’s disability is missing or invalid (see Disability table)",
    ["Disabilities.Disability", "ChildIdentifiers.PersonBirthDate", "CINdetails.ReferralNFA"],
)
def _disability(data: CinData):
    for c in data.children:
        if c.birth_date is None or not any(ep.referral_nfa is False for ep in c.episodes):
            continue
        if not c.disabilities or any(d not in DISABILITY for d in c.disabilities):
            yield fail(c, DISABILITIES, "Disability", c.line)


@RULES.rule(
    "8790",
    "Disability information includes both None and other values",
    ["Disabilities.Disability"],
)
def _disability_none(data: CinData):
    for c in data.children:
        codes = [d.upper() for d in c.disabilities]
        if "NONE" in codes and any(d != "NONE" for d in codes):
            yield fail(c, DISABILITIES, "Disability", c.line)


@RULES.rule(
    "8794", "Child has two or more disabilities with the same code", ["Disabilities.Disability"]
)
def _disability_twice(data: CinData):
    for c in data.children:
        if len(set(c.disabilities)) != len(c.disabilities):
            yield fail(c, DISABILITIES, "Disability", c.line)


@RULES.rule("8590", "Child does not have a recorded CIN episode.", ["ChildIdentifiers.LAchildID"])
def _no_episode(data: CinData):
    for c in data.children:
        if not c.episodes:
            yield fail(c, IDENTIFIERS, "LAchildID", c.line)
