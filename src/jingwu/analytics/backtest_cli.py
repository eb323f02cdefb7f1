"""The work behind ``jingwu analytics backtest``: options, progress bar, summary tables."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jingwu.analytics.backtest import (
    BacktestResult,
    BacktestSetup,
    Horizon,
    prepare,
    report,
    run_backtest,
    select_specs,
    work_units,
)
from jingwu.analytics.cli_text import sentence
from jingwu.analytics.grid import area_geometry
from jingwu.analytics.parse import BadRowsError, IncidentTable
from jingwu.analytics.sources import read_incident_file


def run_command(
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
    """Check the options, run the backtest with a progress bar, print and save the results;
    any problem becomes a one-sentence ClickException."""
    try:
        setup = _setup(start, end, cell, horizon, tz, area, models)
        table = read_incident_file(Path(incidents)).require_clean()
        result = _run(table, setup)
        document = report(result, incidents=Path(incidents).name, area=area)
        if json_out is not None:
            Path(json_out).write_text(json.dumps(document, indent=2, allow_nan=False) + "\n")
    except (ValueError, OSError) as exc:
        raise click.ClickException(sentence(f"{_prefix(exc, incidents)}{exc}")) from None
    console = Console()
    for summary in _summary(document, result):
        console.print(summary)


def _prefix(exc: Exception, incidents: str) -> str:
    return f"{incidents} " if isinstance(exc, BadRowsError) else ""


def _setup(
    start: str,
    end: str,
    cell: str,
    horizon: str,
    tz: str,
    area: str | None,
    models: str | None,
) -> BacktestSetup:
    first, last = _day(start, "--start"), _day(end, "--end")
    if last <= first:
        raise ValueError("--end must be a later day than --start")
    size = _float(cell, "--cell")
    if horizon not in ("day", "week"):
        raise ValueError(f"--horizon must be day or week, not {horizon!r}")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"--tz {tz!r} is not an IANA time zone") from None
    names = _names(models)
    select_specs(size, names)  # unknown names fail before the file is read
    return BacktestSetup(
        start=first,
        end=last,
        cell=size,
        horizon=cast(Horizon, horizon),
        tz=tz,
        area=_area(area) if area else None,
        models=names,
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a date like 2017-07-01") from None


def _float(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{option} {text!r} is not a positive number of metres")
    return value


def _names(models: str | None) -> tuple[str, ...] | None:
    if models is None:
        return None
    names = tuple(n.strip() for n in models.split(",") if n.strip())
    if not names:
        raise ValueError("--models names no model")
    return names


def _area(path: str) -> dict[str, Any]:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError:
        raise ValueError(f"--area {path} cannot be read") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"--area {path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"--area {path} is not a GeoJSON object")
    return area_geometry(obj)


def _run(table: IncidentTable, setup: BacktestSetup) -> BacktestResult:
    prepared = prepare(table, setup)
    specs = select_specs(setup.cell, setup.models)
    total = work_units(specs, len(prepared[2]), len(prepared[3]))
    columns = (TextColumn("{task.description:<12}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("backtest", total=total)

        def tick(name: str, units: float) -> None:
            bar.update(task, advance=units, description=name)

        return run_backtest(table, setup, progress=tick, prepared=prepared)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _summary(document: dict[str, Any], result: BacktestResult) -> tuple[Table, Table]:
    title = f"test {result.setup.start} – {result.setup.end}, pooled"
    figures = Table(title=title, box=None)
    for name in ("model", "kind", "hit 1%", "PAI 1%", "PEI 1%", "hit 5%", "PAI 5%", "PEI 5%"):
        figures.add_column(name, no_wrap=True)
    versus = Table(title=f"PAI minus the best baseline ({document['best_baseline']})", box=None)
    for name in ("model", "Δ 1%", "95% CI", "Δ 5%", "95% CI"):
        versus.add_column(name, no_wrap=True)
    for name, row in document["models"].items():
        figures.add_row(name, row["kind"], *_figures(row))
        versus.add_row(name, *_versus(row))
    return figures, versus


def _figures(row: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for level in ("1", "5"):
        fig = row["pooled"][level]
        out += [_fmt(fig["hit_rate"], 3), _fmt(fig["pai"]), _fmt(fig["pei"], 3)]
    return out


def _versus(row: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for level in ("1", "5"):
        cmp = (row["vs_best_baseline"] or {}).get(level) or {}
        lo, hi = cmp.get("ci95") or (None, None)
        diff = cmp.get("pai_diff")
        out += ["–" if diff is None else f"{diff:+.2f}", f"[{_fmt(lo)}, {_fmt(hi)}]"]
    return out
