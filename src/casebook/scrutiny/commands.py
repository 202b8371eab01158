"""The `casebook scrutiny` commands, registered on the main app by :func:`register`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from casebook.cli_support import console, engine, friendly, out, parse_date

scrutiny_app = typer.Typer(
    help="Scrutiny and governance: packs, actions, outcomes.", no_args_is_help=True
)
ACTOR = "cli"


def _session():
    from sqlalchemy.orm import Session

    return Session(engine())


@scrutiny_app.command("import-pack")
@friendly
def import_pack(
    file: Annotated[Path, typer.Argument(help="The agenda pack as text.")],
) -> None:
    """Import an agenda pack (front sheet, agenda, attendance, minutes, cover sheets)."""
    from casebook.scrutiny.pack_import import import_file

    with _session() as db:
        result = import_file(db, file, actor=ACTOR)
        out.print(
            f"Imported the {result.meeting.meeting_date:%-d %B %Y} meeting: {result.items} agenda "
            f"items, {result.reports} cover sheets, {result.work_programme} work programme items."
        )
        if result.previous_meeting is not None:
            out.print(
                f"Minutes of the {result.previous_meeting.meeting_date:%-d %B %Y} meeting: "
                f"{result.minute_items} items, {result.resolutions} resolutions, "
                f"{result.roll} on the roll (a draft, to be approved)."
            )
        for warning in result.warnings:
            console.print(f"[yellow]Note:[/yellow] {warning}")


@scrutiny_app.command("overdue")
@friendly
def overdue(
    on: Annotated[str | None, typer.Option(help="As at (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Open actions past their due date, for the scrutiny officer."""
    from casebook.scrutiny.actions import overdue as overdue_actions
    from casebook.scrutiny.models import Body

    today = parse_date("--on", on) if on else date.today()
    with _session() as db:
        rows = overdue_actions(db, today)
        if not rows:
            out.print("No overdue actions.")
            return
        for action in rows:
            body = db.get(Body, action.body_id)
            out.print(
                f"{action.due_date.isoformat()}  {(today - action.due_date).days:>4} days late  "
                f"{body.name if body else ''}: {action.description} ({action.owner})"
            )
        raise typer.Exit(1)


@scrutiny_app.command("roll-up")
@friendly
def roll_up(
    body: Annotated[str, typer.Argument(help="The body's name.")],
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).")],
) -> None:
    """A body's outcomes over a year, for the scrutiny board."""
    from casebook.record.errors import NotFound
    from casebook.scrutiny.actions import roll_up as make_roll_up
    from casebook.scrutiny.bodies import body_by_name

    first, last = parse_date("--from", start), parse_date("--to", end)
    with _session() as db:
        found = body_by_name(db, body)
        if found is None:
            raise NotFound(f"There is no body called '{body}'.")
        up = make_roll_up(db, found.id, first, last)
        out.print(f"{found.name}: {first:%-d %B %Y} to {last:%-d %B %Y}")
        out.print(
            f"  meetings held {up.meetings_held}, items {up.items_considered} "
            f"({up.exempt_items} exempt), agendas published late {up.published_late}"
        )
        out.print(f"  resolutions {up.resolutions} (recommendations {up.recommendations})")
        out.print(
            f"  actions {up.actions_created}: done {up.actions_done}, open {up.actions_open}, "
            f"overdue {up.actions_overdue}"
        )
        for day, text, status in up.outcomes:
            out.print(f"  {day}  [{status}] {text}")


@scrutiny_app.command("notice-days")
@friendly
def notice_days(
    days: Annotated[int | None, typer.Argument(help="Clear working days; omit to show.")] = None,
) -> None:
    """Show or set the clear working days an agenda is published before its meeting.

    This is the timescale `agenda_publication` (the same as `casebook timescales
    set agenda_publication N working_days`)."""
    from casebook.scrutiny.meetings import clear_days_setting, set_clear_days

    with _session() as db:
        if days is not None:
            set_clear_days(db, days, actor=ACTOR)
        out.print(f"Agendas are published {clear_days_setting(db)} clear working days ahead.")


@scrutiny_app.command("demo")
@friendly
def demo() -> None:
    """Add the illustrative scrutiny panel (synthetic names) if it is not there."""
    from casebook.scrutiny.demo import seed_demo

    with _session() as db:
        panel = seed_demo(db)
        out.print(f"Demo panel: {panel.name}")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `casebook` command."""
    app.add_typer(scrutiny_app, name="scrutiny")
