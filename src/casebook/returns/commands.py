"""The `casebook returns` commands, registered on the main app by :func:`register`.

* ``casebook returns export cin|903 --year YYYY --out DIR [--xml]`` writes the
  CIN census XML, or the SSDA903 CSV tables (and with ``--xml`` the XML form);
* ``casebook returns import cin|903 PATH... --year YYYY`` imports them into an
  empty record, all or nothing;
* ``casebook returns validate PATH... --year YYYY --format json|csv|xlsx
  [--out FILE]`` runs the DfE's rules over the files (CSV tables or the
  SSDA903's XML form: the SSDA903; other XML: the CIN census) and writes
  every error found.

Bad input (a file that does not parse, an unknown table, a wrong date) is a
list of problems naming file, row or element, and field, with exit code 2.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from casebook.cli_support import console, engine, friendly, out

returns_app = typer.Typer(
    help="Statutory returns: the CIN census and the SSDA903.", no_args_is_help=True
)


class Return(StrEnum):
    cin = "cin"
    ssda903 = "903"


class Format(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


YearOption = Annotated[
    int,
    typer.Option(
        "--year", min=2000, max=2100, help="The collection year, named by the 31 March it ends on."
    ),
]


def _refuse(message: str) -> None:
    console.print(f"[red]Refused:[/red] {message}")
    raise typer.Exit(2)


@returns_app.command("export")
@friendly
def export_return(
    which: Annotated[Return, typer.Argument(help="cin or 903.")],
    year: YearOption,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")],
    xml: Annotated[bool, typer.Option("--xml", help="903 only: also write the XML form.")] = False,
) -> None:
    """Write a return for the collection year from the record."""
    from sqlalchemy.orm import Session

    if out_dir.exists() and not out_dir.is_dir():
        _refuse(f"--out '{out_dir}' is a file, not a folder")
    with Session(engine()) as session:
        if which is Return.cin:
            from casebook.returns import cin

            written = cin.export(session, year, out_dir)
        else:
            from casebook.returns.ssda903.export import export

            written = export(session, year, out_dir, xml=xml)
    for path in written:
        out.print(str(path))


@returns_app.command("import")
@friendly
def import_return(
    which: Annotated[Return, typer.Argument(help="cin or 903.")],
    paths: Annotated[list[Path], typer.Argument(help="The return's files.")],
    year: YearOption,
) -> None:
    """Import a return's files into the record: every child, or nothing."""
    for p in paths:
        if not p.is_file():
            _refuse(f"'{p}' is not a file")
    if which is Return.cin:
        from casebook.returns import cin

        n = cin.import_into(engine(), paths, year)
    else:
        from casebook.returns.ssda903.import_ import import_into

        n = import_into(engine(), paths, year)
    out.print(f"Imported {n} children from the {which.value} return for {year}.")


@returns_app.command("validate")
@friendly
def validate_return(
    paths: Annotated[
        list[Path], typer.Argument(help="The return's files (CSV or 903 XML: SSDA903; XML: CIN).")
    ],
    year: YearOption,
    fmt: Annotated[Format, typer.Option("--format", help="json, csv or xlsx.")] = Format.json,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here (default: standard output).")
    ] = None,
) -> None:
    """Run the DfE's validation rules over a return's files and list every error."""
    from casebook.returns.report import render, validate_files

    files = []
    for p in paths:
        if not p.is_file():
            _refuse(f"'{p}' is not a file")
        files.append((p.name, p.read_bytes()))
    kind, errors = validate_files(files, year)
    body = render(errors, fmt.value)
    if out_file is not None:
        out_file.write_bytes(body)
    elif fmt is Format.xlsx:
        _refuse("--format xlsx needs --out FILE")
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    label = "CIN census" if kind == "cin" else "SSDA903"
    console.print(f"{label} {year}: {len(errors)} error(s) in {len(paths)} file(s).")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `casebook` command."""
    app.add_typer(returns_app, name="returns")
