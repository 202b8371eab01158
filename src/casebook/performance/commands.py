"""The `casebook` commands of the performance package, registered on the main app by
:func:`register`.

``casebook kpi --as-at YYYY-MM-DD [--from YYYY-MM-DD] [--team T] [--ssd DIR]
[--format json|csv|table] [--population N]``: every measure of the catalogue, for the 12 months
ending on the as-at date (or from ``--from``), from the database or from an SSD
extract read in place.

``casebook kpi refresh [--months 72] [--as-at D] [--force]``: store each measure's
figure for each finished month (``cb_kpi_figure``), which the trends read.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from casebook.cli_support import console, engine, friendly, out, parse_date, progress

FIELDS = (
    "id",
    "title",
    "value",
    "numerator",
    "denominator",
    "unit",
    "better",
    "available",
    "note",
    "from",
    "as_at",
)


class Format(StrEnum):
    json = "json"
    csv = "csv"
    table = "table"


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `casebook` command."""
    kpi_app = typer.Typer(
        invoke_without_command=True,
        no_args_is_help=False,
        help="Every KPI of the catalogue (or `kpi refresh`: store the monthly figures).",
    )
    kpi_app.callback()(kpi)
    kpi_app.command("refresh")(refresh)
    app.add_typer(kpi_app, name="kpi")
    if importlib.util.find_spec("casebook.performance.packs_commands") is not None:
        from casebook.performance import packs_commands

        packs_commands.register(app)


def _refuse(message: str) -> None:
    console.print(f"[red]Refused:[/red] {message}")
    raise typer.Exit(2)


@friendly
def kpi(
    ctx: typer.Context,
    as_at: Annotated[
        str | None, typer.Option("--as-at", help="The period end, YYYY-MM-DD.")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="The period start, YYYY-MM-DD (default: 12 months to --as-at)."
        ),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team (its dept_team_id).")
    ] = None,
    ssd: Annotated[
        Path | None,
        typer.Option("--ssd", help="Read this folder of SSD CSV files in place, not the database."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="json, csv or table.")] = Format.table,
    population: Annotated[
        int | None,
        typer.Option(
            "--population",
            min=1,
            help="Children aged 0-17 in the authority, for the rates per 10,000 "
            "(default: counted from the record).",
        ),
    ] = None,
) -> None:
    """Every KPI of the catalogue, for the authority or one team."""
    from casebook.performance.engine import Scope, compute, period_for
    from casebook.performance.sources import DatabaseSource, SsdFolderSource

    if ctx.invoked_subcommand is not None:
        return
    if as_at is None:
        _refuse("--as-at is needed: the period end, YYYY-MM-DD")
    end = parse_date("--as-at", as_at)
    begin = parse_date("--from", start) if start is not None else None
    if begin is not None and begin > end:
        _refuse(f"--from {begin} is after --as-at {end}")
    period = period_for(end, begin)
    if ssd is not None:
        if not ssd.is_dir():
            _refuse(f"--ssd '{ssd}' is not a folder")
        if not any(ssd.glob("ssd_*.csv")):
            _refuse(f"--ssd '{ssd}' holds no SSD files (ssd_<table>.csv)")
        source = SsdFolderSource(ssd)
    else:
        source = DatabaseSource(engine())
    try:
        if team is not None and team not in _teams(source):
            _refuse(f"--team '{team}' is not a team (dept_team_id) in the record")
        results = compute(source, end, period.start, Scope(team=team), population=population)
    finally:
        source.close()
    rows = [
        {**r.as_dict(), "from": period.start.isoformat(), "as_at": end.isoformat()} for r in results
    ]
    if fmt is Format.json:
        print(json.dumps(rows, indent=1))
    elif fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        print(buffer.getvalue(), end="")
    else:
        out.print(_table(rows, period.start, end, team))


@friendly
def refresh(
    months: Annotated[
        int,
        typer.Option("--months", min=1, max=72, help="How many months back to store (1-72)."),
    ] = 72,
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="Store the months ended by this date (default: today)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Recompute months already stored.")
    ] = False,
) -> None:
    """Store each measure's monthly figures (cb_kpi_figure) for the trends and sparklines."""
    from casebook.performance import figures

    end = parse_date("--as-at", as_at) if as_at is not None else date.today()
    eng = engine()
    if not figures.has_table(eng):
        _refuse("the database has no cb_kpi_figure table: run `casebook init` (migrations)")
    periods = figures.finished_periods(end, months)
    with progress() as bar:
        task = bar.add_task("Storing monthly KPI figures", total=len(periods))
        done = figures.refresh(eng, end, months, force=force, advance=lambda _: bar.advance(task))
    out.print(
        f"Stored {done.figures:,} figures: {done.computed} period(s) computed, "
        f"{done.skipped} already stored (months and quarters, "
        f"{periods[0][0]:%b %Y} to {periods[-1][1]:%b %Y})."
    )


def _teams(source) -> set[str]:
    d = source.table("ssd_department")
    return {r["id"] for r in source.rows(select(d.c.dept_team_id.label("id")))}


def _table(rows: list[dict], start: date, end: date, team: str | None) -> Table:
    title = f"KPIs {start} to {end}" + (f", team {team}" if team else "")
    table = Table(title=title)
    for name, justify in (
        ("id", "left"),
        ("measure", "left"),
        ("value", "right"),
        ("numerator", "right"),
        ("denominator", "right"),
        ("unit", "left"),
    ):
        table.add_column(name, justify=justify)
    for r in rows:
        table.add_row(
            r["id"],
            r["title"],
            _cell(r["value"]) if r["available"] else "n/a",
            _cell(r["numerator"]),
            _cell(r["denominator"]),
            r["unit"],
        )
    return table


def _cell(value) -> str:
    return "" if value is None else str(value)
