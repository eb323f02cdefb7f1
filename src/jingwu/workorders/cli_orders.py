"""The commands of ``jingwu workorders`` (named in :mod:`jingwu.workorders.cli`)."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console
from rich.table import Table

from jingwu.cli.context import OPERATOR, CliContext, pass_ctx, requires
from jingwu.cli.tables import print_table
from jingwu.workorders import queries
from jingwu.workorders.queries import OrderFilter
from jingwu.workorders.sweep import run_sweep

console = Console()


def _instant(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO time like 2026-11-29T10:00+08:00"
        ) from None
    if at.tzinfo is None:
        raise click.BadParameter("the time needs a UTC offset, e.g. 2026-11-29T10:00+08:00")
    return at.astimezone(dt.UTC)


@click.command("sweep")
@requires(OPERATOR)
@click.option("--now", "now_text", help="sweep as of this ISO time (default: the clock)")
@pass_ctx
def sweep(ctx: CliContext, now_text: str | None) -> None:
    """One sweep pass: warnings, breaches, escalation, overdue records (idempotent)."""
    runtime = ctx.runtime()
    now = _instant(now_text) or runtime.clock()
    report = run_sweep(runtime.db, now=now)
    click.echo(
        f"Swept {report.orders} order(s) as of {now.isoformat()}: {report.alerts} alert(s), "
        f"{report.overdue} overdue record(s), {report.notifications} notification(s), "
        f"{report.closed} closed after the feedback window."
    )


@click.command("list")
@requires("workorders.view")
@click.option("--unit", help="unit short code")
@click.option("--state")
@click.option("--overdue/--any", default=None)
@click.option("--limit", default=50, show_default=True)
@pass_ctx
def list_orders(
    ctx: CliContext, unit: str | None, state: str | None, overdue: bool | None, limit: int
) -> None:
    """Orders in scope, newest first."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        filters = OrderFilter(unit=unit, state=state, overdue=overdue)
        rows, total = queries.list_orders(
            session, ctx.principal(session), filters=filters, page=1, per_page=limit
        )
        zone = runtime.settings.tz
        table = Table("code", "tier", "state", "category", f"received ({zone.key})", "overdue")
        for o in rows:
            table.add_row(
                o.code,
                o.tier or f"({o.suggested_tier})",
                o.state,
                o.category,
                f"{o.received_at.astimezone(zone):%Y-%m-%d %H:%M}",
                "yes" if o.overdue else "",
            )
    print_table(console, table)
    click.echo(f"{len(rows)} of {total} order(s).")
