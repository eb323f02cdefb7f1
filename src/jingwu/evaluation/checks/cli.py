"""``jingwu evaluation draw …``, ``verify-draw``, ``survey-template`` and ``import-survey``.

``verify-draw CODE`` re-runs a draw from its published inputs and checks its commitment and
record against the evidence log: exit 0 when everything matches, 1 otherwise, with one
sentence saying what differs.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Column, Table

from jingwu.cli.context import ANYONE, CliContext, pass_ctx, requires
from jingwu.evaluation.checks import queries, service, surveycsv, surveys
from jingwu.evaluation.checks.periods import local_date
from jingwu.evaluation.checks.verify import verify_draw
from jingwu.evidence.logkeys import load_log_keys

EXIT_MATCH, EXIT_DIFFERS = 0, 1
console = Console()


@click.group("draw")
def draw() -> None:
    """Double-random draws: commit, draw, list."""


@draw.command("commit")
@requires("evaluation.inspect")
@click.option("--kind", type=click.Choice(["station", "order"]), required=True)
@click.option("--unit", required=True, help="drawing unit (district or street) short code")
@click.option("--period", required=True, help="month, e.g. 2026-12")
@click.option("--quota", default=None, help="a number (3) or a share (1/20); default: planned")
@click.option("--team", type=click.IntRange(1, 5), default=service.DEFAULT_TEAM, show_default=True)
@pass_ctx
def commit(
    ctx: CliContext, kind: str, unit: str, period: str, quota: str | None, team: int
) -> None:
    """Fix a draw's inputs and secret seed; log its commitment."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        row = service.commit_draw(
            session,
            ctx.principal(session),
            kind=kind,
            unit=unit,
            period=period,
            quota=quota,
            team=team,
            now=runtime.clock(),
        )
        click.echo(
            f"Committed {row.code}: quota {row.quota}, team {row.team}, "
            f"{len(row.inspectors)} inspector(s), commitment {row.commitment}, "
            f"evidence log index {row.commit_log_index}."
        )


@draw.command("run")
@requires("evaluation.inspect")
@click.argument("code")
@pass_ctx
def run(ctx: CliContext, code: str) -> None:
    """Reveal the seed and draw: targets not checked this year, each with inspectors."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        row = service.run_draw(session, ctx.principal(session), code=code, now=runtime.clock())
        for _, rows in sorted((row.pairs or {}).items()):
            for target, team in rows:
                click.echo(f"{target}\t{' '.join(team)}")
        click.echo(f"Drew {row.code}: seed {row.seed}, {len(row.targets or [])} in the pool.")


@draw.command("list")
@requires("evaluation.view")
@click.option("--year", type=click.IntRange(2000, 2100), default=None)
@pass_ctx
def list_draws(ctx: CliContext, year: int | None) -> None:
    """The year's draws in scope."""
    runtime = ctx.runtime()
    chosen = year or runtime.clock().year
    with runtime.db.unit_of_work(write=False) as session:
        rows = queries.list_draws(session, ctx.principal(session), year=chosen)
        table = Table(Column("code", no_wrap=True, min_width=17), "kind", "unit", "period")
        for name in ("drawn", "targets", "recorded"):
            table.add_column(name)
        for r in rows:
            drawn = local_date(r.draw.drawn_at).isoformat() if r.draw.drawn_at else ""
            table.add_row(
                r.draw.code,
                r.draw.kind,
                r.unit.short_code,
                r.draw.period,
                drawn,
                str(r.drawn),
                str(r.recorded),
            )
    console.print(table)
    click.echo(f"{len(rows)} draw(s) in {chosen}.")


@click.command("verify-draw")
@requires("evaluation.view")
@click.argument("code")
@pass_ctx
def verify_draw_cmd(ctx: CliContext, code: str) -> None:
    """Re-run a draw and check it against the evidence log: exit 0 matches, 1 differs."""
    runtime = ctx.runtime()
    keys = load_log_keys(runtime.settings)
    with runtime.db.unit_of_work(write=False) as session:
        verdict = verify_draw(session, ctx.principal(session), code=code, keys=keys)
    click.echo(verdict.sentence())
    raise SystemExit(EXIT_MATCH if verdict.ok else EXIT_DIFFERS)


@click.command("survey-template")
@requires(ANYONE)
def survey_template() -> None:
    """Print the survey import template (CSV)."""
    click.echo(surveycsv.TEMPLATE, nl=False)


@click.command("import-survey")
@requires("evaluation.inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_survey(ctx: CliContext, file: Path) -> None:
    """Import a survey file (all rows or none); run it --as-user the importing user."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        batch = surveys.import_survey(
            session,
            ctx.principal(session),
            filename=file.name,
            content=file.read_bytes(),
            now=runtime.clock(),
        )
        click.echo(f"Imported {batch.rows} row(s) from {batch.filename} (import {batch.id}).")
