"""Benchmark: forecast quality on real held-out data (Minneapolis police stops, 2017).

Runs the backtest protocol of docs/forecasting.md exactly as ``jingwu analytics backtest
--incidents tests/data/crime/minneapolis_stops_2017.csv.gz --start 2017-07-01 --end 2018-01-01
--tz America/Chicago --cell 150`` does: every model's hyperparameters are chosen on the first
half of 2017 (the validation period: the test length, clipped at the first event), then every
model forecasts each day of the second half using only the events before that day. Reported:
hit rate, PAI and PEI at 1 % and 5 % for every model, and our PAI minus the best baseline's
with 95 % block-bootstrap intervals (blocks of a week). The test half is never used to tune.

A reference row, ``hindsight``, ranks cells by their counts over the whole year except the
day itself: it peeks at the future, so it is not a forecast, but it shows how much a static
ranking with a year of data could capture at best.

    .venv/bin/python bench/analytics_backtest_quality.py [--incidents FILE]
        [--out bench/results/analytics_backtest_quality.md]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from jingwu.analytics.backtest import (
    BacktestResult,
    BacktestSetup,
    observed_counts,
    report,
    run_backtest,
)
from jingwu.analytics.metrics import COVERAGES, evaluate, level_key, pooled
from jingwu.analytics.sources import read_incident_file

DATA = Path("tests/data/crime/minneapolis_stops_2017.csv.gz")
SETUP = BacktestSetup(start=date(2017, 7, 1), end=date(2018, 1, 1), tz="America/Chicago")


def hindsight(result: BacktestResult) -> dict[str, dict[str, float | None]]:
    """Pooled figures of ranking by whole-file counts minus the day's own (not a forecast)."""
    counts = observed_counts(result.events, result.test)
    total = np.bincount(result.events.cell, minlength=result.grid.n_cells).astype(np.float64)
    return pooled(evaluate(total[np.newaxis, :] - counts, counts))


def _f(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def figures_table(doc: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    lines = [
        "| model | kind | tuned on validation | val PAI 1 % | val PAI 5 % "
        "| hit 1 % | PAI 1 % | PEI 1 % | hit 5 % | PAI 5 % | PEI 5 % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    val = doc["protocol"]["validation_pai"]
    for name, model in doc["models"].items():
        params = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in model["params"].items()
        )
        cells = []
        for level in ("1", "5"):
            fig = model["pooled"][level]
            cells += [_f(fig["hit_rate"], 3), _f(fig["pai"]), _f(fig["pei"], 3)]
        lines.append(
            f"| {name} | {model['kind']} | {params} | {_f(val[name]['1'])} | {_f(val[name]['5'])} "
            f"| {' | '.join(cells)} |"
        )
    cells = []
    for level in ("1", "5"):
        fig = reference[level]
        cells += [_f(fig["hit_rate"], 3), _f(fig["pai"]), _f(fig["pei"], 3)]
    lines.append(f"| *hindsight* | reference, not a forecast | — | — | — | {' | '.join(cells)} |")
    return lines


def versus_table(doc: dict[str, Any]) -> list[str]:
    lines = [
        "| model | ΔPAI 1 % | 95 % CI | ΔPAI 5 % | 95 % CI |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, model in doc["models"].items():
        cells = []
        for level in ("1", "5"):
            cmp = model["vs_best_baseline"][level]
            lo, hi = cmp["ci95"]
            cells += [f"{cmp['pai_diff']:+.2f}", f"[{lo:+.2f}, {hi:+.2f}]"]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return lines


def curve_table(doc: dict[str, Any]) -> list[str]:
    keys = [level_key(c) for c in COVERAGES]
    lines = [
        "| model | " + " | ".join(f"{k} %" for k in keys) + " |",
        "| --- |" + " --- |" * len(keys),
    ]
    for name, model in doc["models"].items():
        row = [_f(model["pooled"][k]["hit_rate"], 3) for k in keys]
        lines.append(f"| {name} | {' | '.join(row)} |")
    return lines


def verdict(doc: dict[str, Any], ours: str) -> str:
    parts = []
    for level in ("1", "5"):
        cmp = doc["models"][ours]["vs_best_baseline"][level]
        lo, hi = cmp["ci95"]
        ahead = cmp["pai_diff"] > 0 and lo > 0
        parts.append(
            f"at {level} %: {cmp['pai_diff']:+.2f} PAI, 95 % CI [{lo:+.2f}, {hi:+.2f}] — "
            + ("ahead, interval excludes zero" if ahead else "NOT significantly ahead")
        )
    return f"`{ours}` against the best baseline (`{doc['best_baseline']}`): " + "; ".join(parts)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=Path, default=DATA)
    parser.add_argument(
        "--out", type=Path, default=Path("bench/results/analytics_backtest_quality.md")
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    table = read_incident_file(args.incidents).require_clean()
    result = run_backtest(table, SETUP)
    doc = report(result, incidents=args.incidents.name, area=None)
    seconds = time.perf_counter() - began
    args.out.with_suffix(".json").write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    ours = next(n for n, m in doc["models"].items() if m["kind"] == "ours")
    lines = [
        "# Analytics: forecast quality on held-out Minneapolis data",
        "",
        f"Command: `.venv/bin/python bench/analytics_backtest_quality.py --incidents "
        f"{args.incidents}`  ",
        "Equivalent: `jingwu analytics backtest --incidents "
        f"{args.incidents} --start 2017-07-01 --end 2018-01-01 --tz America/Chicago "
        "--cell 150 --json bench/results/analytics_backtest_quality.json`  ",
        f"Machine: {platform.machine()}, 2 shared CPUs, Python {platform.python_version()}; "
        f"run time {seconds:.0f} s  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Data: {len(table):,} police stops in 2017 ({result.grid.n_cells:,} valid cells of "
        f"150 m). Validation (tuning): {len(result.validation)} days from "
        f"{doc['protocol']['validation_start']}; test: {len(result.test)} days from "
        "2017-07-01, each forecast with only the events before it. Pooled figures.",
        "",
        "**" + verdict(doc, ours) + ".**",
        "",
        "## Hit rate, PAI, PEI at 1 % and 5 % of the area (test, pooled)",
        "",
        *figures_table(doc, hindsight(result)),
        "",
        f"## PAI minus the best baseline ({doc['best_baseline']}), block bootstrap over weeks",
        "",
        *versus_table(doc),
        "",
        "## Hit rate by coverage (test, pooled)",
        "",
        *curve_table(doc),
        "",
        "Full results: `bench/results/analytics_backtest_quality.json` (the `--json` document).",
    ]
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
