"""Reading a stored backtest document (the ``--json`` output): checks, table rows, curves.

Pure: the document is the dict written by :func:`jingwu.analytics.backtest.report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jingwu.analytics.metrics import COVERAGES, level_key

DEPLOY_LEVEL = "5"  # the map forecasts with the model of the highest pooled test PAI here


class BacktestDocumentError(ValueError):
    """The document is not a backtest result of the documented shape."""


def _figure(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BacktestDocumentError(f"figure {value!r} is not a number or null")
    return float(value)


def check_document(doc: Any) -> tuple[date, date]:
    """Raise BacktestDocumentError unless ``doc`` has the documented shape; return the test
    period (start, end)."""
    if not isinstance(doc, dict):
        raise BacktestDocumentError("the document is not a JSON object")
    protocol, models = doc.get("protocol"), doc.get("models")
    if not isinstance(protocol, dict) or not isinstance(models, dict) or not models:
        raise BacktestDocumentError("the document needs a protocol and at least one model")
    try:
        start = date.fromisoformat(str(protocol["start"]))
        end = date.fromisoformat(str(protocol["end"]))
    except (KeyError, ValueError):
        raise BacktestDocumentError("the protocol needs start and end dates") from None
    for name, model in models.items():
        if not isinstance(model, dict) or model.get("kind") not in ("baseline", "ours"):
            raise BacktestDocumentError(f"model {name!r} needs a kind of baseline or ours")
        pooled = model.get("pooled")
        if not isinstance(pooled, dict):
            raise BacktestDocumentError(f"model {name!r} has no pooled figures")
        for c in COVERAGES:
            fig = pooled.get(level_key(c))
            if not isinstance(fig, dict):
                raise BacktestDocumentError(f"model {name!r} has no pooled figures at {c:g} %")
            for key in ("hit_rate", "pai", "pei"):
                _figure(fig.get(key))
    best = doc.get("best_baseline")
    if best is not None and best not in models:
        raise BacktestDocumentError(f"best_baseline {best!r} is not one of the models")
    return start, end


def deployment_choice(doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(model, params) with the highest pooled test PAI at 5 %; ours wins a tie."""
    ranked = []
    for name, model in doc["models"].items():
        pai = _figure(model["pooled"][DEPLOY_LEVEL].get("pai"))
        if pai is not None:
            ranked.append((pai, model["kind"] == "ours", name))
    if not ranked:
        raise BacktestDocumentError("no model has a PAI at 5 %")
    _, _, name = max(ranked)
    return name, dict(doc["models"][name].get("params") or {})


@dataclass(frozen=True)
class ModelRow:
    """One line of the PAI table on the map page."""

    name: str
    kind: str
    params: str
    hit: dict[str, float | None]
    pai: dict[str, float | None]
    pei: dict[str, float | None]
    diff: dict[str, tuple[float | None, float | None, float | None]]  # level → (Δ, lo, hi)


def _params(params: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items()
    )


def _diff(model: dict[str, Any], level: str) -> tuple[float | None, float | None, float | None]:
    cmp = (model.get("vs_best_baseline") or {}).get(level) or {}
    lo, hi = cmp.get("ci95") or (None, None)
    return _figure(cmp.get("pai_diff")), _figure(lo), _figure(hi)


def model_rows(doc: dict[str, Any]) -> list[ModelRow]:
    """The PAI table: every model's pooled test figures and its difference to the best
    baseline, at every coverage level."""
    rows = []
    for name, model in doc["models"].items():
        pooled = model["pooled"]
        keys = [level_key(c) for c in COVERAGES]
        rows.append(
            ModelRow(
                name=name,
                kind=model["kind"],
                params=_params(dict(model.get("params") or {})),
                hit={k: _figure(pooled[k].get("hit_rate")) for k in keys},
                pai={k: _figure(pooled[k].get("pai")) for k in keys},
                pei={k: _figure(pooled[k].get("pei")) for k in keys},
                diff={k: _diff(model, k) for k in ("1", "5")},
            )
        )
    return rows


def hit_rate_curves(doc: dict[str, Any]) -> dict[str, Any]:
    """Chart data: the coverage levels and, per model, the pooled hit rate at each."""
    keys = [level_key(c) for c in COVERAGES]
    return {
        "coverages": list(COVERAGES),
        "series": [
            {"name": name, "kind": model["kind"],
             "hit_rate": [_figure(model["pooled"][k].get("hit_rate")) for k in keys]}
            for name, model in doc["models"].items()
        ],
    }  # fmt: skip
