"""The heat-map cube: packing, counting in batches equals counting at once, windows, days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.analytics.grid import GridError
from jingwu.analytics.heatcube import (
    Batch,
    Counts,
    Frame,
    add_days,
    aggregate,
    bin_batch,
    cell_series,
    layout,
    merge,
    pack,
    same_cube,
    unpack,
    window_counts,
)
from jingwu.analytics.timeline import EPOCH

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRAME = layout(np.array([120.10, 120.13]), np.array([30.20, 30.21]), cell=150.0)


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _batch(*columns: list[float] | list[int]) -> Batch:
    unit, cat, lon, lat, t = (np.array(c) for c in columns)
    return Batch(unit, cat, lon.astype(float), lat.astype(float), t.astype(float))


@given(
    st.lists(
        st.tuples(
            st.integers(0, (1 << 23) - 1), st.integers(0, 4095), st.integers(0, (1 << 28) - 1)
        ),
        max_size=50,
    )
)
def test_keys_pack_and_unpack_and_sort_by_unit_category_cell(
    rows: list[tuple[int, int, int]],
) -> None:
    unit, cat, cell = (np.array([r[k] for r in rows], dtype=np.int64) for k in range(3))
    keys = pack(unit, cat, cell)
    back = unpack(keys)
    assert all(np.array_equal(a, b) for a, b in zip(back, (unit, cat, cell), strict=True))
    assert sorted(rows) == [rows[i] for i in np.argsort(keys, kind="stable")]


def test_packing_refuses_ids_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="unit ids"):
        pack(np.array([1 << 23]), np.array([0]), np.array([0]))
    with pytest.raises(ValueError, match="category ids"):
        pack(np.array([1]), np.array([4096]), np.array([0]))


@settings(max_examples=60)
@given(st.lists(st.integers(0, 30), max_size=80), st.lists(st.integers(0, 79), max_size=5))
def test_merging_any_split_equals_counting_everything_at_once(
    keys: list[int], cuts: list[int]
) -> None:
    arr = np.array(keys, dtype=np.int64)
    bounds = sorted({min(c, len(arr)) for c in cuts})
    total = Counts(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    for part in np.split(arr, bounds):
        total = merge(total, aggregate(part))
    once = aggregate(arr)
    assert np.array_equal(total.keys, once.keys) and np.array_equal(total.counts, once.counts)
    assert total.incidents == len(keys)


def test_a_day_survives_encoding() -> None:
    day = aggregate(np.array([5, 3, 5, 1 << 40], dtype=np.int64))
    back = Counts.decode(*day.encode())
    assert np.array_equal(back.keys, [3, 5, 1 << 40]) and np.array_equal(back.counts, [1, 2, 1])
    with pytest.raises(ValueError, match="differ in length"):
        Counts.decode(day.encode()[0], b"")


def test_incidents_fall_on_their_local_day_and_cell() -> None:
    lon0, lat0 = FRAME.centres(np.array([0]))
    late = dt.datetime(2026, 11, 28, 23, 59, tzinfo=SHANGHAI).timestamp()
    early = dt.datetime(2026, 11, 29, 0, 1, tzinfo=SHANGHAI).timestamp()
    days, skipped = bin_batch(
        FRAME, SHANGHAI,
        _batch([7, 7, 8], [1, 1, 2], [lon0[0]] * 3, [lat0[0]] * 3, [late, early, early]),
        first_day=0,
    )  # fmt: skip
    assert skipped == 0
    assert set(days) == {_day(dt.date(2026, 11, 28)), _day(dt.date(2026, 11, 29))}
    unit, cat, cell = unpack(days[_day(dt.date(2026, 11, 29))].keys)
    assert list(zip(unit, cat, cell, strict=True)) == [(7, 1, 0), (8, 2, 0)]


def test_incidents_off_the_frame_or_before_the_first_day_are_skipped() -> None:
    t = dt.datetime(2026, 11, 29, 12, tzinfo=SHANGHAI).timestamp()
    first = _day(dt.date(2026, 11, 29))
    days, skipped = bin_batch(
        FRAME, SHANGHAI,
        _batch([1, 1, 1], [0, 0, 0], [120.115, 121.0, 120.115], [30.205, 30.205, 30.205],
               [t, t, t - 86_400.0]),
        first_day=first,
    )  # fmt: skip
    assert skipped == 2 and sum(c.incidents for c in days.values()) == 1


def test_windows_sum_days_and_filter_units_and_categories() -> None:
    a = aggregate(pack(np.array([1, 1, 2]), np.array([0, 1, 0]), np.array([3, 3, 4])))
    b = aggregate(pack(np.array([1]), np.array([0]), np.array([4])))
    all_units = window_counts([a, b], 6, units=None, cat=None)
    assert all_units.tolist() == [0, 0, 0, 2, 2, 0]
    assert window_counts([a, b], 6, units=np.array([1]), cat=None).tolist() == [0, 0, 0, 2, 1, 0]
    assert window_counts([a, b], 6, units=np.array([1]), cat=0).tolist() == [0, 0, 0, 1, 1, 0]
    cube = {10: a, 12: b}
    series = cell_series(cube, 4, 10, 12, units=None, cat=None)
    assert series.tolist() == [1, 0, 1]


def test_adding_days_merges_only_the_days_that_overlap() -> None:
    a = aggregate(np.array([1, 2], dtype=np.int64))
    b = aggregate(np.array([2], dtype=np.int64))
    cube = add_days({1: a}, {1: b, 2: b})
    assert cube[1].counts.tolist() == [1, 2] and cube[2].counts.tolist() == [1]
    assert same_cube(cube, {2: b, 1: aggregate(np.array([1, 2, 2], dtype=np.int64))})
    assert not same_cube(cube, {1: a})


def test_the_layout_covers_its_points_with_cells_on_the_lattice() -> None:
    lon = np.array([120.10, 120.13, 120.115])
    lat = np.array([30.20, 30.21, 30.205])
    frame = layout(lon, lat, cell=150.0)
    assert (frame.locate(lon, lat) >= 0).all()
    assert frame.x0 % 150.0 == 0 and frame.y0 % 150.0 == 0
    assert frame.nx == 20 and frame.ny == 8
    with pytest.raises(GridError, match="use larger cells"):
        layout(np.array([100.0, 120.0]), np.array([20.0, 40.0]), cell=10.0)


def test_the_forecasting_grid_of_a_frame_numbers_its_valid_cells_in_frame_order() -> None:
    frame = Frame(120.0, 30.0, 100.0, 0.0, 0.0, 3, 2)
    valid = np.array([False, True, False, True, True, False])
    grid = frame.grid(valid)
    lon, lat = frame.centres(np.array([1, 3, 4, 0]))
    assert grid.locate(lon, lat).tolist() == [0, 1, 2, -1]
    assert np.array_equal(frame.locate(lon, lat), [1, 3, 4, 0])
