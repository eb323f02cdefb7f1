"""Hit rate, PAI and PEI at fixed area coverages, with ties split fractionally (pure).

At coverage c % the forecaster flags c % of the valid cells, a real number n of cells.
Cells are taken in order of decreasing score; the group of tied cells that straddles n is
taken in proportion (each of its g cells counts (n - taken) / g). Hit rate = captured /
events; PAI = hit rate / (c / 100); PEI = captured / what the best n cells (same rule,
ranked by the true counts) could have captured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

COVERAGES: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
HEADLINE: tuple[float, ...] = (1.0, 5.0)

Figures = dict[str, float | None]


def level_key(coverage: float) -> str:
    """JSON key of a coverage level: 0.5 → "0.5", 5.0 → "5"."""
    return f"{coverage:g}"


def captured_at(scores: FloatArray, counts: FloatArray, takes: FloatArray) -> FloatArray:
    """Events captured by the top ``takes[j]`` cells (real numbers) of ``scores``."""
    if scores.shape != counts.shape:
        raise ValueError("scores and counts must have the same shape")
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite numbers")
    if np.any(takes < 0) or np.any(takes > len(scores)):
        raise ValueError("cannot take a negative number of cells, nor more than there are")
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    group = np.cumsum(starts) - 1
    size = np.bincount(group).astype(np.float64)
    events = np.bincount(group, weights=counts[order])
    cum_size = np.cumsum(size)
    cum_events = np.cumsum(events)
    j = np.minimum(np.searchsorted(cum_size, takes, side="left"), len(size) - 1)
    before_size = cum_size[j] - size[j]
    before_events = cum_events[j] - events[j]
    return before_events + events[j] * (takes - before_size) / size[j]


@dataclass(frozen=True)
class Evaluation:
    """Per period and coverage level: events captured, the best possible, and events."""

    captured: FloatArray  # (periods, levels)
    best: FloatArray  # (periods, levels)
    events: FloatArray  # (periods,)
    coverages: tuple[float, ...] = COVERAGES


def evaluate(
    scores: FloatArray, counts: FloatArray, coverages: tuple[float, ...] = COVERAGES
) -> Evaluation:
    """Score a forecast (periods × cells) against the observed counts (periods × cells)."""
    n_periods, n_cells = counts.shape
    takes = np.asarray(coverages, dtype=np.float64) / 100.0 * n_cells
    captured = np.zeros((n_periods, len(coverages)))
    best = np.zeros((n_periods, len(coverages)))
    for k in range(n_periods):
        if counts[k].any():  # no events: nothing to capture, skip the sorting
            captured[k] = captured_at(scores[k], counts[k], takes)
            best[k] = captured_at(counts[k], counts[k], takes)
    return Evaluation(captured, best, counts.sum(axis=1), coverages)


def _figures(captured: float, best: float, events: float, coverage: float) -> Figures:
    if events <= 0:
        return {"hit_rate": None, "pai": None, "pei": None}
    hit = captured / events
    return {
        "hit_rate": hit,
        "pai": hit / (coverage / 100.0),
        "pei": captured / best if best > 0 else None,
    }


def pooled(ev: Evaluation) -> dict[str, Figures]:
    """Figures with captured, best and events summed over all periods."""
    cap, best, events = ev.captured.sum(axis=0), ev.best.sum(axis=0), float(ev.events.sum())
    return {
        level_key(c): _figures(float(cap[j]), float(best[j]), events, c)
        for j, c in enumerate(ev.coverages)
    }


def daily_mean(ev: Evaluation) -> dict[str, Figures]:
    """Figures per period averaged over the periods with at least one event."""
    busy = ev.events > 0
    out: dict[str, Figures] = {}
    for j, c in enumerate(ev.coverages):
        rows = [
            _figures(float(ev.captured[k, j]), float(ev.best[k, j]), float(ev.events[k]), c)
            for k in np.flatnonzero(busy)
        ]
        out[level_key(c)] = {
            name: _mean([r[name] for r in rows]) for name in ("hit_rate", "pai", "pei")
        }
    return out


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def pai_at(ev: Evaluation, coverage: float) -> float | None:
    """Pooled PAI at one coverage level (None without events)."""
    return pooled(ev)[level_key(coverage)]["pai"]


def bootstrap_pai_diff(
    ours: Evaluation,
    theirs: Evaluation,
    blocks: IntArray,
    coverage: float,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> tuple[float | None, tuple[float, float] | None]:
    """Pooled PAI difference (ours − theirs) and its 95 % interval by resampling blocks."""
    j = ours.coverages.index(coverage)
    _, block = np.unique(blocks, return_inverse=True)
    n_blocks = int(block.max()) + 1 if len(block) else 0
    cap_a = np.bincount(block, weights=ours.captured[:, j], minlength=n_blocks)
    cap_b = np.bincount(block, weights=theirs.captured[:, j], minlength=n_blocks)
    events = np.bincount(block, weights=ours.events, minlength=n_blocks)
    if events.sum() <= 0:
        return None, None
    scale = coverage / 100.0
    diff = float((cap_a.sum() - cap_b.sum()) / events.sum() / scale)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_blocks, size=(n_boot, n_blocks))
    weight = np.zeros((n_boot, n_blocks))
    np.add.at(weight, (np.repeat(np.arange(n_boot), n_blocks), draws.ravel()), 1.0)
    total = weight @ events
    ok = total > 0
    reps = (weight[ok] @ (cap_a - cap_b)) / total[ok] / scale
    lo, hi = np.percentile(reps, [2.5, 97.5])
    return diff, (float(lo), float(hi))
