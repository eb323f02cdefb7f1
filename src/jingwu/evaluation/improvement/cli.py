"""``jingwu evaluation pdca open|show|overdue`` and ``jingwu evaluation cases``."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from jingwu.cli.context import OPERATOR, CliContext, pass_ctx, requires
from jingwu.evaluation.improvement import cases as library
from jingwu.evaluation.improvement import overdue as overdue_items
from jingwu.evaluation.improvement import queries, service

console = Console()


@click.group("pdca")
def pdca() -> None:
    """Quarterly improvement lists: open, show, notify overdue items."""


@pdca.command("open")
@requires("evaluation.pdca")
@click.option("--unit", required=True, help="unit short code (station, street or district)")
@click.option("--quarter", required=True, help="quarter, e.g. 2026-Q4")
@pass_ctx
def open_list(ctx: CliContext, unit: str, quarter: str) -> None:
    """Open a unit's list for a quarter with the catalogue's 12 items."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        row = service.open_list(
            session, ctx.principal(session), unit=unit, quarter=quarter, now=runtime.clock()
        )
        click.echo(f"Opened the list of {unit.upper()} for {row.quarter} with 12 items.")


@pdca.command("show")
@requires("evaluation.view")
@click.option("--unit", required=True, help="unit short code")
@click.option("--quarter", default=None, help="quarter, e.g. 2026-Q4 (default: now)")
@pass_ctx
def show(ctx: CliContext, unit: str, quarter: str | None) -> None:
    """A unit's list: items, owners, due dates, stages, colours and the completion rate."""
    runtime = ctx.runtime()
    now = runtime.clock()
    with runtime.db.unit_of_work(write=False) as session:
        who = ctx.principal(session)
        where = service.unit_named(session, who, unit)
        period = quarter or service.current_quarter(now)
        board = queries.board(session, who, unit=where, quarter=period, now=now)
        table = Table("item", "owner", "due", "stage", "colour", title=f"{unit.upper()} {period}")
        for v in board.items:
            stage = "done" if v.item.done_at else v.item.stage
            table.add_row(
                v.name_en, v.owner_username, v.due_day.isoformat(), stage, v.status.colour.value
            )
        console.print(table)
        rate = board.completion.rate
        shown = "—" if rate is None else f"{rate:.1%}"
        click.echo(f"Completion {shown} of {board.completion.counted} item(s) due (target 95%).")


@pdca.command("overdue")
@requires(OPERATOR)
@pass_ctx
def overdue(ctx: CliContext) -> None:
    """Notify overdue items' owners and heads, escalate a week later (idempotent)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        run = overdue_items.sweep(session, now=runtime.clock())
    click.echo(
        f"{run.overdue} item(s) newly overdue, {run.escalated} escalated, "
        f"{run.notifications} notification(s)."
    )


@click.command("cases")
@requires("evaluation.view")
@click.option("--year", type=click.IntRange(2000, 2100), default=None)
@pass_ctx
def cases(ctx: CliContext, year: int | None) -> None:
    """New cases in the library each month of the year, against 50 a month."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        rows = library.monthly(session, ctx.principal(session), year=year or runtime.clock().year)
    for m in rows:
        click.echo(f"{m.month}  {m.count:4d}  {'met' if m.met else 'below 50'}")
