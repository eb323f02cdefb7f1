"""Model selection for ``cell_choice`` on the validation half only (Minneapolis, Jan–Jun 2017).

The test half (Jul–Dec 2017) of ``analytics_backtest_quality`` has been looked at, so any
new choice about our model must rest on validation data alone. This script never reads an
event from the test half: it drops every event from 2017-07-01 (America/Chicago) on, then
runs the backtest protocol inside the validation half — hyperparameters tuned on
January–March (the inner validation), scored day by day on April–June (the inner test) —
for the published baselines, our model as it stands, and a few variants of it:

- ``+st75``: an extra feature, the 90-day rate smoothed at half a cell (what ``st_kde``
  ranks by, which led at 1 % on the inner split);
- ``+rate7``: an extra 7-day rate (short-term persistence);
- ``+quad``: the square of the centred long-run log rate (lets the very top cells rise);
- ``steps3``: three Newton steps per period instead of one;
- ``blend``: a log-linear blend of our shares and ``st_kde``'s, weight w ∈ {¼, ½, ¾} tuned.

A reference row, ``hindsight``, ranks cells by their counts over the whole half-year minus
the day (it peeks, so it is not a forecast): the room a static ranking leaves at 1 %.

    .venv/bin/python bench/analytics_model_selection.py
        [--out bench/results/analytics_model_selection.md]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from jingwu.analytics import ours
from jingwu.analytics.backtest import (
    BacktestSetup,
    ModelRun,
    _run_model,
    _week_blocks,
    observed_counts,
    prepare,
)
from jingwu.analytics.baselines import StKde, to_expected
from jingwu.analytics.features import Feature, stream
from jingwu.analytics.forecast import ModelSpec
from jingwu.analytics.metrics import bootstrap_pai_diff, evaluate, pai_at, pooled
from jingwu.analytics.parse import IncidentTable
from jingwu.analytics.registry import model_specs
from jingwu.analytics.sources import read_incident_file
from jingwu.analytics.timeline import DAY_S

DATA = Path("tests/data/crime/minneapolis_stops_2017.csv.gz")
TZ = ZoneInfo("America/Chicago")
CUT = datetime(2017, 7, 1, tzinfo=TZ).timestamp()  # nothing at or after this is read
SETUP = BacktestSetup(start=date(2017, 4, 1), end=date(2017, 7, 1), tz="America/Chicago")
EXTRA = {"+st75": [Feature(90.0, 0.5)], "+rate7": [Feature(7.0)], "+quad": [], "": []}
CANDIDATES = tuple({"train_periods": w, "ridge": r} for w in (28, 56) for r in (1.0, 30.0))


@dataclass(frozen=True)
class VariantDesign(ours.Design):
    """Our features plus a variant's extra columns."""

    variant: str = ""

    def raw(self) -> tuple[Feature, ...]:
        return super().raw() + tuple(EXTRA[self.variant])

    def labels(self) -> list[str]:
        extra = len(EXTRA[self.variant]) + (self.variant == "+quad")
        return super().labels() + [f"extra{k}" for k in range(extra)]

    def transform(self, x: Any, history_days: float) -> Any:
        n = len(super().raw())
        base = super().transform(x[:, :n], history_days)
        cols = [base]
        for j, f in enumerate(EXTRA[self.variant]):
            rate = x[:, n + j] / (f.tau_days * -np.expm1(-max(history_days, 1e-6) / f.tau_days))
            cols.append(np.log(rate + max(float(rate.mean()), 1e-9))[:, None])
        if self.variant == "+quad":
            cols.append(((base[:, 2] - base[:, 2].mean()) ** 2)[:, None])
        return np.concatenate(cols, axis=1)


@dataclass(frozen=True)
class Variant(ours.CellChoice):
    """``cell_choice`` with a variant design (the forecast loop of ours.py, design swapped)."""

    variant: str = ""

    def forecast(self, events: Any, periods: Any) -> Any:
        out = np.zeros((len(periods), events.grid.n_cells))
        w = self.train_periods
        plan = ours._plan(periods, w)
        design = VariantDesign(ours.top_categories(events, float(plan.starts[0])), self.variant)
        window = ours._Window(w, events.grid.n_cells, len(design.labels()))
        beta = None
        first_seen = np.minimum.accumulate(events.t)
        for i, x in enumerate(stream(events, design.raw(), plan.starts, plan.weekdays)):
            known = events.known_before(float(plan.starts[i]))
            history = (plan.starts[i] - first_seen[known - 1]) / DAY_S if known else 0.0
            phi = design.transform(x, float(history))
            if i >= w:
                beta = self._refit(events, window, float(periods.starts[i - w]), beta)
                eta = phi @ beta if beta is not None else np.zeros(len(phi))
                out[i - w] = np.exp(eta - eta.max())
            window.push(phi, float(plan.starts[i]), float(plan.ends[i]))
        return to_expected(out / out.sum(axis=1, keepdims=True), events, periods)


