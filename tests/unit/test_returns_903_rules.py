"""Every SSDA903 rule has a passing and a failing case.

Each case changes one thing in a small clean return (three synthetic children:
C1 looked after all year, C2 a care leaver, C3 adopted in the year) and runs
that one rule: the passing change must not trip it, the failing change must.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from casebook.returns.ssda903 import RULES_903, validate
from casebook.returns.ssda903.data import Data903

YEAR = 2025

BASE: dict[str, list[dict[str, str]]] = {
    "Header": [
        dict(CHILD="C1", SEX="F", DOB="15/06/2010", ETHNIC="WBRI", UPN="A123456789012", MOTHER="0"),
        dict(CHILD="C2", SEX="M", DOB="01/01/2006", ETHNIC="WBRI", UPN="UN3"),
        dict(CHILD="C3", SEX="M", DOB="01/01/2020", ETHNIC="MOTH", UPN="UN1"),
    ],
    "Episodes": [
        dict(
            CHILD="C1",
            DECOM="01/02/2023",
            RNE="S",
            LS="C1",
            CIN="N1",
            PLACE="U6",
            PLACE_PROVIDER="PR1",
            DEC="01/08/2023",
            REC="X1",
            HOME_POST="AB1 2CD",
            PL_POST="AB3 4EF",
            URN="SC123456",
        ),
        dict(
            CHILD="C1",
            DECOM="01/08/2023",
            RNE="L",
            LS="C2",
            CIN="N1",
            PLACE="U6",
            PLACE_PROVIDER="PR1",
            HOME_POST="AB1 2CD",
            PL_POST="AB3 4EF",
            URN="SC123456",
        ),
        dict(
            CHILD="C3",
            DECOM="01/03/2022",
            RNE="S",
            LS="C1",
            CIN="N1",
            PLACE="U6",
            PLACE_PROVIDER="PR1",
            DEC="01/06/2022",
            REC="X1",
            HOME_POST="AB1 2CD",
            PL_POST="AB5 6GH",
            URN="SC222222",
        ),
        dict(
            CHILD="C3",
            DECOM="01/06/2022",
            RNE="L",
            LS="E1",
            CIN="N1",
            PLACE="U6",
            PLACE_PROVIDER="PR1",
            DEC="01/05/2024",
            REC="X1",
            HOME_POST="AB1 2CD",
            PL_POST="AB5 6GH",
            URN="SC222222",
        ),
        dict(
            CHILD="C3",
            DECOM="01/05/2024",
            RNE="P",
            LS="E1",
            CIN="N1",
            PLACE="A5",
            PLACE_PROVIDER="PR1",
            DEC="01/11/2024",
            REC="E11",
            REASON_PLACE_CHANGE="CARPL",
            HOME_POST="AB1 2CD",
            PL_POST="AB7 8JK",
            URN="SC333333",
        ),
    ],
    "Reviews": [dict(CHILD="C1", DOB="15/06/2010", REVIEW="01/10/2024", REVIEW_CODE="PN1")],
    "UASC": [],
    "OC2": [
        dict(
            CHILD="C1",
            DOB="15/06/2010",
            SDQ_SCORE="12",
            CONVICTED="0",
            IMMUNISATIONS="1",
            TEETH_CHECK="1",
            HEALTH_ASSESSMENT="1",
            SUBSTANCE_MISUSE="0",
        ),
    ],
    "OC3": [dict(CHILD="C2", DOB="01/01/2006", IN_TOUCH="YES", ACTIV="F1", ACCOM="U1")],
    "AD1": [
        dict(
            CHILD="C3",
            DOB="01/01/2020",
            DATE_INT="01/02/2024",
            DATE_MATCH="01/04/2024",
            FOSTER_CARE="0",
            NB_ADOPTR="2",
            SEX_ADOPTR="MF",
            LS_ADOPTR="L11",
        ),
    ],
    "PlacedAdoption": [
        dict(
            CHILD="C3",
            DOB="01/01/2020",
            DATE_PLACED="01/02/2024",
            DATE_PLACED_CEASED="01/11/2024",
            REASON_PLACED_CEASED="E11",
        ),
    ],
    "PrevPerm": [dict(CHILD="C1", DOB="15/06/2010", PREV_PERM="Z1")],
    "Missing": [
        dict(
            CHILD="C1", DOB="15/06/2010", MISSING="M", MIS_START="01/05/2024", MIS_END="03/05/2024"
        ),
    ],
    "SWEpisodes": [dict(CHILD="C1", DOB="15/06/2010", SW_ID="SW1", SW_DECOM="01/02/2023")],
}


def tables() -> dict[str, list[dict[str, str]]]:
    return copy.deepcopy(BASE)


def build(t: dict[str, list[dict[str, str]]], year: int = YEAR) -> Data903:
    data = Data903(year)
    for name, rows in t.items():
        data.tables[name] = [Data903.make_row(name, r, i) for i, r in enumerate(rows, 1)]
    return data


Tables = dict[str, list[dict[str, str]]]
Change = Callable[[Tables], None]

H, E, R, O2, O3 = "Header", "Episodes", "Reviews", "OC2", "OC3"
A, P, M, U, PP, SW = "AD1", "PlacedAdoption", "Missing", "UASC", "PrevPerm", "SWEpisodes"


def ed(table: str, i: int, **values: str | None) -> Change:
    """Set (or, with None, blank) fields of one row."""

    def change(t: Tables) -> None:
        for k, v in values.items():
            if v is None:
                t[table][i].pop(k, None)
            else:
                t[table][i][k] = v

    return change


def ad(table: str, **row: str) -> Change:
    return lambda t: t[table].append(dict(row))


def rm(table: str, i: int) -> Change:
    return lambda t: t[table].pop(i)


def seq(*changes: Change) -> Change:
    def change(t: Tables) -> None:
        for c in changes:
            c(t)

    return change


BASE_OK: Change = seq()

C2_EPISODE = dict(
    CHILD="C2",
    DECOM="01/01/2023",
    RNE="S",
    LS="C2",
    CIN="N1",
    PLACE="U6",
    PLACE_PROVIDER="PR1",
    DEC="01/06/2023",
    HOME_POST="AB1 2CD",
    PL_POST="AB3 4EF",
    URN="SC1",
)
C3_MISSING = dict(CHILD="C3", DOB="01/01/2020", MISSING="M")
C3_J2 = dict(  # C3's second J2 episode, from 11/05/2024 (the first: episode 5, from 01/05)
    CHILD="C3",
    DECOM="11/05/2024",
    RNE="L",
    LS="J2",
    CIN="N1",
    PLACE="A5",
    PLACE_PROVIDER="PR1",
    REC="E11",
    HOME_POST="AB1 2CD",
    PL_POST="AB7 8JK",
    URN="SC333333",
)
C1_LEAVES = ed(E, 1, DEC="01/12/2024", REC="E4A")
SW_2 = dict(CHILD="C1", DOB="15/06/2010", SW_ID="SW2", SW_DECOM="01/06/2024", SW_REASON="MANAGE")
SW_NEXT = ad(SW, **SW_2)

# code -> (passing change, failing change)
CASES: dict[str, tuple[Change, Change]] = {
    # -------------------------------------------------------------- Header
    "101": (ed(H, 0, SEX="U"), ed(H, 0, SEX="2")),
    "102": (ed(H, 0, DOB="29/02/2012"), ed(H, 0, DOB="2010-06-15")),
    "103": (ed(H, 0, ETHNIC="NOBT"), ed(H, 0, ETHNIC="wbri")),
    "171": (ed(H, 0, MOTHER="1", MC_DOB="01/01/2025"), ed(H, 0, MOTHER="1", MC_DOB="32/01/2025")),
    "168": (ed(H, 0, UPN="UN5"), ed(H, 0, UPN="UN9")),
    "442": (
        seq(ed(E, 2, LS="V3"), ed(E, 3, LS="V3"), ed(E, 4, LS="V4"), ed(H, 2, UPN=None)),
        ed(H, 2, UPN=None),
    ),
    "301": (ed(H, 2, DOB="31/03/2025"), ed(H, 2, DOB="01/04/2025")),
    "351": (ed(H, 1, DOB="01/04/2003"), ed(H, 1, DOB="31/03/2003")),
    "174": (ed(H, 0, MOTHER="1", MC_DOB="01/01/2025"), ed(H, 1, MC_DOB="01/01/2025")),
    "165": (ed(H, 0, MOTHER="1"), ed(H, 0, MOTHER=None)),
    "612": (ed(H, 0, MOTHER="1", MC_DOB="01/01/2025"), ed(H, 0, MC_DOB="01/01/2025")),
    "620": (ed(H, 0, MOTHER="1", MC_DOB="15/06/2021"), ed(H, 0, MOTHER="1", MC_DOB="14/06/2021")),
    "625": (ed(H, 0, MOTHER="1", MC_DOB="31/03/2025"), ed(H, 0, MOTHER="1", MC_DOB="01/04/2025")),
    "628": (ed(H, 2, MOTHER="0"), ed(H, 1, MOTHER="0")),
    "607": (seq(C1_LEAVES, ed(H, 0, MOTHER="0")), seq(C1_LEAVES, ed(H, 0, MOTHER=None))),
    # -------------------------------------------------------------- Episodes: values
    "141": (ed(E, 4, DECOM="29/02/2024"), ed(E, 4, DECOM="2024-05-01")),
    "147": (ed(E, 4, DEC=None, REC=None), ed(E, 4, DEC="31/11/2024")),
    "143": (ed(E, 4, RNE="T"), ed(E, 4, RNE="X")),
    "144": (ed(E, 1, LS="V2"), ed(E, 1, LS="C3")),
    "145": (ed(E, 1, CIN="N8"), ed(E, 1, CIN="N9")),
    "146": (ed(E, 1, PLACE="K2"), ed(E, 1, PLACE="P4")),
    "149": (ed(E, 4, REC="E4A"), ed(E, 4, REC="E4")),
    "178": (ed(E, 1, PLACE_PROVIDER="PR0"), ed(E, 1, PLACE_PROVIDER="PR6")),
    "1009": (ed(E, 0, REASON_PLACE_CHANGE="CREQB"), ed(E, 0, REASON_PLACE_CHANGE="MOVE")),
    "392c": (ed(E, 1, PL_POST="AB34EF"), ed(E, 1, PL_POST="AB3 4E")),
    # -------------------------------------------------------------- Episodes: sequence
    "354": (ed(E, 4, DECOM="31/03/2025"), ed(E, 4, DECOM="01/04/2025")),
    "385": (ed(E, 4, DEC="31/03/2025"), ed(E, 4, DEC="01/04/2025")),
    "356": (ed(E, 4, DEC="01/05/2024"), ed(E, 4, DEC="30/04/2024")),
    "142": (ed(E, 4, DEC=None, REC=None), ed(E, 3, REC=None)),
    "501": (ed(E, 3, DEC="01/05/2024"), ed(E, 3, DEC="02/05/2024")),
    "302": (ed(H, 2, DOB="01/03/2022"), ed(H, 2, DOB="02/03/2022")),
    "357": (
        ad(E, **{**C2_EPISODE, "DECOM": "01/06/2024", "DEC": ""}),
        ad(E, **{**C2_EPISODE, "DECOM": "01/06/2024", "DEC": "", "RNE": "P"}),
    ),
    "431": (ed(E, 4, RNE="P"), ed(E, 4, RNE="S")),
    "432": (seq(ed(E, 3, REC="E4A"), ed(E, 4, RNE="S")), ed(E, 3, REC="E4A")),
    "388": (ed(E, 4, REC="E12"), ed(E, 4, REC="X1")),
    "437": (ed(E, 3, REC="X1"), ed(E, 3, REC="E2")),
    "434": (ed(E, 1, LS="C2"), ed(E, 1, LS="C1")),
    "435": (ed(E, 4, RNE="P"), ed(E, 4, LS="C2")),
    "436": (ed(E, 4, RNE="B", LS="C2"), ed(E, 4, RNE="B")),
    "504": (ed(E, 1, CIN="N1"), ed(E, 1, CIN="N2")),
    # -------------------------------------------------------------- temporary placements
    "380": (ed(E, 4, PLACE="T1"), ed(E, 4, PLACE="T1", RNE="L")),
    "381": (ed(E, 3, PLACE="T1"), ed(E, 4, PLACE="T1")),
    "382": (ed(E, 1, LS="V2", PLACE="T0"), ed(E, 1, LS="V3", PLACE="T0")),
    "383": (seq(ed(E, 3, PLACE="T2"), ed(E, 4, PLACE="U6")), ed(E, 3, PLACE="T2")),
    "377": (
        seq(ed(E, 2, PLACE="T3"), ed(E, 3, PLACE="T3")),
        seq(ed(E, 2, PLACE="T3"), ed(E, 3, PLACE="T3"), ed(E, 4, PLACE="T3")),
    ),
    "375": (ed(E, 4, PLACE="T1", DEC="12/06/2024"), ed(E, 4, PLACE="T1", DEC="13/06/2024")),
    "376": (ed(E, 4, PLACE="T3", DEC="22/05/2024"), ed(E, 4, PLACE="T3", DEC="23/05/2024")),
    "379": (ed(E, 4, PLACE="T4", DEC="08/05/2024"), ed(E, 4, PLACE="T4", DEC="09/05/2024")),
    # -------------------------------------------------------------- ages
    "370": (
        seq(ed(E, 1, PLACE="P2"), ed(H, 0, DOB="01/08/2008")),
        seq(ed(E, 1, PLACE="P2"), ed(H, 0, DOB="02/08/2008")),
    ),
    "371": (
        seq(ed(E, 1, PLACE="H5"), ed(H, 0, DOB="01/08/2009")),
        seq(ed(E, 1, PLACE="H5"), ed(H, 0, DOB="02/08/2009")),
    ),
    "372": (
        seq(ed(E, 1, PLACE="R5"), ed(H, 0, DOB="01/08/2013")),
        seq(ed(E, 1, PLACE="R5"), ed(H, 0, DOB="02/08/2013")),
    ),
    "373": (
        seq(ed(E, 1, PLACE="S1"), ed(H, 0, DOB="01/08/2019")),
        seq(ed(E, 1, PLACE="S1"), ed(H, 0, DOB="02/08/2019")),
    ),
    "374": (
        seq(ed(E, 1, PLACE="P3"), ed(H, 0, DOB="01/08/2009")),
        seq(ed(E, 1, PLACE="P3"), ed(H, 0, DOB="02/08/2009")),
    ),
    "358": (
        seq(ed(E, 1, LS="J1"), ed(H, 0, DOB="01/08/2013")),
        seq(ed(E, 1, LS="J1"), ed(H, 0, DOB="02/08/2013")),
    ),
    "352": (ed(H, 0, DOB="02/02/2005"), ed(H, 0, DOB="01/02/2005")),
    "359": (
        seq(ed(H, 0, DOB="31/03/2007"), ed(E, 1, LS="V2", PLACE="K2")),
        ed(H, 0, DOB="31/03/2007"),
    ),
    "386": (ed(H, 2, DOB="02/11/2006"), ed(H, 2, DOB="01/11/2006")),
    "387": (seq(ed(E, 4, REC="E5"), ed(H, 2, DOB="01/11/2010")), ed(E, 4, REC="E5")),
    "389": (seq(ed(E, 4, REC="E7"), ed(H, 2, DOB="01/11/2008")), ed(E, 4, REC="E7")),
    "460": (seq(ed(E, 4, REC="E17"), ed(H, 2, DOB="01/11/2006")), ed(E, 4, REC="E17")),
    # -------------------------------------------------------------- legal status
    "361": (ed(E, 4, LS="L1", DEC="04/05/2024"), ed(E, 4, LS="L1", DEC="05/05/2024")),
    "362": (ed(E, 4, LS="L2", DEC="22/05/2024"), ed(E, 4, LS="L2", DEC="23/05/2024")),
    "363": (ed(E, 4, LS="L3", DEC="08/05/2024"), ed(E, 4, LS="L3", DEC="09/05/2024")),
    # a J2 period (J2 episodes run together) of 21 days over two episodes passes; 22 fails
    "364": (
        seq(ed(E, 4, LS="J2", DEC="11/05/2024", REC="X1"), ad(E, **C3_J2, DEC="22/05/2024")),
        seq(ed(E, 4, LS="J2", DEC="11/05/2024", REC="X1"), ad(E, **C3_J2, DEC="23/05/2024")),
    ),
    "365": (ed(E, 4, LS="V3", DEC="18/05/2024"), ed(E, 4, LS="V3", DEC="19/05/2024")),
    "367": (ed(E, 4, LS="V3", DEC="15/07/2024"), ed(E, 4, LS="V3", DEC="16/07/2024")),
    "445": (ed(E, 4, LS="D1", DECOM="31/12/2005"), ed(E, 4, LS="D1", DECOM="01/01/2006")),
    "446": (ed(E, 4, LS="E1"), ed(E, 4, DECOM="29/12/2005")),
    "408": (ed(E, 4, PLACE="A6"), ed(E, 4, LS="C2")),
    "378": (ed(E, 1, PLACE="P1", LS="C2"), ed(E, 1, PLACE="P1", LS="V2")),
    "384": (ed(E, 1, LS="V3", PLACE="U6"), ed(E, 1, LS="V3", PLACE="U4")),
    "390": (ed(E, 4, PLACE="A6"), ed(E, 4, PLACE="U6")),
    "516": (ed(E, 4, REC="E45", PLACE="U4"), ed(E, 4, REC="E45")),
    "336": (ed(E, 3, PLACE="U2"), ed(E, 3, PLACE="K2")),
    # -------------------------------------------------------------- providers, URN, postcodes
    "526": (ed(E, 1, PLACE="T0", PLACE_PROVIDER=None), ed(E, 1, PLACE_PROVIDER=None)),
    "213": (ed(E, 1, PLACE="Z1"), ed(E, 1, PLACE="T0")),
    "529": (ed(E, 1, PLACE="R1", PLACE_PROVIDER="PR3"), ed(E, 1, PLACE_PROVIDER="PR3")),
    "530": (ed(E, 1, PLACE="P1", PLACE_PROVIDER="PR0"), ed(E, 1, PLACE="P1", PLACE_PROVIDER="PR4")),
    "531": (ed(E, 1, PLACE="P1", PLACE_PROVIDER="PR0"), ed(E, 1, PLACE="P1", PLACE_PROVIDER="PR5")),
    "226": (ed(E, 4, PLACE="T2", REASON_PLACE_CHANGE=None), ed(E, 4, PLACE="T2")),
    "218": (ed(E, 1, URN=None, PLACE="P1"), ed(E, 1, URN=None)),
    "392B": (ed(E, 1, LS="V3", PL_POST=None), ed(E, 1, PL_POST=None)),
    # -------------------------------------------------------------- Reviews
    "166": (ed(R, 0, REVIEW="29/02/2024"), ed(R, 0, REVIEW=None)),
    "167": (ed(R, 0, REVIEW_CODE="PN7"), ed(R, 0, REVIEW_CODE="PN8")),
    "440": (
        ed(R, 0, DOB="02/10/2020", REVIEW_CODE="PN0"),
        ed(R, 0, DOB="01/10/2020", REVIEW_CODE="PN0"),
    ),
    "441": (ed(R, 0, DOB="01/10/2020"), ed(R, 0, DOB="02/10/2020")),
    "399": (ed(E, 1, LS="V3"), seq(ed(E, 0, LS="V3"), ed(E, 1, LS="V4"))),
    # -------------------------------------------------------------- OC2
    "196": (ed(O2, 0, SDQ_REASON="SDQ5"), ed(O2, 0, SDQ_REASON="SDQ6")),
    "180": (ed(O2, 0, SDQ_SCORE="40"), ed(O2, 0, SDQ_SCORE="41")),
    "181": (ed(O2, 0, CONVICTED="1"), ed(O2, 0, CONVICTED="Y")),
    "182": (ed(O2, 0, HEALTH_CHECK="1"), ed(O2, 0, TEETH_CHECK=None)),
    "547": (ed(O2, 0, HEALTH_CHECK="1"), ed(O2, 0, HEALTH_CHECK="1", TEETH_CHECK=None)),
    "192": (
        ed(O2, 0, SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1"),
        ed(O2, 0, SUBSTANCE_MISUSE="1"),
    ),
    "193": (
        ed(O2, 0, SUBSTANCE_MISUSE="1", INTERVENTION_OFFERED="1"),
        ed(O2, 0, INTERVENTION_OFFERED="1"),
    ),
    "158": (
        ed(O2, 0, SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1"),
        ed(O2, 0, SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1", INTERVENTION_OFFERED="0"),
    ),
    "159": (
        ed(O2, 0, SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0", INTERVENTION_OFFERED="1"),
        ed(O2, 0, SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0"),
    ),
    "185": (ed(O2, 0, SDQ_SCORE="3"), C1_LEAVES),
    "198": (ed(O2, 0, SDQ_REASON="SDQ1"), seq(ed(O2, 0, SDQ_REASON="SDQ1"), C1_LEAVES)),
    "190": (ed(O2, 0, CONVICTED="1"), C1_LEAVES),
    "191": (ed(O2, 0, SUBSTANCE_MISUSE="1"), ed(O2, 0, TEETH_CHECK=None)),
    "543": (ed(O2, 0, CONVICTED="1"), ed(O2, 0, CONVICTED=None)),
    "545": (ed(O2, 0, DOB="01/06/2020", HEALTH_CHECK="1"), ed(O2, 0, DOB="01/06/2020")),
    "546": (ed(O2, 0, HEALTH_CHECK=None), ed(O2, 0, HEALTH_CHECK="1")),
    "186": (ed(O2, 0, SDQ_SCORE=None, SDQ_REASON="SDQ2"), ed(O2, 0, SDQ_SCORE=None)),
    "188": (ed(O2, 0, DOB="31/03/2021"), ed(O2, 0, DOB="01/04/2021")),
    "189": (ed(O2, 0, DOB="02/04/2007"), ed(O2, 0, DOB="01/04/2007")),
    "197B": (ed(O2, 0, DOB="01/06/2020"), ed(O2, 0, DOB="01/06/2020", SDQ_SCORE=None)),
    "157": (
        ed(O2, 0, SDQ_SCORE=None, SDQ_REASON="SDQ2"),
        ed(O2, 0, SDQ_SCORE=None, SDQ_REASON="SDQ1"),
    ),
    "542": (ed(O2, 0, DOB="31/03/2015"), ed(O2, 0, DOB="01/04/2015")),
    # -------------------------------------------------------------- OC3 and UASC
    "131": (ed(O3, 0, IN_TOUCH="NREQ"), ed(O3, 0, IN_TOUCH="Yes")),
    "132": (ed(O3, 0, ACTIV="G6"), ed(O3, 0, ACTIV="G7")),
    "133": (ed(O3, 0, ACCOM="Z2"), ed(O3, 0, ACCOM="Z3")),
    "153": (ed(O3, 0, IN_TOUCH=None, ACTIV=None, ACCOM=None), ed(O3, 0, ACCOM=None)),
    "344": (ed(O3, 0, IN_TOUCH="DIED", ACTIV="0", ACCOM="0"), ed(O3, 0, IN_TOUCH="DIED")),
    "345": (ed(O3, 0, IN_TOUCH="NO", ACTIV="0"), ed(O3, 0, ACTIV="0")),
    "391": (ed(O3, 0, DOB="31/03/2008"), ed(O3, 0, DOB="01/04/2008")),
    "1000": (ad(E, **{**C2_EPISODE, "REC": "E4A"}), ad(E, **{**C2_EPISODE, "REC": "E2"})),
    "1007": (ad(E, **{**C2_EPISODE, "REC": "E4A"}), ad(E, **{**C2_EPISODE, "DEC": ""})),
    "1011": (ad(E, **{**C2_EPISODE, "REC": "E4A"}), ad(E, **{**C2_EPISODE, "REC": "E3"})),
    "134": (
        ad(A, CHILD="C2", DOB="01/01/2006"),
        ad(A, CHILD="C2", DOB="01/01/2006", DATE_INT="01/01/2020"),
    ),
    "187": (
        ad(O3, CHILD="C1", DOB="15/06/2010"),
        ad(O3, CHILD="C1", DOB="15/06/2010", IN_TOUCH="YES", ACTIV="F1", ACCOM="U1"),
    ),
    "215": (
        ad(O2, CHILD="C2", DOB="01/01/2006"),
        ad(O2, CHILD="C2", DOB="01/01/2006", CONVICTED="0"),
    ),
    "104": (
        ad(U, CHILD="C1", SEX="F", DOB="15/06/2010", DUC="01/04/2024"),
        ad(U, CHILD="C1", SEX="F", DOB="15/06/2010", DUC="31/03/2024"),
    ),
    "304": (
        ad(U, CHILD="C1", SEX="F", DOB="15/06/2010", DUC="15/06/2028"),
        ad(U, CHILD="C1", SEX="F", DOB="15/06/2010", DUC="16/06/2028"),
    ),
    "1014": (
        ad(U, CHILD="C1", SEX="F", DOB="15/06/2010", DUC="15/06/2028"),
        ad(U, CHILD="C2", SEX="M", DOB="01/01/2006", DUC="01/01/2024"),
    ),
    # -------------------------------------------------------------- AD1
    "112": (ed(A, 0, DATE_INT="29/02/2024"), ed(A, 0, DATE_INT="1/2/2024")),
    "113": (ed(A, 0, DATE_MATCH="31/03/2024"), ed(A, 0, DATE_MATCH="01/13/2024")),
    "114": (ed(A, 0, FOSTER_CARE="1"), ed(A, 0, FOSTER_CARE="2")),
    "175": (ed(A, 0, NB_ADOPTR="1"), ed(A, 0, NB_ADOPTR="3")),
    "176": (ed(A, 0, SEX_ADOPTR="FF"), ed(A, 0, SEX_ADOPTR="XX")),
    "177": (ed(A, 0, LS_ADOPTR="L4"), ed(A, 0, LS_ADOPTR="L5")),
    "151": (
        ed(
            A,
            0,
            **dict.fromkeys(
                ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
            ),
        ),
        ed(A, 0, LS_ADOPTR=None),
    ),
    "333": (ed(A, 0, DATE_MATCH="01/02/2024"), ed(A, 0, DATE_MATCH="31/01/2024")),
    "331": (ed(A, 0, DATE_MATCH="01/05/2024"), ed(A, 0, DATE_MATCH="02/05/2024")),
    "334": (ed(A, 0, DATE_INT="01/03/2022"), ed(A, 0, DATE_INT="28/02/2022")),
    "521": (ed(A, 0, DATE_INT="01/05/2024"), ed(A, 0, DATE_INT="02/05/2024")),
    "511": (ed(A, 0, SEX_ADOPTR="MM"), ed(A, 0, SEX_ADOPTR="M1")),
    "513": (ed(A, 0, NB_ADOPTR="1", SEX_ADOPTR="F1"), ed(A, 0, NB_ADOPTR="1")),
    "514": (ed(A, 0, LS_ADOPTR="L0", NB_ADOPTR="1"), ed(A, 0, LS_ADOPTR="L0")),
    "515": (ed(A, 0, LS_ADOPTR="L2"), ed(A, 0, NB_ADOPTR="1")),
    "518": (ed(A, 0, LS_ADOPTR="L4", SEX_ADOPTR="FF"), ed(A, 0, LS_ADOPTR="L4")),
    "519": (ed(A, 0, LS_ADOPTR="L2"), ed(A, 0, LS_ADOPTR="L2", SEX_ADOPTR="M1")),
    "520": (ed(A, 0, SEX_ADOPTR="MF"), ed(A, 0, SEX_ADOPTR="MM")),
    "601": (ed(A, 0, FOSTER_CARE="1"), ed(A, 0, FOSTER_CARE=None)),
    "602": (ed(E, 4, REC="E12"), ed(E, 4, REC="E4A")),
    "523": (ed(P, 0, DATE_PLACED="01/02/2024"), ed(A, 0, DATE_INT="02/02/2024")),
    # -------------------------------------------------------------- PlacedAdoption
    "115": (ed(P, 0, DATE_PLACED="29/02/2024"), ed(P, 0, DATE_PLACED="01-02-2024")),
    "116": (ed(P, 0, REASON_PLACED_CEASED="RD1"), ed(P, 0, REASON_PLACED_CEASED="RD5")),
    "117": (ed(P, 0, DATE_PLACED_CEASED="01/11/2024"), ed(P, 0, DATE_PLACED_CEASED="02/11/2024")),
    "119": (
        ed(P, 0, DATE_PLACED_CEASED=None, REASON_PLACED_CEASED=None),
        ed(P, 0, REASON_PLACED_CEASED=None),
    ),
    "184": (ed(P, 0, DATE_PLACED="01/01/2020"), ed(P, 0, DATE_PLACED="31/12/2019")),
    "522": (ed(P, 0, DATE_PLACED="01/11/2024"), ed(P, 0, DATE_PLACED="02/11/2024")),
    "563": (ed(P, 0, DATE_PLACED="01/01/2024"), ed(P, 0, DATE_PLACED=None)),
    "579": (
        ad(P, CHILD="C3", DOB="01/01/2020", DATE_PLACED="01/11/2024"),
        ad(P, CHILD="C3", DOB="01/01/2020", DATE_PLACED="31/10/2024"),
    ),
    "553": (ed(P, 0, DATE_PLACED="01/01/2024"), rm(P, 0)),
    "555": (ed(E, 3, LS="D1"), seq(ed(E, 3, LS="D1"), rm(P, 0))),
    "556": (seq(ed(E, 3, LS="D1"), ed(P, 0, DATE_PLACED="01/06/2022")), ed(E, 3, LS="D1")),
    "1003": (ed(P, 0, DATE_PLACED="01/03/2022"), ed(P, 0, DATE_PLACED="28/02/2022")),
    "558": (ed(P, 0, REASON_PLACED_CEASED="E12"), ed(P, 0, REASON_PLACED_CEASED="RD1")),
    "525": (
        seq(
            ed(P, 0, REASON_PLACED_CEASED="RD1"),
            ed(
                A,
                0,
                **dict.fromkeys(
                    (
                        "DATE_INT",
                        "DATE_MATCH",
                        "FOSTER_CARE",
                        "NB_ADOPTR",
                        "SEX_ADOPTR",
                        "LS_ADOPTR",
                    )
                ),
            ),
        ),
        ed(P, 0, REASON_PLACED_CEASED="RD1"),
    ),
    # -------------------------------------------------------------- Missing
    "1004": (ed(M, 0, MIS_START="29/02/2024"), ed(M, 0, MIS_START=None)),
    "1005": (ed(M, 0, MIS_END=None), ed(M, 0, MIS_END="3/5/2024")),
    "1006": (ed(M, 0, MISSING="A"), ed(M, 0, MISSING="X")),
    "565": (ed(M, 0, MISSING="A"), ed(M, 0, MISSING=None)),
    "567": (ed(M, 0, MIS_END="01/05/2024"), ed(M, 0, MIS_END="30/04/2024")),
    "570": (ed(M, 0, MIS_START="31/03/2025", MIS_END=None), ed(M, 0, MIS_START="01/04/2025")),
    "571": (ed(M, 0, MIS_END="01/04/2024"), ed(M, 0, MIS_END="31/03/2024")),
    "574": (  # starting on the day the previous period ended is no overlap
        ad(M, CHILD="C1", DOB="15/06/2010", MISSING="A", MIS_START="03/05/2024"),
        ad(M, CHILD="C1", DOB="15/06/2010", MISSING="A", MIS_START="02/05/2024"),
    ),
    "586": (ed(M, 0, DOB="01/05/2024"), ed(M, 0, DOB="02/05/2024")),
    "575": (
        ad(M, **C3_MISSING, MIS_START="01/06/2024", MIS_END="02/06/2024"),
        ad(M, **C3_MISSING, MIS_START="01/06/2024"),
    ),
    "577": (
        ad(M, **C3_MISSING, MIS_START="01/06/2024", MIS_END="02/06/2024"),
        ad(M, **C3_MISSING, MIS_START="01/06/2024"),
    ),
    "578": (
        ad(M, **C3_MISSING, MIS_START="01/11/2024", MIS_END="01/11/2024"),
        ad(M, **C3_MISSING, MIS_START="02/11/2024", MIS_END="03/11/2024"),
    ),
    "580": (
        seq(
            ed(E, 4, REC="E8"),
            ad(
                M,
                **{**C3_MISSING, "DOB": "01/11/2006"},
                MIS_START="01/06/2024",
                MIS_END="01/11/2024",
            ),
        ),
        ad(M, **{**C3_MISSING, "DOB": "01/11/2006"}, MIS_START="01/06/2024", MIS_END="01/11/2024"),
    ),
    # -------------------------------------------------------------- PrevPerm, links, social workers
    "631": (ed(PP, 0, PREV_PERM="P4"), ed(PP, 0, PREV_PERM="P5")),
    "632": (ed(PP, 0, DATE_PERM="ZZ/ZZ/2020"), ed(PP, 0, DATE_PERM="ZZ/01/ZZZZ")),
    "1012": (
        ad(R, CHILD="C3", DOB="01/01/2020", REVIEW="01/06/2024", REVIEW_CODE="PN1"),
        ad(R, CHILD="C2", DOB="01/01/2006", REVIEW="01/06/2024", REVIEW_CODE="PN1"),
    ),
    "SW01STG1": (ed(SW, 0, SW_ID="SW9"), rm(SW, 0)),
    "SW02STG1": (ed(SW, 0, SW_ID="XX12"), ed(SW, 0, SW_ID="AB12")),
    "SW04STG1": (ed(SW, 0, SW_DECOM="ZZ/02/2023"), ed(SW, 0, SW_DECOM="2023-02-01")),
    "SW05STG1": (ed(SW, 0, SW_DEC="01/05/2024"), ed(SW, 0, SW_DEC="31/02/2024")),
    "SW06STG2": (ed(SW, 0, SW_DECOM="31/03/2025"), ed(SW, 0, SW_DECOM="01/04/2025")),
    "SW07STG2": (ed(SW, 0, SW_DEC="01/04/2024"), ed(SW, 0, SW_DEC="31/03/2024")),
    "SW08STG2": (seq(ed(SW, 0, SW_DEC="01/06/2024"), SW_NEXT), SW_NEXT),
    "SW09STG2": (ed(SW, 0, SW_DEC="02/02/2023"), ed(SW, 0, SW_DEC="01/02/2023")),
    "SW10STG2": (
        seq(ed(SW, 0, SW_DEC="01/06/2024"), ad(SW, **{**SW_2, "SW_DECOM": "08/06/2024"})),
        seq(ed(SW, 0, SW_DEC="01/06/2024"), ad(SW, **{**SW_2, "SW_DECOM": "09/06/2024"})),
    ),
    "SW11STG2": (seq(ed(SW, 0, SW_DEC="01/06/2024"), SW_NEXT), ed(SW, 0, SW_DEC="01/06/2024")),
    "SW14STG2": (seq(ed(SW, 0, SW_DEC="01/06/2024"), SW_NEXT), SW_NEXT),
    "SW13STG1": (
        ad(
            SW, CHILD="C1", DOB="15/06/2010", SW_ID="SW2", SW_DECOM="01/06/2024", SW_REASON="MANAGE"
        ),
        ad(SW, CHILD="C1", DOB="15/06/2010", SW_ID="SW2", SW_DECOM="01/06/2024"),
    ),
}


def _run(change: Change, code: str) -> list:
    t = tables()
    change(t)
    return RULES_903.validate(build(t), only=[code])


def test_the_clean_return_passes_every_rule() -> None:
    assert validate(build(tables())) == []


def test_at_least_100_rules_each_with_a_case() -> None:
    assert len(RULES_903) >= 100
    assert sorted(CASES) == sorted(r.code for r in RULES_903)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_and_fails(code: str) -> None:
    good, bad = CASES[code]
    assert _run(good, code) == [], f"{code} tripped on its passing case"
    found = _run(bad, code)
    assert found, f"{code} did not trip on its failing case"
    rule = RULES_903[code]
    for error in found:
        assert error.rule == code and error.message == rule.message
        assert f"{error.table}.{error.field}" in rule.fields or error.field == "CHILD"
        assert error.child in ("C1", "C2", "C3")


def test_sex_codes_follow_the_collection_year() -> None:
    t = tables()
    for r in t["Header"]:
        r["SEX"] = {"F": "2", "M": "1"}[r["SEX"]]
    assert RULES_903.validate(build(t, 2024), only=["101"]) == []
    assert len(RULES_903.validate(build(t, 2025), only=["101"])) == 3


def test_failures_name_the_row_of_the_file() -> None:
    t = tables()
    ed(E, 4, RNE="X")(t)
    (error,) = RULES_903.validate(build(t), only=["143"])
    assert (error.child, error.table, error.field, error.row) == ("C3", "Episodes", "RNE", 5)


def test_a_rule_about_an_absent_table_does_not_run() -> None:
    t = tables()
    del t["SWEpisodes"]
    assert RULES_903.validate(build(t), only=["SW01STG1"]) == []
    assert isinstance(build(t), Data903)


def test_cases_do_not_share_state() -> None:
    before = copy.deepcopy(BASE)
    _run(CASES["553"][1], "553")
    assert before == BASE
