"""Hotspots in words: compass directions, distances from the station, the usual day."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.analytics.hotspot_words import DIRECTIONS, Compared, Place, compare, direction, place


@pytest.mark.parametrize(
    ("dx", "dy", "word"),
    [(1, 0, "east"), (1, 1, "northeast"), (0, 1, "north"), (-1, 0, "west"), (0, -5, "south"),
     (3, -3, "southeast"), (-2, -2, "southwest"), (-1, 1, "northwest")],
)  # fmt: skip
def test_the_eight_directions(dx: float, dy: float, word: str) -> None:
    assert direction(dx, dy) == word


@given(st.floats(0, 2 * math.pi - 1e-9), st.floats(1, 5000))
def test_a_quarter_turn_moves_two_points_of_the_compass(angle: float, r: float) -> None:
    a = direction(r * math.cos(angle), r * math.sin(angle))
    b = direction(r * math.cos(angle + math.pi / 2), r * math.sin(angle + math.pi / 2))
    k = DIRECTIONS.index(a)
    # away from the boundaries between two points the turn is exact
    if abs((angle / (math.pi / 4)) % 1 - 0.5) > 1e-6:
        assert DIRECTIONS.index(b) == (k + 2) % 8


def test_a_place_is_rounded_to_50_m_and_near_the_station_has_no_direction() -> None:
    station = (120.10, 30.20)
    assert place(*station, 120.10, 30.2001) == Place(0, None)
    far = place(*station, 120.10 + 0.0064, 30.20 + 0.0)  # about 615 m east
    assert far.direction == "east" and far.distance_m % 50 == 0 and 550 <= far.distance_m <= 650


def test_the_usual_day() -> None:
    assert compare(3.0, 1.0) == Compared("higher", 3.0)
    assert compare(1.1, 1.0) == Compared("usual", 1.1)
    assert compare(0.2, 1.0) == Compared("lower", 0.2)
    assert compare(0.5, 0.0) == Compared("new")


@given(st.floats(0, 50), st.floats(0, 50), st.floats(0.01, 20))
def test_more_expected_never_reads_as_less_compared_with_the_same_usual(
    a: float, b: float, usual: float
) -> None:
    order = {"lower": 0, "usual": 1, "higher": 2}
    lo, hi = sorted((a, b))
    assert order[compare(lo, usual).kind] <= order[compare(hi, usual).kind]
