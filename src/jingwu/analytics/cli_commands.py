"""The commands of ``jingwu analytics`` (named in :mod:`jingwu.analytics.cli`): the forecasting
models and their backtest, incident imports, stored backtest results and the jobs by hand."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from jingwu.analytics.backtest_cli import run_command
from jingwu.analytics.cli_store import run_import, run_refresh, run_store_backtest
from jingwu.analytics.cli_text import OneSentence
from jingwu.analytics.registry import model_specs
from jingwu.cli.context import ANYONE, CliContext, pass_ctx, requires
from jingwu.cli.tables import print_table


@click.command("models", cls=OneSentence)
@requires(ANYONE)
def models_command() -> None:
    """List the forecasting models with their kind and a one-line description."""

    table = Table("name", "kind", "description", box=None)
    for spec in model_specs(150.0):
        table.add_row(spec.name, spec.kind, spec.description)
    print_table(Console(), table)


@click.command("backtest", cls=OneSentence)
@requires(ANYONE)
@click.option(
    "--incidents", required=True, help="CSV or CSV.gz: id, category, occurred_at, lat, lon."
)
@click.option("--start", required=True, help="First test day (YYYY-MM-DD), in --tz.")
@click.option("--end", required=True, help="Day after the last test day (exclusive).")
@click.option("--cell", default="150", show_default=True, help="Cell size in metres.")
@click.option("--horizon", default="day", show_default=True, help="Forecast period: day or week.")
@click.option("--tz", default="UTC", show_default=True, help="IANA time zone of the periods.")
@click.option("--area", default=None, help="GeoJSON polygon: its cells are the valid cells.")
@click.option("--models", default=None, help="Comma-separated model names (default: all).")
@click.option("--json", "json_out", default=None, help="Write the full results as JSON here.")
def backtest_command(
    *,
    incidents: str,
    start: str,
    end: str,
    cell: str,
    horizon: str,
    tz: str,
    area: str | None,
    models: str | None,
    json_out: str | None,
) -> None:
    """Tune every model on validation, score it day by day on test, compare with the best
    baseline (protocol in docs/forecasting.md)."""
    run_command(
        incidents=incidents,
        start=start,
        end=end,
        cell=cell,
        horizon=horizon,
        tz=tz,
        area=area,
        models=models,
        json_out=json_out,
    )


@click.command("import", cls=OneSentence)
@requires("analytics.import")
@click.argument("file")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COL=NAME",
    help="Read our column COL (id, category, occurred_at, lat, lon, reported_at) from NAME.",
)
@click.option(
    "--unit",
    default=None,
    metavar="CODE",
    help="District of incidents outside every station (default: the only district).",
)
@click.option(
    "--source",
    default="import",
    show_default=True,
    help="Namespace of the file's ids: re-importing an id of the same source is a no-op.",
)
@pass_ctx
def import_command(
    ctx: CliContext, *, file: str, mapping: tuple[str, ...], unit: str | None, source: str
) -> None:
    """Import incidents from CSV or CSV.gz (id, category, occurred_at, lat, lon[, reported_at]):
    all rows or, when any row is bad, none."""
    run_import(ctx, file=file, mapping=mapping, unit=unit, source=source)


@click.command("store-backtest", cls=OneSentence)
@requires("analytics.import")
@click.argument("file")
@pass_ctx
def store_backtest_command(ctx: CliContext, *, file: str) -> None:
    """Store a `jingwu analytics backtest --json` result for the map page and the forecast."""
    run_store_backtest(ctx, file=file)


@click.command("refresh", cls=OneSentence)
@requires("analytics.refresh")
@click.option("--full", is_flag=True, help="Rebuild the heat map from all incidents.")
@pass_ctx
def refresh_command(ctx: CliContext, *, full: bool) -> None:
    """Run the analytics jobs now: work-order feed, heat-map refresh, tomorrow's forecast."""
    run_refresh(ctx, full=full)
