"""Uncertainty and sensitivity analysis of the safety index (OECD/JRC handbook, step 7).

**Uncertainty.** Each Monte Carlo run draws, independently and uniformly, one choice per step
of :mod:`jingwu.evaluation.composite` — imputation (mean, median), normalisation (min–max,
z-score), weighting (catalogue, equal) and aggregation (arithmetic, geometric) — and multiplies
every weight by a factor drawn uniformly from [1 − p, 1 + p] (p = 20 %), renormalising so the
weights again sum to 1. The runs' ranks give each community its median rank and its 5–95 %
rank interval. The same ``seed`` gives the same result.

**Sensitivity: which choice moves ranks most.** Two measures per factor:

- ``mean_rank_shift``: one at a time from the published method (mean, min–max, catalogue,
  arithmetic, unperturbed weights), change only that factor and average |rank change| over the
  communities (for the weight perturbation: over ``shift_runs`` perturbed runs). Same unit for
  every factor (ranks), so ``most_influential`` is the factor with the largest shift.
- variance-based indices of the rank, from the Monte Carlo runs themselves: for each step, the
  first-order index S = Var(E[rank | choice]) / Var(rank); for the weight perturbation, which
  is continuous, the total-effect index E[Var(rank | the four choices)] / Var(rank). Both are
  summed over the communities before dividing (communities whose rank never moves add nothing).

Vectorised: the 8 (imputation × normalisation × aggregation) transformed matrices are built
once, and each group of runs sharing one is a single matrix product of its weight vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import numpy.typing as npt

from jingwu.errors import Invalid
from jingwu.evaluation.composite import (
    FACTORS,
    REFERENCE,
    Aggregation,
    FloatArray,
    Imputation,
    IndexSpec,
    IntArray,
    Method,
    Normalisation,
    Scores,
    Weighting,
    check_values,
    composite,
    rank,
    transformed,
)

PERTURBATION = "weights_perturbation"
MAX_RUNS = 100_000


@dataclass(frozen=True, slots=True)
class FactorEffect:
    """How much one factor moves the ranks."""

    factor: str
    mean_rank_shift: float  # mean |rank change| when only this factor changes
    first_order: float | None  # variance-based first-order index (the four choices)
    total_effect: float | None  # variance-based total-effect index (the weight perturbation)


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """The analysis: reference scores, rank distributions, factor effects."""

    runs: int
    seed: int
    perturbation: float
    reference: Scores
    median_rank: FloatArray  # (n,)
    rank_p05: FloatArray  # (n,), the better end of the 5–95 % interval
    rank_p95: FloatArray  # (n,)
    mean_rank_shift: float  # mean |run rank − reference rank| over runs and communities
    effects: tuple[FactorEffect, ...]
    most_influential: str | None  # None when no factor moves any rank
    choices: IntArray  # (runs, 4): the level drawn for each step, in FACTORS order


def uncertainty(
    spec: IndexSpec,
    values: npt.ArrayLike,
    *,
    runs: int = 1000,
    seed: int = 0,
    perturbation: float = 0.2,
    shift_runs: int = 100,
) -> Uncertainty:
    """Monte Carlo over the method's choices and perturbed weights, for every community."""
    if not 1 <= runs <= MAX_RUNS or not 1 <= shift_runs <= MAX_RUNS:
        raise Invalid("The number of runs must be between 1 and {most}.", params={"most": MAX_RUNS})
    if not 0 <= perturbation < 1:
        raise Invalid("The weight perturbation must be at least 0 and below 1.")
    x = check_values(spec, values)
    matrices = _matrices(spec, x)
    choices, ranks = _monte_carlo(spec, matrices, runs, seed, perturbation)
    base = rank(_scores(spec, matrices, [0] * len(FACTORS)))
    low, median, high = np.percentile(ranks, [5, 50, 95], axis=0)
    effects = _effects(spec, matrices, base, ranks, choices, seed, perturbation, shift_runs)
    top = max(effects, key=lambda e: e.mean_rank_shift)
    return Uncertainty(
        runs=runs,
        seed=seed,
        perturbation=perturbation,
        reference=composite(spec, x, REFERENCE),
        median_rank=median,
        rank_p05=low,
        rank_p95=high,
        mean_rank_shift=float(np.abs(ranks - base).mean()),
        effects=effects,
        most_influential=top.factor if top.mean_rank_shift > 0 else None,
        choices=choices,
    )


