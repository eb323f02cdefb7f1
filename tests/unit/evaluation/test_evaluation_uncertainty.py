"""The uncertainty and sensitivity analysis of the safety index."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jingwu.errors import Invalid
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.composite import IndexSpec, composite
from jingwu.evaluation.uncertainty import PERTURBATION, uncertainty

SPEC = IndexSpec.from_catalogue(default_catalogue())
FACTOR_NAMES = ["imputation", "normalisation", "weighting", "aggregation", PERTURBATION]


def catalogue_values(n: int, seed: int, missing: float = 0.1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    high = np.where(np.isfinite(SPEC.high), SPEC.high, 100.0)
    x = rng.uniform(SPEC.low, high, size=(n, len(SPEC.ids)))
    x[rng.random(x.shape) < missing] = np.nan
    x[0] = SPEC.low  # keep every column with a value
    return x


def test_the_same_seed_gives_the_same_analysis() -> None:
    x = catalogue_values(60, seed=3)
    one = uncertainty(SPEC, x, runs=120, seed=11)
    two = uncertainty(SPEC, x, runs=120, seed=11)
    other = uncertainty(SPEC, x, runs=120, seed=12)
    for field in ("median_rank", "rank_p05", "rank_p95", "choices"):
        assert np.array_equal(getattr(one, field), getattr(two, field))
    assert one.effects == two.effects and one.most_influential == two.most_influential
    assert not np.array_equal(one.choices, other.choices)


def test_it_reports_the_reference_ranking_and_every_factor() -> None:
    x = catalogue_values(40, seed=5)
    result = uncertainty(SPEC, x, runs=80, seed=1)
    assert np.array_equal(result.reference.ranks, composite(SPEC, x).ranks)
    assert [e.factor for e in result.effects] == FACTOR_NAMES
    shifts = {e.factor: e.mean_rank_shift for e in result.effects}
    assert result.most_influential == max(shifts, key=lambda k: shifts[k])
    for effect in result.effects:
        index = effect.first_order if effect.total_effect is None else effect.total_effect
        assert index is not None and 0 <= index <= 1
    assert result.runs == 80 and result.choices.shape == (80, 4)
    assert set(np.unique(result.choices)) <= {0, 1}


def test_a_community_best_on_everything_ranks_first_in_every_run() -> None:
    x = catalogue_values(30, seed=8)
    best = np.where(SPEC.higher_better, np.nanmax(x, axis=0) + 1, np.nanmin(x, axis=0) - 1)
    worst = np.where(SPEC.higher_better, np.nanmin(x, axis=0) - 1, np.nanmax(x, axis=0) + 1)
    rows = np.vstack([x, np.clip(best, SPEC.low, SPEC.high), np.clip(worst, SPEC.low, SPEC.high)])
    result = uncertainty(SPEC, rows, runs=100, seed=2)
    assert result.rank_p05[-2] == result.rank_p95[-2] == 1
    assert result.rank_p05[-1] == result.rank_p95[-1] == len(rows)


def test_without_missing_values_imputation_moves_nothing() -> None:
    result = uncertainty(SPEC, catalogue_values(50, seed=9, missing=0), runs=200, seed=4)
    imputation = result.effects[0]
    assert imputation.mean_rank_shift == 0
    assert imputation.first_order is not None and imputation.first_order < 0.05


def test_without_perturbation_the_weights_move_nothing_by_themselves() -> None:
    result = uncertainty(SPEC, catalogue_values(50, seed=6), runs=100, seed=4, perturbation=0)
    perturbation = result.effects[-1]
    assert perturbation.mean_rank_shift == 0 and perturbation.total_effect == 0


def test_when_the_weights_decide_the_order_weighting_moves_ranks_most() -> None:
    # Two categories that disagree: the catalogue's weights favour one, equal weights neither.
    spec = IndexSpec(
        ids=("t.a.x", "t.b.y"),
        higher_better=np.array([True, True]),
        categories=("t.a", "t.b"),
        catalogue_weights=np.array([0.9, 0.1]),
    )
    i = np.arange(40, dtype=np.float64)
    values = np.column_stack([i, (39 - i) ** 3])
    result = uncertainty(spec, values, runs=200, seed=3, perturbation=0.05)
    assert result.most_influential == "weighting"


def test_nonsense_settings_are_refused() -> None:
    x = catalogue_values(5, seed=1)
    with pytest.raises(Invalid):
        uncertainty(SPEC, x, runs=0)
    with pytest.raises(Invalid):
        uncertainty(SPEC, x, perturbation=1.0)


def test_a_single_community_is_first_with_certainty() -> None:
    result = uncertainty(SPEC, catalogue_values(1, seed=1, missing=0), runs=20)
    assert result.median_rank.tolist() == [1.0] and result.most_influential is None


@settings(deadline=None, max_examples=40)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 15), st.just(3)),
        elements=st.integers(0, 20).map(float),
    ),
    st.integers(0, 2**32 - 1),
)
def test_every_interval_holds_its_median_and_lies_within_the_ranks(
    values: np.ndarray, seed: int
) -> None:
    spec = IndexSpec(
        ids=("t.a.x", "t.a.y", "t.b.z"),
        higher_better=np.array([True, False, True]),
        categories=("t.a", "t.a", "t.b"),
        catalogue_weights=np.array([0.5, 0.2, 0.3]),
    )
    result = uncertainty(spec, values, runs=25, seed=seed, shift_runs=5)
    n = len(values)
    assert (result.rank_p05 <= result.median_rank).all()
    assert (result.median_rank <= result.rank_p95).all()
    assert (result.rank_p05 >= 1).all() and (result.rank_p95 <= n).all()
