"""Synthetic incident histories with known structure (pure: the random generator is passed in).

Used by the unit tests (planted hotspots, a self-exciting process with known parameters),
the speed benchmark and the demo district.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from jingwu.analytics.grid import unproject
from jingwu.analytics.parse import IncidentTable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CATEGORIES = ("burglary", "dispute", "fraud", "theft", "traffic")


def simulate_grid_etas(
    mu: FloatArray, theta: float, omega: float, span_days: float, rng: np.random.Generator
) -> tuple[FloatArray, IntArray]:
    """Event (times in days, cells) of a grid ETAS process on [0, span_days), by branching.

    Background events arrive in cell n at rate mu[n] per day; every event has Poisson(θ)
    direct offspring in its own cell, each Exp(ω) days later.
    """
    counts = rng.poisson(mu * span_days)
    cells = np.repeat(np.arange(len(mu)), counts)
    times = rng.uniform(0.0, span_days, size=len(cells))
    all_t, all_c = [times], [cells]
    while len(times):
        kids = rng.poisson(theta, size=len(times))
        parent_t, cells = np.repeat(times, kids), np.repeat(cells, kids)
        times = parent_t + rng.exponential(1.0 / omega, size=len(parent_t))
        keep = times < span_days
        times, cells = times[keep], cells[keep]
        all_t.append(times)
        all_c.append(cells)
    t, c = np.concatenate(all_t), np.concatenate(all_c).astype(np.int64)
    order = np.argsort(t, kind="stable")
    return t[order], c[order]


def _places(n: int, radius_m: float, n_hotspots: int, rng: np.random.Generator) -> FloatArray:
    """Metric positions: 60 % around hotspots of heavy-tailed weight, 40 % anywhere."""
    spot_xy = rng.uniform(-radius_m, radius_m, size=(n_hotspots, 2)) * 0.8
    spot_w = rng.pareto(1.2, size=n_hotspots) + 1.0
    in_spot = rng.random(n) < 0.6
    spot = rng.choice(n_hotspots, size=n, p=spot_w / spot_w.sum())
    return np.where(
        in_spot[:, np.newaxis],
        spot_xy[spot] + rng.normal(0.0, 120.0, size=(n, 2)),
        rng.uniform(-radius_m, radius_m, size=(n, 2)),
    )


def synthetic_incidents(
    n_events: int,
    *,
    start: datetime,
    days: int,
    centre: tuple[float, float],
    radius_m: float,
    rng: np.random.Generator,
    n_hotspots: int = 40,
) -> IncidentTable:
    """A plausible district history: chronic hotspots, diffuse background, near repeats
    (offspring within ~100 m and a few days), a weekly rhythm and five categories."""
    parents = int(n_events * 0.7)
    xy = _places(parents, radius_m, n_hotspots, rng)
    weekday_boost = np.resize(np.array([1.0, 1.0, 1.0, 1.1, 1.3, 1.4, 1.2]), days)
    day = rng.choice(days, size=parents, p=weekday_boost / weekday_boost.sum())
    t = day + rng.random(parents)
    kids = n_events - parents
    parent = rng.integers(0, parents, size=kids)
    t = np.concatenate([t, t[parent] + rng.exponential(3.0, size=kids)])
    xy = np.concatenate([xy, xy[parent] + rng.normal(0.0, 60.0, size=(kids, 2))])
    t = np.minimum(t, days - 1e-6)
    order = np.argsort(t, kind="stable")
    lon, lat = unproject(xy[order, 0], xy[order, 1], centre[0], centre[1])
    base = start.astimezone(UTC).timestamp()
    category = rng.choice(len(CATEGORIES), size=n_events, p=[0.1, 0.25, 0.1, 0.35, 0.2])
    return IncidentTable(
        ids=tuple(f"S{i:07d}" for i in range(n_events)),
        categories=CATEGORIES,
        category=category.astype(np.int64),
        occurred=np.round(base + t[order] * 86_400.0),
        reported=None,
        lat=np.round(lat, 6),
        lon=np.round(lon, 6),
    )


def table_from_points(
    occurred: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
    *,
    category: IntArray | None = None,
    categories: tuple[str, ...] = ("incident",),
    reported: FloatArray | None = None,
) -> IncidentTable:
    """An IncidentTable from arrays (ids are the row numbers)."""
    n = len(occurred)
    return IncidentTable(
        ids=tuple(str(i) for i in range(n)),
        categories=categories,
        category=np.zeros(n, dtype=np.int64) if category is None else category,
        occurred=np.asarray(occurred, dtype=np.float64),
        reported=reported,
        lat=np.asarray(lat, dtype=np.float64),
        lon=np.asarray(lon, dtype=np.float64),
    )
