"""The road graph (pure): GeoJSON LineStrings to a sparse graph of travel times, built once.

Nodes are the line vertices (positions equal to about 1 cm share a node); every pair of
consecutive vertices is an edge. Walking ignores one-way streets and goes at 5 km/h;
driving goes at the line's speed (or :data:`DEFAULT_DRIVE_KMH`) and respects ``oneway``.
Coordinates are projected to metres around the network's mean position (accurate to well
under 1 % over a district), so distances need no trigonometry per edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8
WALK_KMH = 5.0
DEFAULT_DRIVE_KMH = 30.0
_SNAP_DECIMALS = 7  # 1e-7 degrees: about a centimetre

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Mode(StrEnum):
    """How the station's people travel."""

    WALK = "walk"
    DRIVE = "drive"


MODE_LABELS: dict[Mode, str] = {Mode.WALK: "Walking", Mode.DRIVE: "Driving"}


@dataclass(frozen=True, slots=True)
class Road:
    """One LineString: its (lon, lat) vertices, speed in km/h (None: default), one-way."""

    coords: Sequence[tuple[float, float]]
    speed_kmh: float | None = None
    oneway: bool = False


@dataclass(frozen=True, slots=True)
class Plane:
    """The local metric plane: an equirectangular projection around (lon0, lat0)."""

    lon0: float
    lat0: float

    @property
    def _kx(self) -> float:
        return EARTH_RADIUS_M * math.cos(math.radians(self.lat0)) * math.pi / 180.0

    @property
    def _ky(self) -> float:
        return EARTH_RADIUS_M * math.pi / 180.0

    def to_xy(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Metres east and north of the origin."""
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky

    def to_lonlat(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Back to WGS-84 degrees."""
        return x / self._kx + self.lon0, y / self._ky + self.lat0


@dataclass(eq=False)
class RoadGraph:
    """Nodes in the plane and one travel-time matrix (seconds) per mode."""

    plane: Plane
    x: FloatArray
    y: FloatArray
    times: dict[Mode, csr_matrix]
    edge_count: int
    _tree: cKDTree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._tree = cKDTree(np.column_stack([self.x, self.y]))

    @property
    def node_count(self) -> int:
        return int(self.x.shape[0])

    def nearest(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, IntArray]:
        """For each point: the distance (m) to its nearest node and that node."""
        dist, idx = self._tree.query(np.column_stack([x, y]))
        return np.asarray(dist, dtype=np.float64), np.asarray(idx, dtype=np.int64)

    def reach(self, mode: Mode, sources: Sequence[int], limit_s: float) -> FloatArray:
        """Seconds from the nearest of ``sources`` to every node (inf past ``limit_s``)."""
        if not len(sources):
            return np.full(self.node_count, np.inf)
        out = dijkstra(
            self.times[mode], directed=True, indices=list(sources), limit=limit_s, min_only=True
        )
        return np.asarray(out, dtype=np.float64)


def speed_ms(mode: Mode, speed_kmh: float | None, default_kmh: float) -> float:
    """Metres per second of a road for a mode."""
    if mode is Mode.WALK:
        return WALK_KMH / 3.6
    return (speed_kmh if speed_kmh and speed_kmh > 0 else default_kmh) / 3.6


def build(roads: Sequence[Road], *, default_drive_kmh: float = DEFAULT_DRIVE_KMH) -> RoadGraph:
    """The graph of ``roads``; raises ValueError when there is not one edge."""
    counts = np.array([len(r.coords) for r in roads], dtype=np.int64)
    if not len(roads) or int((counts - 1).clip(min=0).sum()) == 0:
        raise ValueError("a road network needs at least one line of two points")
    flat = np.array([p for r in roads for p in r.coords], dtype=np.float64).reshape(-1, 2)
    plane = Plane(float(flat[:, 0].mean()), float(flat[:, 1].mean()))
    keys = np.round(flat, _SNAP_DECIMALS)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    x, y = plane.to_xy(uniq[:, 0], uniq[:, 1])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # An edge joins vertex i and i+1 of the same line.
    last = np.zeros(len(flat), dtype=bool)
    last[(starts + counts - 1)[counts > 0]] = True
    a_idx = np.nonzero(~last)[0]
    u, v = inverse[a_idx], inverse[a_idx + 1]
    line_of = np.repeat(np.arange(len(roads)), counts)[a_idx]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    keep = u != v
    u, v, length, line_of = u[keep], v[keep], length[keep], line_of[keep]
    oneway = np.array([r.oneway for r in roads], dtype=bool)[line_of]
    drive_ms = np.array(
        [speed_ms(Mode.DRIVE, r.speed_kmh, default_drive_kmh) for r in roads], dtype=np.float64
    )[line_of]
    n = len(uniq)
    walk = _matrix(n, u, v, length / (WALK_KMH / 3.6), np.zeros(len(u), dtype=bool))
    drive = _matrix(n, u, v, length / drive_ms, oneway)
    return RoadGraph(plane, x, y, {Mode.WALK: walk, Mode.DRIVE: drive}, len(u))


def _matrix(
    n: int, u: IntArray, v: IntArray, w: FloatArray, oneway: npt.NDArray[np.bool_]
) -> csr_matrix:
    """A CSR matrix of the shortest parallel edge; both directions unless one-way."""
    back = ~oneway
    rows = np.concatenate([u, v[back]])
    cols = np.concatenate([v, u[back]])
    weights = np.concatenate([w, w[back]])
    # The graph needs positive weights (zero means "no edge") and the cheapest duplicate.
    weights = np.maximum(weights, 1e-6)
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return csr_matrix((weights[first], (rows[first], cols[first])), shape=(n, n))
