"""Import SSDA903 CSV files into the record: every child, or nothing.

This is how an authority moves off its old system with the files it already
sends the DfE. One transaction, two passes:

1. **Check.** The files are parsed strictly (:func:`.load.load`); then every
   value is checked as the record checks a form: each date ``dd/mm/yyyy`` and
   real, CHILD and DOB and DECOM present, each child once in Header and every
   other table's child in Header, not already in the database, the code lists
   of the record (:func:`casebook.record.validation.check_values`). Every
   problem names the file, the row and the 903 column.
2. **Load.** Only if nothing is wrong, the rows are written in bulk
   (:func:`casebook.interchange.bulk.insert_rows`), one history entry notes the
   import, and the transaction commits once.

What goes where: Header → ``ssd_person`` (+ ``ssd_send`` for the UPN,
``ssd_mother`` for MC_DOB); each run of episodes joined end to start → one
period of care (``clae_cla_id``), each episode ``ssd_cla_episodes``, each run
of the same placement ``ssd_cla_placement``, each run of the same legal status
``ssd_legal_status``, HOME_POST a HOME ``ssd_address``; Reviews →
``ssd_cla_reviews``; UASC → a UASC ``ssd_immigration_status`` ending on DUC;
OC2 → SDQ, conviction, health, immunisation and substance misuse rows dated 31
March (the return holds no dates for them); OC3 → ``ssd_care_leavers`` (the
accommodation letter and whether it is suitable); PlacedAdoption and AD1 →
``ssd_permanence``; PrevPerm → ``ssd_cla_previous_permanence``; Missing →
``ssd_missing``; SWEpisodes → ``ssd_involvements`` (and an
``ssd_professionals`` row for a worker the database does not know).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError

from casebook.interchange.bulk import insert_rows, refresh_statistics
from casebook.record.errors import Invalid, Problem
from casebook.record.models import (
    Address,
    CareLeaver,
    ClaConviction,
    ClaEpisode,
    ClaHealth,
    ClaImmunisation,
    ClaPlacement,
    ClaPreviousPermanence,
    ClaReview,
    ClaSubstanceMisuse,
    HistoryEntry,
    ImmigrationStatus,
    Involvement,
    LegalStatus,
    Missing,
    Mother,
    Permanence,
    Person,
    Professional,
    SdqScore,
    Send,
)
from casebook.record.validation import check_values, load_codebook

from . import spec
from .data import Data903, Row
from .load import MAX_PROBLEMS, load

ORDER = [
    Person,
    Professional,
    Send,
    Mother,
    Address,
    ImmigrationStatus,
    LegalStatus,
    ClaPlacement,
    ClaEpisode,
    ClaReview,
    SdqScore,
    ClaConviction,
    ClaHealth,
    ClaImmunisation,
    ClaSubstanceMisuse,
    CareLeaver,
    Permanence,
    ClaPreviousPermanence,
    Missing,
    Involvement,
]

#: Record column → the 903 column it comes from, for messages.
SOURCE = {
    "pers_sex": "SEX",
    "pers_ethnicity": "ETHNIC",
    "pers_dob": "DOB",
    "clae_cla_episode_start_reason": "RNE",
    "clae_cla_primary_need_code": "CIN",
    "clae_cla_episode_ceased_reason": "REC",
    "clae_cla_episode_start_date": "DECOM",
    "clae_cla_episode_ceased_date": "DEC",
    "clap_cla_placement_type": "PLACE",
    "clap_cla_placement_provider": "PLACE_PROVIDER",
    "clap_cla_placement_change_reason": "REASON_PLACE_CHANGE",
    "lega_legal_status": "LS",
    "clar_cla_review_participation": "REVIEW_CODE",
    "csdq_sdq_reason": "SDQ_REASON",
    "miss_missing_episode_type": "MISSING",
    "clea_care_leaver_in_touch": "IN_TOUCH",
    "clea_care_leaver_activity": "ACTIV",
    "clea_care_leaver_accommodation": "ACCOM",
    "miss_missing_episode_start_date": "MIS_START",
    "miss_missing_episode_end_date": "MIS_END",
    "invo_involvement_start_date": "SW_DECOM",
    "invo_involvement_end_date": "SW_DEC",
    "invo_worker_change_reason": "SW_REASON",
}

#: The 903's reasons for a change of social worker → the record's list.
WORKER_CHANGE = {"LEFTRL": "LEFT", "TSPROC": "TRANSFER", "ORGRST": "TRANSFER"}


class _Rows:
    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = {m: [] for m in ORDER}
        self.where: dict[Any, list[tuple[str | None, int | None]]] = {m: [] for m in ORDER}

    def add(self, model, where: tuple[str | None, int | None], **values: Any) -> None:
        self.tables[model].append(values)
        self.where[model].append(where)


def _sex(value: str | None) -> str | None:
    return {"1": "M", "2": "F"}.get(value or "", value)


def _yn(value: str | None) -> str | None:
    return None if value is None else ("Y" if value == "1" else "N")


def rows_for(data: Data903, known_workers: dict[str, str]) -> _Rows:
    """Every record row the return turns into (checked separately)."""
    out = _Rows()
    f = data.files
    end = data.end

    def at(table: str, r: Row) -> tuple[str | None, int | None]:
        return (f.get(table, table), r.get("_row"))

    for r in data.rows("Header"):
        c = r["CHILD"]
        out.add(
            Person,
            at("Header", r),
            pers_person_id=c,
            pers_sex=_sex(r["SEX"]),
            pers_ethnicity=r["ETHNIC"],
            pers_dob=r["DOB_d"],
            pers_is_mother=_yn(r["MOTHER"]),
            cb_person_type="child",
        )
        if r["UPN"]:
            unknown = r["UPN"] in spec.UPN_UNKNOWN
            out.add(
                Send,
                at("Header", r),
                send_table_id=f"{c}-UPN",
                send_person_id=c,
                send_upn=None if unknown else r["UPN"],
                send_upn_unknown=r["UPN"] if unknown else None,
            )
        if r["MC_DOB_d"]:
            out.add(
                Mother,
                at("Header", r),
                moth_table_id=f"{c}-MC",
                moth_person_id=c,
                moth_childs_dob=r["MC_DOB_d"],
            )

    periods: dict[str, list[tuple[str, date, date | None]]] = {}
    for child, eps in data.episodes_by_child.items():
        n_period = n_place = n_legal = 0
        cla = place = None
        prev: Row | None = None
        last_home = None
        mine: list[tuple[str, date, date | None]] = []
        for i, e in enumerate(eps, 1):
            where = at("Episodes", e)
            new_period = prev is None or prev["DEC_d"] != e["DECOM_d"] or prev["REC"] != "X1"
            if new_period:
                n_period += 1
                cla = f"{child}-P{n_period}"
                mine.append((cla, e["DECOM_d"], None))
            same_place = (
                not new_period
                and e["RNE"] == "L"
                and prev is not None
                and (prev["PLACE"], prev["PLACE_PROVIDER"], prev["PL_POST"], prev["URN"])
                == (e["PLACE"], e["PLACE_PROVIDER"], e["PL_POST"], e["URN"])
            )
            if same_place:
                pl = out.tables[ClaPlacement][-1]
                pl["clap_cla_placement_end_date"] = e["DEC_d"]
                pl["clap_cla_placement_change_reason"] = e["REASON_PLACE_CHANGE"]
            else:
                n_place += 1
                place = f"{child}-PL{n_place}"
                out.add(
                    ClaPlacement,
                    where,
                    clap_cla_placement_id=place,
                    clap_cla_placement_start_date=e["DECOM_d"],
                    clap_cla_placement_type=e["PLACE"],
                    clap_cla_placement_urn=e["URN"],
                    clap_cla_id=cla,
                    clap_cla_placement_provider=e["PLACE_PROVIDER"],
                    clap_cla_placement_postcode=e["PL_POST"],
                    clap_cla_placement_end_date=e["DEC_d"],
                    clap_cla_placement_change_reason=e["REASON_PLACE_CHANGE"],
                    clap_person_id=child,
                )
            if new_period or prev is None or prev["LS"] != e["LS"]:
                n_legal += 1
                out.add(
                    LegalStatus,
                    where,
                    lega_legal_status_id=f"{child}-LS{n_legal}",
                    lega_person_id=child,
                    lega_legal_status=e["LS"],
                    lega_legal_status_start_date=e["DECOM_d"],
                    lega_legal_status_end_date=e["DEC_d"],
                )
            else:
                out.tables[LegalStatus][-1]["lega_legal_status_end_date"] = e["DEC_d"]
            if e["HOME_POST"] and e["HOME_POST"] != last_home:
                last_home = e["HOME_POST"]
                out.add(
                    Address,
                    where,
                    addr_table_id=f"{child}-H{i}",
                    addr_person_id=child,
                    addr_address_type="HOME",
                    addr_address_start_date=e["DECOM_d"],
                    addr_address_postcode=e["HOME_POST"],
                    addr_address_json=json.dumps({"postcode": e["HOME_POST"]}),
                )
            out.add(
                ClaEpisode,
                where,
                clae_cla_episode_id=f"{child}-E{i}",
                clae_person_id=child,
                clae_cla_episode_start_date=e["DECOM_d"],
                clae_cla_episode_start_reason=e["RNE"],
                clae_cla_primary_need_code=e["CIN"],
                clae_cla_episode_ceased_date=e["DEC_d"],
                clae_cla_episode_ceased_reason=e["REC"],
                clae_cla_id=cla,
                clae_cla_placement_id=place,
                clae_entered_care_date=mine[-1][1],
            )
            mine[-1] = (cla, mine[-1][1], e["DEC_d"])
            prev = e
        periods[child] = mine

    def period_on(child: str, day: date | None) -> str | None:
        # a period whose first DECOM is blank or not a date is refused by the
        # checks; it holds no day here (never compare a date with None)
        mine = periods.get(child, [])
        for cla, s, e in mine:
            if day and s is not None and s <= day and (e is None or day <= e):
                return cla
        return mine[-1][0] if mine else None

    for i, r in enumerate(data.rows("Reviews"), 1):
        out.add(
            ClaReview,
            at("Reviews", r),
            clar_cla_review_id=f"{r['CHILD']}-RV{i}",
            clar_cla_id=period_on(r["CHILD"], r["REVIEW_d"]),
            clar_cla_review_date=r["REVIEW_d"],
            clar_cla_review_cancelled="N",
            clar_cla_review_participation=r["REVIEW_CODE"],
        )
    for r in data.rows("UASC"):
        out.add(
            ImmigrationStatus,
            at("UASC", r),
            immi_immigration_status_id=f"{r['CHILD']}-UASC",
            immi_person_id=r["CHILD"],
            immi_immigration_status="UASC",
            immi_immigration_status_end_date=r["DUC_d"],
        )
    for r in data.rows("OC2"):
        c, w = r["CHILD"], at("OC2", r)
        if r["SDQ_SCORE"] or r["SDQ_REASON"]:
            out.add(
                SdqScore,
                w,
                csdq_table_id=f"{c}-SDQ{data.year}",
                csdq_person_id=c,
                csdq_sdq_completed_date=end,
                csdq_sdq_score=r["SDQ_SCORE"],
                csdq_sdq_reason=r["SDQ_REASON"],
            )
        if r["CONVICTED"] == "1":
            out.add(
                ClaConviction,
                w,
                clac_cla_conviction_id=f"{c}-CNV{data.year}",
                clac_person_id=c,
                clac_cla_conviction_date=end,
            )
        for col, kind in (("HEALTH_ASSESSMENT", "HEALTH_ASSESSMENT"), ("TEETH_CHECK", "DENTAL")):
            if r[col] == "1":
                out.add(
                    ClaHealth,
                    w,
                    clah_health_check_id=f"{c}-{kind}{data.year}",
                    clah_person_id=c,
                    clah_health_check_type=kind,
                    clah_health_check_date=end,
                    clah_health_check_status="DONE",
                )
        if r["IMMUNISATIONS"] is not None:
            out.add(
                ClaImmunisation,
                w,
                clai_person_id=c,
                clai_immunisations_status=_yn(r["IMMUNISATIONS"]),
                clai_immunisations_status_date=end,
            )
        if r["SUBSTANCE_MISUSE"] == "1":
            out.add(
                ClaSubstanceMisuse,
                w,
                clas_substance_misuse_id=f"{c}-SM{data.year}",
                clas_person_id=c,
                clas_substance_misuse_date=end,
                clas_substance_misused="Y",
                clas_intervention_received=_yn(r["INTERVENTION_RECEIVED"]),
            )
    for r in data.rows("OC3"):
        accom = r["ACCOM"]
        letter = accom[0] if accom and accom != "0" else None
        suitable = None if not letter or len(accom) < 2 else ("Y" if accom[1] == "1" else "N")
        out.add(
            CareLeaver,
            at("OC3", r),
            clea_table_id=f"{r['CHILD']}-CL{data.year}",
            clea_person_id=r["CHILD"],
            clea_care_leaver_in_touch=r["IN_TOUCH"],
            clea_care_leaver_activity=None if r["ACTIV"] == "0" else r["ACTIV"],
            clea_care_leaver_accommodation=letter,
            clea_care_leaver_accom_suitable=suitable,
        )
    ad1 = {r["CHILD"]: r for r in data.rows("AD1")}
    placed = data.by_child("PlacedAdoption")
    for child in sorted(set(ad1) | set(placed)):
        decisions = placed.get(child) or [None]
        for j, p in enumerate(decisions, 1):
            a = ad1.get(child) if j == len(decisions) else None
            src = ("PlacedAdoption", p) if p is not None else ("AD1", a)
            reason = p["REASON_PLACED_CEASED"] if p else None
            reversed_ = reason is not None and reason.startswith("RD")
            out.add(
                Permanence,
                at(*src),
                perm_table_id=f"{child}-PRM{j}",
                perm_person_id=child,
                perm_cla_id=period_on(child, p["DATE_PLACED_d"] if p else None),
                perm_adm_decision_date=(p["DATE_PLACED_d"] if p else None)
                or (a and a["DATE_INT_d"]),
                perm_matched_date=a["DATE_MATCH_d"] if a else None,
                perm_adopted_by_carer_flag=_yn(a["FOSTER_CARE"]) if a else None,
                perm_number_of_adopters=a["NB_ADOPTR"] if a else None,
                perm_adopter_sex=a["SEX_ADOPTR"] if a else None,
                perm_adopter_legal_status=a["LS_ADOPTR"] if a else None,
                perm_decision_reversed_date=p["DATE_PLACED_CEASED_d"] if p and reversed_ else None,
                perm_decision_reversed_reason=reason if reversed_ else None,
            )
    for i, r in enumerate(data.rows("PrevPerm"), 1):
        out.add(
            ClaPreviousPermanence,
            at("PrevPerm", r),
            lapp_table_id=f"{r['CHILD']}-PP{i}",
            lapp_person_id=r["CHILD"],
            lapp_previous_permanence_option=r["PREV_PERM"],
            lapp_previous_permanence_la=r["LA_PERM"],
            lapp_previous_permanence_order_date=r["DATE_PERM"],
        )
    for i, r in enumerate(data.rows("Missing"), 1):
        out.add(
            Missing,
            at("Missing", r),
            miss_table_id=f"{r['CHILD']}-MS{i}",
            miss_person_id=r["CHILD"],
            miss_missing_episode_type=r["MISSING"],
            miss_missing_episode_start_date=r["MIS_START_d"],
            miss_missing_episode_end_date=r["MIS_END_d"],
        )
    new_workers = set()
    for rows in data.by_child("SWEpisodes").values():
        ordered = sorted(rows, key=lambda r: r["SW_DECOM_d"] or date.max)
        for k, r in enumerate(ordered):
            nxt = ordered[k + 1] if k + 1 < len(ordered) else None
            why = nxt["SW_REASON"] if nxt is not None and r["SW_DEC_d"] else None
            sw = r["SW_ID"]
            worker = known_workers.get(sw, sw) if sw else None
            if sw and sw not in known_workers and sw not in new_workers:
                new_workers.add(sw)
                out.add(
                    Professional,
                    at("SWEpisodes", r),
                    prof_professional_id=sw,
                    prof_staff_id=sw,
                    prof_social_worker_registration_no=sw if sw.startswith("SW") else None,
                )
            out.add(
                Involvement,
                at("SWEpisodes", r),
                invo_involvements_id=f"{r['CHILD']}-SW{r['_row'] or k}",
                invo_professional_id=worker,
                invo_professional_role_id="Allocated social worker",
                invo_involvement_start_date=r["SW_DECOM_d"],
                invo_involvement_end_date=r["SW_DEC_d"],
                invo_worker_change_reason=(WORKER_CHANGE.get(why, "CHANGE") if why else None),
                invo_person_id=r["CHILD"],
            )
    return out


def check(conn, data: Data903, rows: _Rows | None = None) -> list[Problem]:
    """Everything wrong with importing ``data`` into the database behind ``conn``.

    Without ``rows`` only the return itself is checked (dates, required
    values, children in Header, children already in the database): what must
    hold before :func:`rows_for` can build the record's rows. With ``rows``
    their values are also checked against the record's code lists.
    """
    problems: list[Problem] = []

    def bad(table: str, r: Row | None, field: str, message: str) -> bool:
        problems.append(
            Problem(field, message, data.files.get(table, table), r.get("_row") if r else None)
        )
        return len(problems) >= MAX_PROBLEMS

    if "Header" not in data.tables:
        bad("Header", None, "(file)", "no Header table: every child needs a Header row")
    for table, rows_ in data.tables.items():
        for r in rows_:
            for col in spec.DATE_COLUMNS[table]:
                if (
                    r[col] is not None
                    and r[col + "_d"] is None
                    and bad(table, r, col, f"'{r[col]}' is not a date written dd/mm/yyyy")
                ):
                    return problems
    counts = Counter(r["CHILD"] for r in data.rows("Header"))
    seen: set[str] = set()
    for r in data.rows("Header"):
        if r["DOB"] is None:
            bad("Header", r, "DOB", "DOB is required")
        if counts[r["CHILD"]] > 1 and r["CHILD"] in seen:
            bad("Header", r, "CHILD", f"child '{r['CHILD']}' is on an earlier Header row too")
        seen.add(r["CHILD"])
    for r in data.rows("Episodes"):
        if r["DECOM"] is None:
            bad("Episodes", r, "DECOM", "DECOM is required")
    for table, rows_ in data.tables.items():
        if table == "Header" or "Header" not in data.tables:
            continue
        for r in rows_:
            if (
                r["CHILD"]
                and r["CHILD"] not in counts
                and bad(table, r, "CHILD", f"child '{r['CHILD']}' has no Header row")
            ):
                return problems
    existing = _already(conn, list(counts))
    for r in data.rows("Header"):
        if r["CHILD"] in existing and bad(
            "Header", r, "CHILD", f"child '{r['CHILD']}' is already in the database"
        ):
            return problems
    if rows is None:
        return problems
    return problems + check_rows(conn, rows, MAX_PROBLEMS - len(problems))


def check_rows(conn, rows: _Rows, limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The record's rows checked against its code lists, named by 903 column."""
    problems: list[Problem] = []
    if limit <= 0:
        return problems
    codes = load_codebook(conn)
    for model in ORDER:
        for values, (file, row) in zip(rows.tables[model], rows.where[model], strict=True):
            for p in check_values(values, codes):
                column = SOURCE.get(p.field, p.field)
                message = p.message
                for rec, src in SOURCE.items():
                    message = message.replace(rec, src)
                problems.append(Problem(column, message, file, row))
                if len(problems) >= limit:
                    return problems
    return problems


