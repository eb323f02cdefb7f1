"""Device density and class coverage per community (IOT-1)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu import geo
from jingwu.iot.classes import DeviceClass
from jingwu.iot.density import (
    CommunityArea,
    DensityError,
    DeviceLocation,
    density_report,
    points_in,
)

LON0, LAT0 = 120.15, 30.25  # Hangzhou
M_PER_DEG_LAT = geo.EARTH_RADIUS_M * math.pi / 180
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))


def square(x0_m: float, y0_m: float, side_m: float) -> list[list[float]]:
    """A closed ring of a square, corners given in metres east/north of (LON0, LAT0)."""
    pts = [
        (x0_m, y0_m),
        (x0_m + side_m, y0_m),
        (x0_m + side_m, y0_m + side_m),
        (x0_m, y0_m + side_m),
    ]
    ring = [[LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT] for x, y in pts]
    return [*ring, ring[0]]


def poly(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def at(x_m: float, y_m: float) -> tuple[float, float]:
    return LON0 + x_m / M_PER_DEG_LON, LAT0 + y_m / M_PER_DEG_LAT


def devices_in_grid(
    prefix: str, x0: float, y0: float, n: int, classes: list[DeviceClass]
) -> list[DeviceLocation]:
    out = []
    for k in range(n):
        lon, lat = at(x0 + 10 + (k % 30) * 30, y0 + 10 + (k // 30) * 30)
        out.append(DeviceLocation(f"{prefix}{k}", classes[k % len(classes)], lon, lat))
    return out


ONE_KM2 = CommunityArea("C1", "西湖社区", poly(square(0, 0, 1000)))
HALF_KM2 = CommunityArea("C2", "灵隐社区", poly(square(2000, 0, 707.1068)))


def test_a_community_with_enough_devices_of_every_class_is_fine() -> None:
    devs = devices_in_grid("a", 0, 0, 24, list(DeviceClass))
    report = density_report([ONE_KM2], devs)
    (c,) = report.communities
    assert c.area_km2 == pytest.approx(1.0, rel=1e-3)
    assert c.devices == 24 and c.per_km2 == pytest.approx(24, rel=1e-3)
    assert all(n == 3 for n in c.by_class.values())
    assert c.ok and c.meets_density and report.short == ()


def test_it_lists_communities_short_of_density_and_the_missing_classes() -> None:
    few = devices_in_grid("a", 0, 0, 19, list(DeviceClass))
    half = devices_in_grid("b", 2000, 0, 10, [DeviceClass.ENVIRONMENT, DeviceClass.SMOKE_FIRE])
    report = density_report([ONE_KM2, HALF_KM2], few + half)
    c1, c2 = report.communities
    assert c1.short_by == 1 and not c1.meets_density and c1.missing_classes == ()
    assert c2.area_km2 == pytest.approx(0.5, rel=1e-3)
    assert c2.per_km2 == pytest.approx(20, rel=1e-3) and c2.short_by == 0
    assert DeviceClass.VIDEO_ANALYTICS in c2.missing_classes
    assert len(c2.missing_classes) == 6
    assert report.short == (c1, c2)


def test_the_minimum_and_required_classes_can_be_set() -> None:
    devs = devices_in_grid("a", 0, 0, 10, [DeviceClass.ENVIRONMENT])
    report = density_report(
        [ONE_KM2], devs, min_per_km2=10, required_classes=[DeviceClass.ENVIRONMENT]
    )
    assert report.short == ()


def test_devices_outside_every_boundary_are_reported() -> None:
    lon, lat = at(5000, 5000)
    report = density_report([ONE_KM2], [DeviceLocation("far", DeviceClass.ENERGY_METER, lon, lat)])
    assert report.outside == ("far",)
    assert report.communities[0].devices == 0


def test_holes_are_excluded_from_area_and_from_membership() -> None:
    with_hole = CommunityArea("H", "有湖社区", poly(square(0, 0, 1000), square(250, 250, 500)))
    lon_in_hole, lat_in_hole = at(500, 500)
    lon_ring, lat_ring = at(100, 100)
    devs = [
        DeviceLocation("lake", DeviceClass.ENVIRONMENT, lon_in_hole, lat_in_hole),
        DeviceLocation("shore", DeviceClass.ENVIRONMENT, lon_ring, lat_ring),
    ]
    (c,) = density_report([with_hole], devs).communities
    assert c.area_km2 == pytest.approx(0.75, rel=1e-3)
    assert c.devices == 1


def test_a_multipolygon_counts_devices_in_each_part() -> None:
    multi = {"type": "MultiPolygon", "coordinates": [[square(0, 0, 500)], [square(3000, 0, 500)]]}
    devs = devices_in_grid("a", 0, 0, 4, [DeviceClass.ENVIRONMENT]) + devices_in_grid(
        "b", 3000, 0, 3, [DeviceClass.ENVIRONMENT]
    )
    (c,) = density_report([CommunityArea("M", "两块社区", multi)], devs).communities
    assert c.devices == 7
    assert c.area_km2 == pytest.approx(0.5, rel=1e-3)


def test_it_refuses_duplicate_codes_and_zero_area() -> None:
    with pytest.raises(DensityError, match="unique"):
        density_report([ONE_KM2, ONE_KM2], [])
    flat = [[LON0, LAT0], [LON0 + 0.01, LAT0], [LON0 + 0.02, LAT0], [LON0, LAT0]]
    with pytest.raises(DensityError, match="zero area"):
        density_report([CommunityArea("Z", "零", poly(flat))], [])


ring_points = st.lists(
    st.tuples(st.floats(-0.01, 0.01), st.floats(-0.01, 0.01)), min_size=3, max_size=8
)


@given(
    ring_points,
    st.lists(st.tuples(st.floats(-0.012, 0.012), st.floats(-0.012, 0.012)), max_size=40),
)
def test_vectorised_membership_agrees_with_geo_contains(
    ring: list[tuple[float, float]], pts: list[tuple[float, float]]
) -> None:
    coords = [[LON0 + x, LAT0 + y] for x, y in ring]
    boundary = poly([*coords, coords[0]])
    lon = np.array([LON0 + x for x, _ in pts], dtype=np.float64)
    lat = np.array([LAT0 + y for _, y in pts], dtype=np.float64)
    got = points_in(boundary, lon, lat)
    assert [bool(v) for v in got] == [
        geo.contains(boundary, lo, la) for lo, la in zip(lon, lat, strict=True)
    ]
