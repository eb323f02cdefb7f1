"""The community safety index (AN-3), built the way the OECD/JRC *Handbook on Constructing
Composite Indicators* (2008) lays out, every choice stated in the result (:class:`Method`).

1. **Imputation** of missing values: the indicator's unconditional mean or median over the
   communities that have a value (handbook step 3, "unconditional mean/median imputation").
   The value filled in for each indicator, and how many values each community had imputed,
   are reported with the scores.
2. **Normalisation**, direction-aware (a lower-is-better indicator is turned round, so that
   after normalisation higher is always better): min–max onto [0, 100], or z-scores (mean 0,
   standard deviation 1 over the communities ranked). An indicator on which every community
   has the same value carries no information and normalises to the neutral point (50; z 0).
   Both are relative: a community's value depends on the set of communities ranked together.
3. **Weighting**: the catalogue's (category weight × indicator weight within the category), or
   equal weights — equal over the five categories and equal inside each, so that a category
   does not count for more just because it has more indicators.
4. **Aggregation**: arithmetic (weighted sum; full compensability) or geometric (weighted
   product; a poor indicator cannot be fully made up for). The geometric mean needs strictly
   positive values: min–max values are then taken on [1, 100] instead of [0, 100], z-scores as
   T-scores 50 + 10·z floored at 1 (a z below −4.9 counts as −4.9).

Ranks: 1 is the best; ties (scores equal to 9 decimals) go by the order the communities are
given in, so ranks are always a permutation of 1..n. The uncertainty and sensitivity analysis
over these choices is :mod:`jingwu.evaluation.uncertainty`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from jingwu.errors import Invalid
from jingwu.evaluation.measures import Catalogue, number

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RANK_DECIMALS = 9  # scores equal to this many decimals tie
T_FLOOR = 1.0  # the smallest T-score the geometric mean takes


class Imputation(StrEnum):
    """How a missing value is filled in."""

    MEAN = "mean"
    MEDIAN = "median"


class Normalisation(StrEnum):
    """How indicators are brought to a common scale."""

    MINMAX = "minmax"
    ZSCORE = "zscore"


class Weighting(StrEnum):
    """Which weights combine the indicators."""

    CATALOGUE = "catalogue"
    EQUAL = "equal"


class Aggregation(StrEnum):
    """How weighted indicators are combined."""

    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"


@dataclass(frozen=True, slots=True)
class Method:
    """One choice at each step; the default is the index as published."""

    imputation: Imputation = Imputation.MEAN
    normalisation: Normalisation = Normalisation.MINMAX
    weighting: Weighting = Weighting.CATALOGUE
    aggregation: Aggregation = Aggregation.ARITHMETIC

    def vary(self, factor: str, level: StrEnum) -> Method:
        """This method with one step (``imputation``, ``normalisation``, …) chosen differently."""
        if not isinstance(level, FACTORS.get(factor, ())):
            raise Invalid(
                "{level} is not a choice for {factor}.",
                params={"factor": factor, "level": str(level)},
            )
        steps: dict[str, Any] = {name: getattr(self, name) for name in FACTORS}
        return Method(**(steps | {factor: level}))


REFERENCE = Method()
FACTORS: dict[str, type[StrEnum]] = {
    "imputation": Imputation,
    "normalisation": Normalisation,
    "weighting": Weighting,
    "aggregation": Aggregation,
}


@dataclass(frozen=True, eq=False)
class IndexSpec:
    """The indicators of an index: ids, directions, categories, catalogue weights, ranges."""

    ids: tuple[str, ...]
    higher_better: BoolArray
    categories: tuple[str, ...]  # each indicator's category
    catalogue_weights: FloatArray  # fractions summing to 1
    low: FloatArray = field(default_factory=lambda: np.empty(0))
    high: FloatArray = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        m = len(self.ids)
        if m == 0 or len(set(self.ids)) != m or len(self.categories) != m:
            raise Invalid("An index needs distinct indicators, each in a category.")
        if self.higher_better.shape != (m,) or self.catalogue_weights.shape != (m,):
            raise Invalid("An index needs a direction and a weight for each indicator.")
        w = self.catalogue_weights
        if not (np.all(np.isfinite(w)) and np.all(w > 0) and math.isclose(w.sum(), 1.0)):
            raise Invalid(
                "Weights of {group} sum to {total}%, not 100%.",
                params={"group": "safety_index", "total": number(float(w.sum()) * 100)},
            )
        if self.low.size == 0 and self.high.size == 0:
            object.__setattr__(self, "low", np.full(m, -np.inf))
            object.__setattr__(self, "high", np.full(m, np.inf))
        if self.low.shape != (m,) or self.high.shape != (m,) or (self.low >= self.high).any():
            raise Invalid("An index needs a range for each indicator, or none.")

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> IndexSpec:
        """The safety index of a catalogue version."""
        indicators = catalogue.indicators
        weights = catalogue.effective_weights()
        return cls(
            ids=tuple(i.id for i in indicators),
            higher_better=np.array([i.higher_better for i in indicators]),
            categories=tuple(i.category for i in indicators),
            catalogue_weights=np.array([weights[i.id] for i in indicators]),
            low=np.array([i.low for i in indicators], dtype=np.float64),
            high=np.array([i.high for i in indicators], dtype=np.float64),
        )

    @property
    def category_ids(self) -> tuple[str, ...]:
        """The categories in order of first appearance."""
        return tuple(dict.fromkeys(self.categories))

    def weights(self, weighting: Weighting) -> FloatArray:
        """The weights of one weighting scheme (fractions summing to 1)."""
        if weighting is Weighting.CATALOGUE:
            return self.catalogue_weights.copy()
        cats = np.array(self.categories)
        per_category = {c: 1.0 / len(self.category_ids) for c in self.category_ids}
        counts = {c: int(np.sum(cats == c)) for c in self.category_ids}
        return np.array([per_category[c] / counts[c] for c in self.categories])


@dataclass(frozen=True, eq=False)
class Scores:
    """The index for every community under one method."""

    method: Method
    scores: FloatArray  # (n,), on the scale of the method
    ranks: IntArray  # (n,), 1 = best
    category_scores: FloatArray  # (n, categories), each category aggregated the same way
    imputed: IntArray  # (n,), values imputed per community
    fill: FloatArray  # (m,), the value imputed for each indicator (NaN: none was missing)


def check_values(spec: IndexSpec, values: npt.ArrayLike) -> FloatArray:
    """``values`` (communities × indicators, NaN = missing) as floats; Invalid if unusable."""
    try:
        x = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise Invalid("The values must be numbers or missing.") from None
    if x.ndim != 2 or x.shape[1] != len(spec.ids) or x.shape[0] == 0:
        raise Invalid(
            "The values need one column per indicator ({count}) and a row per community.",
            params={"count": len(spec.ids)},
        )
    if np.isinf(x).any():
        raise Invalid("The values must be numbers or missing.")
    empty = np.isnan(x).all(axis=0)
    if empty.any():
        raise Invalid(
            "Indicator {id} has no value in any community.",
            params={"id": spec.ids[int(np.argmax(empty))]},
        )
    outside = ~np.isnan(x) & ((x < spec.low) | (x > spec.high))
    if outside.any():
        row, col = (int(k) for k in np.argwhere(outside)[0])
        raise Invalid(
            "Community {row}: the value {value} of {id} lies outside its range {low} to {high}.",
            params={
                "row": row + 1,
                "value": number(float(x[row, col])),
                "id": spec.ids[col],
                "low": number(float(spec.low[col])),
                "high": number(float(spec.high[col])),
            },
        )
    return x


def impute(values: FloatArray, how: Imputation) -> tuple[FloatArray, BoolArray]:
    """Missing values filled with their column's mean or median; and where they were."""
    missing = np.isnan(values)
    if not missing.any():
        return values, missing
    return np.where(missing, fill_values(values, how), values), missing


