"""Ranks of a KPI index with their 5–95 % interval (pure: numpy only).

A KPI index is a weighted mean of its components' 0–100 scores (:mod:`jingwu.evaluation.kpi`).
Its one choice open to question is the weights, so its uncertainty is a Monte Carlo over
them, as the safety index's is (:mod:`jingwu.evaluation.uncertainty`): each run multiplies
every weight by a factor drawn from [0.8, 1.2] and renormalises over the components a unit
has; each unit's 5 % and 95 % rank over the runs bound its interval. Only units that have
the index are ranked; ties go by position (:func:`jingwu.evaluation.composite.rank`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jingwu.evaluation.composite import rank

FloatArray = npt.NDArray[np.float64]
RUNS = 500
PERTURBATION = 0.2


@dataclass(frozen=True, eq=False)
class Ranked:
    """The rank (1 = best) and interval of each unit with a value (NaN where it has none)."""

    rank: FloatArray
    rank_p05: FloatArray
    rank_p95: FloatArray
    ranked: int  # units with a value


def kpi_ranks(
    values: FloatArray,
    scores: FloatArray,
    weights: FloatArray,
    *,
    runs: int = RUNS,
    seed: int = 0,
    perturbation: float = PERTURBATION,
) -> Ranked:
    """Ranks of ``values`` (n,) and their interval over perturbed ``weights`` (k,) applied to
    the component ``scores`` (n, k; NaN = missing). NaN values are not ranked."""
    n = values.shape[0]
    out = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    has = ~np.isnan(values)
    m = int(has.sum())
    if m == 0:
        return Ranked(*out, ranked=0)
    s = scores[has]
    present = ~np.isnan(s)
    filled = np.where(present, s, 0.0)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - perturbation, 1 + perturbation, size=(runs, weights.shape[0]))
    w = factors * weights  # (runs, k)
    run_values = (w @ filled.T) / (w @ present.T.astype(np.float64))  # (runs, m)
    runs_ranked = rank(run_values)
    low, high = np.percentile(runs_ranked, [5, 95], axis=0)
    out[0][has], out[1][has], out[2][has] = rank(values[has]), low, high
    return Ranked(*out, ranked=m)
