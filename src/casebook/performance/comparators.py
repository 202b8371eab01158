"""Published comparators: the DfE's statistics CSVs and the statistical-neighbour file.

**Statistics files** have the DfE's leading columns (:data:`LEADING`), then
filter columns, then counts and ``*_percent`` columns. A column becomes a
measure through :data:`DFE_COLUMNS` (or a ``measure_<ID>`` column name, or an
explicit ``column=ID`` mapping given to the import). Rows whose filter columns
are not a total ("Total", "All") are breakdowns and are skipped. Suppressed
cells carry one of :data:`SUPPRESSION_CODES` and are kept as such (no value).

**Neighbour files** are keyed on the 3-digit ``old_la_code`` with ``SN_1`` to
``SN_10``.

An import is all-or-nothing across every file given: each file is checked
first and a single problem (naming the file, row and column, row 1 being the
header) refuses them all, leaving the database as it was.

For a measure, :func:`compare` gives England, the authority's region, the
median of its ten statistical neighbours, its rank among all authorities
(1 = best, by the measure's direction) and its quartile (1 = best quarter).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casebook.access.accounts import now
from casebook.performance.models import (
    ComparatorFigure,
    ComparatorImport,
    PerformanceSetting,
    StatisticalNeighbour,
)
from casebook.record.db import begin_write
from casebook.record.errors import Invalid, Problem

LEADING = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
#: The DfE's codes for a figure it does not publish (kpis.md), and what each means.
SUPPRESSION_CODES = {
    "c": "confidential (small number)",
    "k": "fewer than 0.5",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to zero",
    "u": "low reliability",
    ".": "not applicable",
}
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}
TOTALS = {"total", "all", "all children", "all ages", "all categories"}
NEIGHBOURS = [f"SN_{i}" for i in range(1, 11)]
LA_CODE = re.compile(r"^\d{3}$")
PERIOD = re.compile(r"^\d{4}(\d{2})?$")

#: DfE indicator columns -> Casebook measure ids (kpis.md).
DFE_COLUMNS: Mapping[str, str] = {
    "referrals_rate": "R1",
    "re_referrals_percent": "R2",
    "referrals_nfa_percent": "R3",
    "assessments_within_45_days_percent": "A2S",
    "assessment_duration_days_mean": "A3S",
    "s47_rate": "CP1",
    "icpc_within_15_days_percent": "CP2",
    "cpp_rate": "CP3",
    "cpp_second_or_subsequent_percent": "CP4",
    "cpp_second_within_2_years_percent": "CP5",
    "cpp_open_2_years_or_more_percent": "CP6",
    "cpp_ended_2_years_or_more_percent": "CP7",
    "cpp_reviewed_in_timescale_percent": "CP8",
    "cin_rate": "CIN1",
    "cla_rate": "LA1",
    "cla_three_or_more_placements_percent": "LA2",
    "cla_long_term_stability_percent": "LA3",
    "cla_health_assessment_percent": "LA7",
    "cla_dental_check_percent": "LA8",
    "cla_placed_over_20_miles_percent": "LA10",
    "cla_missing_percent": "LA11",
    "a1_days": "AD1",
    "a2_days": "AD2",
    "a10_days": "AD3",
    "care_leavers_suitable_accommodation_percent": "CL1",
    "care_leavers_eet_percent": "CL2",
    "care_leavers_in_touch_percent": "CL3",
}


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class Figure:
    measure_id: str
    time_period: str
    level: str  # england | region | la
    region_code: str | None
    region_name: str | None
    old_la_code: str | None
    new_la_code: str | None
    la_name: str | None
    value: float | None
    suppressed: str | None


@dataclass
class ParsedFile:
    name: str
    kind: str  # statistics | neighbours
    sha256: str
    figures: list[Figure] = field(default_factory=list)
    neighbours: dict[str, list[str]] = field(default_factory=dict)
    illustrative: bool = False

    @property
    def rows(self) -> int:
        return len(self.figures) if self.kind == "statistics" else len(self.neighbours)


def read_cell(text: str) -> tuple[float | None, str | None]:
    """(value, suppression code) of a figure cell; ValueError if it is neither."""
    cell = text.strip()
    if cell == "":
        return None, None
    if cell.lower() in SUPPRESSION_CODES:
        return None, cell.lower()
    value = float(cell.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(cell)
    return value, None


def _measure_columns(
    header: Sequence[str], mapping: Mapping[str, str], known: set[str] | None
) -> dict[str, str]:
    found = {}
    for column in header:
        name = column.strip()
        measure = mapping.get(name) or DFE_COLUMNS.get(name.lower())
        if measure is None and name.lower().startswith("measure_"):
            measure = name[len("measure_") :].upper()
        if measure and (known is None or measure in known):
            found[column] = measure
    return found


def _is_total_row(row: Mapping[str, str], filters: Iterable[str]) -> bool:
    for column in filters:
        cell = (row.get(column) or "").strip()
        if not cell or cell.lower() in SUPPRESSION_CODES:
            continue
        try:
            float(cell.replace(",", ""))
            continue
        except ValueError:
            pass
        if cell.lower() not in TOTALS:
            return False
    return True


def parse_file(
    name: str,
    data: bytes,
    *,
    mapping: Mapping[str, str] | None = None,
    known: Iterable[str] | None = None,
) -> tuple[ParsedFile, list[Problem]]:
    """Read one CSV (statistics or neighbours): what it holds and every problem in it."""
    known_set = set(known) if known is not None else None
    problems: list[Problem] = []
    parsed = ParsedFile(
        name=name,
        kind="statistics",
        sha256=hashlib.sha256(data).hexdigest(),
        illustrative="illustrative" in name.lower(),
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return parsed, [Problem("(file)", "is not UTF-8 text", file=name)]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        return parsed, [Problem("(file)", "is empty: no header row", file=name)]
    header = [h.strip() for h in rows[0]]
    if "SN_1" in header:
        parsed.kind = "neighbours"
        return parsed, _parse_neighbours(parsed, header, rows[1:])
    missing = [c for c in LEADING if c not in header]
    for column in missing:
        problems.append(Problem(column, "this column is missing from the header", name, 1))
    measures = _measure_columns(header, mapping or {}, known_set)
    if not measures:
        problems.append(
            Problem(
                "(header)",
                "no column is a known measure (see DFE_COLUMNS, or map one with column=ID)",
                name,
                1,
            )
        )
    if problems:
        return parsed, problems
    filters = [c for c in header if c not in LEADING and c not in measures]
    seen: set[tuple] = set()
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    "(row)", f"has {len(cells)} cells; the header has {len(header)}", name, number
                )
            )
            continue
        row = dict(zip(header, cells, strict=True))
        level = LEVELS.get(row["geographic_level"].strip())
        if level is None or not _is_total_row(row, filters):
            continue
        period = row["time_period"].strip()
        if not PERIOD.match(period):
            problems.append(
                Problem(
                    "time_period",
                    f"'{period}' is not a period like 2024 or 202324",
                    name,
                    number,
                )
            )
        la_code = row["old_la_code"].strip() or None
        if level == "la" and (la_code is None or not LA_CODE.match(la_code)):
            problems.append(
                Problem(
                    "old_la_code",
                    f"'{row['old_la_code']}' is not a 3-digit authority code",
                    name,
                    number,
                )
            )
        if level == "region" and not row["region_code"].strip():
            problems.append(Problem("region_code", "a regional row needs its code", name, number))
        area = (level, row["region_code"].strip() if level == "region" else "", la_code or "")
        for column, measure in measures.items():
            try:
                value, code = read_cell(row[column])
            except ValueError:
                codes = ", ".join(SUPPRESSION_CODES)
                problems.append(
                    Problem(
                        column,
                        f"'{row[column]}' is not a number or a suppression code ({codes})",
                        name,
                        number,
                    )
                )
                continue
            key = (measure, period, *area)
            if key in seen:
                problems.append(
                    Problem(column, f"a second figure for the same area and period ({measure})",
                            name, number)
                )  # fmt: skip
                continue
            seen.add(key)
            parsed.figures.append(
                Figure(
                    measure_id=measure,
                    time_period=period,
                    level=level,
                    region_code=row["region_code"].strip() or None,
                    region_name=row["region_name"].strip() or None,
                    old_la_code=la_code if level == "la" else None,
                    new_la_code=row["new_la_code"].strip() or None,
                    la_name=row["la_name"].strip() or None,
                    value=value,
                    suppressed=code,
                )
            )
    return parsed, problems


def _parse_neighbours(parsed: ParsedFile, header: list[str], rows: list[list[str]]) -> list:
    problems = []
    name = parsed.name
    for column in ["old_la_code", *NEIGHBOURS]:
        if column not in header:
            problems.append(Problem(column, "this column is missing from the header", name, 1))
    if problems:
        return problems
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    "(row)", f"has {len(cells)} cells; the header has {len(header)}", name, number
                )
            )
            continue
        row = dict(zip(header, cells, strict=True))
        code = row["old_la_code"].strip()
        if not LA_CODE.match(code):
            problems.append(
                Problem("old_la_code", f"'{code}' is not a 3-digit authority code", name, number)
            )
            continue
        if code in parsed.neighbours:
            problems.append(Problem("old_la_code", f"authority {code} appears twice", name, number))
            continue
        found = []
        for column in NEIGHBOURS:
            other = row[column].strip()
            if not LA_CODE.match(other):
                problems.append(
                    Problem(column, f"'{other}' is not a 3-digit authority code", name, number)
                )
            elif other == code:
                problems.append(Problem(column, "an authority is not its own neighbour",
                                        name, number))  # fmt: skip
            else:
                found.append(other)
        parsed.neighbours[code] = found
    return problems


# --------------------------------------------------------------------------- importing


@dataclass(frozen=True)
class ImportSummary:
    files: list[tuple[str, str, int]]  # (file name, kind, rows)

    @property
    def figures(self) -> int:
        return sum(n for _, kind, n in self.files if kind == "statistics")

    @property
    def neighbours(self) -> int:
        return sum(n for _, kind, n in self.files if kind == "neighbours")


def import_files(
    session: Session,
    files: Sequence[tuple[str, bytes]],
    *,
    actor: str,
    mapping: Mapping[str, str] | None = None,
    known: Iterable[str] | None = None,
    illustrative: bool = False,
    at: datetime | None = None,
) -> ImportSummary:
    """Import statistics and neighbour files: all of them, or (on any problem) none."""
    known_list = list(known) if known is not None else None
    parsed_files: list[ParsedFile] = []
    problems: list[Problem] = []
    if not files:
        raise Invalid([Problem("files", "choose at least one CSV file")])
    for name, data in files:
        parsed, found = parse_file(name, data, mapping=mapping, known=known_list)
        parsed_files.append(parsed)
        problems += found
    if problems:
        raise Invalid(problems)
    when = at or now()
    begin_write(session)
    try:
        for parsed in parsed_files:
            record = ComparatorImport(
                file_name=parsed.name[:200],
                kind=parsed.kind,
                sha256=parsed.sha256,
                rows=parsed.rows,
                illustrative=illustrative or parsed.illustrative,
                imported_by=actor,
                imported_at=when,
            )
            session.add(record)
            session.flush()
            if parsed.kind == "neighbours":
                _store_neighbours(session, record.id, parsed.neighbours)
            else:
                _store_figures(session, record.id, parsed.figures)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return ImportSummary([(p.name, p.kind, p.rows) for p in parsed_files])


def _store_neighbours(session: Session, import_id: int, neighbours: dict[str, list[str]]) -> None:
    codes = list(neighbours)
    for chunk in _chunks(codes):
        session.execute(
            update(StatisticalNeighbour)
            .where(StatisticalNeighbour.old_la_code.in_(chunk), StatisticalNeighbour.active)
            .values(active=False)
        )
    session.add_all(
        StatisticalNeighbour(
            import_id=import_id, old_la_code=code, position=i, neighbour_code=other, active=True
        )
        for code, others in neighbours.items()
        for i, other in enumerate(others, start=1)
    )


def _store_figures(session: Session, import_id: int, figures: list[Figure]) -> None:
    # A newer file for the same measure and period replaces the older figures.
    for measure, period in sorted({(f.measure_id, f.time_period) for f in figures}):
        session.execute(
            update(ComparatorFigure)
            .where(
                ComparatorFigure.measure_id == measure,
                ComparatorFigure.time_period == period,
                ComparatorFigure.active,
            )
            .values(active=False)
        )
    session.add_all(
        ComparatorFigure(
            import_id=import_id,
            measure_id=f.measure_id,
            time_period=f.time_period,
            geographic_level=f.level,
            region_code=f.region_code,
            region_name=f.region_name,
            old_la_code=f.old_la_code,
            new_la_code=f.new_la_code,
            la_name=f.la_name,
            value=f.value,
            suppressed=f.suppressed,
            active=True,
        )
        for f in figures
    )


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_paths(session: Session, paths: Sequence[Path], **kwargs) -> ImportSummary:
    """:func:`import_files` for files on disk (a missing file is a problem, not a crash)."""
    files, problems = [], []
    for path in paths:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            problems.append(Problem("(file)", f"cannot be read: {exc.strerror}", file=str(path)))
    if problems:
        raise Invalid(problems)
    return import_files(session, files, **kwargs)


# --------------------------------------------------------------------------- settings


def la_code(session: Session) -> str | None:
    row = session.get(PerformanceSetting, "la_code")
    return row.value if row else None


def set_la_code(session: Session, code: str, actor: str) -> None:
    code = (code or "").strip()
    if not LA_CODE.match(code):
        raise Invalid([Problem("la_code", f"'{code}' is not a 3-digit authority code")])
    begin_write(session)
    try:
        row = session.get(PerformanceSetting, "la_code")
        if row is None:
            session.add(PerformanceSetting(key="la_code", value=code, set_by=actor, set_at=now()))
        else:
            row.value, row.set_by, row.set_at = code, actor, now()
        session.commit()
    except Exception:
        session.rollback()
        raise


# --------------------------------------------------------------------------- comparing


def rank_of(value: float, others: Iterable[float], better: str | None) -> tuple[int, int]:
    """(rank, out of) of ``value`` among ``others`` plus itself: 1 is best (highest
    when higher is better, lowest when lower is better or there is no direction).
    Ties share the better rank."""
    pool = list(others)
    if better == "higher":
        ahead = sum(1 for v in pool if v > value)
    else:
        ahead = sum(1 for v in pool if v < value)
    return ahead + 1, len(pool) + 1


def quartile(rank: int, out_of: int) -> int:
    """1 (best quarter) to 4, from a rank among ``out_of`` authorities."""
    if out_of <= 0:
        raise ValueError("no authorities to compare with")
    return min(4, max(1, math.ceil(4 * rank / out_of)))


@dataclass(frozen=True)
class Comparison:
    """A measure beside the published figures of its latest period."""

    measure_id: str
    time_period: str
    england: float | None
    region: float | None
    region_name: str | None
    neighbours_median: float | None
    neighbours_counted: int
    published: float | None  # the authority's own published figure
    rank: int | None
    out_of: int | None
    quartile: int | None
    illustrative: bool
    suppressed: dict[str, str] = field(default_factory=dict)  # area -> code

    def as_dict(self) -> dict:
        return {
            "measure_id": self.measure_id,
            "time_period": self.time_period,
            "england": self.england,
            "region": self.region,
            "region_name": self.region_name,
            "neighbours_median": self.neighbours_median,
            "neighbours_counted": self.neighbours_counted,
            "published": self.published,
            "rank": self.rank,
            "out_of": self.out_of,
            "quartile": self.quartile,
            "illustrative": self.illustrative,
            "suppressed": dict(self.suppressed),
        }


def period_label(period: str) -> str:
    """``2024`` stays; ``202324`` reads ``2023-24``."""
    return f"{period[:4]}-{period[4:]}" if len(period) == 6 else period


def compare(
    figures: Sequence[ComparatorFigure],
    measure_id: str,
    own_code: str | None,
    neighbours: Sequence[str],
    better: str | None,
    own_value: float | None = None,
    illustrative: bool = False,
) -> Comparison | None:
    """England, region, neighbours' median, rank and quartile from one period's figures."""
    if not figures:
        return None
    period = figures[0].time_period
    england = region = published = None
    region_name = region_code = None
    suppressed: dict[str, str] = {}
    la_values: dict[str, float] = {}
    for f in figures:
        if f.geographic_level == "la" and f.old_la_code:
            if f.value is not None:
                la_values[f.old_la_code] = f.value
            if f.old_la_code == own_code:
                published = f.value
                region_code, region_name = f.region_code, f.region_name
                if f.suppressed:
                    suppressed["authority"] = f.suppressed
    for f in figures:
        if f.geographic_level == "england":
            england = f.value
            if f.suppressed:
                suppressed["england"] = f.suppressed
        elif f.geographic_level == "region" and region_code and f.region_code == region_code:
            region = f.value
            region_name = f.region_name or region_name
            if f.suppressed:
                suppressed["region"] = f.suppressed
    near = [la_values[c] for c in neighbours if c in la_values]
    median = statistics.median(near) if near else None
    mine = published if published is not None else own_value
    rank = out_of = q = None
    if mine is not None and la_values:
        others = [v for code, v in la_values.items() if code != own_code]
        if others:
            rank, out_of = rank_of(mine, others, better)
            q = quartile(rank, out_of)
    return Comparison(
        measure_id=measure_id,
        time_period=period,
        england=england,
        region=region,
        region_name=region_name,
        neighbours_median=median,
        neighbours_counted=len(near),
        published=published,
        rank=rank,
        out_of=out_of,
        quartile=q,
        illustrative=illustrative,
        suppressed=suppressed,
    )


def neighbours_of(session: Session, code: str | None) -> list[str]:
    if not code:
        return []
    return list(
        session.scalars(
            select(StatisticalNeighbour.neighbour_code)
            .where(StatisticalNeighbour.old_la_code == code, StatisticalNeighbour.active)
            .order_by(StatisticalNeighbour.position)
        )
    )


def comparisons(
    session: Session,
    directions: Mapping[str, str | None],
    own_values: Mapping[str, float | None] | None = None,
) -> dict[str, Comparison]:
    """For every measure in ``directions`` that has published figures, its
    comparison for the latest period imported."""
    own_values = own_values or {}
    code = la_code(session)
    near = neighbours_of(session, code)
    latest = dict(
        session.execute(
            select(ComparatorFigure.measure_id, func.max(ComparatorFigure.time_period))
            .where(ComparatorFigure.active)
            .group_by(ComparatorFigure.measure_id)
        ).all()
    )
    wanted = [m for m in directions if m in latest]
    if not wanted:
        return {}
    by_measure: dict[str, list[ComparatorFigure]] = defaultdict(list)
    illustrative_imports = set(
        session.scalars(select(ComparatorImport.id).where(ComparatorImport.illustrative))
    )
    flagged: set[str] = set()
    rows = session.scalars(
        select(ComparatorFigure).where(
            ComparatorFigure.active, ComparatorFigure.measure_id.in_(wanted)
        )
    )
    for f in rows:
        if f.time_period == latest[f.measure_id]:
            by_measure[f.measure_id].append(f)
            if f.import_id in illustrative_imports:
                flagged.add(f.measure_id)
    found = {}
    for measure in wanted:
        result = compare(
            by_measure[measure],
            measure,
            code,
            near,
            directions[measure],
            own_values.get(measure),
            illustrative=measure in flagged,
        )
        if result is not None:
            found[measure] = result
    return found


def imports(session: Session, limit: int = 50) -> list[ComparatorImport]:
    return list(
        session.scalars(select(ComparatorImport).order_by(ComparatorImport.id.desc()).limit(limit))
    )
