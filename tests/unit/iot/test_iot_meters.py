"""A meter register's rise within a window: days add up, nothing is counted twice."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.iot.meters import MAX_GAP_MS, MAX_KW, Rise, series, step_counts, window_rise

H = 3_600_000
DAY = 24 * H


@st.composite
def meter_series(draw: st.DrawFn) -> list[tuple[int, float]]:
    """A plausible register: readings 1 min to 6 h apart, rising at 0–100 kW."""
    ts, value = draw(st.integers(0, 3 * DAY)), draw(st.floats(0, 1e6))
    out = [(ts, value)]
    for _ in range(draw(st.integers(1, 40))):
        step = draw(st.integers(60_000, 6 * H))
        ts += step
        value += draw(st.floats(0, 100)) * step / H
        out.append((ts, value))
    return out


@settings(max_examples=200, deadline=None)
@given(meter_series(), st.integers(1, 10))
def test_the_days_of_a_series_add_up_to_its_whole_rise(
    points: list[tuple[int, float]], days: int
) -> None:
    lo = points[0][0] // DAY * DAY
    total = sum(window_rise(points, lo + k * DAY, lo + (k + 1) * DAY).kwh for k in range(days))
    covered = [(t, v) for t, v in points if t < lo + days * DAY]
    end = lo + days * DAY
    # the part of the step that crosses the last window's end belongs to the next window
    whole = window_rise(points, lo, end).kwh
    assert total == pytest.approx(whole, rel=1e-9, abs=1e-6)
    if len(covered) == len(points):
        assert whole == pytest.approx(points[-1][1] - points[0][1], rel=1e-9, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(meter_series(), st.data())
def test_a_reading_on_the_line_between_two_others_changes_nothing(
    points: list[tuple[int, float]], data: st.DataObject
) -> None:
    k = data.draw(st.integers(0, len(points) - 2))
    (t0, v0), (t1, v1) = points[k], points[k + 1]
    t = data.draw(st.integers(t0 + 1, t1 - 1)) if t1 - t0 > 1 else t0
    extra = (t, v0 + (v1 - v0) * (t - t0) / (t1 - t0))
    lo = data.draw(st.integers(points[0][0] - DAY, points[-1][0]))
    before = window_rise(points, lo, lo + DAY)
    after = window_rise([*points, extra], lo, lo + DAY)
    assert after.kwh == pytest.approx(before.kwh, rel=1e-9, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(meter_series(), st.randoms(use_true_random=False))
def test_order_and_repeats_of_the_readings_do_not_matter(
    points: list[tuple[int, float]], rnd: random.Random
) -> None:
    shuffled = points * 2
    rnd.shuffle(shuffled)
    lo = points[0][0]
    assert window_rise(shuffled, lo, lo + DAY) == window_rise(points, lo, lo + DAY)


@settings(max_examples=100, deadline=None)
@given(meter_series())
def test_a_rise_is_never_negative(points: list[tuple[int, float]]) -> None:
    lo = points[0][0]
    assert window_rise(points, lo - DAY, lo + DAY).kwh >= 0


def test_a_day_gets_its_share_of_the_step_across_midnight() -> None:
    # 22:00 -> 02:00 rising 40 kWh: half of it before midnight, half after
    points = [(DAY - 2 * H, 100.0), (DAY + 2 * H, 140.0)]
    assert window_rise(points, 0, DAY) == Rise(20.0, 1, 0)
    assert window_rise(points, DAY, 2 * DAY) == Rise(20.0, 1, 0)


def test_a_meter_reset_or_a_replaced_meter_counts_nothing_for_the_jump() -> None:
    down = [(0, 5_000.0), (H, 5_010.0), (2 * H, 3.0), (3 * H, 13.0)]
    assert window_rise(down, 0, DAY) == Rise(20.0, 4, 1)
    # a register restarted at another value: 40,000 kWh in 15 minutes is no station's draw
    up = [(0, 20_000.0), (H, 20_010.0), (H + 900_000, 60_000.0), (2 * H, 60_007.5)]
    assert window_rise(up, 0, DAY) == Rise(17.5, 4, 1)


def test_a_step_across_a_long_gap_is_unknown() -> None:
    points = [(0, 0.0), (MAX_GAP_MS + 1, 10.0)]
    assert window_rise(points, 0, 10 * DAY) == Rise(0.0, 2, 1)
    assert not step_counts(0, 0.0, MAX_GAP_MS + 1, 10.0)
    assert step_counts(0, 0.0, H, MAX_KW)
    assert not step_counts(0, 0.0, H, MAX_KW + 1)


def test_series_keeps_the_highest_value_of_an_instant() -> None:
    assert series([(2, 5.0), (1, 1.0), (2, 7.0)]) == [(1, 1.0), (2, 7.0)]
