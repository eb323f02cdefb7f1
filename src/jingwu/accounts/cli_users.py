"""The commands of ``jingwu users`` and ``jingwu tokens`` (named in :mod:`jingwu.accounts.cli`)."""

from __future__ import annotations

import secrets

import click
from rich.console import Console
from rich.table import Table

from jingwu.accounts import service
from jingwu.cli.context import CliContext, pass_ctx, requires
from jingwu.cli.tables import print_table
from jingwu.errors import NotFound
from jingwu.org.service import unit_by_code

console = Console()


@click.command("create")
@requires("users.admin")
@click.argument("username")
@click.option("--unit", "unit_code", required=True, help="Short code of the user's unit.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(
        ["officer", "auxiliary", "chief", "street", "director", "inspector", "partner", "admin"]
    ),
)
@click.option("--name", "display_name", default=None, help="Display name (default: username).")
@click.option("--password", default=None, help="Initial password (default: generated, printed).")
@pass_ctx
def create(
    ctx: CliContext,
    username: str,
    unit_code: str,
    role: str,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create a user; they set up the second factor at first sign-in."""
    runtime = ctx.runtime()
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    with runtime.db.unit_of_work() as session:
        unit = unit_by_code(session, unit_code)
        if unit is None:
            raise NotFound("No unit '{unit_code}'.", params={"unit_code": unit_code})
        service.create_user(
            session,
            ctx.principal(session),
            username=username,
            display_name=display_name or username,
            unit_id=unit.id,
            role=role,
            password=password,
            now=runtime.clock(),
        )
    click.echo(f"Created {username} ({role}, {unit_code}).")
    if generated:
        click.echo(f"Initial password: {password}")


@click.command("list")
@requires("users.admin")
@pass_ctx
def list_users(ctx: CliContext) -> None:
    """Users in scope."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        table = Table("username", "role", "unit", "2FA", "active")
        for user, unit in service.list_users(session, ctx.principal(session)):
            table.add_row(
                user.username,
                user.role,
                unit.short_code,
                "yes" if user.totp_confirmed else "no",
                "yes" if user.active else "no",
            )
    print_table(console, table)


@click.command("reset-2fa")
@requires("users.admin")
@click.argument("username")
@pass_ctx
def reset_2fa(ctx: CliContext, username: str) -> None:
    """Forget a user's second factor (they enrol again at next sign-in)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        service.reset_second_factor(session, ctx.principal(session), username=username)
    click.echo(f"Second factor of {username} reset; they set it up again at next sign-in.")


@click.command("create")
@requires("users.admin")
@click.option("--user", "username", required=True)
@click.option("--name", default="script", show_default=True)
@click.option("--days", type=int, default=None, help="Expire after this many days.")
@pass_ctx
def create_token(ctx: CliContext, username: str, name: str, days: int | None) -> None:
    """Print a new API token (use it as `Authorization: Bearer …`)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        token = service.create_token(
            session,
            ctx.principal(session),
            username=username,
            name=name,
            now=runtime.clock(),
            days=days,
        )
    click.echo(token)
