"""The share of residents covered: against a brute-force count, and its properties."""

from __future__ import annotations

import heapq
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jingwu.coverage.network import EARTH_RADIUS_M, Mode, Plane, Road, build
from jingwu.coverage.residents import Residents, covered_mask, share, suggest, uncovered_places
from jingwu.coverage.travel import DETOUR_FACTOR, Travel

WALK = 5 / 3.6
LON0, LAT0 = 121.40, 31.20
STEP = 0.003  # degrees between grid streets, about 300 m


def grid_roads(n: int, speeds: list[int]) -> list[Road]:
    roads = []
    for i in range(n):
        s = speeds[i % len(speeds)]
        roads.append(Road([(LON0 + i * STEP, LAT0 + j * STEP) for j in range(n)], speed_kmh=s))
        roads.append(Road([(LON0 + j * STEP, LAT0 + i * STEP) for j in range(n)], speed_kmh=s))
    return roads


def brute_force(roads: list[Road], mode: Mode, stations, people, limit: float) -> int:  # type: ignore[no-untyped-def]
    """Covered residents counted one by one with a plain Dijkstra per station."""
    flat = [p for r in roads for p in r.coords]
    plane = Plane(sum(p[0] for p in flat) / len(flat), sum(p[1] for p in flat) / len(flat))
    kx = EARTH_RADIUS_M * math.cos(math.radians(plane.lat0)) * math.pi / 180
    ky = EARTH_RADIUS_M * math.pi / 180

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        return ((p[0] - plane.lon0) * kx, (p[1] - plane.lat0) * ky)

    nodes = sorted({(round(p[0], 7), round(p[1], 7)) for p in flat})
    index = {n: i for i, n in enumerate(nodes)}
    pos = [xy(n) for n in nodes]
    adj: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(nodes))}
    for r in roads:
        speed = WALK if mode is Mode.WALK else (r.speed_kmh or 30) / 3.6
        for p, q in zip(r.coords, r.coords[1:], strict=False):
            u, v = index[(round(p[0], 7), round(p[1], 7))], index[(round(q[0], 7), round(q[1], 7))]
            w = math.dist(pos[u], pos[v]) / speed
            adj[u].append((v, w))
            adj[v].append((u, w))

    def nearest(p: tuple[float, float]) -> tuple[int, float]:
        d = [math.dist(xy(p), q) for q in pos]
        i = min(range(len(d)), key=d.__getitem__)
        return i, d[i]

    best = [math.inf] * len(people)
    for s in stations:
        start, walk_m = nearest(s)
        dist = {start: walk_m / WALK}
        heap = [(dist[start], start)]
        while heap:
            t, u = heapq.heappop(heap)
            if t > dist.get(u, math.inf):
                continue
            for v, w in adj[u]:
                if t + w < dist.get(v, math.inf):
                    dist[v] = t + w
                    heapq.heappush(heap, (t + w, v))
        for k, (lon, lat, _) in enumerate(people):
            node, walk_m = nearest((lon, lat))
            best[k] = min(best[k], dist.get(node, math.inf) + walk_m / WALK)
    return sum(pop for (_, _, pop), b in zip(people, best, strict=True) if b <= limit)


def as_residents(people: list[tuple[float, float, int]]) -> Residents:
    return Residents(
        np.array([p[0] for p in people]),
        np.array([p[1] for p in people]),
        np.array([p[2] for p in people], dtype=np.int64),
    )


positions = st.tuples(st.floats(LON0 - 0.002, LON0 + 0.02), st.floats(LAT0 - 0.002, LAT0 + 0.02))
people_lists = st.lists(
    st.tuples(st.floats(LON0, LON0 + 0.018), st.floats(LAT0, LAT0 + 0.018), st.integers(0, 500)),
    min_size=1,
    max_size=25,
)


