"""Map viewports: what a bounding box may be, and clusters that add up to the points."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.viewport import POINT_ZOOM, ViewportError, cluster, parse_viewport


def test_a_viewport_is_read_from_four_numbers_and_a_zoom() -> None:
    v = parse_viewport("120.1,30.2,120.3,30.4", 13)
    assert (v.west, v.south, v.east, v.north, v.zoom) == (120.1, 30.2, 120.3, 30.4, 13)
    assert v.clustered and not parse_viewport("0,0,1,1", POINT_ZOOM).clustered
    assert v.step == pytest.approx(360 / 2**13 / 4)


@pytest.mark.parametrize(
    ("bbox", "zoom"),
    [
        ("120,30,121", 10),
        ("a,b,c,d", 10),
        ("121,30,120,31", 10),
        ("120,31,121,30", 10),
        ("120,30,200,31", 10),
        ("nan,30,121,31", 10),
        ("120,30,121,31", 23),
        ("120,30,121,31", -1),
    ],
)
def test_a_bad_box_or_zoom_is_refused(bbox: str, zoom: int) -> None:
    with pytest.raises(ViewportError):
        parse_viewport(bbox, zoom)


points = st.lists(
    st.tuples(
        st.floats(119.9, 120.5, allow_nan=False),
        st.floats(29.9, 30.5, allow_nan=False),
        st.integers(0, 50).map(float),
    ),
    max_size=200,
)


@given(points=points, zoom=st.integers(8, 16))
def test_clusters_count_exactly_the_points_inside_the_box(
    points: list[tuple[float, float, float]], zoom: int
) -> None:
    view = parse_viewport("120.0,30.0,120.4,30.4", zoom)
    inside = [p for p in points if view.contains(p[0], p[1])]
    clusters = cluster(points, view)
    assert sum(c.count for c in clusters) == len(inside)
    assert sum(c.weight for c in clusters) == pytest.approx(sum(p[2] for p in inside))
    for c in clusters:
        assert view.contains(c.lon, c.lat)
