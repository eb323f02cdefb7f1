"""Placing incidents: the station whose boundary holds them, else a district, else none."""

from __future__ import annotations

import numpy as np
import pytest

from jingwu.analytics.locate import NOWHERE, Area, Locator


def square(lon: float, lat: float, d: float) -> dict[str, object]:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


STATIONS = [Area(11, square(120.0, 30.0, 0.01)), Area(12, square(120.01, 30.0, 0.01))]
DISTRICT = [Area(1, square(119.99, 29.99, 0.05))]


def test_points_go_to_their_station_then_their_district_then_the_fallback() -> None:
    lon = np.array([120.005, 120.015, 120.03, 121.0])
    lat = np.array([30.005, 30.005, 30.03, 30.0])
    assert Locator(STATIONS, DISTRICT, None).assign(lon, lat).tolist() == [11, 12, 1, NOWHERE]
    assert Locator(STATIONS, DISTRICT, 99).assign(lon, lat).tolist() == [11, 12, 1, 99]
    assert Locator(STATIONS, [], 99).assign(lon, lat).tolist() == [11, 12, 99, 99]


def test_overlapping_stations_give_a_point_to_the_first() -> None:
    overlapping = [Area(21, square(120.0, 30.0, 0.02)), *STATIONS]
    found = Locator(overlapping, [], None).assign(np.array([120.015]), np.array([30.005]))
    assert found.tolist() == [21]


def test_a_bounding_box_is_the_extent_of_the_outer_rings() -> None:
    assert STATIONS[1].bbox() == pytest.approx((120.01, 30.0, 120.02, 30.01))
