"""The commands of ``jingwu coverage`` (see :mod:`jingwu.coverage.cli`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from jingwu.cli.context import BadFile, CliContext, pass_ctx, requires
from jingwu.coverage import queries, service, service_import
from jingwu.errors import Invalid

_FILE = click.Path(dir_okay=False, path_type=Path)


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None


def _import(ctx: CliContext, unit: str, file: Path, importer: Callable[..., object]) -> None:
    content = _read(file)
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        now = runtime.clock()
        try:
            importer(session, principal, unit=unit, filename=file.name, content=content, now=now)
        except Invalid as exc:
            for where, why in exc.fields.items():
                click.echo(f"{file}: {where}: {why}", err=True)
            raise
        runs = service.compute(session, principal, unit=unit, now=now)
        for run in runs:
            share = run.covered / run.total if run.total else 0.0
            click.echo(f"{run.mode}: {run.covered}/{run.total} residents covered ({share:.1%}).")


@click.command("import-roads")
@requires("coverage.import")
@click.option("--unit", required=True, help="the unit's short code (a district, usually)")
@click.argument("file", type=_FILE)
@pass_ctx
def import_roads(ctx: CliContext, unit: str, file: Path) -> None:
    """Import a GeoJSON road network (all lines or none) and compute the circles."""
    _import(ctx, unit, file, service_import.import_roads)


@click.command("import-residents")
@requires("coverage.import")
@click.option("--unit", required=True, help="the unit's short code (a district, usually)")
@click.argument("file", type=_FILE)
@pass_ctx
def import_residents(ctx: CliContext, unit: str, file: Path) -> None:
    """Import a GeoJSON resident grid (all places or none) and compute coverage."""
    _import(ctx, unit, file, service_import.import_residents)


@click.command("compute")
@requires("coverage.import")
@click.option("--unit", required=True, help="the unit's short code")
@pass_ctx
def compute(ctx: CliContext, unit: str) -> None:
    """Compute the unit's circles and coverage again."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        for run in service.compute(session, ctx.principal(session), unit=unit, now=runtime.clock()):
            share = run.covered / run.total if run.total else 0.0
            click.echo(f"{run.mode} ({run.method}): {share:.1%} of {run.total} residents covered.")


@click.command("show")
@requires("coverage.view")
@pass_ctx
def show(ctx: CliContext) -> None:
    """Coverage of the units in scope and the 8-minute response per station and month."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        principal = ctx.principal(session)
        for row in queries.runs(session, principal):
            r = row.run
            click.echo(
                f"{row.unit.short_code} {r.mode} ({r.method}): {row.share:.1%} "
                f"of {r.total} residents, {r.stations} station(s)"
            )
        zone = runtime.settings.tz
        for line in queries.response_rows(session, principal, now=runtime.clock(), zone=zone):
            m = line.row
            click.echo(
                f"{line.unit.short_code} {m.month}: {m.within}/{m.requests} within 8 minutes "
                f"({m.share:.0%})"
            )