def _already(conn, ids: list[str]) -> set[str]:
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
    """Import the return's CSV files for the year ending 31 March ``year``; the children written.

    All or nothing: :class:`~casebook.record.errors.Invalid` names every
    problem (file, row, column) and nothing is written.
    """
    data = load([Path(p) for p in paths], year)
    return import_data(engine, data, [Path(p).name for p in paths])


def import_data(engine: Engine, data: Data903, names: list[str]) -> int:
    with engine.begin() as conn:
        # a worker is known by their id or their registration number (SW_ID)
        workers: dict[str, str] = {}
        for pid, reg in conn.execute(
            select(
                Professional.prof_professional_id, Professional.prof_social_worker_registration_no
            )
        ).all():
            workers[pid] = pid
            if reg:
                workers.setdefault(reg, pid)
        # the return's own checks first: a blank or malformed date, a missing
        # DECOM, ... is a Problem naming file, row and column, never a crash
        # while building the rows
        problems = check(conn, data)
        if len(problems) < MAX_PROBLEMS:
            rows = rows_for(data, workers)
            problems += check_rows(conn, rows, MAX_PROBLEMS - len(problems))
        if problems:
            raise Invalid(problems[:MAX_PROBLEMS])
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
                    action="import_903",
                    table_name="ssda903",
                    record_id=", ".join(names)[-200:],
                    before_json=None,
                    after_json=json.dumps(counts, sort_keys=True),
                    reason=f"SSDA903 {data.year} imported",
                )
            )
        except DBAPIError as exc:
            raise Invalid(
                [Problem("(file)", f"the database refused the import, nothing written: {exc.orig}")]
            ) from None
    refresh_statistics(engine)
    return len(data.rows("Header"))
