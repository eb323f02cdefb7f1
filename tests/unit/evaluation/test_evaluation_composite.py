"""The composite-index core: imputation, normalisation, weighting, aggregation, ranks."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jingwu.errors import Invalid
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.composite import (
    Aggregation,
    Imputation,
    IndexSpec,
    Method,
    Normalisation,
    Weighting,
    composite,
    impute,
    normalise,
    rank,
)

METHODS = [Method(*levels) for levels in product(Imputation, Normalisation, Weighting, Aggregation)]
MONOTONE = METHODS  # every combination here is monotone in each indicator
CATALOGUE_SPEC = IndexSpec.from_catalogue(default_catalogue())


def spec_of(directions: list[bool], categories: list[str], weights: list[float]) -> IndexSpec:
    w = np.array(weights, dtype=np.float64)
    return IndexSpec(
        ids=tuple(f"t.c.i{k}" for k in range(len(directions))),
        higher_better=np.array(directions),
        categories=tuple(categories),
        catalogue_weights=w / w.sum(),
    )


SPEC = spec_of([True, False, True, False], ["a", "a", "b", "b"], [40, 20, 10, 30])


@st.composite
def problems(draw: st.DrawFn, min_rows: int = 2) -> tuple[IndexSpec, np.ndarray]:
    m = draw(st.integers(2, 6))
    directions = draw(st.lists(st.booleans(), min_size=m, max_size=m))
    categories = draw(st.lists(st.sampled_from("ab"), min_size=m, max_size=m))
    weights = draw(st.lists(st.integers(1, 50), min_size=m, max_size=m))
    n = draw(st.integers(min_rows, 12))
    values = draw(
        hnp.arrays(np.float64, (n, m), elements=st.integers(0, 100).map(float))
    )  # integers: distinct values differ by at least 1
    holes = draw(hnp.arrays(np.bool_, (n, m), elements=st.booleans()))
    holes[0] = False  # every column keeps a value
    values[holes & (draw(st.floats(0, 1)) > 0.5)] = np.nan
    return spec_of(directions, categories, [float(w) for w in weights]), values


def test_min_max_puts_the_best_at_100_and_the_worst_at_0_whichever_way_is_better() -> None:
    x = np.array([[10.0, 10.0], [20.0, 20.0], [30.0, 30.0]])
    y = normalise(x, np.array([True, False]), Normalisation.MINMAX)
    assert y.tolist() == [[0, 100], [50, 50], [100, 0]]
    positive = normalise(x, np.array([True, False]), Normalisation.MINMAX, positive=True)
    assert positive.min() == 1 and positive.max() == 100


def test_z_scores_are_turned_round_for_lower_is_better_and_floored_for_geometric() -> None:
    x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    z = normalise(x, np.array([True, False]), Normalisation.ZSCORE)
    assert z[:, 0] == pytest.approx([-1.2247449, 0, 1.2247449])
    assert z[:, 1] == pytest.approx(-z[:, 0])
    outlier = np.array([[0.0]] * 99 + [[-1e6]])
    t = normalise(outlier, np.array([True]), Normalisation.ZSCORE, positive=True)
    assert t.min() == 1.0 and (t > 0).all()


def test_an_indicator_everyone_shares_normalises_to_the_neutral_point() -> None:
    x = np.full((4, 1), 0.1)
    assert normalise(x, np.array([True]), Normalisation.MINMAX).tolist() == [[50.0]] * 4
    assert normalise(x, np.array([False]), Normalisation.ZSCORE).tolist() == [[0.0]] * 4


def test_missing_values_take_the_mean_or_the_median_of_their_indicator() -> None:
    x = np.array([[1.0, np.nan], [2.0, 5.0], [np.nan, 6.0], [9.0, 100.0]])
    mean, where = impute(x, Imputation.MEAN)
    median, _ = impute(x, Imputation.MEDIAN)
    assert mean[2, 0] == 4.0 and median[2, 0] == 2.0
    assert mean[0, 1] == 37.0 and median[0, 1] == 6.0
    assert where.sum() == 2
    result = composite(SPEC, np.array([[1, 2, 3, 4], [np.nan, np.nan, 3, 4]]))
    assert result.imputed.tolist() == [0, 2]
    assert result.fill[:2].tolist() == [1, 2] and np.isnan(result.fill[2:]).all()


def test_equal_weights_are_equal_over_categories_then_inside_each() -> None:
    spec = spec_of([True] * 3, ["a", "b", "b"], [1, 1, 1])
    assert spec.weights(Weighting.EQUAL).tolist() == [0.5, 0.25, 0.25]
    assert CATALOGUE_SPEC.weights(Weighting.EQUAL).sum() == pytest.approx(1)
    cats = np.array(CATALOGUE_SPEC.categories)
    for category in CATALOGUE_SPEC.category_ids:
        assert CATALOGUE_SPEC.weights(Weighting.EQUAL)[cats == category].sum() == pytest.approx(0.2)


def test_the_catalogue_weights_carry_the_guides_40_30_30() -> None:
    w = CATALOGUE_SPEC.catalogue_weights
    cats = np.array(CATALOGUE_SPEC.categories)
    security = np.isin(cats, ["safety.order", "safety.prevention"])
    environment = np.isin(cats, ["safety.hazards", "safety.sensing"])
    assert w[security].sum() == pytest.approx(0.4)
    assert w[environment].sum() == pytest.approx(0.3)


def test_arithmetic_and_geometric_aggregation_by_hand() -> None:
    spec = spec_of([True, True], ["a", "b"], [75, 25])
    x = np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]])
    arithmetic = composite(spec, x)
    assert arithmetic.scores.tolist() == pytest.approx([0, 75, 100])
    assert arithmetic.ranks.tolist() == [3, 2, 1]
    assert arithmetic.category_scores[1].tolist() == pytest.approx([100, 0])
    geometric = composite(spec, x, Method(aggregation=Aggregation.GEOMETRIC))
    assert geometric.scores.tolist() == pytest.approx([1, 100**0.75, 100])


def test_unusable_values_are_refused_with_a_reason() -> None:
    with pytest.raises(Invalid, match="one column per indicator"):
        composite(SPEC, np.zeros((3, 2)))
    with pytest.raises(Invalid, match="no value in any community"):
        composite(SPEC, np.array([[1, np.nan, 1, 1], [2, np.nan, 2, 2]]))
    with pytest.raises(Invalid, match="numbers or missing"):
        composite(SPEC, np.array([[1, np.inf, 1, 1]]))
    with pytest.raises(Invalid, match="numbers or missing"):
        composite(SPEC, [[1, "many", 1, 1]])
    values = np.vstack([CATALOGUE_SPEC.low, CATALOGUE_SPEC.low])
    values[1, 0] = 9999  # thefts per 10,000 residents: the range ends at 500
    with pytest.raises(Invalid) as caught:
        composite(CATALOGUE_SPEC, values)
    assert caught.value.params["row"] == 2
    assert caught.value.params["id"] == "safety.order.theft_rate"


def test_a_method_can_be_varied_one_step_at_a_time() -> None:
    varied = Method().vary("normalisation", Normalisation.ZSCORE)
    assert varied == Method(normalisation=Normalisation.ZSCORE)
    with pytest.raises(Invalid):
        Method().vary("normalisation", Aggregation.GEOMETRIC)


@settings(deadline=None, max_examples=150)
@given(problems(), st.sampled_from(MONOTONE), st.data())
def test_an_indicator_that_improves_never_lowers_its_communitys_score(
    problem: tuple[IndexSpec, np.ndarray], method: Method, data: st.DataObject
) -> None:
    spec, values = problem
    n, m = values.shape
    row, col = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, m - 1))
    if np.isnan(values[row, col]):
        values[row, col] = data.draw(st.integers(0, 100))
    step = data.draw(st.integers(1, 100))
    better = values.copy()
    better[row, col] += step if spec.higher_better[col] else -step
    before = composite(spec, values, method).scores[row]
    after = composite(spec, better, method).scores[row]
    assert after >= before - 1e-9 * (1 + abs(before))


@settings(deadline=None, max_examples=100)
@given(
    problems(),
    st.sampled_from(METHODS),
    st.lists(st.floats(0.01, 100), min_size=6, max_size=6),
    st.lists(st.floats(-1000, 1000), min_size=6, max_size=6),
)
def test_rescaling_an_indicators_unit_changes_nothing_after_normalisation(
    problem: tuple[IndexSpec, np.ndarray], method: Method, scale: list[float], shift: list[float]
) -> None:
    spec, values = problem
    m = values.shape[1]
    rescaled = values * np.array(scale[:m]) + np.array(shift[:m])
    before, after = composite(spec, values, method), composite(spec, rescaled, method)
    np.testing.assert_allclose(after.scores, before.scores, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(after.category_scores, before.category_scores, atol=1e-7)


@settings(deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 40)),
        elements=st.sampled_from([0.0, 1.0, 2.5, -3.0, 1e-12]),
    )
)
def test_ranks_are_a_permutation_in_every_row(scores: np.ndarray) -> None:
    ranks = rank(scores)
    for row in ranks:
        assert sorted(row.tolist()) == list(range(1, scores.shape[1] + 1))
    rounded = np.round(scores, 9)  # scores equal to 9 decimals tie, and go by position
    for r, s in zip(ranks, rounded, strict=True):
        for a, b in product(range(len(s)), repeat=2):
            if s[a] > s[b] or (s[a] == s[b] and a < b):
                assert r[a] < r[b]


@settings(deadline=None, max_examples=80)
@given(problems(min_rows=1), st.sampled_from(METHODS), st.data())
def test_communities_with_equal_data_get_equal_scores(
    problem: tuple[IndexSpec, np.ndarray], method: Method, data: st.DataObject
) -> None:
    spec, values = problem
    source = data.draw(st.integers(0, len(values) - 1))
    twin = np.vstack([values, values[source]])
    result = composite(spec, twin, method)
    assert result.scores[-1] == result.scores[source]
    assert (result.category_scores[-1] == result.category_scores[source]).all()
    assert abs(int(result.ranks[-1]) - int(result.ranks[source])) >= 1
