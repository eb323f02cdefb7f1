"""A station's service circle (pure): the area it reaches within the time limit.

Over the network: one limited shortest-path search from the station's node; the outline is
the concave hull of the nodes reached and of the points where the time runs out part-way
along an edge (the frontier), widened by :data:`ROADSIDE_M` for the houses along the
streets. The hull is taken over at most :data:`MAX_HULL_POINTS` points (all the frontier
first), which keeps 2,000 stations over a million edges within minutes. Without a network
the circle is a disc of the straight-line radius (speed × limit ÷ detour factor).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import shapely.geometry
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from jingwu.coverage.network import FloatArray, Plane, RoadGraph
from jingwu.coverage.travel import WALK_MS, Method, Travel

ROADSIDE_M = 60.0
MAX_HULL_POINTS = 1_500
HULL_RATIO = 0.3
SIMPLIFY_M = 15.0


@dataclass(frozen=True, slots=True)
class Circle:
    """A station's reachable area: GeoJSON geometry (lon/lat), method, nodes reached."""

    key: int
    method: Method
    geometry: dict[str, Any]
    area_m2: float
    nodes_reached: int


def circle(travel: Travel, key: int, lon: float, lat: float, limit_s: float) -> Circle:
    """The circle of one station at (lon, lat)."""
    plane = travel.plane(np.array([lon]), np.array([lat]))
    x, y = plane.to_xy(np.array([lon]), np.array([lat]))
    if travel.graph is None:
        radius = travel.straight_speed_ms * limit_s / travel.detour
        shape = shapely.Point(x[0], y[0]).buffer(radius, quad_segs=16)
        return _finish(key, Method.STRAIGHT_LINE, plane, shape, 0)
    graph = travel.graph
    walk_m, node = graph.nearest(x, y)
    left = limit_s - float(walk_m[0]) / WALK_MS
    if left <= 0:  # the station is further from every road than it can walk
        shape = shapely.Point(x[0], y[0]).buffer(WALK_MS * limit_s, quad_segs=16)
        return _finish(key, Method.NETWORK, plane, shape, 0)
    times = graph.times[travel.mode]
    t = np.asarray(dijkstra(times, indices=int(node[0]), limit=left), dtype=np.float64)
    reached = np.nonzero(np.isfinite(t))[0]
    fx, fy = _frontier(graph, travel, t, reached, left)
    points = _hull_points(graph.x[reached], graph.y[reached], fx, fy)
    points = np.vstack([points, [[x[0], y[0]]]])
    hull: BaseGeometry = shapely.concave_hull(shapely.MultiPoint(points), ratio=HULL_RATIO)
    return _finish(key, Method.NETWORK, plane, hull.buffer(ROADSIDE_M), len(reached))


def _frontier(
    graph: RoadGraph, travel: Travel, t: FloatArray, reached: np.ndarray, left: float
) -> tuple[FloatArray, FloatArray]:
    """Points where the time runs out part-way along an edge leaving a reached node."""
    sub = graph.times[travel.mode][reached]
    counts = np.diff(sub.indptr)
    u = np.repeat(reached, counts)
    v, w = sub.indices, sub.data
    spare = left - t[u]
    partial = w > spare
    frac = np.clip(spare[partial] / w[partial], 0.0, 1.0)
    uu, vv = u[partial], v[partial]
    fx = graph.x[uu] + (graph.x[vv] - graph.x[uu]) * frac
    fy = graph.y[uu] + (graph.y[vv] - graph.y[uu]) * frac
    return fx, fy


def _hull_points(nx: FloatArray, ny: FloatArray, fx: FloatArray, fy: FloatArray) -> np.ndarray:
    """The frontier first, then evenly spaced reached nodes, at most MAX_HULL_POINTS."""
    frontier = np.column_stack([fx, fy])
    if len(frontier) > MAX_HULL_POINTS:
        frontier = frontier[:: -(-len(frontier) // MAX_HULL_POINTS)]
    room = max(MAX_HULL_POINTS - len(frontier), 64)
    nodes = np.column_stack([nx, ny])
    if len(nodes) > room:
        nodes = nodes[:: -(-len(nodes) // room)]
    return np.vstack([frontier, nodes])


def _finish(key: int, method: Method, plane: Plane, shape: BaseGeometry, nodes: int) -> Circle:
    shape = shape.simplify(SIMPLIFY_M)
    area = float(shape.area)
    lonlat = shapely.transform(
        shape, lambda xy: np.column_stack(plane.to_lonlat(xy[:, 0], xy[:, 1]))
    )
    geometry = shapely.geometry.mapping(shapely.set_precision(lonlat, 1e-6))
    return Circle(key, method, _plain(geometry), area, nodes)


def _plain(value: Any) -> Any:
    """Tuples to lists, so the geometry is a plain JSON value."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