@given(
    stations=st.lists(positions, min_size=1, max_size=3),
    people=people_lists,
    mode=st.sampled_from(list(Mode)),
    limit=st.integers(60, 900),
    speeds=st.lists(st.sampled_from([10, 20, 40]), min_size=1, max_size=3),
)
def test_the_share_matches_a_brute_force_count(stations, people, mode, limit, speeds) -> None:  # type: ignore[no-untyped-def]
    roads = grid_roads(7, speeds)
    travel = Travel(mode, build(roads))
    lon = np.array([s[0] for s in stations])
    lat = np.array([s[1] for s in stations])
    mask = covered_mask(travel, (lon, lat), as_residents(people), limit)
    expected = brute_force(roads, mode, stations, people, limit)
    # A resident exactly on the limit may fall either way in floating point: allow that one.
    exact = brute_force(roads, mode, stations, people, limit * (1 - 1e-9))
    loose = brute_force(roads, mode, stations, people, limit * (1 + 1e-9))
    assert exact <= share(as_residents(people), mask).covered <= loose
    assert exact <= expected <= loose


@given(stations=st.lists(positions, min_size=1, max_size=3), people=people_lists)
def test_straight_line_fallback_matches_a_brute_force_count(stations, people) -> None:  # type: ignore[no-untyped-def]
    travel = Travel(Mode.WALK)
    lon = np.array([s[0] for s in stations])
    lat = np.array([s[1] for s in stations])
    residents = as_residents(people)
    mask = covered_mask(travel, (lon, lat), residents, 900)
    plane = travel.plane(residents.lon, residents.lat)
    sx, sy = plane.to_xy(lon, lat)
    px, py = plane.to_xy(residents.lon, residents.lat)
    radius = WALK * 900 / DETOUR_FACTOR
    for k in range(len(people)):
        d = min(math.hypot(px[k] - x, py[k] - y) for x, y in zip(sx, sy, strict=True))
        if abs(d - radius) > 1e-6:
            assert bool(mask[k]) == (d < radius)


TRAVELS = [Travel(Mode.WALK), Travel(Mode.DRIVE, build(grid_roads(7, [20, 40])))]


@given(
    stations=st.lists(positions, min_size=1, max_size=3),
    people=people_lists,
    limits=st.tuples(st.integers(30, 1200), st.integers(0, 600)),
    which=st.sampled_from(TRAVELS),
)
def test_a_longer_time_limit_never_covers_fewer_residents(stations, people, limits, which) -> None:  # type: ignore[no-untyped-def]
    residents = as_residents(people)
    pos = (np.array([s[0] for s in stations]), np.array([s[1] for s in stations]))
    short = covered_mask(which, pos, residents, limits[0])
    long = covered_mask(which, pos, residents, limits[0] + limits[1])
    assert not (short & ~long).any()


@given(
    stations=st.lists(positions, min_size=1, max_size=3),
    extra=positions,
    people=people_lists,
    which=st.sampled_from(TRAVELS),
)
def test_adding_a_station_never_lowers_coverage(stations, extra, people, which) -> None:  # type: ignore[no-untyped-def]
    residents = as_residents(people)
    before = (np.array([s[0] for s in stations]), np.array([s[1] for s in stations]))
    after = (np.append(before[0], extra[0]), np.append(before[1], extra[1]))
    a = share(residents, covered_mask(which, before, residents, 300))
    b = share(residents, covered_mask(which, after, residents, 300))
    assert b.covered >= a.covered


def test_uncovered_places_are_ranked_by_population() -> None:
    people = [(LON0, LAT0, 10), (LON0 + 0.1, LAT0, 300), (LON0 + 0.2, LAT0, 50)]
    residents = as_residents(people)
    mask = np.array([False, False, False])
    places = uncovered_places(residents, mask)
    assert [p.population for p in places] == [300, 50, 10]


def test_the_greedy_suggestion_covers_the_largest_uncovered_cluster_first() -> None:
    people = [(LON0, LAT0, 100), (LON0 + 0.1, LAT0, 400), (LON0 + 0.1005, LAT0, 400)]
    residents = as_residents(people)
    mask = np.zeros(3, dtype=bool)
    sites = suggest(Travel(Mode.WALK), residents, mask, 900, sites=3)
    assert [s.adds for s in sites] == [800, 100]
    assert sites[-1].share_after == 1.0
