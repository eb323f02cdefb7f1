"""The period's index results from its stored values: the three KPI indices for every
station, street and district (streets and the district from their stations' rolled-up
components, :func:`jingwu.evaluation.kpi.rolled_index_values`), and the community safety
index for the stations, each with its rank and 5–95 % rank interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jingwu.evaluation import kpi
from jingwu.evaluation.composite import IndexSpec
from jingwu.evaluation.indices import ranking
from jingwu.evaluation.indices.compute_base import bulk_insert
from jingwu.evaluation.indices.models import IndexResult, IndicatorValue
from jingwu.evaluation.indices.periods import Period
from jingwu.evaluation.indices.values import Stored
from jingwu.evaluation.measures import Catalogue, Measure
from jingwu.evaluation.uncertainty import uncertainty
from jingwu.evaluation.vocab import Rollup
from jingwu.org.models import Unit

SAFETY = "safety"
SAFETY_RUNS = 1000
MIN_SAFETY_WEIGHT = 0.5  # a station needs values carrying half the safety index's weight

Values = Mapping[tuple[str, int], tuple[float | None, float | None]]


@dataclass(frozen=True, slots=True)
class Node:
    """A unit and the stations below it (a station: itself)."""

    id: int
    kind: str
    stations: tuple[int, ...]


def seed_of(period: Period) -> int:
    """The Monte Carlo seed of a period (stored with its results)."""
    return period.year * 100 + period.month * 10 + period.months


def tree(session: Session) -> list[Node]:
    """Every station, street and district, with the stations below each."""
    units = session.execute(select(Unit.id, Unit.kind, Unit.path).order_by(Unit.id)).all()
    below: dict[int, list[int]] = {u.id: [] for u in units}
    for u in units:
        if u.kind == "community":  # a station counts under every unit on its path
            for part in u.path.strip("/").split("/"):
                if part.isdigit() and int(part) in below:
                    below[int(part)].append(u.id)
    return [
        Node(u.id, u.kind, tuple(below[u.id]))
        for u in units
        if u.kind in ("community", "street", "district")
    ]


def load(
    session: Session, catalogue: Catalogue, period: Period, known: Stored | None = None
) -> dict[tuple[str, int], Any]:
    """Each measure's value for ``period``: its own, or that of the period containing it.
    ``known``: every value of the periods this recompute has just stored (those entered or
    imported included), which are not read again."""
    wanted = {m.id: str(period.containing(m.frequency)) for m in catalogue}
    fresh = {p for p in set(wanted.values()) if known is not None and p in known}
    columns = (
        IndicatorValue.indicator,
        IndicatorValue.unit_id,
        IndicatorValue.period,
        IndicatorValue.value,
        IndicatorValue.basis,
    )
    stmt = select(*columns).where(IndicatorValue.period.in_(set(wanted.values()) - fresh))
    out = {
        (ind, unit): (value, basis)
        for ind, unit, p, value, basis in session.execute(stmt)
        if wanted.get(ind) == p
    }
    for p in fresh:
        assert known is not None
        out |= {key: v for key, v in known[p].items() if wanted.get(key[0]) == p}
    return out


def _component(c: Measure, v: tuple[float | None, float | None] | None) -> kpi.ComponentValue:
    value, basis = v if v is not None else (None, None)
    if value is not None and getattr(c, "rollup", None) is Rollup.POOLED and not basis:
        basis = 1.0  # an entered value of a pooled component counts as one unit's worth
    return kpi.ComponentValue(value, basis)


def kpi_results(catalogue: Catalogue, values: Values, nodes: list[Node]) -> list[dict[str, Any]]:
    """Every KPI index of every unit, ranked among the units of its kind."""
    out: list[dict[str, Any]] = []
    for index in catalogue.indices:
        for kind in ("community", "street", "district"):
            group = [n for n in nodes if n.kind == kind]
            computed = [_kpi_of(catalogue, index.id, values, n) for n in group]
            vals = np.array([np.nan if v.value is None else v.value for v in computed])
            scores = np.array(
                [[np.nan if s is None else s for _, s in v.scores] for v in computed]
            ).reshape(len(group), len(index.components))
            weights = np.array([c.weight for c in index.components], dtype=np.float64)
            r = ranking.kpi_ranks(vals, scores, weights)
            for k, (n, v) in enumerate(zip(group, computed, strict=True)):
                out.append(
                    _result(index.id, n.id, v.value, r.rank[k], r.rank_p05[k], r.rank_p95[k])
                    | {
                        "ranked": r.ranked,
                        "method": {
                            "kind": "kpi",
                            "scores": dict(v.scores),
                            "missing": list(v.missing),
                            "partial": v.partial,
                            "present_weight": v.present_weight,
                            "runs": ranking.RUNS,
                            "perturbation": ranking.PERTURBATION,
                            "stations": len(n.stations),
                        },
                    }
                )
    return out


def _kpi_of(catalogue: Catalogue, index_id: str, values: Values, n: Node) -> kpi.IndexValue:
    index = catalogue.index(index_id)
    if n.kind == "community":
        found = {c.id: values.get((c.id, n.id), (None, None))[0] for c in index.components}
        return kpi.index_value(
            index,
            {k: v for k, v in found.items() if v is not None},
            min_present_weight=catalogue.min_present_weight,
        )
    rows = [
        {c.id: _component(c, values.get((c.id, s))) for c in index.components} for s in n.stations
    ]
    rolled = {c.id: kpi.roll_up(c, (r[c.id] for r in rows)).value for c in index.components}
    return kpi.index_value(
        index,
        {k: v for k, v in rolled.items() if v is not None},
        min_present_weight=catalogue.min_present_weight,
    )


def _result(index: str, unit: int, value: float | None, *ranks: float) -> dict[str, Any]:
    rank, low, high = (None if np.isnan(x) else float(x) for x in ranks)
    return {
        "index_id": index,
        "unit_id": unit,
        "value": value,
        "rank": None if rank is None else int(rank),
        "rank_p05": low,
        "rank_p95": high,
    }


def safety_results(
    catalogue: Catalogue, values: Values, nodes: list[Node], *, seed: int, runs: int = SAFETY_RUNS
) -> list[dict[str, Any]]:
    """The community safety index of every station, with the Monte Carlo rank interval."""
    stations = [n.id for n in nodes if n.kind == "community"]
    indicators = catalogue.indicators
    x = np.array(
        [[_value(values, i.id, s) for i in indicators] for s in stations], dtype=np.float64
    ).reshape(len(stations), len(indicators))
    weights = catalogue.effective_weights()
    w = np.array([weights[i.id] for i in indicators])
    enough = (~np.isnan(x) * w).sum(axis=1) >= MIN_SAFETY_WEIGHT - 1e-9
    keep = ~np.all(np.isnan(x[enough]), axis=0)  # an indicator none of them has is dropped
    base = {
        "kind": SAFETY,
        "runs": runs,
        "seed": seed,
        "imputation": "mean",
        "dropped": [i.id for i, k in zip(indicators, keep, strict=True) if not k],
    }
    if enough.sum() < 2 or not keep.any():
        return [
            _result(SAFETY, s, None, np.nan, np.nan, np.nan) | {"ranked": 0, "method": base}
            for s in stations
        ]
    kept = [i for i, k in zip(indicators, keep, strict=True) if k]
    spec = IndexSpec(
        ids=tuple(i.id for i in kept),
        higher_better=np.array([i.higher_better for i in kept]),
        categories=tuple(i.category for i in kept),
        catalogue_weights=w[keep] / w[keep].sum(),
        low=np.array([i.low for i in kept], dtype=np.float64),
        high=np.array([i.high for i in kept], dtype=np.float64),
    )
    u = uncertainty(spec, x[enough][:, keep], runs=runs, seed=seed)
    out, k = [], 0
    for s, ok in zip(stations, enough, strict=True):
        if not ok:
            out.append(
                _result(SAFETY, s, None, np.nan, np.nan, np.nan) | {"ranked": 0, "method": base}
            )
            continue
        ref = u.reference
        method = base | {
            "imputed": int(ref.imputed[k]),
            "median_rank": float(u.median_rank[k]),
            "most_influential": u.most_influential,
            "categories": dict(
                zip(spec.category_ids, map(float, ref.category_scores[k]), strict=True)
            ),
        }
        out.append(
            _result(SAFETY, s, float(ref.scores[k]), ref.ranks[k], u.rank_p05[k], u.rank_p95[k])
            | {"ranked": int(enough.sum()), "method": method}
        )
        k += 1
    return out


def _value(values: Values, indicator: str, station: int) -> float:
    v = values.get((indicator, station))
    return np.nan if v is None or v[0] is None else float(v[0])


def store(
    session: Session,
    catalogue: Catalogue,
    period: Period,
    *,
    now: dt.datetime,
    nodes: list[Node] | None = None,
    known: Stored | None = None,
) -> int:
    """Replace the period's index results (``nodes``: the unit tree, if read already;
    ``known``: the values just stored, see :func:`load`)."""
    nodes = tree(session) if nodes is None else nodes
    values = load(session, catalogue, period, known)
    rows = kpi_results(catalogue, values, nodes)
    rows += safety_results(catalogue, values, nodes, seed=seed_of(period))
    session.execute(delete(IndexResult).where(IndexResult.period == str(period)))
    common = {"period": str(period), "catalogue_version": catalogue.version, "computed_at": now}
    bulk_insert(session, IndexResult, [r | common for r in rows])
    return len(rows)
