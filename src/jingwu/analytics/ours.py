"""Our model: a regularised cell-choice (conditional Poisson) regression on multi-scale history.

For a period ahead, the share of its events falling in cell c is modelled as
    p_c = exp(β·φ_c) / Σ_c' exp(β·φ_c'),
where φ_c are log(1 + decayed counts) of the cell's history at several time scales (a day to a
year), spatial scales (the cell, its neighbourhood), per category, and on the same weekday as
the period. This is the Poisson regression with a free intercept for every period, which is
exactly what ranking cells within a period needs: totals that vary by season or weekday drop
out. β is refitted before every period by Newton steps on the last W periods' counts, with a
ridge penalty; expected counts are the shares times the recent event rate.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from jingwu.analytics.baselines import to_expected
from jingwu.analytics.features import Feature, stream
from jingwu.analytics.forecast import FloatArray, ModelSpec, Params
from jingwu.analytics.timeline import DAY_S, EventSet, Periods, weekday


def choice_loglik(eta: FloatArray, y: FloatArray) -> float:
    """Σ_r Σ_c y_rc · log softmax(eta_r)_c."""
    top = eta.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(eta - top).sum(axis=1))
    return float(np.sum(y * eta) - np.sum(y.sum(axis=1) * log_norm))


def fit_choice(
    x: FloatArray, y: FloatArray, beta: FloatArray, *, ridge: float, steps: int
) -> FloatArray:
    """Newton steps (with step halving) for the ridge-penalised cell-choice likelihood.

    x: (periods, cells, features); y: (periods, cells) observed counts.
    """
    rows, cells, k = x.shape
    flat = x.reshape(rows * cells, k)
    n = y.sum(axis=1)

    def objective(b: FloatArray) -> float:
        return choice_loglik((flat @ b).reshape(rows, cells), y) - 0.5 * ridge * float(b @ b)

    current = objective(beta)
    for _ in range(steps):
        eta = (flat @ beta).reshape(rows, cells)
        p = np.exp(eta - eta.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        resid = (y - n[:, np.newaxis] * p).reshape(-1)
        grad = flat.T @ resid - ridge * beta
        weight = (n[:, np.newaxis] * p).reshape(-1)
        mean = np.einsum("rck,rc->rk", x, p)
        hess = (flat * weight[:, np.newaxis]).T @ flat - (mean * n[:, np.newaxis]).T @ mean
        delta = np.linalg.solve(hess + ridge * np.eye(k), grad)
        for _halving in range(20):
            trial = beta + delta
            value = objective(trial)
            if value >= current:
                beta, current = trial, value
                break
            delta = delta / 2.0
        else:
            break
    return beta


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


@dataclass(frozen=True)
class CellChoice:
    """The learned cell-choice model (see the module docstring)."""

    train_periods: int
    ridge: float
    newton_steps: int = 1

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        n_cells = events.grid.n_cells
        out = np.zeros((len(periods), n_cells))
        if len(periods) == 0:
            return out
        days = max(1, round(float(np.median(periods.ends - periods.starts)) / DAY_S))
        w = self.train_periods
        pre = periods.starts[0] - days * DAY_S * np.arange(w, 0, -1)
        starts = np.concatenate([pre, periods.starts])
        ends = np.concatenate([pre + days * DAY_S, periods.ends])
        first_day = periods.day[0] - days * np.arange(w, 0, -1)
        dows = [int(d) if days == 1 else None for d in weekday(np.r_[first_day, periods.day])]
        design = Design(top_categories(events, float(starts[0])))
        beta = np.zeros(len(design.labels()))
        cold = True
        window: deque[tuple[FloatArray, float, float]] = deque(maxlen=w)
        first_seen = np.minimum.accumulate(events.t)  # earliest occurrence known so far
        for i, x in enumerate(stream(events, design.raw(), starts, dows)):
            known = events.known_before(float(starts[i]))
            history = (starts[i] - first_seen[known - 1]) / DAY_S if known else 0.0
            phi = design.transform(x, float(history))
            if i >= w:
                k = i - w
                train = [item for item in window if item[2] <= periods.starts[k]]
                if train:
                    y = _targets(events, train, float(periods.starts[k]))
                    if y.any():
                        xs = np.stack([item[0] for item in train])
                        steps = 6 if cold else self.newton_steps
                        beta = fit_choice(xs, y, beta, ridge=self.ridge, steps=steps)
                        cold = False
                out[k] = _shares(phi @ beta)
            window.append((phi, float(starts[i]), float(ends[i])))
        return to_expected(out, events, periods)


def _shares(eta: FloatArray) -> FloatArray:
    p = np.exp(eta - eta.max())
    return np.asarray(p / p.sum(), dtype=np.float64)


def _targets(
    events: EventSet, train: list[tuple[FloatArray, float, float]], cutoff: float
) -> FloatArray:
    """Counts per (training period, cell) of events that occurred in it, known before cutoff."""
    first = train[0][1]
    part = slice(events.known_before(first), events.known_before(cutoff))
    t, cell = events.t[part], events.cell[part]
    edges = np.array([item[1] for item in train] + [train[-1][2]])
    row = np.searchsorted(edges, t, side="right") - 1
    inside = (
        (row >= 0)
        & (row < len(train))
        & (t < np.array([it[2] for it in train])[np.clip(row, 0, len(train) - 1)])
    )
    n = events.grid.n_cells
    flat = row[inside] * n + cell[inside]
    return np.bincount(flat, minlength=len(train) * n).reshape(len(train), n).astype(np.float64)


def _build(p: Params) -> CellChoice:
    return CellChoice(train_periods=int(p["train_periods"]), ridge=float(p["ridge"]))


OURS_SPEC = ModelSpec(
    "cell_choice",
    "ours",
    "Ours: ridge cell-choice regression on multi-scale, per-category and weekday history.",
    _build,
    tuple({"train_periods": w, "ridge": r} for w in (28, 56) for r in (1.0, 100.0)),
    cost=4.0,
)
