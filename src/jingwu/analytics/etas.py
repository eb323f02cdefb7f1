"""Grid ETAS (Mohler et al. 2015) fitted by expectation–maximisation, vectorised.

In every valid cell n the conditional intensity is
    λ_n(t) = μ_n + Σ_{t_i < t, i in n} θ ω exp(−ω (t − t_i)),
a constant background plus self-excitation: each event adds on average θ direct offspring
in its own cell, spread in time with rate ω (per day). EM alternates the probabilities that
each event is background or triggered by an earlier event (E) with closed-form updates (M).

No pairs of events are formed: the sums Σ_i exp(−ω(t − t_i)) and Σ_i (t − t_i) exp(−ω(t − t_i))
over earlier events in the same cell obey first-order linear recurrences, evaluated for all
cells at once by a parallel prefix scan in ⌈log2(longest cell history)⌉ numpy steps.
Events at the same instant in the same cell do not trigger each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jingwu.analytics.forecast import FloatArray, ModelSpec, Params, window_slice
from jingwu.analytics.timeline import DAY_S, EventSet, Periods

IntArray = npt.NDArray[np.int64]

OMEGA_BOUNDS = (1e-3, 1e3)  # per day: decays between ~3 years and ~1.5 minutes
THETA_MAX = 0.999  # keep the process subcritical


@dataclass(frozen=True)
class EtasFit:
    """Fitted parameters: background per cell per day, trigger ratio, decay per day."""

    mu: FloatArray
    theta: float
    omega: float
    iterations: int
    converged: bool


def linear_scan(a: FloatArray, b: FloatArray) -> FloatArray:
    """x_i = a_i·x_(i−1) + b_i with x_(−1) = 0, for every i (Hillis–Steele prefix scan)."""
    a, b = a.copy(), b.copy()
    step = 1
    while step < len(a) and a[step:].any():
        b[step:] = a[step:] * b[:-step] + b[step:]  # right side is evaluated before writing
        a[step:] = a[step:] * a[:-step]
        step *= 2
    return b


@dataclass(frozen=True)
class _Instants:
    """Events collapsed to distinct (cell, time) instants, sorted by cell then time."""

    t: FloatArray  # days
    cell: IntArray
    count: FloatArray  # events at the instant
    gap: FloatArray  # days since the previous instant of the same cell (0 at a cell's first)
    first: npt.NDArray[np.bool_]  # the first instant of its cell


def _instants(t: FloatArray, cell: IntArray) -> _Instants:
    order = np.lexsort((t, cell))
    ts, cs = t[order], cell[order]
    new = np.r_[True, (cs[1:] != cs[:-1]) | (ts[1:] != ts[:-1])]
    ids = np.cumsum(new) - 1
    count = np.bincount(ids).astype(np.float64)
    it, ic = ts[new], cs[new]
    first = np.r_[True, ic[1:] != ic[:-1]]
    gap = np.where(first, 0.0, np.diff(it, prepend=it[:1]))
    return _Instants(it, ic, count, gap, first)


def _excitation(inst: _Instants, omega: float) -> tuple[FloatArray, FloatArray]:
    """Per instant: S = Σ exp(−ωΔ) and U = Σ Δ·exp(−ωΔ) over earlier events of its cell."""
    decay = np.where(inst.first, 0.0, np.exp(-omega * inst.gap))
    prev_count = np.where(inst.first, 0.0, np.roll(inst.count, 1))
    s = linear_scan(decay, decay * prev_count)
    prev_s = np.where(inst.first, 0.0, np.roll(s, 1))
    u = linear_scan(decay, decay * inst.gap * (prev_s + prev_count))
    return s, u


def _trigger_step(
    trig: float, trig_time: float, remaining: FloatArray, omega: float
) -> tuple[float, float]:
    """M-step for (θ, ω) with the window's right edge accounted for.

    Maximises trig·log(θω) − ω·trig_time − θ·Σ(1 − exp(−ω·R_i)), R_i being the time event i
    had left to trigger before the window closed: θ has a closed form given ω, and ω solves
    ω = trig / (trig_time + θ·Σ R_i·exp(−ω·R_i)), iterated a few times.
    """
    if trig <= 0 or trig_time <= 0:
        return 0.0, omega
    theta = 0.0
    for _ in range(3):
        decayed = np.exp(-omega * remaining)
        theta = min(trig / float(np.sum(1.0 - decayed)), THETA_MAX)
        censored = theta * float(np.sum(remaining * decayed))
        omega = float(np.clip(trig / (trig_time + censored), *OMEGA_BOUNDS))
    return theta, omega


def _initial(
    n_events: FloatArray, span_days: float, start: EtasFit | None
) -> tuple[float, float, FloatArray]:
    """Starting (θ, ω, μ): neutral guesses, or a nearby fit (a warm start)."""
    if start is None:
        return 0.5, 1.0, 0.5 * n_events / span_days
    # cells without events get no background; θ starts at 0.05 or more because zero is a fixed
    # point of its EM update, and μ never below a twentieth of the cell's rate for the same
    mu = np.where(n_events > 0, np.maximum(start.mu, 0.05 * n_events / span_days), 0.0)
    return max(start.theta, 0.05), start.omega, mu


def fit_etas(
    t_days: FloatArray,
    cell: IntArray,
    n_cells: int,
    span_days: float,
    *,
    start: EtasFit | None = None,
    tol: float = 1e-4,
    max_iter: int = 300,
) -> EtasFit:
    """EM fit on events at ``t_days`` in [0, span_days) of the given cells.

    ``start`` is a nearby fit to begin from (a warm start: the previous day's fit).
    """
    n_events = np.bincount(cell, minlength=n_cells).astype(np.float64)
    if len(t_days) == 0 or span_days <= 0:
        return EtasFit(np.zeros(n_cells), 0.0, 1.0, 0, True)
    inst = _instants(t_days, cell)
    theta, omega, mu = _initial(n_events, span_days, start)
    remaining = span_days - t_days  # time each event had to trigger inside the window
    for iteration in range(1, max_iter + 1):
        s, u = _excitation(inst, omega)
        lam = mu[inst.cell] + theta * omega * s
        share = inst.count / lam
        mu = mu * np.bincount(inst.cell, weights=share, minlength=n_cells) / span_days
        trig = float(np.sum(share * theta * omega * s))
        trig_time = float(np.sum(share * theta * omega * u))
        new_theta, new_omega = _trigger_step(trig, trig_time, remaining, omega)
        done = (
            abs(new_theta - theta) <= tol * max(theta, 1e-3)
            and abs(new_omega - omega) <= tol * omega
        )
        theta, omega = new_theta, new_omega
        if done:
            return EtasFit(mu, theta, omega, iteration, True)
    return EtasFit(mu, theta, omega, max_iter, False)


def expected_counts(
    fit: EtasFit, age_days: FloatArray, cell: IntArray, horizon_days: float
) -> FloatArray:
    """Expected events per cell in the next ``horizon_days``, given the ages of past events."""
    excitation = np.bincount(cell, weights=np.exp(-fit.omega * age_days), minlength=len(fit.mu))
    offspring = fit.theta * -np.expm1(-fit.omega * horizon_days) * excitation
    return np.asarray(fit.mu * horizon_days + offspring, dtype=np.float64)


@dataclass(frozen=True)
class Etas:
    """Grid ETAS refitted by EM at every cutoff on the last ``window_days`` of events."""

    window_days: float

    def fit_before(
        self, events: EventSet, cutoff: float, start: EtasFit | None = None
    ) -> tuple[EtasFit, slice]:
        """Fit on the events known before ``cutoff`` within the window."""
        part = window_slice(events, cutoff, self.window_days)
        t = events.t[part]
        inside = (cutoff - t) <= self.window_days * DAY_S
        t, cell = t[inside], events.cell[part][inside]
        origin = max(cutoff - self.window_days * DAY_S, float(t.min()) if len(t) else cutoff)
        fit = fit_etas(
            (t - origin) / DAY_S,
            cell,
            events.grid.n_cells,
            (cutoff - origin) / DAY_S,
            start=start,
            max_iter=300 if start is None else 100,
        )
        return fit, part

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        out = np.zeros((len(periods), events.grid.n_cells))
        start: EtasFit | None = None
        for k, (begin, end) in enumerate(zip(periods.starts, periods.ends, strict=True)):
            fit, part = self.fit_before(events, float(begin), start)
            if fit.mu.any():
                start = fit
            age = (begin - events.t[part]) / DAY_S
            inside = age <= self.window_days
            out[k] = expected_counts(
                fit, age[inside], events.cell[part][inside], float(end - begin) / DAY_S
            )
        return out


def _etas(p: Params) -> Etas:
    return Etas(window_days=float(p["window_days"]))


ETAS_SPEC = ModelSpec(
    "etas",
    "baseline",
    "Grid ETAS (Mohler et al. 2015): background plus self-excitation, fitted by EM.",
    _etas,
    tuple({"window_days": w} for w in (90, 365)),
    cost=3.0,
)