def fill_values(values: FloatArray, how: Imputation) -> FloatArray:
    """Each column's mean or median over its values (NaN = missing): what imputation fills in."""
    fill = np.nanmean(values, axis=0) if how is Imputation.MEAN else np.nanmedian(values, axis=0)
    # A mean of equal values can round off them; keep it inside the observed range.
    return np.asarray(
        np.clip(fill, np.nanmin(values, axis=0), np.nanmax(values, axis=0)), dtype=np.float64
    )


def normalise(
    values: FloatArray, higher_better: BoolArray, how: Normalisation, *, positive: bool = False
) -> FloatArray:
    """Complete values on a common scale, higher always better; strictly positive if asked."""
    if how is Normalisation.MINMAX:
        lo, hi = values.min(axis=0), values.max(axis=0)
        span = hi - lo
        flat = span == 0
        safe = np.where(flat, 1.0, span)
        up = np.where(higher_better, values - lo, hi - values) / safe
        unit = np.where(flat, 0.5, up)
        return 1.0 + 99.0 * unit if positive else 100.0 * unit
    mean, sd = values.mean(axis=0), values.std(axis=0)
    flat = values.max(axis=0) == values.min(axis=0)  # sd of equal values may round above 0
    z = np.where(flat, 0.0, (values - mean) / np.where(flat, 1.0, sd))
    z = np.where(higher_better, z, -z)
    return np.maximum(50.0 + 10.0 * z, T_FLOOR) if positive else z


