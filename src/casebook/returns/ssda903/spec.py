"""The SSDA903 return's shape: its tables and columns (the DfE's names), the code
lists the rules check against, and the collection period.

A collection year is named by the 31 March it ends on: ``year=2025`` runs
from 1 April 2024 to 31 March 2025. Dates in the CSV files are ``dd/mm/yyyy``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

#: Table → its columns, in the DfE's order (the CSV header row).
COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}

TABLES: tuple[str, ...] = tuple(COLUMNS)

#: The file each table is exported to (the names the DfE's own tools use).
FILE_NAMES: dict[str, str] = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "social_worker_episodes.csv",
}

#: Columns holding a ``dd/mm/yyyy`` date (PrevPerm's DATE_PERM may hold ZZ parts: text).
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("DOB", "MC_DOB"),
    "Episodes": ("DECOM", "DEC"),
    "Reviews": ("DOB", "REVIEW"),
    "UASC": ("DOB", "DUC"),
    "OC2": ("DOB",),
    "OC3": ("DOB",),
    "AD1": ("DOB", "DATE_INT", "DATE_MATCH"),
    "PlacedAdoption": ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
    "PrevPerm": ("DOB",),
    "Missing": ("DOB", "MIS_START", "MIS_END"),
    "SWEpisodes": ("DOB", "SW_DECOM", "SW_DEC"),
}


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Code lists (DfE SSDA903 guidance; shared/domain/code-lists.md).
SEX_FROM_2025 = _codes("M F U")
SEX_BEFORE_2025 = _codes("1 2")
ETHNIC = _codes(
    "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE "
    "OOTH REFU NOBT"
)
RNE = _codes("S P L T U B")
LS = _codes("C1 C2 D1 E1 J1 J2 J3 L1 L2 L3 V2 V3 V4")
CIN = _codes("N1 N2 N3 N4 N5 N6 N7 N8")
PLACE = _codes("A3 A4 A5 A6 H5 K1 K2 P1 P2 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 U6 Z1")
TEMPORARY = _codes("T0 T1 T2 T3 T4")
FOSTER = _codes("U1 U2 U3 U4 U5 U6")
ADOPTION_PLACE = _codes("A3 A4 A5 A6")
PLACE_PROVIDER = _codes("PR0 PR1 PR2 PR3 PR4 PR5")
REC = _codes("X1 E11 E12 E2 E3 E4A E4B E13 E41 E45 E46 E47 E48 E5 E6 E7 E8 E9 E14 E15 E16 E17")
#: REC codes that end a period of care (everything but X1).
LEAVES_CARE = REC - {"X1"}
REASON_PLACE_CHANGE = _codes(
    "CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE CUSTOD OTHER"
)
REVIEW_CODE = _codes("PN0 PN1 PN2 PN3 PN4 PN5 PN6 PN7")
SDQ_REASON = _codes("SDQ1 SDQ2 SDQ3 SDQ4 SDQ5")
IN_TOUCH = _codes("YES NO DIED REFU NREQ RHOM")
ACTIV = _codes("F1 P1 F2 P2 F4 P4 F5 P5 G4 G5 G6 0")
ACCOM = _codes(
    "B1 B2 C1 C2 D1 D2 E1 E2 G1 G2 H1 H2 K1 K2 R1 R2 S2 T1 T2 U1 U2 V1 V2 W1 W2 X2 Y1 Y2 Z1 Z2 0"
)
NB_ADOPTR = _codes("1 2")
SEX_ADOPTR = _codes("M1 F1 MM FF MF")
LS_ADOPTR = _codes("L0 L11 L12 L2 L3 L4")
REASON_PLACED_CEASED = _codes("E11 E12 RD1 RD2 RD3 RD4")
PREV_PERM = _codes("P1 P2 P3 P4 Z1")
MISSING = _codes("M A")
SW_REASON = _codes("MANAGE FCONTA LEFTRL ORGRST TSPROC ABSENC CHCHAN PCCHAN SWDIED OTHERS")
UPN_UNKNOWN = _codes("UN1 UN2 UN3 UN4 UN5")
ZERO_ONE = _codes("0 1")


def sex_codes(year: int) -> frozenset[str]:
    """``SEX`` is M/F/U from the 2024/25 return, 1/2 before it."""
    return SEX_FROM_2025 if year >= 2025 else SEX_BEFORE_2025


def male(year: int) -> str:
    return "M" if year >= 2025 else "1"


def female(year: int) -> str:
    return "F" if year >= 2025 else "2"


def collection_period(year: int) -> tuple[date, date]:
    """First and last day of the collection year ending 31 March ``year``."""
    return date(year - 1, 4, 1), date(year, 3, 31)


@lru_cache(maxsize=65536)
def parse_date(text: str) -> date | None:
    """``dd/mm/yyyy`` → date; None when it is not one (or does not exist)."""
    if len(text) != 10 or text[2] != "/" or text[5] != "/":
        return None
    d, m, y = text[:2], text[3:5], text[6:]
    if not (d.isdigit() and m.isdigit() and y.isdigit()):
        return None
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def format_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def table_for_columns(columns: list[str]) -> str | None:
    """Which table a CSV is, from its header row (columns in any order)."""
    wanted = set(columns)
    for name, cols in COLUMNS.items():
        if set(cols) == wanted:
            return name
    return None
