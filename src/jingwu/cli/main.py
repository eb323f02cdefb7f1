"""The root ``jingwu`` command. Errors print one sentence and exit non-zero.

Exit codes: 0 success, 1 the request was refused or failed (bad input, not found, not
allowed), 2 usage or configuration problems (bad options, settings, a missing or
unmigrated database, unreadable files).

Commands load on demand (:class:`jingwu.cli.lazy.LazyGroup`): each domain's ``cli`` module
only names its commands, so ``jingwu --help`` imports neither the database layer nor the
web app. ``--as-user NAME`` may stand anywhere before a ``--``.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from jingwu.cli.context import CliContext
from jingwu.cli.lazy import LazyGroup
from jingwu.errors import ConfigError, DomainError
from jingwu.registry import domain_modules

AS_USER = "--as-user"

# The shell's own commands, listed without importing them.
SHELL = {
    "db": ("jingwu.cli.db:db", "Database schema: upgrade, check, current."),
    "keys": ("jingwu.cli.keys:keys", "Encryption keys: rotate."),
    "serve": ("jingwu.cli.serve:serve", "Serve the web app and API."),
    "worker": ("jingwu.cli.serve:worker", "Run periodic jobs and ingestion."),
    "demo": ("jingwu.cli.serve:demo", "Create, seed and serve a demo database."),
}


def as_user_first(args: list[str]) -> list[str]:
    """``args`` with every ``--as-user NAME`` (or ``--as-user=NAME``) moved to the front,
    so that it may follow the subcommand (``jingwu org list --as-user demo-officer``)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == AS_USER and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        if arg.startswith(AS_USER + "="):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class RootGroup(LazyGroup):
    """Turns domain and configuration errors into one sentence and an exit code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, as_user_first(args))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            sys.exit(1)
        except ConfigError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)


@click.group(
    cls=RootGroup,
    lazy={name: ref for name, (ref, _) in SHELL.items()},
    summaries={name: summary for name, (_, summary) in SHELL.items()},
)
@click.option(
    AS_USER,
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
    """Each domain's ``cli`` group (and its ``COMMANDS``); the modules only name commands."""
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