def _monte_carlo(
    spec: IndexSpec,
    matrices: dict[tuple[int, int, int], FloatArray],
    runs: int,
    seed: int,
    perturbation: float,
) -> tuple[IntArray, IntArray]:
    """The runs' drawn choices (runs × 4) and their ranks (runs × communities)."""
    rng = np.random.default_rng(seed)
    choices = np.column_stack([rng.integers(0, len(k), size=runs) for k in FACTORS.values()])
    factors = rng.uniform(1 - perturbation, 1 + perturbation, size=(runs, len(spec.ids)))
    weights = _perturbed(spec, choices[:, 2], factors)
    n = next(iter(matrices.values())).shape[0]
    ranks = np.empty((runs, n), dtype=np.int64)
    for key, matrix in matrices.items():
        chosen = (choices[:, 0] == key[0]) & (choices[:, 1] == key[1]) & (choices[:, 3] == key[2])
        if chosen.any():
            ranks[chosen] = rank(weights[chosen] @ matrix.T)
    return choices, ranks


def _matrices(spec: IndexSpec, x: FloatArray) -> dict[tuple[int, int, int], FloatArray]:
    """The transformed matrix of each (imputation, normalisation, aggregation) level triple."""
    out = {}
    for (i, imp), (j, norm), (k, agg) in product(
        enumerate(Imputation), enumerate(Normalisation), enumerate(Aggregation)
    ):
        method = Method(imp, norm, Weighting.CATALOGUE, agg)
        out[i, j, k] = transformed(x, spec.higher_better, method)
    return out


def _scores(
    spec: IndexSpec, matrices: dict[tuple[int, int, int], FloatArray], levels: Sequence[int]
) -> FloatArray:
    """The unperturbed scores of the method with these levels (in FACTORS order)."""
    weights = spec.weights(list(Weighting)[levels[2]])
    return matrices[levels[0], levels[1], levels[3]] @ weights


def _perturbed(spec: IndexSpec, weighting: IntArray, factors: FloatArray) -> FloatArray:
    """Each run's weights: its scheme's weights times its factors, renormalised to sum to 1."""
    schemes = np.stack([spec.weights(w) for w in Weighting])
    w = schemes[weighting] * factors
    return np.asarray(w / w.sum(axis=1, keepdims=True), dtype=np.float64)


def _effects(
    spec: IndexSpec,
    matrices: dict[tuple[int, int, int], FloatArray],
    base: IntArray,
    ranks: IntArray,
    choices: IntArray,
    seed: int,
    perturbation: float,
    shift_runs: int,
) -> tuple[FactorEffect, ...]:
    """Each factor's one-at-a-time rank shift and variance-based index."""
    r = ranks.astype(np.float64)
    total = float(r.var(axis=0).sum())
    effects = []
    for column, (name, kind) in enumerate(FACTORS.items()):
        shifts = []
        for level in range(1, len(kind)):  # level 0 of every step is the reference method
            levels = [level if c == column else 0 for c in range(len(FACTORS))]
            shifts.append(float(np.abs(rank(_scores(spec, matrices, levels)) - base).mean()))
        explained = _explained(r, choices[:, column])
        effects.append(FactorEffect(name, float(np.mean(shifts)), _share(explained, total), None))
    rng = np.random.default_rng([seed, 1])
    factors = rng.uniform(1 - perturbation, 1 + perturbation, size=(shift_runs, len(spec.ids)))
    w = _perturbed(spec, np.zeros(shift_runs, dtype=np.int64), factors)
    shift = float(np.abs(rank(w @ matrices[0, 0, 0].T) - base).mean())
    configuration = choices @ (2 ** np.arange(choices.shape[1]))
    within = _within(r, configuration)
    effects.append(FactorEffect(PERTURBATION, shift, None, _share(within, total)))
    return tuple(effects)


def _explained(r: FloatArray, level: IntArray) -> float:
    """Σ over communities of Var(E[rank | level]) (population variances)."""
    mean = r.mean(axis=0)
    out = 0.0
    for value in np.unique(level):
        chosen = level == value
        out += chosen.mean() * float(((r[chosen].mean(axis=0) - mean) ** 2).sum())
    return out


def _within(r: FloatArray, group: IntArray) -> float:
    """Σ over communities of E[Var(rank | group)]."""
    out = 0.0
    for value in np.unique(group):
        chosen = group == value
        out += chosen.mean() * float(r[chosen].var(axis=0).sum())
    return out


def _share(part: float, total: float) -> float:
    return float(part / total) if total > 0 else 0.0
