"""Hit rate, PAI and PEI with fractional ties, pooled and daily means, and the bootstrap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.analytics.metrics import (
    Evaluation,
    bootstrap_pai_diff,
    captured_at,
    daily_mean,
    evaluate,
    level_key,
    pooled,
)


def test_ties_at_the_boundary_count_in_proportion() -> None:
    scores = np.array([5.0, 4.0, 4.0, 4.0, 1.0])
    counts = np.array([2.0, 0.0, 3.0, 1.0, 0.0])
    got = captured_at(scores, counts, np.array([0.0, 1.0, 2.0, 2.5, 4.0, 5.0]))
    # one cell: the 5; two cells: the 5 plus a third of the three tied cells (0+3+1)/3
    assert got.tolist() == pytest.approx([0.0, 2.0, 2.0 + 4.0 / 3.0, 2.0 + 2.0, 6.0, 6.0])


def test_a_fractional_number_of_cells_takes_part_of_the_next_cell() -> None:
    scores = np.array([3.0, 2.0, 1.0])
    counts = np.array([4.0, 2.0, 8.0])
    assert captured_at(scores, counts, np.array([1.5, 2.25])).tolist() == [5.0, 8.0]


def test_all_tied_scores_capture_the_coverage_share() -> None:
    counts = np.array([0.0, 5.0, 1.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    got = captured_at(np.zeros(10), counts, np.array([1.0, 5.0]))
    assert got.tolist() == pytest.approx([1.0, 5.0])  # 10 % and 50 % of the 10 events


def test_figures_match_a_hand_computed_day() -> None:
    # 200 cells: 0.5 % is one cell, 1 % two, 5 % ten
    counts = np.zeros((1, 200))
    counts[0, [0, 1, 2, 50]] = [3, 1, 2, 4]  # 10 events
    scores = np.zeros((1, 200))
    scores[0, :3] = [3.0, 2.0, 1.0]  # ranks cells 0, 1, 2 first; the rest tie at zero
    ev = evaluate(scores, counts)
    figures = pooled(ev)
    assert figures["0.5"] == pytest.approx({"hit_rate": 0.3, "pai": 60.0, "pei": 3 / 4})
    assert figures["1"] == pytest.approx({"hit_rate": 0.4, "pai": 40.0, "pei": 4 / 7})
    # 5 %: cells 0-2 (6 events) plus 7 of the 197 tied cells, holding 4 events between them
    hit5 = (6 + 7 * 4 / 197) / 10
    assert figures["5"] == pytest.approx({"hit_rate": hit5, "pai": hit5 / 0.05, "pei": hit5})


def test_pooled_sums_events_while_daily_mean_averages_busy_days() -> None:
    counts = np.zeros((3, 100))
    counts[0, 0] = 1  # day 1: one event, caught
    counts[1, [0, 1, 2]] = 1  # day 2: three events, one caught at 1 %
    scores = np.tile(np.linspace(1.0, 0.0, 100), (3, 1))  # day 3 has no events
    ev = evaluate(scores, counts)
    assert pooled(ev)["1"]["hit_rate"] == pytest.approx(2 / 4)
    assert daily_mean(ev)["1"]["hit_rate"] == pytest.approx((1 + 1 / 3) / 2)
    assert daily_mean(ev)["1"]["pai"] == pytest.approx((100 + 100 / 3) / 2)


def test_no_events_gives_null_figures_not_nan() -> None:
    ev = evaluate(np.ones((2, 50)), np.zeros((2, 50)))
    assert pooled(ev)["5"] == {"hit_rate": None, "pai": None, "pei": None}
    assert daily_mean(ev)["5"] == {"hit_rate": None, "pai": None, "pei": None}


def test_it_rejects_scores_that_are_not_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        captured_at(np.array([1.0, np.nan]), np.array([1.0, 0.0]), np.array([1.0]))


def test_level_keys_read_like_the_protocol() -> None:
    assert [level_key(c) for c in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)] == [
        "0.5",
        "1",
        "2",
        "5",
        "10",
        "20",
    ]


def _evaluation(captured: list[float], events: list[float]) -> Evaluation:
    cap = np.array(captured)[:, None].repeat(2, axis=1)
    return Evaluation(cap, cap, np.array(events), coverages=(1.0, 5.0))


def test_the_bootstrap_of_identical_models_is_exactly_zero() -> None:
    ev = _evaluation([1, 2, 3, 4] * 7, [5, 5, 5, 5] * 7)
    diff, ci = bootstrap_pai_diff(ev, ev, np.arange(28) // 7, 5.0, n_boot=200)
    assert diff == 0.0 and ci == (0.0, 0.0)


def test_a_model_better_every_week_has_an_interval_above_zero() -> None:
    rng = np.random.default_rng(0)
    events = rng.integers(5, 10, 28).astype(float)
    worse = _evaluation(list(events * 0.2), list(events))
    better = _evaluation(list(events * 0.3), list(events))
    diff, ci = bootstrap_pai_diff(better, worse, np.arange(28) // 7, 1.0, n_boot=500)
    assert diff == pytest.approx(0.1 / 0.01)
    assert ci is not None and diff is not None
    assert 0 < ci[0] <= diff <= ci[1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 3), min_size=3, max_size=40),
    st.lists(st.integers(0, 5), min_size=3, max_size=40),
)
def test_captured_grows_with_cells_and_never_beats_the_best(
    score_list: list[int], count_list: list[int]
) -> None:
    n = min(len(score_list), len(count_list))
    scores = np.array(score_list[:n], dtype=float)
    counts = np.array(count_list[:n], dtype=float)
    takes = np.linspace(0.0, n, 9)
    got = captured_at(scores, counts, takes)
    best = captured_at(counts, counts, takes)
    assert np.all(np.diff(got) >= -1e-9)
    assert np.all(got <= best + 1e-9)
    assert got[-1] == pytest.approx(counts.sum())
    # a random order captures, on average, the coverage share: ties split exactly so
    flat = captured_at(np.zeros(n), counts, takes)
    assert flat == pytest.approx(counts.sum() * takes / n)
