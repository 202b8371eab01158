"""The ``casebook`` command. Each command parses its input, opens the database
once and calls one function of the packages; errors the user can fix are
printed plainly (naming the file, row and field) with exit code 2."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select

from casebook import cli_support

app = typer.Typer(
    help="Casebook: children's services record, performance, returns and scrutiny.",
    no_args_is_help=True,
)
import_app = typer.Typer(help="Bring data into Casebook.", no_args_is_help=True)
export_app = typer.Typer(help="Take data out of Casebook.", no_args_is_help=True)
codes_app = typer.Typer(help="Code lists an administrator can extend.", no_args_is_help=True)
holidays_app = typer.Typer(help="The bank holiday calendar.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(codes_app, name="codes")
app.add_typer(holidays_app, name="bank-holidays")
timescales_app = typer.Typer(help="Statutory and local timescales.", no_args_is_help=True)
app.add_typer(timescales_app, name="timescales")
users_app = typer.Typer(help="Accounts of the people who sign in.", no_args_is_help=True)
app.add_typer(users_app, name="users")

console, out = cli_support.console, cli_support.out
_engine, _friendly, _progress = cli_support.engine, cli_support.friendly, cli_support.progress
_tracked, _parse_date = cli_support.tracked, cli_support.parse_date


@app.command()
@_friendly
def init() -> None:
    """Create the database schema, or upgrade it to the latest version."""
    from casebook.record.schema import current_revision, upgrade

    engine = _engine()
    upgrade(engine)
    out.print(f"Database ready at schema revision {current_revision(engine)}.")


@app.command()
@_friendly
def generate(
    scale: Annotated[float, typer.Option(help="1 is a city of about 61,000 children.")] = 1.0,
    seed: Annotated[int, typer.Option(help="The same seed gives the same authority.")] = 1,
    as_at: Annotated[str | None, typer.Option(help="Last day of the history, YYYY-MM-DD.")] = None,
) -> None:
    """Fill an empty database with a synthetic authority (fictional people only)."""
    from casebook.interchange.synthetic import generate as make_city
    from casebook.record.schema import upgrade

    engine = _engine()
    upgrade(engine)
    with _progress() as progress:
        counts = make_city(
            engine,
            scale=scale,
            seed=seed,
            as_at=_parse_date("--as-at", as_at) if as_at else None,
            progress=_tracked(progress, "Generating the authority"),
        )
    out.print(f"Generated {sum(counts.values()):,} rows in {len(counts)} tables.")


@import_app.command("ssd")
@_friendly
def import_ssd(
    directory: Annotated[Path, typer.Argument(help="Folder of <table>.csv files.")],
) -> None:
    """Import a Standard Safeguarding Dataset extract: all of it, or nothing."""
    if not directory.is_dir():
        console.print(f"[red]Refused:[/red] {directory} is not a folder")
        raise typer.Exit(2)
    from casebook.interchange.ssd_import import import_ssd as run_import
    from casebook.record.schema import upgrade

    engine = _engine()
    upgrade(engine)
    with _progress() as progress:
        counts = run_import(engine, directory, progress=_tracked(progress, "Importing"))
    out.print(f"Imported {sum(counts.values()):,} rows from {len(counts)} tables.")


@export_app.command("ssd")
@_friendly
def export_ssd(directory: Annotated[Path, typer.Argument(help="Folder to write into.")]) -> None:
    """Export the record as the Standard Safeguarding Dataset (one CSV per table)."""
    from casebook.interchange.ssd_export import export_ssd as run_export

    directory.mkdir(parents=True, exist_ok=True)
    with _progress() as progress:
        counts = run_export(_engine(), directory, progress=_tracked(progress, "Exporting"))
    out.print(f"Exported {sum(counts.values()):,} rows to {len(counts)} files in {directory}.")


@app.command()
@_friendly
def due(
    person_id: str,
    on: Annotated[str | None, typer.Option(help="Date to look from, YYYY-MM-DD.")] = None,
) -> None:
    """What is due and overdue for one child, from the timescales."""
    from sqlalchemy.orm import Session

    from casebook.record.timescales import due_for

    on_date = _parse_date("--on", on) if on else date.today()
    with Session(_engine()) as session:
        items = due_for(session, person_id, on_date)
    table = Table("Due", "Status", "Date", title=f"{person_id} as at {on_date:%-d %b %Y}")
    for item in items:
        table.add_row(item.label, item.status, item.due.isoformat())
    out.print(table if items else "Nothing due.")


@codes_app.command("add")
@_friendly
def codes_add(list_name: str, code: str, label: str) -> None:
    """Add a code to a code list (e.g. when the DfE adds one)."""
    _create("CodeValue", {"list_name": list_name, "code": code, "label": label})
    out.print(f"Added {code} to {list_name}.")


@holidays_app.command("add")
@_friendly
def holidays_add(day: str, name: str) -> None:
    """Add a bank holiday (e.g. a newly announced one) to the working-day calendar."""
    _create("BankHoliday", {"holiday_date": day, "name": name})
    out.print(f"Added {day} {name}.")


@timescales_app.command("list")
@_friendly
def timescales_list() -> None:
    """Every timescale with the value in force here (defaults or local overrides)."""
    from sqlalchemy.orm import Session

    from casebook.record.timescales import TIMESCALES, load_timescales

    with Session(_engine()) as session:
        in_force = load_timescales(session)
    table = Table("Key", "Timescale", "In force", "Default", "Kind")
    for key, ts in in_force.items():
        default = TIMESCALES[key]
        table.add_row(
            key, ts.title, f"{ts.amount} {ts.unit}", f"{default.amount} {default.unit}", ts.kind
        )
    out.print(table)


@timescales_app.command("set")
@_friendly
def timescales_set(key: str, amount: int, unit: str) -> None:
    """Set the authority's own value for a timescale, e.g. `cin_visit 4 weeks`."""
    from sqlalchemy.orm import Session

    from casebook.record.local_standards import set_local_standard
    from casebook.record.services import Actor
    from casebook.record.unit_of_work import UnitOfWork

    with Session(_engine()) as session:
        set_local_standard(UnitOfWork(session=session), key, amount, unit, Actor("cli-admin"))
    out.print(f"{key} is now {amount} {unit}.")


