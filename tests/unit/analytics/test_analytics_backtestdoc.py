"""Stored backtest documents: shape checks, the model the map deploys, table and curves."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from jingwu.analytics.backtestdoc import (
    BacktestDocumentError,
    check_document,
    deployment_choice,
    hit_rate_curves,
    model_rows,
)

LEVELS = ("0.5", "1", "2", "5", "10", "20")


def _model(kind: str, pai5: float | None, params: dict[str, Any]) -> dict[str, Any]:
    pooled = {k: {"hit_rate": 0.1, "pai": 10.0, "pei": 0.3} for k in LEVELS}
    pooled["5"] = {"hit_rate": None if pai5 is None else pai5 / 20, "pai": pai5, "pei": 0.4}
    return {
        "kind": kind, "params": params, "pooled": pooled, "daily_mean": pooled,
        "vs_best_baseline": {"1": {"pai_diff": 0.2, "ci95": [-0.1, 0.5]},
                             "5": {"pai_diff": 0.1, "ci95": [0.05, 0.2]}},
    }  # fmt: skip


def document() -> dict[str, Any]:
    return {
        "protocol": {"start": "2017-07-01", "end": "2018-01-01"},
        "models": {
            "naive": _model("baseline", 7.5, {"days": 112}),
            "st_kde": _model("baseline", 7.7, {"bandwidth_m": 37.5, "tau_days": 90}),
            "cell_choice": _model("ours", 7.7, {"train_periods": 28, "ridge": 30.0}),
        },
        "best_baseline": "naive",
    }


def test_a_well_formed_document_passes_and_gives_its_test_period() -> None:
    start, end = check_document(document())
    assert (start.isoformat(), end.isoformat()) == ("2017-07-01", "2018-01-01")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("protocol"), "protocol"),
        (lambda d: d["protocol"].update(start="July"), "start and end"),
        (lambda d: d["models"]["naive"].update(kind="other"), "kind"),
        (lambda d: d["models"]["naive"]["pooled"].pop("20"), "at 20 %"),
        (lambda d: d["models"]["naive"]["pooled"]["5"].update(pai="7"), "not a number"),
        (lambda d: d.update(best_baseline="zeta"), "best_baseline"),
    ],
)
def test_malformed_documents_are_refused_with_the_reason(change: Any, message: str) -> None:
    doc = copy.deepcopy(document())
    change(doc)
    with pytest.raises(BacktestDocumentError, match=message):
        check_document(doc)


def test_the_map_uses_the_best_test_pai_at_five_percent_and_ours_wins_a_tie() -> None:
    assert deployment_choice(document()) == ("cell_choice", {"train_periods": 28, "ridge": 30.0})
    doc = document()
    doc["models"]["st_kde"]["pooled"]["5"]["pai"] = 7.9
    assert deployment_choice(doc)[0] == "st_kde"
    for model in doc["models"].values():
        model["pooled"]["5"]["pai"] = None
    with pytest.raises(BacktestDocumentError, match="no model"):
        deployment_choice(doc)


def test_rows_and_curves_carry_every_model_and_level() -> None:
    rows = model_rows(document())
    assert [r.name for r in rows] == ["naive", "st_kde", "cell_choice"]
    assert rows[2].params == "train_periods=28, ridge=30" and rows[2].diff["5"] == (0.1, 0.05, 0.2)
    curves = hit_rate_curves(document())
    assert curves["coverages"] == [0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
    assert curves["series"][0]["hit_rate"][3] == pytest.approx(7.5 / 20)