@dataclass(frozen=True)
class Blend:
    """exp(w·log ours + (1 − w)·log st_kde), both as shares of the period."""

    w: float

    def forecast(self, events: Any, periods: Any) -> Any:
        a = ours.CellChoice(28, 30.0).forecast(events, periods)
        b = StKde(75.0, 90.0).forecast(events, periods)
        mix = sum(
            weight * np.log(s / np.maximum(s.sum(1, keepdims=True), 1e-12) + 1e-9)
            for weight, s in ((self.w, a), (1 - self.w, b))
        )
        return to_expected(np.exp(mix - mix.max(1, keepdims=True)), events, periods)


def variants() -> list[ModelSpec]:
    def spec(name: str, variant: str, steps: int = 1) -> ModelSpec:
        def build(p: Any) -> Variant:
            return Variant(int(p["train_periods"]), float(p["ridge"]), steps, variant=variant)

        return ModelSpec(name, "ours", name, build, CANDIDATES, cost=4.0)

    blend = ModelSpec(
        "blend", "ours", "blend", lambda p: Blend(float(p["w"])),
        tuple({"w": w} for w in (0.25, 0.5, 0.75)),
    )  # fmt: skip
    return [spec("+st75", "+st75"), spec("+rate7", "+rate7"), spec("+quad", "+quad"),
            spec("steps3", "", 3), blend]  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path("bench/results/analytics_model_selection.md")
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    full = read_incident_file(DATA).require_clean()
    keep = full.occurred < CUT
    table = IncidentTable(
        tuple(np.asarray(full.ids)[keep]), full.categories, full.category[keep],
        full.occurred[keep], None, full.lat[keep], full.lon[keep],
    )  # fmt: skip
    grid, events, val, test = prepare(table, SETUP)
    truth = (observed_counts(events, val), observed_counts(events, test))
    runs: dict[str, ModelRun] = {}
    for spec in [*model_specs(150.0), *variants()]:
        runs[spec.name] = _run_model(spec, events, (val, test), truth, lambda _n, _u: None)
        print(spec.name, dict(runs[spec.name].params), flush=True)
    baselines = [n for n, r in runs.items() if r.spec.kind == "baseline"]
    best = max(baselines, key=lambda n: pai_at(runs[n].validation, 5.0) or 0.0)
    total = np.bincount(events.cell, minlength=grid.n_cells).astype(np.float64)
    hindsight = pooled(evaluate(total[np.newaxis, :] - truth[1], truth[1]))
    lines = [
        "# Analytics: choosing our model on the validation half only",
        "",
        "Command: `.venv/bin/python bench/analytics_model_selection.py`  ",
        f"Machine: {platform.machine()}, 2 shared CPUs, Python {platform.python_version()}; "
        f"run time {time.perf_counter() - began:.0f} s  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Data: the {len(table):,} Minneapolis stops before 2017-07-01 (none of the test half); "
        f"{grid.n_cells:,} cells of 150 m. Inner validation (tuning): {len(val)} days from "
        f"{SETUP.start.replace(month=1)}; inner test: {len(test)} days from {SETUP.start}. "
        f"Best baseline on the inner validation: `{best}`. Pooled PAI; Δ = PAI minus the best "
        "baseline's on the inner test, 95 % block-bootstrap interval over weeks.",
        "",
        "| model | tuned | inner-val PAI 1 % | inner-val PAI 5 % | PAI 1 % | PAI 5 % "
        "| Δ 1 % | Δ 5 % | vs cell_choice 1 % | vs cell_choice 5 % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, run in runs.items():
        cells = []
        for other in (best, "cell_choice"):
            for c in (1.0, 5.0):
                diff, ci = bootstrap_pai_diff(
                    run.test, runs[other].test, _week_blocks(test), c, n_boot=2000, seed=0
                )
                lo, hi = ci if ci is not None else (0.0, 0.0)
                cells.append(f"{diff:+.2f} [{lo:+.2f}, {hi:+.2f}]")
        params = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in run.params.items())  # fmt: skip
        lines.append(
            f"| {name} | {params} | {pai_at(run.validation, 1.0):.2f} | "
            f"{pai_at(run.validation, 5.0):.2f} | {pai_at(run.test, 1.0):.2f} | "
            f"{pai_at(run.test, 5.0):.2f} | {' | '.join(cells)} |"
        )
    lines.append(
        f"| *hindsight* | not a forecast | — | — | {hindsight['1']['pai']:.2f} | "
        f"{hindsight['5']['pai']:.2f} | | | | |"
    )
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
