"""Documentation that cannot fall behind: every command is in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from casebook.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.Typer, prefix: str = "casebook") -> list[str]:
    click_group = typer.main.get_group(group)
    names = []
    for name, command in click_group.commands.items():
        if hasattr(command, "commands"):
            names += [f"{prefix} {name} {sub}" for sub in command.commands]
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_command_is_documented():
    missing = [c for c in _commands(app) if f"`{c}" not in README]
    assert not missing, f"undocumented in README.md: {missing}"


def test_readme_opens_with_exactly_the_two_commands():
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["./run demo", "./run test"]
