"""The city's children and the adults around them: families, addresses, schools.

Every child who was under 18 at some point in the six years before ``as_at``
is a person in the record (born up to 24 years before it), with a mother, often
a father, brothers and sisters in one ``ssd_family``, a home address, and a UPN
once of school age. Most are never referred: they make the population that the
per-10,000 rates divide by, and the families the referred children come from.
"""

from __future__ import annotations

import json
from datetime import date
from random import Random

from casebook.interchange.synthetic import names, rates
from casebook.interchange.synthetic.days import YEAR, Calendar, birthday
from casebook.interchange.synthetic.rows import Batch

#: Years either side of the 24-year birth span that family midpoints are drawn from:
#: wide enough that even the largest family can straddle either end.
MARGIN_YEARS = 13
#: How many years of births make the population (children, and the 18-23s who were
#: children during the window).
BIRTH_YEARS = 24

NATIONALITY = ("Polish", "Romanian", "Pakistani", "Nigerian", "Somali", "Indian", "Irish")
UASC_ORIGIN = (
    ("Afghan", "AOTH"),
    ("Eritrean", "BAFR"),
    ("Sudanese", "BAFR"),
    ("Iranian", "OOTH"),
    ("Vietnamese", "AOTH"),
    ("Albanian", "WOTH"),
    ("Syrian", "OOTH"),
)


class Child:
    """What the journey simulation needs to know about one child."""

    __slots__ = (
        "pid",
        "dob",
        "sex",
        "adult",
        "tier",
        "rate",
        "locality",
        "family_id",
        "disabled",
        "uasc_arrival",
        "school_urn",
        "family",
    )

    def __init__(
        self,
        pid: str,
        dob: int,
        sex: str,
        tier: int,
        rate: float,
        locality: int,
        family_id: str | None,
        disabled: bool,
        school_urn: str,
    ) -> None:
        self.pid = pid
        self.dob = dob
        self.sex = sex
        self.adult = birthday(dob, 18)
        self.tier = tier
        self.rate = rate
        self.locality = locality
        self.family_id = family_id
        self.disabled = disabled
        self.uasc_arrival: int | None = None
        self.school_urn = school_urn
        #: (person, relationship, date of birth) of everyone in the family, the child too;
        #: shared by the siblings, so a contact about one can name the others.
        self.family: list[tuple[str, str, int]] = []

    def age(self, day: int) -> float:
        return (day - self.dob) / YEAR


def _address_json(line: str, postcode: str) -> str:
    return json.dumps({"address": line, "town": names.CITY, "postcode": postcode})


