"""The commands of ``jingwu sunshine`` (see :mod:`jingwu.sunshine.cli`)."""

from __future__ import annotations

import click

from jingwu.cli.context import CliContext, pass_ctx, requires
from jingwu.sunshine import service


@click.command("publish")
@requires("sunshine.publish")
@pass_ctx
def publish(ctx: CliContext) -> None:
    """Publish a new dataset version if the figures changed since the last one."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        done = service.publish(session, now=runtime.clock())
        if done.version is None:
            click.echo("Nothing changed since the last version: nothing published.")
            return
        v = done.version
        click.echo(
            f"Published version {v.version}: {v.cells} figure(s), {v.withheld} withheld, "
            f"JSON SHA-256 {v.sha256}, evidence item {v.evidence_item} v{v.evidence_version}."
        )
