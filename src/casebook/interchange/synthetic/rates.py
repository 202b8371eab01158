"""How the synthetic city behaves: every mix and rate in one place.

The volumes the brief asks for (about 375 contacts a month, 300 children on
child protection plans, 900 on child in need plans and 600 looked after at any
one time, per 61,000 children) are not set directly: they emerge from these
hazards and branch probabilities, which were tuned by generating the city and
counting. Keeping them together means re-tuning touches one file, and the code
values here are the SSD codes of ``migrations/data/0002_code_values.csv``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Mix(Generic[T]):
    """A weighted choice, built once and drawn from many times (faster than ``choices``)."""

    __slots__ = ("values", "_cum", "_total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self._cum = list(accumulate(w for _, w in pairs))
        self._total = self._cum[-1]

    def pick(self, rng: Random) -> T:
        return self.values[bisect_right(self._cum, rng.random() * self._total)]

    def mean(self) -> float:
        """The expected value, for mixes of numbers."""
        cum = [0.0, *self._cum]
        return sum(v * (cum[i + 1] - cum[i]) for i, v in enumerate(self.values)) / self._total


# --------------------------------------------------------------------------- population

#: Children per family (before those not yet born or already adult are dropped).
FAMILY_SIZE = Mix([(1, 30), (2, 36), (3, 21), (4, 9), (5, 3), (6, 1)])
#: Share of families whose father is known to the record.
FATHER_KNOWN = 0.68
#: Share of families that moved house once in the window.
MOVED_HOUSE = 0.22

ETHNICITY = Mix(
    [
        ("WBRI", 58), ("WIRI", 0.6), ("WOTH", 6.5), ("WIRT", 0.2), ("WROM", 0.6),
        ("MWBC", 3.2), ("MWBA", 1.2), ("MWAS", 2.0), ("MOTH", 2.4), ("AIND", 3.4),
        ("APKN", 6.0), ("ABAN", 1.6), ("CHNE", 1.0), ("AOTH", 2.2), ("BCRB", 1.6),
        ("BAFR", 4.6), ("BOTH", 1.0), ("OOTH", 2.0), ("REFU", 0.3), ("NOBT", 1.6),
    ]
)  # fmt: skip
#: Share of children with a disability recorded (CIN census codes).
DISABLED = 0.035
DISABILITY = Mix(
    [("AUT", 26), ("LD", 22), ("COMM", 14), ("BEH", 12), ("MOB", 8), ("HEAR", 4),
     ("VIS", 3), ("PC", 4), ("HAND", 2), ("INC", 2), ("CON", 1), ("DDA", 2)]
)  # fmt: skip
#: SEN support (``pers_send_flag``) among school-age children.
SEN_SUPPORT = 0.13

# --------------------------------------------------------------------------- front door

#: A family's underlying risk: (tier, contacts per child-year), weighted by share of families.
RISK_TIERS = Mix([((0, 0.0165), 70.0), ((1, 0.095), 25.0), ((2, 0.36), 5.0)])
#: The contact rate relative to the above, by age band (years).
AGE_RATE = ((1, 1.5), (5, 1.0), (10, 0.85), (14, 1.1), (18, 1.15))
#: For a year after a case closes, a child is this many times as likely to come back.
RECONTACT_BOOST = 4.5
#: Unaccompanied asylum-seeking children arriving, per year at scale 1.
UASC_PER_YEAR = 14.0

CONTACT_SOURCE = Mix(
    [("6", 29), ("2A", 19), ("2B", 1.5), ("3A", 2.5), ("3B", 2), ("3C", 1), ("3D", 1),
     ("3E", 3), ("3F", 4), ("4", 2), ("5A", 3), ("5B", 2), ("5C", 2), ("5D", 3),
     ("1A", 4.5), ("1B", 1), ("1C", 1.5), ("1D", 2), ("7", 2.5), ("8", 6),
     ("9", 2.5), ("10", 4)]
)  # fmt: skip
SOURCE_LABEL = {
    "1A": "Family member", "1B": "Acquaintance", "1C": "Self", "1D": "Other individual",
    "2A": "School", "2B": "Education services", "3A": "GP", "3B": "Health visitor",
    "3C": "School nurse", "3D": "Other primary health", "3E": "A&E", "3F": "Other health",
    "4": "Housing", "5A": "LA social care", "5B": "Other internal LA", "5C": "Other LA",
    "5D": "Early help", "6": "Police", "7": "Other legal agency", "8": "Other",
    "9": "Anonymous", "10": "Unknown",
}  # fmt: skip
#: MASH decisions for a contact, by family risk (low, raised, high).
DECISION = (
    Mix([("NFA", 30), ("ADVICE", 26), ("EARLY_HELP", 22), ("REFERRAL", 19), ("STRATEGY", 3)]),
    Mix([("NFA", 20), ("ADVICE", 18), ("EARLY_HELP", 18), ("REFERRAL", 34), ("STRATEGY", 10)]),
    Mix([("NFA", 8), ("ADVICE", 8), ("EARLY_HELP", 10), ("REFERRAL", 52), ("STRATEGY", 22)]),
)
#: Working days from contact to decision: mostly in one, some late (FD2 around 88%).
DECISION_DELAY = Mix([(0, 55), (1, 33), (2, 6), (3, 3), (4, 2), (6, 1)])
CONCERNS = {
    "6": "Police notification: domestic incident at the home, children present.",
    "2A": "School concerned about attendance, presentation and a disclosure.",
    "3E": "Attendance at A&E with an injury; explanation inconsistent.",
    "4": "Housing report: family facing eviction, conditions poor.",
}
CONCERNS_DEFAULT = "Worries about the care the child is receiving at home."

# --------------------------------------------------------------------------- early help

EARLY_HELP_REASON = Mix(
    [("Parenting support", 30), ("School attendance", 18), ("Domestic abuse", 12),
     ("Emotional wellbeing", 14), ("Behaviour", 12), ("Housing and money", 8),
     ("Parental mental health", 6)]
)  # fmt: skip
EARLY_HELP_END = Mix(
    [("OUTCOMES_MET", 58), ("STEP_UP", 13), ("DISENGAGED", 17), ("MOVED", 5), ("OTHER", 7)]
)
#: Early help episode length in days: (low, high) of a uniform draw.
EARLY_HELP_DAYS = (70, 330)

# --------------------------------------------------------------------------- referral

PRIMARY_NEED = Mix(
    [("N1", 56), ("N2", 3), ("N3", 3), ("N4", 8), ("N5", 15), ("N6", 3), ("N7", 1),
     ("N8", 3), ("N9", 6), ("N0", 2)]
)  # fmt: skip
#: Referrals closed with no further action before any assessment.
REFERRAL_NFA = 0.03
#: Working days from assessment start to authorisation: most in 45, about 15% late.
ASSESSMENT_WD_ON_TIME = (12, 45)
ASSESSMENT_WD_LATE = (46, 95)
ASSESSMENT_LATE = 0.15
#: What an assessment leads to (when no strategy discussion is needed).
ASSESSMENT_OUTCOME = Mix([("NFA", 33), ("EARLY_HELP", 14), ("CIN", 53)])
#: Strategy discussions called while an assessment is under way.
STRATEGY_DURING_ASSESSMENT = 0.10

FACTORS_BY_NEED = {
    "N1": ("3A", "3B", "3C", "4B", "2B", "1B", "16A", "17A", "18C", "19C", "3C", "16A"),
    "N2": ("5A", "6A", "4A"),
    "N3": ("4B", "6B", "5B", "7A"),
    "N4": ("4B", "1B", "2B", "3C", "20"),
    "N5": ("3C", "3B", "17A", "4B", "2B", "1B"),
    "N6": ("14A", "13A", "24A", "10A", "2A"),
    "N7": ("20", "4B"),
    "N8": ("20", "16A", "8B"),
    "N9": ("21", "20"),
    "N0": ("21",),
}
TEEN_FACTORS = ("10A", "11A", "24A", "14A", "15A", "4A", "2A", "1A", "13A", "12A")

# --------------------------------------------------------------------------- child protection

S47_AFTER_STRATEGY = 0.9
ICPC_AFTER_S47 = 0.49
CP_AFTER_ICPC = 0.88
#: Working days from strategy discussion to ICPC (target 15): CP2 around 80%.
ICPC_WD = Mix([(8, 10), (10, 20), (12, 25), (14, 25), (17, 8), (21, 7), (27, 5)])
#: Emergency removal straight from a strategy discussion.
EMERGENCY_CARE = 0.08
CP_CATEGORY = Mix([("NEG", 48), ("EMO", 33), ("PHY", 8), ("SAB", 4), ("MUL", 7)])
#: CP plan length in days: (median, spread) of a log-normal, and the drift tail.
CP_DAYS = (255, 0.55)
CP_LONG = 0.035
CP_END = Mix([("CIN", 53), ("CLOSE", 25), ("CLA", 18), ("RC5", 4)])

# --------------------------------------------------------------------------- child in need

CIN_DAYS = (175, 0.7)
CIN_LONG = 0.075
CIN_END = Mix(
    [("RC7", 60), ("RC9", 15), ("STRATEGY", 10), ("CLA", 6), ("RC5", 4), ("RC3", 3),
     ("RC4", 2)]
)  # fmt: skip
#: Children whose visits drift (intervals well past a month).
VISIT_DRIFT = 0.08

# --------------------------------------------------------------------------- looked after

#: How a period of care ends, by age at entry.
CARE_ROUTE = (
    (1, Mix([("adopt", 40), ("sgo", 20), ("home", 24), ("long", 16)])),
    (5, Mix([("adopt", 22), ("sgo", 22), ("home", 33), ("cao", 5), ("long", 18)])),
    (12, Mix([("sgo", 14), ("home", 44), ("cao", 5), ("long", 37)])),
    (16, Mix([("home", 50), ("long", 47), ("other", 3)])),
    (18, Mix([("home", 40), ("long", 58), ("other", 2)])),
)
FIRST_LEGAL = (
    (12, Mix([("C1", 56), ("V2", 38), ("L2", 4), ("L1", 2)])),
    (18, Mix([("V2", 66), ("C1", 24), ("L1", 6), ("J1", 4)])),
)
FIRST_PLACEMENT = (
    (1, Mix([("U6", 55), ("U3", 18), ("R3", 10), ("U5", 12), ("U4", 5)])),
    (5, Mix([("U6", 62), ("U3", 26), ("U5", 4), ("P1", 4), ("U4", 4)])),
    (12, Mix([("U6", 58), ("U3", 22), ("K2", 9), ("U4", 5), ("P1", 6)])),
    (16, Mix([("U6", 46), ("U3", 14), ("K2", 30), ("K1", 2), ("R1", 3), ("P1", 5)])),
    (18, Mix([("U6", 30), ("U3", 8), ("K2", 20), ("H5", 36), ("P2", 2), ("P1", 4)])),
)
#: Placement moves per year, and the share of children whose placements keep breaking down.
MOVE_RATE = ((5, 0.25), (12, 0.35), (18, 0.6))
UNSTABLE = 0.14
CHANGE_REASON = Mix(
    [("CARPL", 34), ("CREQB", 15), ("CREQO", 10), ("CHILD", 8), ("STAND", 4), ("ALLEG", 3),
     ("CLOSE", 5), ("LAREQ", 10), ("CUSTOD", 1), ("OTHER", 10)]
)  # fmt: skip
PROVIDER = {
    "U1": Mix([("PR1", 1)]), "U2": Mix([("PR1", 1)]), "U3": Mix([("PR1", 1)]),
    "U4": Mix([("PR1", 60), ("PR4", 36), ("PR5", 4)]),
    "U5": Mix([("PR1", 80), ("PR5", 20)]),
    "U6": Mix([("PR1", 58), ("PR4", 37), ("PR5", 5)]),
    "K1": Mix([("PR2", 60), ("PR4", 40)]), "K2": Mix([("PR4", 80), ("PR1", 14), ("PR5", 6)]),
    "H5": Mix([("PR4", 70), ("PR1", 30)]), "R1": Mix([("PR4", 1)]), "R3": Mix([("PR4", 1)]),
    "P1": Mix([("PR0", 1)]), "P2": Mix([("PR1", 1)]),
    "A5": Mix([("PR1", 70), ("PR5", 30)]), "A6": Mix([("PR1", 70), ("PR5", 30)]),
}  # fmt: skip
#: Placement distance in miles: (low, high, share placed over 20 miles away).
DISTANCE = {
    "U3": (0.3, 12, 0.04), "U1": (0.3, 12, 0.04), "P1": (0.0, 5, 0.0), "P2": (0.5, 8, 0.0),
    "U6": (0.8, 18, 0.12), "U4": (0.8, 18, 0.12), "U5": (1.0, 18, 0.1),
    "K2": (1.5, 19, 0.42), "K1": (5.0, 19, 0.8), "R1": (3.0, 19, 0.6), "R3": (1.0, 15, 0.2),
    "H5": (0.5, 14, 0.12), "A5": (1.0, 18, 0.3), "A6": (2.0, 19, 0.45),
}  # fmt: skip
LEAVE_AT_18 = Mix([("E5", 40), ("E17", 16), ("E6", 6), ("E13", 8), ("E8", 12), ("E4A", 18)])
SGO_REASON = Mix([("E45", 25), ("E46", 20), ("E47", 30), ("E48", 25)])
PARTICIPATION = Mix(
    [("PN1", 52), ("PN2", 5), ("PN3", 3), ("PN4", 5), ("PN5", 8), ("PN6", 19), ("PN7", 8)]
)
#: Children looked after aged 11+ who go missing, and how often they do.
MISSING_CLA = 0.26
MISSING_HOME = 0.07
MISSING_PER_YEAR = (2.0, 9.0)
EXPLOITATION_RISK = Mix([("AT_RISK", 55), ("SIGNIFICANT", 30), ("SERIOUS", 15)])
EXPLOITATION_TYPE = Mix([("CCE", 50), ("CSE", 35), ("BOTH", 15)])

# --------------------------------------------------------------------------- care leavers

LEAVER_IN_TOUCH = Mix([("YES", 87), ("NO", 5), ("REFU", 2), ("NREQ", 4), ("RHOM", 2)])
LEAVER_ACCOMMODATION = Mix(
    [("U", 30), ("D", 19), ("Z", 11), ("B", 9), ("E", 8), ("K", 5), ("T", 3), ("X", 2),
     ("S", 1), ("V", 2), ("W", 1), ("R", 2), ("Y", 4), ("C", 2), ("G", 1)]
)  # fmt: skip
UNSUITABLE = frozenset({"S", "V", "W", "X", "R"})
LEAVER_ACTIVITY = Mix(
    [("F2", 24), ("F1", 7), ("P2", 2), ("P1", 1), ("F4", 5), ("P4", 1), ("F5", 18), ("P5", 6),
     ("G4", 7), ("G5", 24), ("G6", 5)]
)  # fmt: skip
