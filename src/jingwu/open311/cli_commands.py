"""The commands of ``jingwu open311`` (see :mod:`jingwu.open311.cli`)."""

from __future__ import annotations

import click

from jingwu.cli.context import CliContext, pass_ctx, requires
from jingwu.open311 import service


@click.command("issue-key")
@requires("open311.keys")
@click.option("--unit", required=True, help="the issuing district's short code")
@click.option("--name", required=True, help="who will use the key (a partner system)")
@click.option("--per-hour", default=60, show_default=True, help="requests allowed per hour")
@pass_ctx
def issue_key(ctx: CliContext, unit: str, name: str, per_hour: int) -> None:
    """Issue a key for POST requests; it is printed once and stored only as a hash."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        issued = service.issue_key(
            session, ctx.principal(session), unit=unit, name=name, per_hour=per_hour,
            now=runtime.clock(),
        )  # fmt: skip
        key_id = issued.key.id
    click.echo(f"Issued Open311 key {key_id} for {name} ({per_hour} requests an hour).")
    click.echo("The key is shown only now; give it to the partner over a safe channel:")
    click.echo(issued.secret)


@click.command("list-keys")
@requires("open311.keys")
@pass_ctx
def list_keys(ctx: CliContext) -> None:
    """The keys of the districts in scope (never the keys themselves)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        for key in service.keys(session, ctx.principal(session)):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            click.echo(f"{key.id}\t{key.prefix}…\t{key.name}\t{key.per_hour}/h\t{state}")


@click.command("revoke-key")
@requires("open311.keys")
@click.argument("key_id", type=click.IntRange(1, 2**62))
@pass_ctx
def revoke_key(ctx: CliContext, key_id: int) -> None:
    """Revoke a key at once."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        key = service.revoke_key(
            session, ctx.principal(session), key_id=key_id, now=runtime.clock()
        )
        name = key.name
    click.echo(f"Revoked Open311 key {key_id} ({name}).")
