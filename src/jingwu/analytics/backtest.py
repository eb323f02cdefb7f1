"""The backtest protocol of docs/forecasting.md: tune on validation, score on test (pure).

Periods are local days (or weeks) from ``start`` to ``end`` (exclusive). Every model is fitted
before each period and scored on it; its hyperparameters are chosen on a validation period
of the same length just before ``start`` (clipped at the first event), by the mean pooled
PAI at 1 % and 5 %. The best baseline is the one with the highest pooled validation PAI at
5 %; every model's test PAI is compared with it, with intervals from a block bootstrap over
weeks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np

from jingwu.analytics.forecast import FloatArray, ModelSpec, Params
from jingwu.analytics.grid import Grid, build_grid
from jingwu.analytics.metrics import (
    COVERAGES,
    HEADLINE,
    Evaluation,
    bootstrap_pai_diff,
    daily_mean,
    evaluate,
    level_key,
    pai_at,
    pooled,
)
from jingwu.analytics.parse import IncidentTable
from jingwu.analytics.registry import model_specs
from jingwu.analytics.timeline import (
    EventSet,
    IntArray,
    Periods,
    local_date,
    make_periods,
    place_events,
)

Horizon = Literal["day", "week"]
Progress = Callable[[str, float], None]  # (model name, work units done)
SELECTION_LEVEL = 5.0


class BacktestError(ValueError):
    """The backtest cannot run as asked (no history before the start, unknown model, ...)."""


@dataclass(frozen=True)
class BacktestSetup:
    """What to run: the protocol's options."""

    start: date
    end: date
    cell: float = 150.0
    horizon: Horizon = "day"
    tz: str = "UTC"
    area: dict[str, Any] | None = None
    models: tuple[str, ...] | None = None  # None: every model
    n_boot: int = 2000
    seed: int = 0


@dataclass
class ModelRun:
    """One model's tuning and test results."""

    spec: ModelSpec
    params: Params
    tuning: list[tuple[Params, float | None]]
    validation: Evaluation
    test: Evaluation


@dataclass
class BacktestResult:
    """Everything a report needs."""

    setup: BacktestSetup
    grid: Grid
    events: EventSet
    validation: Periods
    test: Periods
    runs: dict[str, ModelRun]
    best_baseline: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def observed_counts(events: EventSet, periods: Periods) -> FloatArray:
    """Events that occurred per (period, cell), whenever they were reported."""
    order = np.argsort(events.t, kind="stable")
    t, cell = events.t[order], events.cell[order]
    lo = np.searchsorted(t, periods.starts, side="left")
    hi = np.searchsorted(t, periods.ends, side="left")
    out = np.zeros((len(periods), events.grid.n_cells))
    for k in range(len(periods)):
        out[k] = np.bincount(cell[lo[k] : hi[k]], minlength=out.shape[1])
    return out


def tuning_score(ev: Evaluation) -> float | None:
    """The validation objective: mean pooled PAI at 1 % and 5 %."""
    values = [pai_at(ev, c) for c in HEADLINE]
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def split_periods(setup: BacktestSetup, events: EventSet, tz: ZoneInfo) -> tuple[Periods, Periods]:
    """(validation, test) periods: test from start to end, validation just before it."""
    step = 1 if setup.horizon == "day" else 7
    test = make_periods(setup.start, setup.end, tz, step_days=step)
    if len(events) == 0:
        raise BacktestError("no event lies in a valid cell")
    first = local_date(float(events.t.min()), tz)
    val_start = max(setup.start - (setup.end - setup.start), first)
    if val_start >= setup.start:
        raise BacktestError(f"there are no events before {setup.start} to tune on")
    validation = make_periods(val_start, setup.start, tz, step_days=step)
    return validation, test


def _run_model(
    spec: ModelSpec,
    events: EventSet,
    periods: tuple[Periods, Periods],
    truth: tuple[FloatArray, FloatArray],
    progress: Progress,
) -> ModelRun:
    validation, test = periods
    tuning: list[tuple[Params, float | None]] = []
    best: tuple[float, Params, Evaluation] | None = None
    for params in spec.candidates:
        ev = evaluate(spec.build(params).forecast(events, validation), truth[0])
        score = tuning_score(ev)
        tuning.append((params, score))
        if best is None or (score is not None and score > best[0]):
            best = (score if score is not None else -np.inf, params, ev)
        progress(spec.name, spec.cost * len(validation))
    assert best is not None  # every spec has at least one candidate
    _, params, val_ev = best
    test_ev = evaluate(spec.build(params).forecast(events, test), truth[1])
    progress(spec.name, spec.cost * len(test))
    return ModelRun(spec, params, tuning, val_ev, test_ev)


