"""The one small interface every forecasting model implements, and shared helpers.

A model is built from its hyperparameters and asked for forecasts over a batch of periods:
``forecast(events, periods)`` returns an array (periods × valid cells) whose row k is the
expected number of events in [starts[k], ends[k]) per cell, fitted only on the events known
strictly before starts[k] (occurred and, when the file has reports, reported before it).
Batching lets a model reuse work between consecutive cutoffs; a property test checks that
no row ever depends on an event known at or after its own cutoff.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from jingwu.analytics.grid import Grid
from jingwu.analytics.timeline import DAY_S, EventSet, Periods

FloatArray = npt.NDArray[np.float64]
Param = float | int | str
Params = Mapping[str, Param]
Kind = Literal["baseline", "ours"]


class Forecaster(Protocol):
    """Fit on the events before each period and return an intensity per valid cell."""

    def forecast(self, events: EventSet, periods: Periods) -> FloatArray:
        """Expected events per (period, valid cell), each row using only earlier events."""
        ...


@dataclass(frozen=True)
class ModelSpec:
    """A named model: how to build it and which hyperparameters validation may choose."""

    name: str
    kind: Kind
    description: str
    build: Callable[[Params], Forecaster]
    candidates: tuple[Params, ...]
    cost: float = 1.0  # relative run time per candidate, for progress bars
    notes: dict[str, str] = field(default_factory=dict)


def window_slice(events: EventSet, cutoff: float, window_days: float) -> slice:
    """The slice of ``events`` known before ``cutoff`` that can have occurred within the
    last ``window_days`` (a superset: callers still test the occurrence time)."""
    # known >= occurred, so an event that occurred after cutoff - window was also known after it
    lo = events.known_before(cutoff - window_days * DAY_S)
    return slice(lo, events.known_before(cutoff))


def weighted_counts(
    events: EventSet,
    periods: Periods,
    weight: Callable[[FloatArray], FloatArray],
    window_days: float,
) -> FloatArray:
    """Per period and cell: Σ weight(age in days) over events known before the period
    that occurred at most ``window_days`` before it."""
    out = np.zeros((len(periods), events.grid.n_cells))
    for k, start in enumerate(periods.starts):
        part = window_slice(events, float(start), window_days)
        age = (start - events.t[part]) / DAY_S
        inside = age <= window_days
        out[k] = np.bincount(
            events.cell[part][inside], weights=weight(age[inside]), minlength=out.shape[1]
        )
    return out


def gaussian_smooth(grid: Grid, values: FloatArray, bandwidth_m: float) -> FloatArray:
    """Gaussian kernel smoothing of per-cell values (periods × cells) on the grid."""
    sigma = bandwidth_m / grid.cell
    if sigma <= 0:
        return values
    image = grid.to_image(values)
    smooth = ndimage.gaussian_filter(image, sigma=(0, sigma, sigma), mode="constant", truncate=3.0)
    return grid.from_image(smooth)


def kernel_smooth(grid: Grid, values: FloatArray, kernel: FloatArray) -> FloatArray:
    """Smoothing of per-cell values (periods × cells) by a small 2-D kernel (direct sums)."""
    image = grid.to_image(values)
    smooth = ndimage.convolve(image, kernel[np.newaxis], mode="constant", cval=0.0)
    return grid.from_image(smooth)
