"""The backtest protocol end to end on a small synthetic district, and its JSON document."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import numpy as np
import pytest

from jingwu.analytics.backtest import (
    BacktestError,
    BacktestResult,
    BacktestSetup,
    observed_counts,
    prepare,
    report,
    run_backtest,
    select_specs,
)
from jingwu.analytics.metrics import pai_at
from jingwu.analytics.parse import IncidentTable
from jingwu.analytics.synthetic import synthetic_incidents

LEVELS = ["0.5", "1", "2", "5", "10", "20"]


@cache
def district() -> IncidentTable:
    return synthetic_incidents(
        4000,
        start=datetime(2026, 1, 1, tzinfo=UTC),
        days=120,
        centre=(121.47, 31.23),
        radius_m=1500.0,
        rng=np.random.default_rng(9),
        n_hotspots=12,
    )


@cache
def result() -> BacktestResult:
    setup = BacktestSetup(start=date(2026, 4, 1), end=date(2026, 4, 15), tz="Asia/Shanghai")
    return run_backtest(district(), setup)


def test_the_report_has_exactly_the_documented_shape() -> None:
    doc = report(result(), incidents="district.csv", area=None)
    assert set(doc) == {"protocol", "models", "best_baseline"}
    assert list(doc["models"]) == [s.name for s in select_specs(150.0, None)]
    for name, model in doc["models"].items():
        assert set(model) == {"kind", "params", "pooled", "daily_mean", "vs_best_baseline"}
        assert model["kind"] == ("ours" if name == "cell_choice" else "baseline")
        for block in ("pooled", "daily_mean"):
            assert list(model[block]) == LEVELS
            for figures in model[block].values():
                assert set(figures) == {"hit_rate", "pai", "pei"}
                assert 0.0 <= figures["hit_rate"] <= 1.0
                assert 0.0 <= figures["pei"] <= 1.0 + 1e-12
        assert set(model["vs_best_baseline"]) == {"1", "5"}
        for cmp in model["vs_best_baseline"].values():
            lo, hi = cmp["ci95"]
            assert lo <= hi
    json.dumps(doc, allow_nan=False)  # raises on NaN or infinity


def test_the_best_baseline_has_the_highest_validation_pai_at_five_percent() -> None:
    res = result()
    baselines = {
        n: pai_at(r.validation, 5.0) for n, r in res.runs.items() if r.spec.kind == "baseline"
    }
    assert res.best_baseline == max(baselines, key=lambda n: baselines[n] or 0.0)
    doc = report(res, incidents="x", area=None)
    own = doc["models"][res.best_baseline]["vs_best_baseline"]
    assert own == {
        "1": {"pai_diff": 0.0, "ci95": [0.0, 0.0]},
        "5": {"pai_diff": 0.0, "ci95": [0.0, 0.0]},
    }


def test_hyperparameters_are_the_best_on_validation() -> None:
    for run in result().runs.values():
        scores = [s for _, s in run.tuning if s is not None]
        chosen = next(s for p, s in run.tuning if p == run.params)
        assert chosen == max(scores)


def test_validation_has_the_test_length_clipped_at_the_first_event() -> None:
    res = result()
    assert len(res.test) == 14 and len(res.validation) == 14
    assert res.validation.ends[-1] == res.test.starts[0]
    long = BacktestSetup(start=date(2026, 3, 1), end=date(2026, 4, 30), tz="Asia/Shanghai")
    _, _, validation, _ = prepare(district(), long)
    assert len(validation) == 31 + 28  # clipped at 1 January, the first event's day
    doc_start = report(res, incidents="x", area=None)["protocol"]["validation_start"]
    assert doc_start == "2026-03-18"


def test_it_refuses_a_start_before_any_event() -> None:
    with pytest.raises(BacktestError, match="no events before"):
        prepare(district(), BacktestSetup(start=date(2025, 12, 1), end=date(2025, 12, 8)))
    with pytest.raises(BacktestError, match="after the start"):
        prepare(district(), BacktestSetup(start=date(2026, 3, 1), end=date(2026, 3, 1)))


def test_unknown_models_are_named_in_the_error() -> None:
    with pytest.raises(BacktestError, match="unknown model 'magic'"):
        select_specs(150.0, ["naive", "magic"])


def test_observed_counts_are_the_events_that_occurred_in_each_period() -> None:
    res = result()
    counts = observed_counts(res.events, res.test)
    inside = (res.events.t >= res.test.starts[0]) & (res.events.t < res.test.ends[-1])
    assert counts.sum() == inside.sum()


def test_weekly_periods_run_too() -> None:
    setup = BacktestSetup(
        start=date(2026, 3, 19), end=date(2026, 4, 30), horizon="week", models=("naive", "etas")
    )
    res = run_backtest(district(), setup)
    assert len(res.test) == 6
    doc: dict[str, Any] = report(res, incidents="x", area=None)
    assert doc["protocol"]["horizon"] == "week"
    assert doc["models"]["etas"]["pooled"]["5"]["pai"] > 1.0