def select_specs(cell: float, names: Sequence[str] | None) -> list[ModelSpec]:
    """The specs to run, in registry order; unknown names are an error."""
    specs = model_specs(cell)
    if names is None:
        return specs
    known = [s.name for s in specs]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BacktestError(f"unknown model {unknown[0]!r}; choose from {', '.join(known)}")
    return [s for s in specs if s.name in names]


def work_units(specs: Sequence[ModelSpec], n_validation: int, n_test: int) -> float:
    """Total progress units of a run (each model: candidates × validation + test periods)."""
    return sum(s.cost * (len(s.candidates) * n_validation + n_test) for s in specs)


def prepare(table: IncidentTable, setup: BacktestSetup) -> tuple[Grid, EventSet, Periods, Periods]:
    """Grid, placed events and the (validation, test) periods of a backtest."""
    if setup.end <= setup.start:
        raise BacktestError("the end date must come after the start date")
    tz = ZoneInfo(setup.tz)
    grid = build_grid(table.lon, table.lat, cell=setup.cell, area=setup.area)
    events = place_events(table, grid, tz)
    validation, test = split_periods(setup, events, tz)
    return grid, events, validation, test


def run_backtest(
    table: IncidentTable,
    setup: BacktestSetup,
    *,
    progress: Progress | None = None,
    prepared: tuple[Grid, EventSet, Periods, Periods] | None = None,
) -> BacktestResult:
    """Tune every chosen model on validation, score it on test, compare with the best baseline."""
    grid, events, validation, test = prepared or prepare(table, setup)
    specs = select_specs(setup.cell, setup.models)
    truth = (observed_counts(events, validation), observed_counts(events, test))
    runs: dict[str, ModelRun] = {}
    for spec in specs:
        runs[spec.name] = _run_model(
            spec, events, (validation, test), truth, progress or (lambda _n, _u: None)
        )
    baselines = {
        name: pai_at(run.validation, SELECTION_LEVEL)
        for name, run in runs.items()
        if run.spec.kind == "baseline"
    }
    ranked = [n for n, v in baselines.items() if v is not None]
    best = max(ranked, key=lambda n: baselines[n] or 0.0) if ranked else None
    return BacktestResult(setup, grid, events, validation, test, runs, best)


def _week_blocks(periods: Periods) -> IntArray:
    return np.asarray((periods.day - periods.day[0]) // 7, dtype=np.int64)


def comparison(result: BacktestResult, name: str) -> dict[str, Any] | None:
    """vs_best_baseline of one model: pooled test PAI difference and its 95 % interval."""
    if result.best_baseline is None:
        return None
    best = result.runs[result.best_baseline].test
    ours = result.runs[name].test
    out: dict[str, Any] = {}
    for c in HEADLINE:
        diff, ci = bootstrap_pai_diff(
            ours,
            best,
            _week_blocks(result.test),
            c,
            n_boot=result.setup.n_boot,
            seed=result.setup.seed,
        )
        out[level_key(c)] = {"pai_diff": diff, "ci95": list(ci) if ci is not None else None}
    return out


def report(result: BacktestResult, *, incidents: str, area: str | None) -> dict[str, Any]:
    """The JSON document of a backtest (no NaN anywhere: missing figures are null)."""
    setup, grid = result.setup, result.grid
    models: dict[str, Any] = {}
    for name, run in result.runs.items():
        models[name] = {
            "kind": run.spec.kind,
            "params": dict(run.params),
            "pooled": pooled(run.test),
            "daily_mean": daily_mean(run.test),
            "vs_best_baseline": comparison(result, name),
        }
    protocol = {
        "incidents": incidents,
        "start": setup.start.isoformat(),
        "end": setup.end.isoformat(),
        "validation_start": _day_iso(result.validation.day[0]),
        "cell_m": setup.cell,
        "horizon": setup.horizon,
        "tz": setup.tz,
        "area": area,
        "projection_centre": [grid.lon0, grid.lat0],
        "grid_origin_m": [grid.x0, grid.y0],
        "valid_cells": grid.n_cells,
        "events_in_valid_cells": len(result.events),
        "periods": {"validation": len(result.validation), "test": len(result.test)},
        "coverages": list(COVERAGES),
        "tuning": "mean pooled validation PAI at 1 % and 5 %",
        "best_baseline_rule": "highest pooled validation PAI at 5 %",
        "validation_pai": {
            n: {level_key(c): pai_at(r.validation, c) for c in HEADLINE}
            for n, r in result.runs.items()
        },
        "bootstrap": {"block": "week", "replicates": setup.n_boot, "seed": setup.seed},
    }
    return {"protocol": protocol, "models": models, "best_baseline": result.best_baseline}


def _day_iso(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(day))).isoformat()
