"""The `casebook` commands of the scrutiny package, registered on the main app by
:func:`register`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `casebook` command."""
