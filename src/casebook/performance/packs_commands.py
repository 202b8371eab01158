"""`casebook report`, `casebook comparators ...` and `casebook targets ...`.

- ``casebook report --period 2025-Q3 --out pack.pdf``: the board pack as PDF
  (figures suppressed as for the public). With ``--publish --title T`` it is
  also stored as published (frozen); ``--commentary FILE`` reads the
  commentary as JSON (``{"summary": "...", "CP": "..."}``).
- ``casebook comparators import FILE... [--la-code 990] [--map column=ID]``:
  DfE statistics CSVs and statistical-neighbour files, all or nothing.
- ``casebook targets set MEASURE YEAR TARGET --tolerance T [--better higher]``
  and ``casebook targets list``.

:func:`load_demo` gives the demo authority its targets and the illustrative
comparators (``casebook demo`` calls it).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from casebook.cli_support import console, engine, friendly, out
from casebook.record.errors import Invalid, Problem

DATA = Path(__file__).resolve().parent / "data"
DEMO_FILES = (
    DATA / "ILLUSTRATIVE_dfe_comparators.csv",
    DATA / "ILLUSTRATIVE_statistical_neighbours.csv",
)
DEMO_LA_CODE = "990"
#: The demo authority's targets: (measure, target, tolerance), the direction from the catalogue.
DEMO_TARGETS = (
    ("FD2", 90, 5),
    ("R2", 20, 3),
    ("A1S", 80, 5),
    ("A2S", 85, 5),
    ("CP2", 85, 5),
    ("CP4", 20, 3),
    ("CP8", 95, 3),
    ("CP9", 90, 5),
    ("CIN3", 90, 5),
    ("LA2", 10, 2),
    ("LA4", 95, 3),
    ("LA6", 90, 5),
    ("LA7", 90, 5),
    ("LA12", 80, 10),
    ("CL3", 95, 5),
    ("CL4", 90, 5),
    ("WF2", 0, 5),
)

comparators_app = typer.Typer(help="Published comparators (DfE statistics).", no_args_is_help=True)
targets_app = typer.Typer(help="Local targets and tolerances.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.add_typer(comparators_app, name="comparators")
    app.add_typer(targets_app, name="targets")


def catalogue_directions() -> dict[str, str | None]:
    from casebook.performance.catalogue import CATALOGUE

    return {m.id: m.better for m in CATALOGUE}


# --------------------------------------------------------------------------- report


@friendly
def report(
    period: Annotated[str, typer.Option(help="2025-Q3 (a quarter), 2025-09 or 2025-26.")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the PDF.")],
    months: Annotated[int, typer.Option(help="Months of trend (up to 72).")] = 12,
    publish: Annotated[bool, typer.Option(help="Also store the pack as published.")] = False,
    title: Annotated[str | None, typer.Option(help="The pack's title.")] = None,
    commentary: Annotated[
        Path | None, typer.Option(help="JSON file: commentary by section (summary, CP, LA...).")
    ] = None,
    correction: Annotated[
        str | None, typer.Option(help="What a new version of a published pack corrects.")
    ] = None,
    by: Annotated[str, typer.Option(help="Who publishes (recorded on the pack).")] = "cli",
) -> None:
    """The board pack for a period, as PDF (and, with --publish, stored frozen)."""
    from casebook.performance import packs, trends
    from casebook.performance.engine import DatabaseSource

    chosen = trends.parse_period(period, "--period")
    if not 1 <= months <= trends.MAX_MONTHS:
        raise Invalid([Problem("--months", f"must be from 1 to {trends.MAX_MONTHS}")])
    text = _read_commentary(commentary) if commentary else {}
    name = title or f"Children's services performance: {chosen.name}"
    eng = engine()
    source = DatabaseSource(eng)
    try:
        with Session(eng) as session:
            with console.status(f"Computing {chosen.name} and {months} months of trend"):
                figures = packs.build_figures(
                    session, packs.engine_results(source), chosen, months=months
                )
            if publish:
                pack = packs.publish(
                    session, figures, text, title=name, actor=by, correction_note=correction
                )
                pdf = packs.pack_pdf(pack)
                out.print(f"Published {pack.period} version {pack.version} (pack {pack.id}).")
            else:
                shown = packs.for_publication(figures)
                pdf = packs.render_pdf(
                    shown, packs.clean_commentary(text), packs.PackMeta(name, "Draft")
                )
    finally:
        source.close()
    try:
        out_file.write_bytes(pdf)
    except OSError as exc:
        raise Invalid([Problem("--out", f"cannot write {out_file}: {exc.strerror}")]) from None
    out.print(f"Wrote {out_file} ({len(pdf):,} bytes).")


def _read_commentary(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise Invalid([Problem("--commentary", f"cannot read {path}: {exc.strerror}")]) from None
    except ValueError as exc:
        raise Invalid([Problem("--commentary", f"{path} is not JSON: {exc}")]) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise Invalid([Problem("--commentary", "must be a JSON object of section: text")])
    return data


# --------------------------------------------------------------------------- comparators


def _mapping(pairs: list[str]) -> dict[str, str]:
    found, problems = {}, []
    for pair in pairs:
        column, _, measure = pair.partition("=")
        if not column.strip() or not measure.strip():
            problems.append(Problem("--map", f"'{pair}' is not column=MEASURE"))
        else:
            found[column.strip()] = measure.strip()
    if problems:
        raise Invalid(problems)
    return found


@comparators_app.command("import")
@friendly
def import_comparators(
    files: Annotated[list[Path], typer.Argument(help="DfE statistics or neighbour CSV files.")],
    la_code: Annotated[
        str | None, typer.Option("--la-code", help="This authority's 3-digit old_la_code.")
    ] = None,
    map_: Annotated[
        list[str] | None, typer.Option("--map", help="A column to read as a measure: column=ID.")
    ] = None,
    illustrative: Annotated[
        bool, typer.Option(help="Mark the figures as illustrative (not real statistics).")
    ] = False,
    by: Annotated[str, typer.Option(help="Who imports (recorded).")] = "cli",
) -> None:
    """Import published statistics and statistical neighbours: all the files, or none."""
    from casebook.performance import comparators

    with Session(engine()) as session:
        summary = comparators.import_paths(
            session,
            files,
            actor=by,
            mapping=_mapping(map_ or []),
            known=catalogue_directions(),
            illustrative=illustrative,
        )
        if la_code is not None:
            comparators.set_la_code(session, la_code, by)
    for name, kind, rows in summary.files:
        out.print(f"{name}: {rows:,} {'figures' if kind == 'statistics' else 'authorities'}")
    if la_code is not None:
        out.print(f"This authority's code is {la_code}.")


# --------------------------------------------------------------------------- targets


def _year(text: str) -> int | None:
    """2025 or 2025-26 as the year the April-to-March year starts."""
    text = text.strip()
    head = text.split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) == 4 else None


@targets_app.command("set")
@friendly
def set_target(
    measure: Annotated[str, typer.Argument(help="The measure's id, e.g. A2S.")],
    year: Annotated[str, typer.Argument(help="The year, 2025 or 2025-26 (April to March).")],
    target: Annotated[float, typer.Argument(help="The target figure.")],
    tolerance: Annotated[float, typer.Option(help="How far a miss is still amber.")] = 0.0,
    better: Annotated[
        str | None, typer.Option(help="higher or lower (default: the measure's own).")
    ] = None,
    by: Annotated[str, typer.Option(help="Who sets it (recorded).")] = "cli",
) -> None:
    """Set the target (and tolerance) for a measure in a year."""
    from casebook.performance import targets

    directions = catalogue_directions()
    with Session(engine()) as session:
        saved = targets.set_target(
            session,
            measure_id=measure.strip().upper(),
            year=_year(year),
            target=target,
            tolerance=tolerance,
            better=better or directions.get(measure.strip().upper()),
            actor=by,
            known=directions,
        )
    out.print(
        f"{saved.measure_id} {targets.year_label(saved.year)}: target {saved.target:g}, "
        f"tolerance {saved.tolerance:g}, {saved.better} is better."
    )


@targets_app.command("list")
@friendly
def list_targets() -> None:
    """Every target in force."""
    from casebook.performance import targets

    with Session(engine()) as session:
        rows = targets.all_targets(session)
    table = Table(title="Targets")
    for name in ("measure", "year", "target", "tolerance", "better"):
        table.add_column(name)
    for t in rows:
        table.add_row(
            t.measure_id, targets.year_label(t.year), f"{t.target:g}", f"{t.tolerance:g}", t.better
        )
    out.print(table)


# --------------------------------------------------------------------------- demo


def load_demo(session: Session, today: date | None = None, actor: str = "demo") -> bool:
    """Give the demo authority targets (this year and the five before) and the
    illustrative comparators, once. False when it already has them."""
    from casebook.performance import comparators, targets

    if comparators.la_code(session) is not None or targets.all_targets(session):
        return False
    directions = catalogue_directions()
    this_year = targets.financial_year(today or date.today())
    for year in range(this_year - 5, this_year + 1):
        for measure, target, tolerance in DEMO_TARGETS:
            if measure in directions and directions[measure]:
                targets.set_target(
                    session,
                    measure_id=measure,
                    year=year,
                    target=target,
                    tolerance=tolerance,
                    better=directions[measure],
                    actor=actor,
                    known=directions,
                )
    comparators.import_paths(
        session, list(DEMO_FILES), actor=actor, known=directions, illustrative=True
    )
    comparators.set_la_code(session, DEMO_LA_CODE, actor)
    return True
