"""The commands of ``jingwu portal`` (see :mod:`jingwu.portal.cli`)."""

from __future__ import annotations

import os

import click

from jingwu.cli.context import ANYONE, OPERATOR, CliContext, pass_ctx, requires
from jingwu.portal import intake, pgrole
from jingwu.portal.sealing import new_pair
from jingwu.portal.zone import INTERNET_GRANTS


@click.command("keygen")
@requires(ANYONE)
def keygen() -> None:
    """Print a new sealing key pair: the public key for both zones, the private one for
    the intranet only."""
    private, public = new_pair()
    click.echo(f"JINGWU_PORTAL_PUBLIC_KEY={public}")
    click.echo(f"JINGWU_PORTAL_PRIVATE_KEY={private}")


@click.command("grant-role")
@requires(OPERATOR)
@click.argument("name")
@click.option("--password-env", default=None, help="environment variable holding a password")
@pass_ctx
def grant_role_command(ctx: CliContext, name: str, password_env: str | None) -> None:
    """Create or reset the internet zone's PostgreSQL role NAME with exactly the grants of
    jingwu.portal.zone.INTERNET_GRANTS."""
    password = os.environ.get(password_env) if password_env else None
    runtime = ctx.runtime()
    with runtime.db.engine.begin() as conn:
        try:
            missing = pgrole.grant_role(conn, name, password=password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    for table, privileges in sorted(INTERNET_GRANTS.items()):
        if table not in missing:
            click.echo(f"{name}: {', '.join(sorted(privileges))} on {table}")
    for table in missing:
        click.echo(f"{name}: {table} does not exist yet (not granted)", err=True)


@click.command("intake")
@requires(OPERATOR)
@pass_ctx
def intake_command(ctx: CliContext) -> None:
    """Run portal.intake and portal.publish once (what the worker does periodically)."""
    runtime = ctx.runtime()
    now = runtime.clock()
    with runtime.db.unit_of_work() as session:
        orders = intake.intake_pending(session, blobs=runtime.blobs, now=now)
        rated = intake.ratings_pending(session, now=now)
        changed = intake.publish(session, now=now)
    click.echo(
        f"{orders.done} order(s) taken in ({orders.failed} failed), {rated.done} rating(s), "
        f"{changed} published status(es) updated"
    )