class Population:
    """Writes families into a :class:`Batch` and returns their children for the journeys."""

    def __init__(self, cal: Calendar, as_at: int, window_start: int) -> None:
        self.cal = cal
        self.as_at = as_at
        self.window_start = window_start
        self.oldest = as_at - round(BIRTH_YEARS * YEAR)  # born after this: a child in the window

    def families(self, batch: Batch, rng: Random, count: int) -> list[Child]:
        """``count`` candidate families; those with no child in the window are skipped.

        A family's midpoint is drawn from a span wider than the birth years
        at each end, so birth dates are evenly spread over the 24 years and the
        families straddling either end are cut, as real ones would be.
        """
        children: list[Child] = []
        lo = self.oldest - round(MARGIN_YEARS * YEAR)
        hi = self.as_at + round(MARGIN_YEARS * YEAR)
        for _ in range(count):
            mid = rng.randint(lo, hi)
            size = rates.FAMILY_SIZE.pick(rng)
            gaps = [0.0]
            for _ in range(size - 1):
                gaps.append(gaps[-1] + rng.uniform(1.2, 5.0) * YEAR)
            shift = gaps[-1] / 2
            dobs = [round(mid + g - shift) for g in gaps]
            kept = [d for d in dobs if self.oldest < d <= self.as_at]
            if kept:
                children.extend(self._family(batch, rng, dobs[0], kept))
        return children

    def _family(self, batch: Batch, rng: Random, first_dob: int, dobs: list[int]) -> list[Child]:
        cal = self.cal
        tier, rate = rates.RISK_TIERS.pick(rng)
        locality = rng.randrange(len(names.LOCALITIES))
        family_id = batch.new_id("FAM")
        family_name = names.surname(rng)
        ethnicity = rates.ETHNICITY.pick(rng)
        nationality = "British" if rng.random() < 0.9 else rng.choice(NATIONALITY)
        add = batch.add

        mother = batch.person_id()
        mother_dob = first_dob - round(rng.uniform(18.5, 37.0) * YEAR)
        add(
            "ssd_person",
            (
                mother,
                names.forename(rng, "F", True),
                family_name,
                "F",
                "02",
                ethnicity,
                cal.iso(mother_dob),
                None,
                None,
                nationality,
                None,
                "adult",
            ),
        )
        father = None
        if rng.random() < rates.FATHER_KNOWN:
            father = batch.person_id()
            father_dob = mother_dob - round(rng.uniform(-3.0, 7.0) * YEAR)
            father_eth = ethnicity if rng.random() < 0.85 else rates.ETHNICITY.pick(rng)
            add(
                "ssd_person",
                (
                    father,
                    names.forename(rng, "M", True),
                    family_name,
                    "M",
                    "01",
                    father_eth,
                    cal.iso(father_dob),
                    None,
                    None,
                    nationality,
                    None,
                    "adult",
                ),
            )

        district = rng.choice(names.locality_districts(locality))
        home_line, home_pc = names.street(rng), names.postcode(rng, district)
        home_json = _address_json(home_line, home_pc)
        moved = rng.random() < rates.MOVED_HOUSE
        if moved:
            move_day = rng.randint(self.window_start, self.as_at)
            new_pc = names.postcode(rng, rng.choice(names.locality_districts(locality)))
            new_json = _address_json(names.street(rng), new_pc)
        school = names.school_urn(rng)

        members: list[tuple[str, str, int]] = [(mother, "mother", mother_dob)]
        if father:
            members.append((father, "father", father_dob))
        made: list[Child] = []
        for dob in dobs:
            pid = batch.person_id()
            sex = "M" if rng.random() < 0.51 else "F"
            gender = "01" if sex == "M" else "02"
            if rng.random() < 0.002:
                sex, gender = "U", "09"
            age_now = (self.as_at - dob) / YEAR
            upn_unknown = "UN1" if age_now < 4 else None
            school_age = age_now >= 4
            disabled = rng.random() < rates.DISABLED
            send = "Y" if school_age and (disabled or rng.random() < rates.SEN_SUPPORT) else "N"
            child_eth = ethnicity if rng.random() < 0.93 else rates.ETHNICITY.pick(rng)
            surname = family_name if rng.random() < 0.85 else names.surname(rng)
            if school_age and rng.random() < 0.01:
                upn_unknown = rng.choice(("UN3", "UN5"))
            add(
                "ssd_person",
                (
                    pid,
                    names.forename(rng, sex),
                    surname,
                    sex,
                    gender,
                    child_eth,
                    cal.iso(dob),
                    upn_unknown,
                    send,
                    nationality,
                    None,
                    "child",
                ),
            )
            add("ssd_family", (batch.new_id("FMM"), family_id, pid))
            born = cal.iso(dob)
            add("person_relationship", (batch.new_id("REL"), pid, mother, "mother", born, None))
            if father:
                add("person_relationship", (batch.new_id("REL"), pid, father, "father", born, None))
            for other in made:
                since = cal.iso(max(dob, other.dob))
                add(
                    "person_relationship",
                    (batch.new_id("REL"), pid, other.pid, "sibling", since, None),
                )
                add(
                    "person_relationship",
                    (batch.new_id("REL"), other.pid, pid, "sibling", since, None),
                )
            if moved and move_day > dob:
                add(
                    "ssd_address",
                    (
                        batch.new_id("ADR"),
                        home_json,
                        pid,
                        "PREVIOUS",
                        born,
                        cal.iso(move_day),
                        home_pc,
                    ),
                )
                add(
                    "ssd_address",
                    (batch.new_id("ADR"), new_json, pid, "HOME", cal.iso(move_day), None, new_pc),
                )
            elif moved:
                add("ssd_address", (batch.new_id("ADR"), new_json, pid, "HOME", born, None, new_pc))
            else:
                add(
                    "ssd_address",
                    (batch.new_id("ADR"), home_json, pid, "HOME", born, None, home_pc),
                )
            if disabled:
                codes = {rates.DISABILITY.pick(rng) for _ in range(1 + (rng.random() < 0.3))}
                for code in sorted(codes):
                    add("ssd_disability", (batch.new_id("DIS"), pid, code))
            if school_age and upn_unknown is None:
                started_school = date.fromordinal(birthday(dob, 4)).year + 1
                uln = f"99{rng.randint(0, 99_999_999):08d}" if age_now >= 14 else None
                add(
                    "ssd_send",
                    (
                        batch.new_id("SND"),
                        names.upn(rng, int(school[2:]), started_school),
                        uln,
                        None,
                        pid,
                    ),
                )
            elif upn_unknown:
                add("ssd_send", (batch.new_id("SND"), None, None, upn_unknown, pid))
            child = Child(pid, dob, sex, tier, rate, locality, family_id, disabled, school)
            child.family = members
            members.append((pid, "sibling", dob))
            made.append(child)
        return made

    def asylum_seekers(self, batch: Batch, rng: Random, count: int) -> list[Child]:
        """Unaccompanied children arriving alone at 15-17, over the window and the two
        years before it (so some are already looked after when the window opens)."""
        cal = self.cal
        made: list[Child] = []
        for _ in range(count):
            arrival = rng.randint(self.window_start - round(2 * YEAR), self.as_at)
            dob = arrival - round(rng.uniform(15.0, 17.8) * YEAR)
            pid = batch.person_id()
            sex = "M" if rng.random() < 0.92 else "F"
            nationality, ethnicity = rng.choice(UASC_ORIGIN)
            add = batch.add
            add(
                "ssd_person",
                (
                    pid,
                    names.forename(rng, sex),
                    names.surname(rng),
                    sex,
                    "01" if sex == "M" else "02",
                    ethnicity,
                    cal.iso(dob),
                    "UN2",
                    "N",
                    nationality,
                    None,
                    "child",
                ),
            )
            add("ssd_send", (batch.new_id("SND"), None, None, "UN2", pid))
            refugee = arrival + rng.randint(200, 700)
            # UASC status ends with a grant of refugee status or at 18, whichever is first
            ceased = min(refugee, birthday(dob, 18))
            add(
                "ssd_immigration_status",
                (
                    batch.new_id("IMM"),
                    pid,
                    "UASC",
                    cal.iso(arrival),
                    cal.iso(ceased) if ceased <= self.as_at else None,
                ),
            )
            if refugee <= self.as_at:
                add(
                    "ssd_immigration_status",
                    (batch.new_id("IMM"), pid, "REFUGEE", cal.iso(refugee), None),
                )
            child = Child(
                pid,
                dob,
                sex,
                1,
                0.0,
                rng.randrange(len(names.LOCALITIES)),
                None,
                False,
                names.school_urn(rng),
            )
            child.uasc_arrival = arrival
            made.append(child)
        return made
