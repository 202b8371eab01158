"""The `casebook` commands for worklists and the missing briefing, registered on the
main app by :func:`register` (outside `record`: they write the access log).

- ``casebook worklist --team T [--worker W] [--as-at D] [--format table|csv]``
- ``casebook missing-briefing [--date D] [--format table|csv]``

The command line is the administrator's tool and sees every child; each list
it prints is logged in the access log (as ``cli``), with the children's ids.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from casebook import cli_support

FORMATS = ("table", "csv")


def _check_format(value: str) -> str:
    if value not in FORMATS:
        cli_support.console.print(
            f"[red]Refused:[/red] --format '{value}' must be one of {', '.join(FORMATS)}"
        )
        raise typer.Exit(2)
    return value


def _log(session, what: str, person_ids: list[str], export: bool) -> None:
    from casebook.access import log

    ids = list(dict.fromkeys(person_ids))
    detail = f"{what}: {len(ids)} children" + (f": {', '.join(ids)}" if ids else "")
    log.log_access(session, "cli", log.EXPORT if export else log.SEARCH, detail=detail)


def register(app: typer.Typer) -> None:
    """Add the worklist and workflow commands to the `casebook` command."""

    @app.command("worklist")
    @cli_support.friendly
    def worklist_command(
        team: Annotated[str | None, typer.Option(help="Team id: the team's children.")] = None,
        worker: Annotated[
            str | None, typer.Option(help="Professional id: the worker's children.")
        ] = None,
        as_at: Annotated[str | None, typer.Option(help="Date to look from, YYYY-MM-DD.")] = None,
        kind: Annotated[
            str | None,
            typer.Option(
                "--type", help="Only one type: missing, unallocated, overdue, visit, drift, due."
            ),
        ] = None,
        overdue: Annotated[bool, typer.Option(help="Overdue items only.")] = False,
        sort: Annotated[
            str | None, typer.Option(help="Sort by child, worker, type, item, start, due, overdue.")
        ] = None,
        format: Annotated[str, typer.Option(help="table or csv.")] = "table",  # noqa: A002
    ) -> None:
        """What is due and overdue for a team's or a worker's children."""
        from rich.table import Table
        from sqlalchemy.orm import Session

        from casebook.record import worklists
        from casebook.record.models import Department, Professional

        _check_format(format)
        if not team and not worker:
            cli_support.console.print("[red]Refused:[/red] give --team or --worker (or both)")
            raise typer.Exit(2)
        if kind and kind not in worklists.KINDS:
            cli_support.console.print(
                f"[red]Refused:[/red] --type '{kind}' must be one of {', '.join(worklists.KINDS)}"
            )
            raise typer.Exit(2)
        if sort and worklists.parse_sort(sort)[0] is None:
            cli_support.console.print(
                f"[red]Refused:[/red] --sort '{sort}' must be one of {', '.join(worklists.SORTS)}"
                " (a leading - sorts descending)"
            )
            raise typer.Exit(2)
        on = cli_support.parse_date("--as-at", as_at) if as_at else date.today()
        with Session(cli_support.engine()) as session:
            if team and session.get(Department, team) is None:
                cli_support.console.print(f"[red]Refused:[/red] --team: there is no team {team!r}")
                raise typer.Exit(2)
            if worker and session.get(Professional, worker) is None:
                cli_support.console.print(
                    f"[red]Refused:[/red] --worker: there is no worker {worker!r}"
                )
                raise typer.Exit(2)
            found = worklists.worklist(
                session, on, worker_id=worker, team_ids=[team] if team else None
            )
            rows = worklists.sort_rows(
                worklists.filter_rows(found.rows, kind=kind, overdue_only=overdue), sort
            )
            _log(
                session,
                f"worklist {'team ' + team if team else 'worker ' + str(worker)} {on}",
                [r.person_id for r in rows],
                export=format == "csv",
            )
        if format == "csv":
            cli_support.out.file.write(worklists.to_csv(rows))
            return
        title = f"{'Team ' + team if team else 'Worker ' + str(worker)} as at {on:%-d %b %Y}"
        table = Table("Child", "Worker", "Type", "What", "Due", "Overdue by", title=title)
        for r in rows:
            table.add_row(
                f"{r.child_name} ({r.person_id})",
                r.worker_name or "Unallocated",
                r.kind_name,
                r.detail,
                r.due.isoformat() if r.due else "",
                r.overdue_text,
            )
        counts = ", ".join(
            f"{name}: {n}"
            for name, n in zip(worklists.KINDS.values(), found.counts().values(), strict=True)
        )
        cli_support.out.print(table if rows else "Nothing is due, overdue or waiting.")
        cli_support.out.print(f"{len(found.children)} children. {counts}.")

    @app.command("missing-briefing")
    @cli_support.friendly
    def missing_briefing_command(
        on: Annotated[
            str | None, typer.Option("--date", help="The morning's date, YYYY-MM-DD.")
        ] = None,
        format: Annotated[str, typer.Option(help="table or csv.")] = "table",  # noqa: A002
    ) -> None:
        """Missing episodes that started or ended since the previous working day."""
        from rich.table import Table
        from sqlalchemy.orm import Session

        from casebook.record import missing_briefing

        _check_format(format)
        day = cli_support.parse_date("--date", on) if on else date.today()
        with Session(cli_support.engine()) as session:
            briefing = missing_briefing.missing_briefing(session, day)
            _log(
                session,
                f"missing briefing {day}",
                [r.person_id for r in briefing.rows],
                export=format == "csv",
            )
        if format == "csv":
            cli_support.out.file.write(missing_briefing.to_csv(briefing.rows))
            return
        table = Table(
            "Child",
            "Worker",
            "What happened",
            "Missing from",
            "Returned",
            "Return interview",
            title=f"Missing briefing {day:%-d %b %Y} (since {briefing.since:%-d %b %Y})",
        )
        for r in briefing.rows:
            table.add_row(
                f"{r.child_name} ({r.person_id})",
                r.worker_name or "Unallocated",
                r.event,
                r.started.isoformat() if r.started else "",
                r.ended.isoformat() if r.ended else "still missing",
                r.rhi_status,
            )
        cli_support.out.print(table if briefing.rows else "No missing episode started or ended.")
