"""The published baselines as space × time separable kernels on the grid (pure, vectorised).

- ``naive``: counts in each cell over the last N days.
- ``retro_kde``: retrospective hotspot, a Gaussian kernel density of the last W days with
  every event weighted alike (the classic "hotspot map").
- ``prospective``: prospective hotspotting (Bowers, Johnson & Pease 2004): an event d cells
  away (ring distance) and w whole weeks old weighs 1/(1+d) · 1/(1+w), within a spatial and
  a temporal bandwidth.
- ``st_kde``: space-time kernel density, a Gaussian in space times an exponential decay in
  time (the kernel forecasts evaluated by Mohler et al. 2011 and in open_cp).

Every model returns expected events per cell for each period: its scores rescaled so that
their sum is the recent daily event rate times the period length (ranking is unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingwu.analytics.forecast import (
    FloatArray,
    ModelSpec,
    Params,
    gaussian_smooth,
    kernel_smooth,
    weighted_counts,
)
from jingwu.analytics.timeline import DAY_S, EventSet, Periods

RATE_WINDOW_DAYS = 28.0  # the recent rate that expected counts are scaled to


def _ones(age_days: FloatArray) -> FloatArray:
    return np.ones_like(age_days)


def to_expected(scores: FloatArray, events: EventSet, periods: Periods) -> FloatArray:
    """Rescale each row of scores to sum to the recent daily rate × the period length."""
    recent = weighted_counts(events, periods, _ones, RATE_WINDOW_DAYS).sum(axis=1)
    rate = recent / RATE_WINDOW_DAYS * (periods.ends - periods.starts) / DAY_S
    total = scores.sum(axis=1)
    factor = np.divide(rate, total, out=np.zeros_like(rate), where=total > 0)
    return np.asarray(scores * factor[:, np.newaxis], dtype=np.float64)


@dataclass(frozen=True)
class Naive:
    """Counts over the last ``days`` days."""

    days: float

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        counts = weighted_counts(events, periods, _ones, self.days)
        return to_expected(counts, events, periods)


@dataclass(frozen=True)
class RetroKde:
    """Gaussian kernel density of the events of the last ``days`` days."""

    days: float
    bandwidth_m: float

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        counts = weighted_counts(events, periods, _ones, self.days)
        smooth = gaussian_smooth(events.grid, counts, self.bandwidth_m)
        return to_expected(smooth, events, periods)


def ring_kernel(radius_cells: int) -> FloatArray:
    """1/(1+d) on cells at ring (Chebyshev) distance d ≤ radius from the centre."""
    r = np.arange(-radius_cells, radius_cells + 1)
    d = np.maximum(np.abs(r)[:, np.newaxis], np.abs(r)[np.newaxis, :])
    return 1.0 / (1.0 + d)


@dataclass(frozen=True)
class Prospective:
    """Bowers, Johnson & Pease (2004) prospective hotspotting on the grid."""

    bandwidth_m: float
    weeks: int

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        weeks = float(self.weeks)

        def weight(age_days: FloatArray) -> FloatArray:
            whole_weeks = np.floor(age_days / 7.0)
            return np.where(whole_weeks < weeks, 1.0 / (1.0 + whole_weeks), 0.0)

        counts = weighted_counts(events, periods, weight, 7.0 * weeks)
        radius = int(self.bandwidth_m // events.grid.cell)
        smooth = kernel_smooth(events.grid, counts, ring_kernel(radius))
        return to_expected(smooth, events, periods)


@dataclass(frozen=True)
class StKde:
    """Gaussian space kernel × exponential time kernel of time scale ``tau_days``."""

    bandwidth_m: float
    tau_days: float
    window_days: float = 365.0

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per period and cell."""
        tau = self.tau_days
        counts = weighted_counts(events, periods, lambda a: np.exp(-a / tau), self.window_days)
        smooth = gaussian_smooth(events.grid, counts, self.bandwidth_m)
        return to_expected(smooth, events, periods)


def _naive(p: Params) -> Naive:
    return Naive(days=float(p["days"]))


def _retro(p: Params) -> RetroKde:
    return RetroKde(days=float(p["days"]), bandwidth_m=float(p["bandwidth_m"]))


def _prospective(p: Params) -> Prospective:
    return Prospective(bandwidth_m=float(p["bandwidth_m"]), weeks=int(p["weeks"]))


def _st_kde(p: Params) -> StKde:
    return StKde(bandwidth_m=float(p["bandwidth_m"]), tau_days=float(p["tau_days"]))


def baseline_specs(cell_m: float) -> list[ModelSpec]:
    """The four kernel baselines with their validation candidates (bandwidths per cell)."""
    bandwidths = [0.25 * cell_m, 0.5 * cell_m, 1.0 * cell_m, 2.0 * cell_m]
    return [
        ModelSpec(
            "naive",
            "baseline",
            "Counts per cell over the last N days.",
            _naive,
            tuple({"days": d} for d in (7, 14, 28, 56, 112, 182, 365)),
        ),
        ModelSpec(
            "retro_kde",
            "baseline",
            "Retrospective hotspot: Gaussian kernel density of the last W days.",
            _retro,
            tuple({"days": d, "bandwidth_m": h} for d in (28, 91, 365) for h in bandwidths),
        ),
        ModelSpec(
            "prospective",
            "baseline",
            "Prospective hotspot (Bowers, Johnson & Pease 2004): 1/(1+cells)·1/(1+weeks).",
            _prospective,
            tuple(
                {"bandwidth_m": r * cell_m, "weeks": w} for r in (0, 1, 2, 3) for w in (4, 8, 16)
            ),
        ),
        ModelSpec(
            "st_kde",
            "baseline",
            "Space-time KDE: Gaussian in space, exponential decay in time.",
            _st_kde,
            tuple(
                {"bandwidth_m": h, "tau_days": t} for h in bandwidths for t in (7, 30, 90, 180, 365)
            ),
        ),
    ]
