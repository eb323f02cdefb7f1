"""Tomorrow's hotspots in words (pure): where a cell lies from its station, and how the
forecast compares with the usual.

"About 600 m northeast of the station" reads better than a cell index; "about 3 times the
usual" better than an expected count alone. Directions and comparisons are English message
ids, translated at the edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jingwu.geo import project

# counter-clockwise from east, 45° apart
DIRECTIONS = ("east", "northeast", "north", "northwest", "west", "southwest", "south", "southeast")
NEAR_M = 150.0  # closer than this: "near the station"
HIGHER, USUAL_LOW = 1.5, 2 / 3


@dataclass(frozen=True)
class Place:
    """Where a point lies from its station: distance (m, rounded to 50) and direction."""

    distance_m: int
    direction: str | None  # None: near the station


def direction(dx_m: float, dy_m: float) -> str:
    """The compass direction (8 points) of a displacement east dx, north dy."""
    angle = math.atan2(dy_m, dx_m)
    return DIRECTIONS[round(angle / (math.pi / 4)) % 8]


def place(station_lon: float, station_lat: float, lon: float, lat: float) -> Place:
    """Where (lon, lat) lies as seen from the station's point."""
    dx, dy = project(lon, lat, station_lon, station_lat)
    distance = math.hypot(dx, dy)
    if distance < NEAR_M:
        return Place(0, None)
    return Place(int(round(distance / 50.0) * 50), direction(dx, dy))


@dataclass(frozen=True)
class Compared:
    """The forecast against the usual day: ``higher`` (with the ratio), ``usual``, ``lower``
    or ``new`` (nothing in the period the usual is taken from)."""

    kind: str
    ratio: float | None = None


def compare(expected: float, usual: float) -> Compared:
    """How ``expected`` incidents tomorrow compare with ``usual`` incidents a day."""
    if usual <= 0:
        return Compared("new")
    ratio = expected / usual
    if ratio >= HIGHER:
        return Compared("higher", round(ratio, 1))
    if ratio > USUAL_LOW:
        return Compared("usual", round(ratio, 1))
    return Compared("lower", round(ratio, 1))
