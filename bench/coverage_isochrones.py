"""Benchmark: 15-minute isochrones for 2,000 stations over 1,000,000 road edges, and the
resident coverage over 1,000,000 cells.

The network is a synthetic street grid of 708 × 708 nodes about 100 m apart (1,001,112
edges; every fifth street an arterial at 50 km/h, the rest at 30 km/h, every ninth one-way),
some 75 km across; 2,000 stations and 1,000,000 resident cells are placed uniformly over it.
Measured:

- building the graph once from the lines (`jingwu.coverage.network.build`);
- every station's walking and driving isochrone with its outline
  (`jingwu.coverage.isochrone.circle`: a limited Dijkstra, the frontier, the concave hull);
- the share of residents covered, walking and driving (`residents.covered_mask`: one search
  from all stations, the nearest node of each cell), and the straight-line fallback.

Same-run baselines: an isochrone by an unlimited Dijkstra (the whole graph) per station,
timed over 10 stations and scaled to 2,000; coverage by testing each cell against each
station's circle polygon (shapely, vectorised per station), timed over 100,000 cells and
scaled. Targets of issue 11: isochrones ≤ 2 min; coverage ≤ 10 s.

    .venv/bin/python bench/coverage_isochrones.py [--stations 2000] [--side 708]
        [--cells 1000000] [--out bench/results/coverage_isochrones.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import scipy
import shapely
import shapely.geometry
from scipy.sparse.csgraph import dijkstra

from jingwu.coverage.isochrone import circle
from jingwu.coverage.network import Mode, Road, RoadGraph, build
from jingwu.coverage.residents import Residents, covered_mask, share
from jingwu.coverage.travel import Travel

LIMIT_S = 900.0
STEP_LAT = 0.0009  # about 100 m
STEP_LON = 0.00104  # about 100 m at 30° N
LON0, LAT0 = 120.0, 30.0
TARGET_ISO_S = 120.0
TARGET_COVER_S = 10.0


def grid(side: int) -> list[Road]:
    xs = (LON0 + np.arange(side) * STEP_LON).tolist()
    ys = (LAT0 + np.arange(side) * STEP_LAT).tolist()

    def speed(i: int) -> float:
        return 50.0 if i % 5 == 0 else 30.0

    roads = [Road([(x, y) for y in ys], speed(i), i % 9 == 4) for i, x in enumerate(xs)]
    roads += [Road([(x, y) for x in xs], speed(j), j % 9 == 4) for j, y in enumerate(ys)]
    return roads


def places(n: int, side: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    lon = LON0 + rng.random(n) * (side - 1) * STEP_LON
    lat = LAT0 + rng.random(n) * (side - 1) * STEP_LAT
    return lon, lat


def isochrones(graph: RoadGraph, lon: np.ndarray, lat: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    for mode in Mode:
        travel = Travel(mode, graph)
        began = time.perf_counter()
        reached = 0
        for k, (x, y) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True)):
            reached += circle(travel, k, x, y, LIMIT_S).nodes_reached
        out[mode.value] = time.perf_counter() - began
        out[f"{mode.value}_nodes"] = reached / len(lon)
        print(f"  {mode.value}: {out[mode.value]:.1f} s, {reached / len(lon):,.0f} nodes each")
    return out


def baseline_iso(graph: RoadGraph, lon: np.ndarray, lat: np.ndarray, n: int) -> float:
    """Unlimited Dijkstra from each of n stations (drive), scaled to all stations."""
    _, nodes = graph.nearest(*graph.plane.to_xy(lon[:n], lat[:n]))
    began = time.perf_counter()
    for node in nodes.tolist():
        dijkstra(graph.times[Mode.DRIVE], indices=node)
    return (time.perf_counter() - began) * len(lon) / n


def coverage(
    graph: RoadGraph, stations: tuple[np.ndarray, np.ndarray], people: Residents
) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, travel in (
        ("walk", Travel(Mode.WALK, graph)),
        ("drive", Travel(Mode.DRIVE, graph)),
        ("straight", Travel(Mode.WALK)),
    ):
        began = time.perf_counter()
        result = share(people, covered_mask(travel, stations, people, LIMIT_S))
        out[name] = time.perf_counter() - began
        out[f"{name}_share"] = result.share
        print(f"  coverage {name}: {out[name]:.2f} s, {result.share:.1%} covered")
    return out


def baseline_cover(
    graph: RoadGraph, stations: tuple[np.ndarray, np.ndarray], people: Residents, n: int
) -> float:
    """Each cell against each station's walking circle polygon, scaled from n cells."""
    travel = Travel(Mode.WALK, graph)
    polys = [
        shapely.geometry.shape(circle(travel, k, x, y, LIMIT_S).geometry)
        for k, (x, y) in enumerate(zip(stations[0].tolist(), stations[1].tolist(), strict=True))
    ]
    points = shapely.points(np.column_stack([people.lon[:n], people.lat[:n]]))
    began = time.perf_counter()
    hit = np.zeros(n, dtype=bool)
    for poly in polys:
        hit |= shapely.contains(poly, points)
    return (time.perf_counter() - began) * len(people.lon) / n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--side", type=int, default=708)
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("bench/results/coverage_isochrones.md"))
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    rng = np.random.default_rng(args.seed)
    roads = grid(args.side)
    began = time.perf_counter()
    graph = build(roads)
    build_s = time.perf_counter() - began
    print(f"graph: {graph.node_count:,} nodes, {graph.edge_count:,} edges in {build_s:.1f} s")
    stations = places(args.stations, args.side, rng)
    iso = isochrones(graph, *stations)
    base_iso = baseline_iso(graph, *stations, 10)
    print(f"  baseline isochrones (unlimited Dijkstra, drive): {base_iso:.0f} s extrapolated")
    lon, lat = places(args.cells, args.side, rng)
    people = Residents(lon, lat, rng.integers(0, 400, size=args.cells))
    cover = coverage(
        graph,
        stations,
        people,
    )
    base_cover = baseline_cover(graph, stations, people, 100_000)
    print(f"  baseline coverage (polygons): {base_cover:.1f} s extrapolated")
    args.out.write_text(report(args, graph, load, build_s, iso, base_iso, cover, base_cover))
    return 0


