"""The commands of ``jingwu rollout`` (see :mod:`jingwu.rollout.cli`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from jingwu.cli.context import BadFile, CliContext, pass_ctx, requires
from jingwu.errors import Invalid
from jingwu.rollout import queries, service
from jingwu.rollout.plan import STATUSES, Cell

_FILE = click.Path(dir_okay=False, path_type=Path)


def _cell(c: Cell) -> str:
    share = "–" if c.share is None else f"{c.share:.0%}"
    return (
        f"target {c.target}, demonstration {c.achieved} ({share}), "
        f"expected by today {c.expected:.0f}, behind {c.behind}"
    )


@click.command("import")
@requires("rollout.plan")
@click.argument("file", type=_FILE)
@pass_ctx
def import_plan(ctx: CliContext, file: Path) -> None:
    """Import a plan (CSV or JSON: phase, street, target, stations): all rows or none."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None
    if len(content) > service.MAX_PLAN_BYTES:
        raise BadFile(f"Nothing imported: {file} is larger than 2 MB.")
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        try:
            done = service.import_plan(
                session,
                ctx.principal(session),
                filename=file.name,
                content=content,
                now=runtime.clock(),
            )
        except Invalid as exc:
            if exc.fields.get("file") == "not a CSV or JSON plan":
                raise BadFile(f"{exc.message} {file} is not a CSV or JSON plan.") from None
            for where, why in exc.fields.items():
                click.echo(f"{file}: {where}: {why}", err=True)
            raise
    click.echo(f"Imported {done.rows} row(s) naming {done.stations} station(s).")


@click.command("show")
@requires("rollout.view")
@pass_ctx
def show(ctx: CliContext) -> None:
    """Progress against the plan in scope: total, per year, per street, blocked stations."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        d = queries.dashboard(session, ctx.principal(session), now=runtime.clock())
        click.echo(f"As of {d.today}: {_cell(d.total)}")
        for year, c in d.years:
            click.echo(f"{year}: {_cell(c)}")
        for unit, c in d.districts:
            click.echo(f"{unit.short_code} {unit.name}: {_cell(c)}")
        for unit, c in d.streets:
            click.echo(f"{unit.short_code} {unit.name}: {_cell(c)}")
        for s in d.blocked:
            titles = "; ".join(r.title for r in s.rectifications)
            click.echo(f"blocked {s.unit.short_code} ({s.row.status}): {titles}")


@click.command("move")
@requires("rollout.status")
@click.argument("station")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--reason", default="", help="why (needed to go back)")
@click.option("--on", "on", default=None, help="the day it happened, YYYY-MM-DD (today)")
@pass_ctx
def move(ctx: CliContext, station: str, status: str, reason: str, on: str | None) -> None:
    """Move a station to the next status, or back with a reason."""
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise click.BadParameter("write the day like 2026-12-07", param_hint="--on") from None
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        row = service.move(
            session,
            ctx.principal(session),
            station=station,
            status=status,
            reason=reason,
            on=day,
            now=runtime.clock(),
        )
        click.echo(f"{station.upper()} is now {row.status}.")
