"""The KPI formula core: weighted means, the missing-data rule, roll-ups to streets."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.kpi import (
    ComponentValue,
    index_value,
    index_values,
    roll_up,
    rolled_index_values,
)
from jingwu.evaluation.measures import Component

CAT = default_catalogue()
SAT = CAT.index("kpi.satisfaction")
EFF = CAT.index("kpi.efficiency")
SOC = CAT.index("kpi.social")
RULE = CAT.min_present_weight


def _component(cid: str) -> Component:
    found = CAT.measure(cid)
    assert isinstance(found, Component)
    return found


def test_the_satisfaction_index_is_the_weighted_mean_of_its_components() -> None:
    values = {
        "kpi.satisfaction.response": 90.0,
        "kpi.satisfaction.resolution": 80.0,
        "kpi.satisfaction.environment": 70.0,
        "kpi.satisfaction.innovation": 60.0,
    }
    result = index_value(SAT, values, min_present_weight=RULE)
    assert result.value == pytest.approx(0.2 * 90 + 0.3 * 80 + 0.25 * 70 + 0.25 * 60)
    assert result.missing == () and not result.partial
    assert result.present_weight == 100


def test_the_fall_in_cases_is_scored_between_its_goalposts() -> None:
    values = {
        "kpi.social.public_order_fall": 10.0,  # a 10 % fall scores 75
        "kpi.social.disputes_resolved": 60.0,
        "kpi.social.hazards_rectified": 80.0,
        "kpi.social.participation": 30.0,  # 30 % of households scores 60
    }
    result = index_value(SOC, values, min_present_weight=RULE)
    assert dict(result.scores)["kpi.social.public_order_fall"] == 75
    assert dict(result.scores)["kpi.social.participation"] == 60
    assert result.value == pytest.approx(0.25 * 75 + 0.3 * 60 + 0.25 * 80 + 0.2 * 60)


def test_one_missing_component_renormalises_the_others_and_says_so() -> None:
    values = {
        "kpi.satisfaction.response": 90.0,
        "kpi.satisfaction.resolution": 80.0,
        "kpi.satisfaction.environment": 70.0,
    }
    result = index_value(SAT, values, min_present_weight=RULE)
    assert result.value == pytest.approx((0.2 * 90 + 0.3 * 80 + 0.25 * 70) / 0.75)
    assert result.missing == ("kpi.satisfaction.innovation",)
    assert result.partial and result.present_weight == 75


def test_too_little_weight_present_makes_the_index_missing_never_zero() -> None:
    values = {"kpi.satisfaction.response": 90.0, "kpi.satisfaction.resolution": 80.0}
    result = index_value(SAT, values, min_present_weight=RULE)
    assert result.value is None and not result.partial
    assert set(result.missing) == {"kpi.satisfaction.environment", "kpi.satisfaction.innovation"}
    assert index_value(SAT, {}, min_present_weight=RULE).value is None


def test_without_the_cross_department_component_the_efficiency_index_is_missing() -> None:
    values = {
        "kpi.efficiency.clearance": 50.0,
        "kpi.efficiency.help_conversion": 90.0,
        "kpi.efficiency.training_transfer": 80.0,
    }
    assert index_value(EFF, values, min_present_weight=RULE).value is None


def test_values_outside_their_range_or_of_unknown_components_are_refused() -> None:
    with pytest.raises(Invalid, match="outside its range"):
        index_value(SAT, {"kpi.satisfaction.response": 120.0}, min_present_weight=RULE)
    with pytest.raises(Invalid, match="is not a component of"):
        index_value(SAT, {"kpi.social.participation": 20.0}, min_present_weight=RULE)
    with pytest.raises(Invalid, match="Unknown indicator"):
        index_values(CAT, {"kpi.unknown.thing": 1.0})


def test_all_three_indices_come_out_of_one_call() -> None:
    result = index_values(CAT, {c.id: 50.0 for c in CAT.components if c.low <= 50 <= c.high})
    assert set(result) == {"kpi.satisfaction", "kpi.efficiency", "kpi.social"}
    assert result["kpi.satisfaction"].value == pytest.approx(50)


def test_a_pooled_roll_up_is_the_rate_over_all_the_stations_rows() -> None:
    response = _component("kpi.satisfaction.response")
    # Station A: 90 of 100 orders answered in time; station B: 10 of 20; C has no orders.
    rows = [ComponentValue(90.0, 100), ComponentValue(50.0, 20), ComponentValue(None)]
    rolled = roll_up(response, rows)
    assert rolled.value == pytest.approx(100 * (90 + 10) / 120)
    assert (rolled.basis, rolled.units, rolled.of_units) == (120, 2, 3)


def test_a_mean_roll_up_counts_each_station_with_a_value_once() -> None:
    survey = _component("kpi.satisfaction.environment")
    rolled = roll_up(survey, [ComponentValue(80.0), ComponentValue(60.0), ComponentValue(None)])
    assert rolled.value == pytest.approx(70) and rolled.units == 2 and rolled.basis is None


def test_a_pooled_value_without_a_basis_is_refused() -> None:
    with pytest.raises(Invalid, match="positive basis"):
        roll_up(_component("kpi.satisfaction.response"), [ComponentValue(90.0)])
    with pytest.raises(Invalid, match="positive basis"):
        roll_up(_component("kpi.satisfaction.response"), [ComponentValue(90.0, 0)])


def test_nobody_with_a_value_rolls_up_to_missing() -> None:
    rolled = roll_up(_component("kpi.satisfaction.response"), [ComponentValue(None)] * 3)
    assert rolled.value is None and rolled.units == 0


def test_a_street_index_is_the_formula_on_its_rolled_up_components() -> None:
    a = {c.id: ComponentValue(80.0, 10) for c in CAT.components if c.low <= 80 <= c.high}
    b = {c.id: ComponentValue(40.0, 30) for c in CAT.components if c.low <= 40 <= c.high}
    street = rolled_index_values(CAT, [a, b])
    # Response is pooled: (10*80 + 30*40)/40 = 50; environment is a plain mean: 60.
    sat = dict(street["kpi.satisfaction"].scores)
    assert sat["kpi.satisfaction.response"] == pytest.approx(50)
    assert sat["kpi.satisfaction.environment"] == pytest.approx(60)


scores = st.floats(min_value=0, max_value=100, allow_nan=False)
maybe_scores = st.none() | scores


def _values(draw: list[float | None]) -> dict[str, float | None]:
    return {c.id: v for c, v in zip(SAT.components, draw, strict=True)}


@settings(deadline=None)
@given(st.lists(maybe_scores, min_size=4, max_size=4))
def test_an_index_is_within_0_to_100_or_missing_exactly_when_too_little_is_present(
    draw: list[float | None],
) -> None:
    result = index_value(SAT, _values(draw), min_present_weight=RULE)
    present = sum(c.weight for c, v in zip(SAT.components, draw, strict=True) if v is not None)
    assert result.present_weight == present
    if present >= RULE:
        assert result.value is not None
        present_values = [v for v in draw if v is not None]
        assert min(present_values) - 1e-9 <= result.value <= max(present_values) + 1e-9
    else:
        assert result.value is None


@settings(deadline=None)
@given(
    st.lists(maybe_scores, min_size=4, max_size=4),
    st.integers(0, 3),
    scores,
    st.floats(min_value=0, max_value=100),
)
def test_raising_a_component_never_lowers_the_index(
    draw: list[float | None], which: int, start: float, rise: float
) -> None:
    before = [start if k == which else v for k, v in enumerate(draw)]
    after = [min(100.0, start + rise) if k == which else v for k, v in enumerate(draw)]
    old = index_value(SAT, _values(before), min_present_weight=RULE).value
    new = index_value(SAT, _values(after), min_present_weight=RULE).value
    if old is not None:
        assert new is not None and new >= old - 1e-9


@settings(deadline=None)
@given(st.floats(min_value=-1000, max_value=100, allow_nan=False))
def test_a_component_score_stays_between_0_and_100(raw: float) -> None:
    assert 0 <= _component("kpi.social.public_order_fall").score(raw) <= 100


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 500), st.integers(1, 500)).filter(lambda t: t[0] <= t[1]),
        min_size=1,
        max_size=30,
    )
)
def test_pooling_station_rates_equals_the_rate_of_the_summed_counts(
    counts: list[tuple[int, int]],
) -> None:
    rows = [ComponentValue(100 * hit / total, total) for hit, total in counts]
    rolled = roll_up(_component("kpi.efficiency.cross_department"), rows)
    expected = 100 * sum(h for h, _ in counts) / sum(t for _, t in counts)
    assert rolled.value is not None and math.isclose(rolled.value, expected, abs_tol=1e-9)
    assert min(r.value for r in rows if r.value is not None) <= rolled.value
