"""Our model: a regularised cell-choice regression on multi-scale, weekday and category history.

For the period ahead, the share of its events falling in cell c is modelled as
    p_c = exp(β·φ_c) / Σ_c' exp(β·φ_c'),
where φ_c describes the cell's history: log event rates over a month, a season and a year
(exponentially decayed counts), the long-run rate of its surroundings at two spatial scales,
how much busier the coming weekday has been than the average day in the cell, its street and
its district, and the shares of the main categories in its history. This is Poisson
regression with a free intercept for every period (`jingwu.analytics.choice`), which is what
ranking cells within a period needs: totals that vary by season or weekday drop out. β is
refitted before every period by a Newton step from the previous β on the counts of the last W
periods, with a ridge penalty; expected counts are the shares times the recent event rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingwu.analytics.baselines import to_expected
from jingwu.analytics.choice import fit_choice
from jingwu.analytics.features import Feature, stream
from jingwu.analytics.forecast import FloatArray, ModelSpec, Params
from jingwu.analytics.timeline import DAY_S, EventSet, Periods, weekday

RATE_TAUS = (30.0, 90.0, 365.0)  # days: recent, seasonal and long-run rates
NEIGHBOUR_SIGMAS = (1.0, 3.0)  # cells: the long-run rate of the surroundings
WEEKDAY_SIGMAS = (0.0, 2.0, 6.0)  # cells: weekday rhythm of the cell, street, district
MAX_CATEGORIES = 4
PSEUDO_EVENTS = 1.0  # shrinks weekday factors and category shares of thin histories


@dataclass(frozen=True)
class Design:
    """Which raw features a CellChoice model reads, and how it transforms them."""

    categories: tuple[int, ...]

    def raw(self) -> tuple[Feature, ...]:
        """The decayed counts to stream, in the order :meth:`transform` expects."""
        long = RATE_TAUS[-1]
        feats = [Feature(t) for t in RATE_TAUS]
        feats += [Feature(long, s) for s in NEIGHBOUR_SIGMAS]
        for s in WEEKDAY_SIGMAS:
            feats += [Feature(long, s), Feature(long, s, same_weekday=True)]
        feats += [Feature(long, 0.0, category=c) for c in self.categories]
        return tuple(feats)

    def labels(self) -> list[str]:
        """Names of the transformed features, for reports."""
        names = [f"log_rate_{t:g}d" for t in RATE_TAUS]
        names += [f"log_rate_{RATE_TAUS[-1]:g}d_sigma{s:g}" for s in NEIGHBOUR_SIGMAS]
        names += [f"weekday_factor_sigma{s:g}" for s in WEEKDAY_SIGMAS]
        names += [f"category_share_{c}" for c in self.categories]
        return names

    def transform(self, x: FloatArray, history_days: float) -> FloatArray:
        """Log rates, weekday factors and category shares from the raw decayed counts."""
        n_rates = len(RATE_TAUS) + len(NEIGHBOUR_SIGMAS)
        taus = np.array([*RATE_TAUS, *([RATE_TAUS[-1]] * len(NEIGHBOUR_SIGMAS))])
        exposure = taus * -np.expm1(-max(history_days, 1e-6) / taus)
        rates = x[:, :n_rates] / exposure
        floor = max(float(rates[:, 1].mean()), 1e-9)  # the mean cell's rate
        cols = [np.log(rates + floor)]
        j = n_rates
        for _ in WEEKDAY_SIGMAS:
            every, same = x[:, j], x[:, j + 1]
            cols.append(np.log((7.0 * same + PSEUDO_EVENTS) / (every + PSEUDO_EVENTS))[:, None])
            j += 2
        long_all = x[:, len(RATE_TAUS) - 1]
        for c in range(len(self.categories)):
            prior = float(x[:, j + c].sum() / max(long_all.sum(), 1e-9))
            share = (x[:, j + c] + PSEUDO_EVENTS * prior) / (long_all + PSEUDO_EVENTS)
            cols.append(np.log(share + 1e-9)[:, None])
        return np.concatenate(cols, axis=1)


def top_categories(events: EventSet, before: float) -> tuple[int, ...]:
    """The most frequent categories among the events known before ``before`` (at most 4;
    none when there is only one category)."""
    if events.n_cats < 2:
        return ()
    counts = np.bincount(events.cat[: events.known_before(before)], minlength=events.n_cats)
    ranked = [int(c) for c in np.argsort(-counts, kind="stable") if counts[c] > 0]
    return tuple(sorted(ranked[:MAX_CATEGORIES]))


class _Window:
    """The features and bounds of the last W periods, in a ring buffer."""

    def __init__(self, size: int, n_cells: int, n_features: int) -> None:
        self.x = np.zeros((size, n_cells, n_features))
        self.start = np.full(size, np.inf)
        self.end = np.full(size, np.inf)
        self.count = 0

    def push(self, phi: FloatArray, start: float, end: float) -> None:
        slot = self.count % len(self.start)
        self.x[slot], self.start[slot], self.end[slot] = phi, start, end
        self.count += 1

    def ended_by(self, cutoff: float) -> tuple[FloatArray, FloatArray, FloatArray] | None:
        """(features, starts, ends) of the stored periods that ended by ``cutoff``."""
        ok = self.end <= cutoff
        if not ok.any():
            return None
        if ok.all():
            return self.x, self.start, self.end
        return self.x[ok], self.start[ok], self.end[ok]


def targets(events: EventSet, starts: FloatArray, ends: FloatArray, cutoff: float) -> FloatArray:
    """Counts per (training period, cell) of the events that occurred in the period and were
    known before ``cutoff``; periods may come in any order but must not overlap."""
    order = np.argsort(starts)
    first, last = starts[order], ends[order]
    part = slice(events.known_before(float(first[0])), events.known_before(cutoff))
    t, cell = events.t[part], events.cell[part]
    j = np.searchsorted(first, t, side="right") - 1
    ok = (j >= 0) & (t < last[np.maximum(j, 0)])
    n = events.grid.n_cells
    flat = order[j[ok]] * n + cell[ok]
    counts = np.bincount(flat, minlength=len(starts) * n)
    return counts.reshape(len(starts), n).astype(np.float64)


@dataclass(frozen=True)
class _Plan:
    """The periods a CellChoice run computes features for: W earlier ones, then the asked."""

    starts: FloatArray
    ends: FloatArray
    weekdays: list[int | None]


def _plan(periods: Periods, w: int) -> _Plan:
    days = max(1, round(float(np.median(periods.ends - periods.starts)) / DAY_S))
    back = days * np.arange(w, 0, -1)
    pre = periods.starts[0] - back * DAY_S
    local = np.r_[periods.day[0] - back, periods.day]
    return _Plan(
        starts=np.concatenate([pre, periods.starts]),
        ends=np.concatenate([pre + days * DAY_S, periods.ends]),
        weekdays=[int(d) if days == 1 else None for d in weekday(local)],
    )


@dataclass(frozen=True)
class CellChoice:
    """The learned cell-choice model (see the module docstring)."""

    train_periods: int
    ridge: float
    newton_steps: int = 1
    cold_steps: int = 6

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        out = np.zeros((len(periods), events.grid.n_cells))
        if len(periods) == 0:
            return out
        w = self.train_periods
        plan = _plan(periods, w)
        design = Design(top_categories(events, float(plan.starts[0])))
        window = _Window(w, events.grid.n_cells, len(design.labels()))
        beta: FloatArray | None = None
        first_seen = np.minimum.accumulate(events.t)  # earliest occurrence known so far
        for i, x in enumerate(stream(events, design.raw(), plan.starts, plan.weekdays)):
            known = events.known_before(float(plan.starts[i]))
            history = (plan.starts[i] - first_seen[known - 1]) / DAY_S if known else 0.0
            phi = design.transform(x, float(history))
            if i >= w:
                beta = self._refit(events, window, float(periods.starts[i - w]), beta)
                eta = phi @ beta if beta is not None else np.zeros(len(phi))
                out[i - w] = np.exp(eta - eta.max())
            window.push(phi, float(plan.starts[i]), float(plan.ends[i]))
        return to_expected(out / out.sum(axis=1, keepdims=True), events, periods)

    def _refit(
        self, events: EventSet, window: _Window, cutoff: float, beta: FloatArray | None
    ) -> FloatArray | None:
        rows = window.ended_by(cutoff)
        if rows is None:
            return beta
        x, starts, ends = rows
        y = targets(events, starts, ends, cutoff)
        if not y.any():
            return beta
        steps = self.cold_steps if beta is None else self.newton_steps
        start = np.zeros(x.shape[2]) if beta is None else beta
        return fit_choice(x, y, start, ridge=self.ridge, steps=steps)


def _build(p: Params) -> CellChoice:
    return CellChoice(train_periods=int(p["train_periods"]), ridge=float(p["ridge"]))


OURS_SPEC = ModelSpec(
    "cell_choice",
    "ours",
    "Ours: ridge cell-choice regression on multi-scale, weekday and category history.",
    _build,
    tuple({"train_periods": w, "ridge": r} for w in (28, 56) for r in (1.0, 30.0)),
    cost=4.0,
)
