"""The `casebook` commands for worklists and workflows, registered on the main
app by :func:`register`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the worklist and workflow commands to the `casebook` command."""
