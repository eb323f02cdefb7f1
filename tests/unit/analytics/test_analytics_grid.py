"""The backtest grid: projection, origin, valid cells, areas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.analytics.grid import (
    GridError,
    area_geometry,
    build_grid,
    points_in_area,
    project,
    unproject,
)
from jingwu.geo import EARTH_RADIUS_M, GeometryError

LON0, LAT0 = 121.47, 31.23


def square(lon0: float, lat0: float, size: float) -> list[list[float]]:
    return [
        [lon0, lat0],
        [lon0 + size, lat0],
        [lon0 + size, lat0 + size],
        [lon0, lat0 + size],
        [lon0, lat0],
    ]


def test_projection_follows_the_protocol_formula() -> None:
    x, y = project(np.array([LON0 + 0.01]), np.array([LAT0 + 0.02]), LON0, LAT0)
    assert x[0] == pytest.approx(
        EARTH_RADIUS_M * math.cos(math.radians(LAT0)) * 0.01 * math.pi / 180
    )
    assert y[0] == pytest.approx(EARTH_RADIUS_M * 0.02 * math.pi / 180)
    lon, lat = unproject(x, y, LON0, LAT0)
    assert lon[0] == pytest.approx(LON0 + 0.01) and lat[0] == pytest.approx(LAT0 + 0.02)


def test_the_origin_is_floored_to_whole_cells_around_the_median_point() -> None:
    lon = np.array([LON0 - 0.01, LON0, LON0 + 0.003])
    lat = np.array([LAT0 - 0.004, LAT0, LAT0 + 0.02])
    grid = build_grid(lon, lat, cell=150.0)
    assert (grid.lon0, grid.lat0) == (LON0, LAT0)
    x, y = project(lon, lat, LON0, LAT0)
    assert grid.x0 == math.floor(x.min() / 150.0) * 150.0
    assert grid.y0 == math.floor(y.min() / 150.0) * 150.0
    assert grid.n_cells == 3  # one valid cell per occupied cell
    assert sorted(grid.locate(lon, lat).tolist()) == [0, 1, 2]


def test_valid_cells_are_those_holding_an_event_without_an_area() -> None:
    rng = np.random.default_rng(3)
    lon = LON0 + rng.uniform(0, 0.02, 500)
    lat = LAT0 + rng.uniform(0, 0.02, 500)
    grid = build_grid(lon, lat, cell=200.0)
    cells = grid.locate(lon, lat)
    assert cells.min() >= 0
    assert len(np.unique(cells)) == grid.n_cells
    # centres of valid cells fall back into the same cells
    clon, clat = grid.centres()
    assert grid.locate(clon, clat).tolist() == list(range(grid.n_cells))


def test_an_area_makes_its_cells_valid_and_drops_events_outside() -> None:
    area = {"type": "Polygon", "coordinates": [square(LON0, LAT0, 0.01)]}
    lon = np.array([LON0 + 0.005, LON0 + 0.05])  # the second lies far outside
    lat = np.array([LAT0 + 0.005, LAT0 + 0.005])
    grid = build_grid(lon, lat, cell=100.0, area=area)
    cells = grid.locate(lon, lat)
    assert cells[0] >= 0 and cells[1] == -1
    clon, clat = grid.centres()
    assert points_in_area(area, clon, clat).all()
    # roughly (0.01° × 0.01°) / (100 m)² cells
    side_x = EARTH_RADIUS_M * math.cos(math.radians(LAT0)) * math.radians(0.01)
    side_y = EARTH_RADIUS_M * math.radians(0.01)
    assert grid.n_cells == pytest.approx(side_x * side_y / 100.0**2, rel=0.05)


def test_points_in_area_excludes_holes_and_handles_multipolygons() -> None:
    outer = square(0.0, 0.0, 10.0)
    hole = square(4.0, 4.0, 2.0)
    far = square(20.0, 20.0, 1.0)
    geometry = {"type": "MultiPolygon", "coordinates": [[outer, hole], [far]]}
    lon = np.array([1.0, 5.0, 20.5, 15.0])
    lat = np.array([1.0, 5.0, 20.5, 15.0])
    assert points_in_area(geometry, lon, lat).tolist() == [True, False, True, False]


def test_area_geometry_accepts_features_and_collections() -> None:
    poly = {"type": "Polygon", "coordinates": [square(0.0, 0.0, 1.0)]}
    assert area_geometry({"type": "Feature", "geometry": poly}) == poly
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": poly}]}
    assert area_geometry(collection)["type"] == "MultiPolygon"
    with pytest.raises(GeometryError):
        area_geometry({"type": "Point", "coordinates": [0, 0]})
    with pytest.raises(GeometryError):
        area_geometry({"type": "FeatureCollection", "features": []})


def test_it_rejects_bad_cell_sizes_and_empty_inputs() -> None:
    one = np.array([LON0])
    with pytest.raises(GridError, match="positive"):
        build_grid(one, one * 0 + LAT0, cell=0.0)
    with pytest.raises(GridError, match="no events"):
        build_grid(np.array([]), np.array([]), cell=100.0)
    with pytest.raises(GridError, match="larger cells"):
        build_grid(np.array([0.0, 10.0]), np.array([0.0, 10.0]), cell=1.0)
    tiny = {"type": "Polygon", "coordinates": [square(LON0 + 1e-4, LAT0 + 1e-4, 1e-6)]}
    with pytest.raises(GridError, match="inside the area"):
        build_grid(one, one * 0 + LAT0, cell=1000.0, area=tiny)


def test_images_round_trip_the_valid_cells() -> None:
    lon = LON0 + np.array([0.0, 0.01, 0.02])
    lat = LAT0 + np.array([0.0, 0.015, 0.002])
    grid = build_grid(lon, lat, cell=300.0)
    values = np.arange(2 * grid.n_cells, dtype=np.float64).reshape(2, grid.n_cells) + 1
    image = grid.to_image(values)
    assert image.shape == (2, grid.ny, grid.nx)
    assert image.sum() == values.sum()
    assert np.array_equal(grid.from_image(image), values)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-0.05, 0.05), st.floats(-0.05, 0.05)), min_size=1, max_size=40),
    st.sampled_from([50.0, 150.0, 400.0]),
)
def test_every_event_lies_inside_the_bounds_of_its_cell(
    offsets: list[tuple[float, float]], cell: float
) -> None:
    lon = LON0 + np.array([o[0] for o in offsets])
    lat = LAT0 + np.array([o[1] for o in offsets])
    grid = build_grid(lon, lat, cell=cell)
    k = grid.locate(lon, lat)
    assert (k >= 0).all()
    x, y = project(lon, lat, grid.lon0, grid.lat0)
    left = grid.x0 + grid.cols[k] * cell
    bottom = grid.y0 + grid.rows[k] * cell
    assert np.all((x >= left - 1e-6) & (x < left + cell + 1e-6))
    assert np.all((y >= bottom - 1e-6) & (y < bottom + cell + 1e-6))