def transformed(values: FloatArray, higher_better: BoolArray, method: Method) -> FloatArray:
    """Imputed, normalised values, as logs when the aggregation is geometric: scores are then
    ``transformed @ weights`` (a weighted sum of logs is the log of the weighted product)."""
    filled, _ = impute(values, method.imputation)
    geometric = method.aggregation is Aggregation.GEOMETRIC
    y = normalise(filled, higher_better, method.normalisation, positive=geometric)
    return np.log(y) if geometric else y


def aggregate(normalised: FloatArray, weights: FloatArray, how: Aggregation) -> FloatArray:
    """Weighted arithmetic or geometric means of the rows (weights summing to 1)."""
    if how is Aggregation.ARITHMETIC:
        return np.asarray((normalised * weights).sum(axis=1), dtype=np.float64)
    return np.asarray(np.exp((np.log(normalised) * weights).sum(axis=1)), dtype=np.float64)


def rank(scores: FloatArray) -> IntArray:
    """Ranks (1 = best) of each row of scores; ties go by position. Works on (n,) or (r, n)."""
    rounded = np.round(scores, RANK_DECIMALS)
    order = np.argsort(-rounded, axis=-1, kind="stable")
    ranks = np.empty(order.shape, dtype=np.int64)
    places = np.broadcast_to(np.arange(1, order.shape[-1] + 1), order.shape)
    np.put_along_axis(ranks, order, places, axis=-1)
    return ranks


def composite(spec: IndexSpec, values: npt.ArrayLike, method: Method = REFERENCE) -> Scores:
    """The index of every community (rows of ``values``) under ``method``."""
    x = check_values(spec, values)
    filled, missing = impute(x, method.imputation)
    geometric = method.aggregation is Aggregation.GEOMETRIC
    y = normalise(filled, spec.higher_better, method.normalisation, positive=geometric)
    w = spec.weights(method.weighting)
    cats = np.array(spec.categories)
    by_category = []
    for category in spec.category_ids:
        mask = cats == category
        by_category.append(aggregate(y[:, mask], w[mask] / w[mask].sum(), method.aggregation))
    scores = aggregate(y, w, method.aggregation)
    return Scores(
        method=method,
        scores=scores,
        ranks=rank(scores),
        category_scores=np.column_stack(by_category),
        imputed=missing.sum(axis=1).astype(np.int64),
        fill=np.where(missing.any(axis=0), fill_values(x, method.imputation), np.nan),
    )
