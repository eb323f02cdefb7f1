"""The commands of ``jingwu portal`` (see :mod:`jingwu.portal.cli`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from jingwu.cli.context import ANYONE, OPERATOR, BadFile, CliContext, pass_ctx, requires
from jingwu.errors import Invalid
from jingwu.importfiles import MalformedFile
from jingwu.portal import feeds, intake, pgrole
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


@click.command("import")
@requires("portal.feed")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--channel", type=click.Choice(feeds.FEED_CHANNELS), required=True)
@pass_ctx
def import_feed(ctx: CliContext, file: Path, channel: str) -> None:
    """Take a 12345 or 110 feed file (JSON or CSV: ref, category, description, lat, lon,
    phone, name) into the inbox; refs already there are skipped. Exit 1 when a row is wrong."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None
    if len(content) > feeds.MAX_FEED_BYTES:
        raise BadFile(f"Nothing imported: {file} is larger than 4 MB.")
    try:
        rows = feeds.parse(file.name, content)
    except (MalformedFile, Invalid) as exc:
        raise BadFile(f"Nothing imported: {file} is not a feed ({exc}).") from None
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        ctx.principal(session)
        report = feeds.take(session, channel=channel, rows=rows, now=runtime.clock())
    click.echo(f"{len(report.added)} request(s) taken in, {len(report.skipped)} already there")
    for line, why in report.errors:
        click.echo(f"line {line}: {why}", err=True)
    if report.errors:
        raise SystemExit(1)
