"""Residents and the circles (pure): the share covered, uncovered places, new sites.

A resident place (a point or a cell's centre with its population) is covered when some
station reaches it within the limit (:func:`jingwu.coverage.travel.seconds`). Uncovered
residents are summed into square blocks of :data:`BLOCK_M` metres and ranked by population.
The suggestion is the greedy answer to maximal coverage: from the most populous uncovered
blocks as candidate sites, repeatedly take the one that would cover the most residents not
covered yet (within a factor 1 − 1/e of the best choice of that many sites).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from jingwu.coverage.network import FloatArray
from jingwu.coverage.travel import Travel, seconds

BLOCK_M = 500.0
MAX_CANDIDATES = 40

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Residents:
    """Resident places: positions (degrees) and population."""

    lon: FloatArray
    lat: FloatArray
    population: IntArray

    @property
    def total(self) -> int:
        return int(self.population.sum())


@dataclass(frozen=True, slots=True)
class Share:
    """How many residents the circles cover."""

    covered: int
    total: int

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Place:
    """An uncovered block: its centre and the residents in it not covered."""

    lon: float
    lat: float
    population: int
    places: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested new site, the residents it adds and the share once it is built."""

    lon: float
    lat: float
    adds: int
    share_after: float


def covered_mask(
    travel: Travel,
    stations: tuple[FloatArray, FloatArray],
    residents: Residents,
    limit_s: float,
) -> npt.NDArray[np.bool_]:
    """Which resident places some station reaches within ``limit_s``."""
    plane = travel.plane(residents.lon, residents.lat)
    sites = plane.to_xy(*stations)
    points = plane.to_xy(residents.lon, residents.lat)
    return np.asarray(np.isfinite(seconds(travel, sites, points, limit_s)))


def share(residents: Residents, mask: npt.NDArray[np.bool_]) -> Share:
    """The residents covered by the mask."""
    return Share(int(residents.population[mask].sum()), residents.total)


def uncovered_places(
    residents: Residents, mask: npt.NDArray[np.bool_], *, limit: int = 10
) -> list[Place]:
    """The blocks with the most uncovered residents, most first."""
    blocks = _blocks(residents, ~mask & (residents.population > 0))
    return blocks[:limit]


def _blocks(residents: Residents, keep: npt.NDArray[np.bool_]) -> list[Place]:
    lon, lat, pop = residents.lon[keep], residents.lat[keep], residents.population[keep]
    if not len(lon):
        return []
    lat0 = float(np.mean(lat))
    lon0 = float(np.mean(lon))
    deg_y = BLOCK_M / 111_195.0
    deg_x = deg_y / max(np.cos(np.radians(lat0)), 1e-6)
    bx = np.floor((lon - lon0) / deg_x).astype(np.int64)
    by = np.floor((lat - lat0) / deg_y).astype(np.int64)
    keys, inverse = np.unique(np.column_stack([bx, by]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    total = np.bincount(inverse, weights=pop, minlength=len(keys))
    count = np.bincount(inverse, minlength=len(keys))
    # The population-weighted centre, so the site sits where the people are.
    cx = np.bincount(inverse, weights=lon * pop, minlength=len(keys)) / np.maximum(total, 1)
    cy = np.bincount(inverse, weights=lat * pop, minlength=len(keys)) / np.maximum(total, 1)
    order = np.lexsort((keys[:, 1], keys[:, 0], -total))
    return [
        Place(float(cx[i]), float(cy[i]), int(total[i]), int(count[i]))
        for i in order
        if total[i] > 0
    ]


def suggest(
    travel: Travel,
    residents: Residents,
    mask: npt.NDArray[np.bool_],
    limit_s: float,
    *,
    sites: int = 3,
) -> list[Suggestion]:
    """Greedy maximal coverage: up to ``sites`` new sites, each adding the most residents."""
    left = ~mask & (residents.population > 0)
    candidates = _blocks(residents, left)[:MAX_CANDIDATES]
    plane = travel.plane(residents.lon, residents.lat)
    points = plane.to_xy(residents.lon, residents.lat)
    reach = [
        np.isfinite(
            seconds(travel, plane.to_xy(np.array([c.lon]), np.array([c.lat])), points, limit_s)
        )
        for c in candidates
    ]
    covered = int(residents.population[mask].sum())
    out: list[Suggestion] = []
    while len(out) < sites and reach:
        gains = [int(residents.population[r & left].sum()) for r in reach]
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        left &= ~reach[best]
        covered += gains[best]
        c = candidates[best]
        out.append(Suggestion(c.lon, c.lat, gains[best], covered / max(residents.total, 1)))
    return out
