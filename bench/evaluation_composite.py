"""Benchmark: the safety index's uncertainty analysis (1,000 runs × 2,000 communities × 32).

The seed catalogue's 32 indicators (`jingwu.evaluation.catalogue`) over 2,000 synthetic
communities: each value is drawn inside its indicator's range from a common latent "how well
the community does" plus noise (so indicators correlate, as real ones do), and 5 % of the
values are missing. Measured, each the median of several runs:

- the published index alone (`composite`: impute, normalise, weight, aggregate, rank);
- the whole analysis (`uncertainty`): 1,000 Monte Carlo runs over imputation × normalisation
  × weighting × aggregation with ±20 % weight perturbations, median ranks and 5–95 %
  intervals, and the sensitivity measures (one-at-a-time shifts with 100 perturbed runs,
  variance-based indices).

Same-run baseline: the straightforward way, each Monte Carlo run computed on its own with
`composite` (impute, normalise, aggregate and rank from scratch), timed over 50 runs and
scaled to the full count (it is linear in the runs).
Target of issue 10: the analysis ≤ 10 s.

    .venv/bin/python bench/evaluation_composite.py [--runs 1000] [--communities 2000]
        [--repeat 3] [--out bench/results/evaluation_composite.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.composite import (
    FACTORS,
    IndexSpec,
    Method,
    composite,
)
from jingwu.evaluation.uncertainty import uncertainty

TARGET_S = 10.0
BASELINE_RUNS = 50


def synthetic(spec: IndexSpec, n: int, *, seed: int, missing: float = 0.05) -> np.ndarray:
    """n communities' values, correlated through a latent score, some missing."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    signal = np.where(spec.higher_better, 1.0, -1.0) * latent + rng.normal(size=(n, 32)) * 0.8
    share = 1 / (1 + np.exp(-signal))  # in (0, 1)
    values = spec.low + share * (spec.high - spec.low)
    values[rng.random(values.shape) < missing] = np.nan
    return values


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def baseline(spec: IndexSpec, values: np.ndarray, runs: int, seed: int) -> None:
    """Each run on its own: a method and perturbed weights, then the index from scratch."""
    rng = np.random.default_rng(seed)
    kinds = list(FACTORS.values())
    for _ in range(runs):
        method = Method(*(list(k)[rng.integers(len(k))] for k in kinds))  # type: ignore[arg-type]
        w = spec.weights(method.weighting) * rng.uniform(0.8, 1.2, size=len(spec.ids))
        varied = IndexSpec(spec.ids, spec.higher_better, spec.categories, w / w.sum())
        composite(
            varied,
            values,
            Method(method.imputation, method.normalisation, aggregation=method.aggregation),
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("bench/results/evaluation_composite.md"))
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    spec = IndexSpec.from_catalogue(default_catalogue())
    values = synthetic(spec, args.communities, seed=args.seed)
    print(
        f"{args.communities:,} communities × {len(spec.ids)} indicators, "
        f"{np.isnan(values).mean():.1%} missing",
        flush=True,
    )

    reference = timed(lambda: composite(spec, values), max(args.repeat, 5))
    print(f"  published index: {statistics.median(reference) * 1000:.1f} ms", flush=True)
    result = uncertainty(spec, values, runs=args.runs, seed=args.seed)
    analysis = timed(lambda: uncertainty(spec, values, runs=args.runs, seed=args.seed), args.repeat)
    print(f"  analysis: {statistics.median(analysis):.2f} s", flush=True)
    naive = timed(lambda: baseline(spec, values, BASELINE_RUNS, args.seed), 1)[0]
    naive_full = naive * args.runs / BASELINE_RUNS
    print(f"  baseline: {naive_full:.1f} s (extrapolated)", flush=True)

    median_s = statistics.median(analysis)
    width = result.rank_p95 - result.rank_p05
    lines = [
        f"# Evaluation: safety-index uncertainty analysis ({args.runs:,} runs × "
        f"{args.communities:,} communities × {len(spec.ids)} indicators)",
        "",
        f"Command: `.venv/bin/python bench/evaluation_composite.py --runs {args.runs} "
        f"--communities {args.communities} --repeat {args.repeat}`  ",
        f"Machine: {platform.machine()}, 2 shared CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average at the start {load:.1f}  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Data: the seed catalogue's {len(spec.ids)} indicators over {args.communities:,} "
        f"synthetic communities (values correlated through a latent score, "
        f"{np.isnan(values).mean():.1%} missing); medians of {args.repeat} runs.",
        "",
        "| step | time |",
        "| --- | --- |",
        f"| the published index alone (mean, min–max, catalogue weights, arithmetic) | "
        f"{statistics.median(reference) * 1000:.1f} ms |",
        f"| **the whole analysis: {args.runs:,} Monte Carlo runs, rank intervals, "
        f"sensitivity** | **{median_s:.2f} s** "
        f"({'met' if median_s <= TARGET_S else 'NOT met'}; target ≤ {TARGET_S:.0f} s) |",
        f"| baseline: each run from scratch with `composite` ({BASELINE_RUNS} runs, "
        f"extrapolated) | {naive_full:.1f} s |",
        "",
        f"By-product on this data: median width of the 5–95 % rank interval "
        f"{np.median(width):.0f} ranks; most influential choice: "
        f"`{result.most_influential}`; mean |rank shift| per factor: "
        + ", ".join(f"{e.factor} {e.mean_rank_shift:.1f}" for e in result.effects)
        + ".",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
