"""The root ``jingwu`` command. Errors print one sentence and exit non-zero.

Exit codes: 0 success, 1 the request was refused or failed (bad input, not found, not
allowed), 2 usage or configuration problems (bad options, settings, unreadable files).
"""

from __future__ import annotations

import sys
from typing import Any

import click
from alembic.util import CommandError

from jingwu.cli.context import CliContext
from jingwu.config import ConfigError
from jingwu.errors import DomainError
from jingwu.registry import domain_modules


class RootGroup(click.Group):
    """Turns domain and configuration errors into one sentence and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(1)
        except ConfigError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except CommandError as exc:
            click.echo(f"Error: {exc} (run `jingwu db upgrade` first?)", err=True)
            sys.exit(1)


@click.group(cls=RootGroup)
@click.option(
    "--as-user",
    envvar="JINGWU_USER",
    default=None,
    metavar="USERNAME",
    help="Act with this user's role and scope (default: the operator, full scope).",
)
@click.version_option("0.1.0", prog_name="jingwu")
@click.pass_context
def cli(ctx: click.Context, as_user: str | None) -> None:
    """Jingwu (警务): the community police station platform."""
    ctx.obj = CliContext(as_user=as_user)


def _register() -> None:
    from jingwu.cli import db, keys, serve  # noqa: PLC0415 - avoid import cycles at start-up

    for command in (*serve.COMMANDS, db.db, keys.keys):
        cli.add_command(command)
    for module in domain_modules("cli"):
        group = getattr(module, "cli", None)
        if isinstance(group, click.Command):
            cli.add_command(group)
        for extra in getattr(module, "COMMANDS", []):
            cli.add_command(extra)


_register()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="jingwu")