def report(
    args: argparse.Namespace,
    graph: RoadGraph,
    load: float,
    build_s: float,
    iso: dict[str, float],
    base_iso: float,
    cover: dict[str, float],
    base_cover: float,
) -> str:
    both = iso["walk"] + iso["drive"]
    worst = max(cover["walk"], cover["drive"])
    met_iso = "met" if both <= TARGET_ISO_S else "**missed**"
    met_cover = "met" if worst <= TARGET_COVER_S else "**missed**"
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Coverage: isochrones for {args.stations:,} stations over "
        f"{graph.edge_count:,} edges, coverage over {args.cells:,} cells",
        "",
        f"Command: `.venv/bin/python bench/coverage_isochrones.py --stations {args.stations} "
        f"--side {args.side} --cells {args.cells}`  ",
        f"Machine: {platform.machine()}, 2 shared CPUs, Python {platform.python_version()}, "
        f"scipy {scipy.__version__}, shapely {shapely.__version__}; load average at the start "
        f"{load:.1f}  ",
        f"Date: {date}",
        "",
        f"Data: a street grid of {args.side} × {args.side} nodes about 100 m apart "
        f"({graph.node_count:,} nodes, {graph.edge_count:,} edges; arterials 50 km/h, "
        f"streets 30 km/h, every ninth one-way); {args.stations:,} stations and "
        f"{args.cells:,} resident cells placed uniformly; limit 15 minutes.",
        "",
        "| step | time |",
        "| --- | --- |",
        f"| building the graph once from {2 * args.side:,} lines | {build_s:.1f} s |",
        f"| walking isochrones with outlines, {args.stations:,} stations "
        f"({iso['walk_nodes']:,.0f} nodes reached each) | {iso['walk']:.1f} s |",
        f"| driving isochrones with outlines, {args.stations:,} stations "
        f"({iso['drive_nodes']:,.0f} nodes reached each) | {iso['drive']:.1f} s |",
        f"| **both modes** | **{both:.1f} s** ({met_iso}; target ≤ {TARGET_ISO_S:.0f} s) |",
        f"| baseline: unlimited Dijkstra per station, driving only (10 timed, extrapolated) "
        f"| {base_iso:.0f} s |",
        f"| coverage walking, {args.cells:,} cells ({cover['walk_share']:.1%} covered) "
        f"| {cover['walk']:.2f} s |",
        f"| coverage driving ({cover['drive_share']:.1%} covered) | {cover['drive']:.2f} s |",
        f"| **slowest mode** | **{worst:.2f} s** ({met_cover}; target ≤ {TARGET_COVER_S:.0f} s) |",
        f"| straight-line fallback, walking ({cover['straight_share']:.1%} covered) "
        f"| {cover['straight']:.2f} s |",
        f"| baseline: each cell against each station's circle polygon (100,000 timed, "
        f"extrapolated) | {base_cover:.1f} s |",
        "",
        "The isochrones use `scipy.sparse.csgraph.dijkstra` with `limit`, so a search touches "
        "only what 15 minutes reach; coverage is one search from a virtual source joined to "
        "every station plus a k-d tree for the cells' nearest nodes.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