@users_app.command("add")
@_friendly
def users_add(
    username: str,
    role: Annotated[
        str,
        typer.Option(
            help="social_worker, team_manager, head_of_service, "
            "performance_officer, auditor, partner, "
            "scrutiny_officer, councillor or administrator"
        ),
    ],
    name: Annotated[str, typer.Option(help="Display name.")],
    team: Annotated[str | None, typer.Option(help="Team id (ssd_department).")] = None,
    service: Annotated[str | None, typer.Option(help="Service id, for heads of service.")] = None,
    professional: Annotated[str | None, typer.Option(help="Professional id of a worker.")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency of a partner officer.")] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an account (the password is stored as an argon2 hash)."""
    from sqlalchemy.orm import Session

    from casebook.access.accounts import create_user
    from casebook.record.services import Actor
    from casebook.record.unit_of_work import UnitOfWork

    with Session(_engine()) as session:
        create_user(
            UnitOfWork(session=session),
            username=username,
            display_name=name,
            role=role,
            password=password,
            actor=Actor("cli-admin"),
            team_id=team,
            service_id=service,
            professional_id=professional,
            agency=agency,
        )
    out.print(f"Created {username} ({role}).")


def _create(model_name: str, values: dict) -> None:
    from sqlalchemy.orm import Session

    from casebook.record import models, services
    from casebook.record.unit_of_work import UnitOfWork

    with Session(_engine()) as session:
        services.create(
            UnitOfWork(session=session),
            getattr(models, model_name),
            values,
            services.Actor("cli-admin"),
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Run the web application."""
    import uvicorn

    from casebook.web.app import create_app

    out.print(f"Casebook at http://{host}:{port}/")
    uvicorn.run(create_app(_engine()), host=host, port=port, log_level="warning")


@app.command()
@_friendly
def demo(
    scale: Annotated[float, typer.Option(help="Size of the demo authority.")] = 1.0,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Set up the demo authority (if the database is empty) and serve it."""
    from casebook.record.models import Person
    from casebook.record.schema import upgrade

    engine = _engine()
    upgrade(engine)
    with engine.connect() as conn:
        people = conn.scalar(select(func.count()).select_from(Person))
    if not people:
        generate(scale=scale, seed=1, as_at=None)
    from sqlalchemy.orm import Session

    from casebook.access.demo import create_demo_accounts
    from casebook.performance.packs_commands import load_demo
    from casebook.scrutiny.demo import seed_demo

    with Session(engine) as session:
        made = create_demo_accounts(session)
        seed_demo(session)
        if load_demo(session):
            out.print("Demo targets and ILLUSTRATIVE comparator figures loaded.")
    if made:
        out.print(f"Demo accounts created: {', '.join(made)} (passwords in the README).")
    from casebook.performance.figures import refresh_in_background

    refresh_in_background(engine, months=12)  # finished months and quarters not yet stored
    out.print("Storing 12 months of KPI figures in the background (casebook kpi refresh).")
    serve(host=host, port=port)


from casebook import worklist_commands as _workflow_commands  # noqa: E402
from casebook.performance import commands as _performance_commands  # noqa: E402
from casebook.returns import commands as _returns_commands  # noqa: E402
from casebook.scrutiny import commands as _scrutiny_commands  # noqa: E402

for _commands in (_workflow_commands, _performance_commands, _returns_commands, _scrutiny_commands):
    _commands.register(app)


if __name__ == "__main__":
    app()
