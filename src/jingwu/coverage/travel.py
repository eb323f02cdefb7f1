"""Travel times from sites to points (pure): over the road graph, or a straight line × detour.

The network way: a site walks to its nearest road node, then travels the graph; a point is
reached when its nearest node is, plus the walk from that node to the point. All sites run
as one shortest-path search from a virtual source joined to each site's node by the site's
walk, so "the nearest of several sites" costs one search. Without a network the straight
line times :data:`DETOUR_FACTOR` at the mode's speed stands in, labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from jingwu.coverage.network import (
    DEFAULT_DRIVE_KMH,
    WALK_KMH,
    FloatArray,
    Mode,
    Plane,
    RoadGraph,
)

DETOUR_FACTOR = 1.3  # street distance over straight-line distance in a Chinese urban grid
CIRCLE_MINUTES = 15
RESPONSE_MINUTES = 8


class Method(StrEnum):
    """How a circle was computed."""

    NETWORK = "network"
    STRAIGHT_LINE = "straight_line"


METHOD_LABELS: dict[Method, str] = {
    Method.NETWORK: "Over the road network",
    Method.STRAIGHT_LINE: "Straight line × detour factor (no road network loaded)",
}

WALK_MS = WALK_KMH / 3.6


@dataclass(frozen=True, slots=True)
class Travel:
    """How to travel: the mode, and the road graph (None: the straight-line fallback)."""

    mode: Mode
    graph: RoadGraph | None = None
    detour: float = DETOUR_FACTOR
    drive_kmh: float = DEFAULT_DRIVE_KMH

    @property
    def method(self) -> Method:
        return Method.STRAIGHT_LINE if self.graph is None else Method.NETWORK

    @property
    def straight_speed_ms(self) -> float:
        """Metres per second of the fallback (the mode's speed, before the detour)."""
        return WALK_MS if self.mode is Mode.WALK else self.drive_kmh / 3.6

    def plane(self, lon: FloatArray, lat: FloatArray) -> Plane:
        """The graph's plane, or one around the given positions."""
        if self.graph is not None:
            return self.graph.plane
        if not len(lon):
            return Plane(0.0, 0.0)
        return Plane(float(np.mean(lon)), float(np.mean(lat)))


def seconds(
    travel: Travel,
    sites: tuple[FloatArray, FloatArray],
    points: tuple[FloatArray, FloatArray],
    limit_s: float,
) -> FloatArray:
    """Seconds from the nearest site to each point, in metres of one plane (inf past the
    limit or unreachable)."""
    px, py = points
    if not len(sites[0]) or not len(px):
        return np.full(len(px), np.inf)
    if travel.graph is None:
        dist, _ = cKDTree(np.column_stack(sites)).query(np.column_stack([px, py]))
        out = np.asarray(dist, dtype=np.float64) * travel.detour / travel.straight_speed_ms
    else:
        node_t = node_seconds(travel.graph, travel.mode, sites, limit_s)
        walk_m, node = travel.graph.nearest(px, py)
        out = node_t[node] + walk_m / WALK_MS
    return np.where(out <= limit_s, out, np.inf)


def node_seconds(
    graph: RoadGraph, mode: Mode, sites: tuple[FloatArray, FloatArray], limit_s: float
) -> FloatArray:
    """Seconds from the nearest site to every node of the graph (inf past the limit)."""
    walk_m, node = graph.nearest(*sites)
    access = np.maximum(walk_m / WALK_MS, 1e-9)  # zero would mean "no edge"
    n = graph.node_count
    matrix = _with_source(graph.times[mode], node, access)
    out = dijkstra(matrix, directed=True, indices=n, limit=limit_s)
    return np.asarray(out, dtype=np.float64)[:n]


def _with_source(times: csr_matrix, nodes: np.ndarray, access: FloatArray) -> csr_matrix:
    """The matrix with one more node (the last) joined to ``nodes`` by ``access`` seconds."""
    n = times.shape[0]
    grown = csr_matrix(
        (times.data, times.indices, np.concatenate([times.indptr, times.indptr[-1:]])),
        shape=(n + 1, n + 1),
    )
    # Several sites on one node: a sum of duplicates would be wrong, keep the smallest.
    best: dict[int, float] = {}
    for col, val in zip(nodes.tolist(), access.tolist(), strict=True):
        best[col] = min(val, best.get(col, val))
    extra = coo_matrix(
        (list(best.values()), ([n] * len(best), list(best.keys()))), shape=(n + 1, n + 1)
    ).tocsr()
    return (grown + extra).tocsr()
