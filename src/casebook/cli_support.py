"""What every part of the `casebook` command shares: the consoles, the engine,
the plain-error decorator, progress bars and date options. Each package's
`commands.py` imports these, so its commands behave like the core ones."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from casebook.record.errors import RecordError

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


def engine() -> Engine:
    from casebook.record.db import make_engine
    from casebook.settings import get_settings

    return make_engine(get_settings().url)


def friendly(command: Callable) -> Callable:
    """Print record errors as a list of problems and exit 2, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RecordError as exc:
            problems = getattr(exc, "problems", None)
            if problems:
                console.print(f"[red]Refused: {len(problems)} problem(s)[/red]")
                for problem in problems[:50]:
                    console.print(f"  - {problem}")
                if len(problems) > 50:
                    console.print(f"  ... and {len(problems) - 50} more")
            else:
                console.print(f"[red]Refused:[/red] {exc}")
            raise typer.Exit(2) from None

    return run


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def tracked(progress: Progress, description: str) -> Callable[[int, int], None]:
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return update


def parse_date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        console.print(
            f"[red]Refused:[/red] {option} '{value}' is not a date in the form YYYY-MM-DD"
        )
        raise typer.Exit(2) from None
