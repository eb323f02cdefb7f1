"""Settings and commands must be documented (docs/operations.md, README.md)."""

from __future__ import annotations

from pathlib import Path

import click

from jingwu.cli.main import cli
from jingwu.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    missing = [
        f"JINGWU_{n.upper()}" for n in Settings.model_fields if f"JINGWU_{n.upper()}" not in text
    ]
    assert not missing, f"undocumented settings: {missing}"


def _commands(group: click.Group, prefix: str = "jingwu") -> list[str]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the lazy groups load their commands here
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        path = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out += _commands(cmd, path)
        else:
            out.append(path)
    return out


def test_every_command_is_documented_somewhere() -> None:
    docs = "\n".join(p.read_text() for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    missing = [c for c in _commands(cli) if c not in docs]
    assert not missing, f"undocumented commands: {missing}"


def test_the_readme_shows_the_two_commands_and_every_demo_account() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    for role in (
        "admin",
        "director",
        "street",
        "chief",
        "officer",
        "auxiliary",
        "inspector",
        "partner",
    ):
        assert f"demo-{role}" in readme
