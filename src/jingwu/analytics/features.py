"""Per-cell features of the event history at a sequence of times, computed incrementally.

A feature is an exponentially decayed count Σ exp(−age/τ) over the events known before the
time, optionally restricted to one category or to events on the same weekday as the period
ahead, optionally smoothed over neighbouring cells by a Gaussian kernel. Decayed counts obey
D(u') = exp(−(u'−u)/τ)·D(u) + (events that became known in [u, u'), decayed to u'), so a
whole backtest costs one pass over the events plus one update per time step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from jingwu.analytics.timeline import DAY_S, EventSet, weekday

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Feature:
    """One decayed count: time scale, spatial scale (cells), and an optional restriction."""

    tau_days: float
    sigma_cells: float = 0.0
    category: int | None = None  # only events of this category
    same_weekday: bool = False  # only events on the weekday of the period ahead

    @property
    def label(self) -> str:
        """Short name for reports."""
        parts = [f"tau{self.tau_days:g}d"]
        if self.sigma_cells:
            parts.append(f"s{self.sigma_cells:g}")
        if self.category is not None:
            parts.append(f"cat{self.category}")
        if self.same_weekday:
            parts.append("dow")
        return "_".join(parts)


@dataclass(frozen=True)
class _State:
    """Decayed counts for one (τ, category, weekday split) at the current time."""

    tau_days: float
    category: int | None
    by_weekday: bool


def _state_key(f: Feature) -> _State:
    return _State(f.tau_days, f.category, f.same_weekday)


class FeatureStream:
    """Feature matrices (cells × features) at increasing times, one step at a time."""

    def __init__(self, events: EventSet, features: Sequence[Feature]) -> None:
        self.events = events
        self.features = tuple(features)
        self.keys = sorted({_state_key(f) for f in features}, key=repr)
        n = events.grid.n_cells
        self.values = {k: np.zeros((7 if k.by_weekday else 1, n)) for k in self.keys}
        self.time = -np.inf
        self.seen = 0  # events (in known order) already added
        self.dow = weekday(events.day)

    def advance(self, time: float) -> None:
        """Move the states to ``time``, adding the events known strictly before it."""
        if time < self.time:
            raise ValueError("feature times must not decrease")
        upto = self.events.known_before(time)
        new = slice(self.seen, upto)
        ages = (time - self.events.t[new]) / DAY_S
        step = (time - self.time) / DAY_S if np.isfinite(self.time) else np.inf
        cells, cats, dows = self.events.cell[new], self.events.cat[new], self.dow[new]
        n = self.events.grid.n_cells
        for key in self.keys:
            state = self.values[key]
            state *= np.exp(-step / key.tau_days) if np.isfinite(step) else 0.0
            pick = slice(None) if key.category is None else cats == key.category
            weight = np.exp(-ages[pick] / key.tau_days)
            if key.by_weekday:
                flat = dows[pick] * n + cells[pick]
                state += np.bincount(flat, weights=weight, minlength=7 * n).reshape(7, n)
            else:
                state[0] += np.bincount(cells[pick], weights=weight, minlength=n)
        self.time, self.seen = time, upto

    def matrix(self, target_weekday: int | None) -> FloatArray:
        """Features (cells × features) at the current time for a period on ``target_weekday``
        (None: weekday features use all days, divided by 7)."""
        grid = self.events.grid
        out = np.empty((grid.n_cells, len(self.features)))
        for j, f in enumerate(self.features):
            state = self.values[_state_key(f)]
            if not f.same_weekday:
                column = state[0]
            elif target_weekday is None:
                column = state.sum(axis=0) / 7.0
            else:
                column = state[target_weekday]
            if f.sigma_cells > 0:
                image = ndimage.gaussian_filter(
                    grid.to_image(column), f.sigma_cells, mode="constant", truncate=3.0
                )
                column = grid.from_image(image)
            out[:, j] = column
        return out


def stream(
    events: EventSet, features: Sequence[Feature], times: FloatArray, weekdays: Sequence[int | None]
) -> Iterator[FloatArray]:
    """Feature matrices at each of ``times`` (non-decreasing), lazily."""
    fs = FeatureStream(events, features)
    for time, dow in zip(times, weekdays, strict=True):
        fs.advance(float(time))
        yield fs.matrix(dow)
