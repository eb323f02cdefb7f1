"""The road graph and the circles against shortest paths worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely.geometry

from jingwu.coverage.isochrone import circle
from jingwu.coverage.network import EARTH_RADIUS_M, Mode, Road, build
from jingwu.coverage.travel import DETOUR_FACTOR, Method, Travel, node_seconds

K = EARTH_RADIUS_M * math.pi / 180.0  # metres per degree at the equator


def at(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) of a point x, y metres from (0, 0)."""
    return x / K, y / K


# A(0,0) B(1000,0) C(1000,1000) D(0,1000); D→A is one-way.
SQUARE = [
    Road([at(0, 0), at(1000, 0)], speed_kmh=36),  # 100 s
    Road([at(1000, 0), at(1000, 1000)], speed_kmh=36),  # 100 s
    Road([at(1000, 1000), at(0, 1000)], speed_kmh=72),  # 50 s
    Road([at(0, 1000), at(0, 0)], speed_kmh=18, oneway=True),  # 200 s, D→A only
]


def node_of(graph, x: float, y: float) -> int:  # type: ignore[no-untyped-def]
    lon, lat = at(x, y)
    _, node = graph.nearest(*graph.plane.to_xy(np.array([lon]), np.array([lat])))
    return int(node[0])


def test_driving_follows_speeds_and_one_way_streets() -> None:
    graph = build(SQUARE)
    a, b, c, d = (node_of(graph, *p) for p in [(0, 0), (1000, 0), (1000, 1000), (0, 1000)])
    t = graph.reach(Mode.DRIVE, [a], 10_000)
    assert t[b] == pytest.approx(100, rel=1e-6)
    assert t[c] == pytest.approx(200, rel=1e-6)
    assert t[d] == pytest.approx(250, rel=1e-6)  # not 200: D→A is one-way
    back = graph.reach(Mode.DRIVE, [d], 10_000)
    assert back[a] == pytest.approx(200, rel=1e-6)


def test_walking_ignores_one_way_and_goes_at_five_kilometres_an_hour() -> None:
    graph = build(SQUARE)
    a, d = node_of(graph, 0, 0), node_of(graph, 0, 1000)
    t = graph.reach(Mode.WALK, [a], 10_000)
    assert t[d] == pytest.approx(1000 / (5 / 3.6), rel=1e-6)


def test_nodes_past_the_limit_are_unreached() -> None:
    graph = build(SQUARE)
    t = graph.reach(Mode.DRIVE, [node_of(graph, 0, 0)], 150)
    assert np.isfinite(t).sum() == 2


def test_lines_sharing_a_vertex_share_a_node() -> None:
    graph = build(SQUARE)
    assert graph.node_count == 4
    assert graph.edge_count == 4


def test_a_site_walks_to_its_nearest_node_first() -> None:
    graph = build(SQUARE)
    lon, lat = at(0, -50)
    sites = graph.plane.to_xy(np.array([lon]), np.array([lat]))
    t = node_seconds(graph, Mode.DRIVE, sites, 10_000)
    b = node_of(graph, 1000, 0)
    assert t[b] == pytest.approx(50 / (5 / 3.6) + 100, rel=1e-6)


def test_a_file_without_an_edge_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one line"):
        build([Road([at(0, 0)])])


def test_a_network_circle_holds_what_is_reached_and_not_what_is_not() -> None:
    roads = [Road([at(x, 0), at(x + 100, 0)]) for x in range(-3000, 3000, 100)]
    graph = build(roads)
    c = circle(Travel(Mode.WALK, graph), 7, *at(0, 0), 900)
    shape = shapely.geometry.shape(c.geometry)
    assert c.method is Method.NETWORK
    assert shape.contains(shapely.Point(*at(1200, 0)))  # 1,250 m walkable
    assert not shape.contains(shapely.Point(*at(1500, 0)))
    assert not shape.contains(shapely.Point(*at(0, 400)))  # no road goes north


def test_without_a_network_the_circle_is_the_straight_line_disc() -> None:
    c = circle(Travel(Mode.WALK), 1, 121.4, 31.2, 900)
    radius = 5 / 3.6 * 900 / DETOUR_FACTOR
    assert c.method is Method.STRAIGHT_LINE
    assert c.area_m2 == pytest.approx(math.pi * radius**2, rel=0.01)
