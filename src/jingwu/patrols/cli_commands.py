"""The commands of ``jingwu patrols`` (see :mod:`jingwu.patrols.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from jingwu.cli.context import BadFile, CliContext, pass_ctx, requires
from jingwu.errors import Invalid
from jingwu.patrols import queries, service


@click.command("import")
@requires("patrols.import")
@click.option("--unit", required=True, help="the unit's short code (a station or the district)")
@click.option("--kind", type=click.Choice(["track", "planned"]), default="track", show_default=True)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_ctx
def import_file(ctx: CliContext, unit: str, kind: str, file: Path) -> None:
    """Import a GeoJSON or GPX file of patrol lines (every line or none)."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        try:
            routes = service.import_routes(
                session, ctx.principal(session), unit=unit, kind=kind,
                filename=file.name, content=content, now=runtime.clock(),
            )  # fmt: skip
        except Invalid as exc:
            for where, why in list(exc.fields.items())[:20]:
                click.echo(f"{file}: {where}: {why}", err=True)
            raise
    km = sum(r.length_m for r in routes) / 1000
    click.echo(f"Imported {len(routes)} route(s), {km:.1f} km, for {unit.upper()}.")


@click.command("list")
@requires("patrols.view")
@pass_ctx
def list_routes(ctx: CliContext) -> None:
    """The newest patrol routes of the units in scope."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        for route, unit in queries.routes(session, ctx.principal(session)):
            click.echo(
                f"{route.id}\t{unit}\t{route.kind}\t{route.length_m / 1000:.2f} km\t{route.name}"
            )
