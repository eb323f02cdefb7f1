"""``jingwu evaluation white-paper --year 2026 -o FILE.pdf``: the annual white paper as a PDF.

Exits 1 with one sentence when the newest data are more than 30 days old (nothing written).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from jingwu.cli.context import CliContext, pass_ctx, requires
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.whitepaper import content, render


@click.command("white-paper")
@requires("evaluation.view")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="default: this year")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True)
@click.option("--html", is_flag=True, help="write the HTML the PDF is printed from instead")
@pass_ctx
def white_paper(ctx: CliContext, year: int | None, output: Path, lang: str, html: bool) -> None:
    """Write the year's white paper: key indicators with charts, stations, methods, dates."""
    runtime = ctx.runtime()
    started = time.perf_counter()
    with runtime.db.unit_of_work() as session:
        now = runtime.clock()
        chosen = year or now.astimezone(LOCAL).year
        paper = content.build(session, ctx.principal(session), year=chosen, now=now)
    if html:
        output.write_text(render.print_html(paper, lang), encoding="utf-8")
    else:
        output.write_bytes(render.pdf(paper, lang))
    kf, took = paper.figures, time.perf_counter() - started
    click.echo(
        f"Wrote the {chosen} white paper ({len(kf.figures)} key indicators, "
        f"{len(kf.stations)} stations) to {output} in {took:.1f} s."
    )
