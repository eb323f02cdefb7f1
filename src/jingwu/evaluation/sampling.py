"""Sampling for the third-party evaluation (EVAL-5): margins of error, sample sizes, allocation.

The mystery visits (神秘人暗访) take at least 200 samples per district every half-year; each
visit passes or fails the scoring sheet, so the result is a proportion. Its uncertainty at 95 %
is given two ways: the normal approximation p ± z·√(p(1−p)/n) (what survey reports quote as
"the margin of error"), and the Wilson score interval, which stays inside [0, 1] and keeps its
coverage for small samples and proportions near 0 or 1 (Wilson 1927; Brown, Cai & DasGupta
2001). With n = 200 and p = 50 % the margin is ±6.9 points.

A finite population (a station with few households) may be given: the margin then shrinks by
the finite population correction √((N − n)/(N − 1)).

The samples are spread over the stations in proportion to a weight (residents, households,
orders), each station getting a floor, with the largest-remainder method; remainders that tie
are ordered by a seeded random draw, so an allocation is reproducible from its seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from jingwu.errors import Invalid

CONFIDENCE = 0.95
MIN_MYSTERY_VISITS = 200  # per district and half-year (EVAL-5)


@dataclass(frozen=True, slots=True)
class Interval:
    """An estimated proportion and its confidence interval (all shares in 0–1)."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class ProportionReport:
    """What a page shows for a sampled proportion."""

    successes: int
    n: int
    confidence: float
    margin: float  # the normal approximation's half-width
    normal: Interval
    wilson: Interval
    enough: bool  # at least the minimum number of samples


def z_value(confidence: float = CONFIDENCE) -> float:
    """The two-sided standard-normal quantile for ``confidence`` (1.96 for 95 %)."""
    if not 0 < confidence < 1:
        raise Invalid("The confidence level must be between 0 and 1.")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def margin_of_error(
    p: float, n: int, *, confidence: float = CONFIDENCE, population: int | None = None
) -> float:
    """The normal approximation's half-width for a proportion ``p`` from ``n`` samples."""
    _check_sample(n, population)
    if not 0 <= p <= 1:
        raise Invalid("A proportion must be between 0 and 1.")
    return z_value(confidence) * math.sqrt(p * (1 - p) / n) * _fpc(n, population)


def normal_interval(successes: int, n: int, *, confidence: float = CONFIDENCE) -> Interval:
    """p̂ ± the margin of error, cut to [0, 1]."""
    p = _share(successes, n)
    margin = margin_of_error(p, n, confidence=confidence)
    return Interval(p, max(0.0, p - margin), min(1.0, p + margin))


def wilson_interval(successes: int, n: int, *, confidence: float = CONFIDENCE) -> Interval:
    """The Wilson score interval for ``successes`` out of ``n``."""
    p = _share(successes, n)
    z = z_value(confidence)
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # It always holds p̂; keep rounding (at p̂ = 0 or 1) from saying otherwise.
    return Interval(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))


def report(
    successes: int, n: int, *, confidence: float = CONFIDENCE, minimum: int = MIN_MYSTERY_VISITS
) -> ProportionReport:
    """Everything about a sampled proportion: estimate, margin, both intervals, enough or not."""
    normal = normal_interval(successes, n, confidence=confidence)
    return ProportionReport(
        successes=successes,
        n=n,
        confidence=confidence,
        margin=margin_of_error(normal.estimate, n, confidence=confidence),
        normal=normal,
        wilson=wilson_interval(successes, n, confidence=confidence),
        enough=n >= minimum,
    )


def sample_size(
    margin: float,
    *,
    confidence: float = CONFIDENCE,
    p: float = 0.5,
    population: int | None = None,
) -> int:
    """The fewest samples whose margin of error (normal approximation) is at most ``margin``."""
    if not 0 < margin < 1 or not 0 <= p <= 1:
        raise Invalid("A margin of error must be between 0 and 1.")
    if population is not None and population < 1:
        raise Invalid("A population needs at least one member.")
    z = z_value(confidence)
    n = max(1, math.ceil(z * z * p * (1 - p) / (margin * margin) - 1e-9))
    if population is not None:
        n = min(population, max(1, math.ceil(n / (1 + (n - 1) / population) - 1e-9)))
    # The closed forms can be one off by rounding; settle on the exact smallest n.
    while (
        n > 1 and margin_of_error(p, n - 1, confidence=confidence, population=population) <= margin
    ):
        n -= 1
    cap = population or math.inf
    while n < cap and margin_of_error(p, n, confidence=confidence, population=population) > margin:
        n += 1
    return n


def allocate(
    weights: Mapping[str, float], total: int, *, seed: int, minimum: int = 1
) -> dict[str, int]:
    """``total`` samples over strata in proportion to ``weights``, at least ``minimum`` each
    (strata of weight 0 get none); reproducible from ``seed``."""
    names = sorted(weights)
    w = np.array([float(weights[k]) for k in names], dtype=np.float64)
    if not names or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise Invalid("Sampling needs a non-negative weight for each station, not all zero.")
    live = w > 0
    spare = total - minimum * int(live.sum())
    if minimum < 0 or spare < 0:
        raise Invalid(
            "{total} samples cannot give each of {count} stations at least {minimum}.",
            params={"total": total, "count": int(live.sum()), "minimum": minimum},
        )
    quota = spare * w / w.sum()
    counts = np.floor(quota).astype(np.int64)
    remainder = quota - counts
    tiebreak = np.random.default_rng(seed).permutation(len(names))
    order = np.lexsort((tiebreak, -np.round(remainder, 12)))
    counts[order[: spare - int(counts.sum())]] += 1
    counts[live] += minimum
    return {name: int(c) for name, c in zip(names, counts, strict=True)}


def _share(successes: int, n: int) -> float:
    _check_sample(n, None)
    if not 0 <= successes <= n:
        raise Invalid("The successes must be between 0 and the number of samples.")
    return successes / n


def _check_sample(n: int, population: int | None) -> None:
    if n < 1:
        raise Invalid("A sample needs at least one member.")
    if population is not None and population < n:
        raise Invalid("A sample cannot be larger than its population.")


def _fpc(n: int, population: int | None) -> float:
    if population is None:
        return 1.0
    if n >= population:
        return 0.0  # a census has no sampling error
    return math.sqrt((population - n) / (population - 1))
