"""The indicator catalogue: the seed's contents and the rules every edited version obeys."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.evaluation.catalogue import (
    SEED,
    catalogue_to_data,
    default_catalogue,
    load_catalogue,
    parse_catalogue,
)
from jingwu.evaluation.vocab import Direction, Source

CAT = default_catalogue()
SEED_DATA: dict[str, Any] = json.loads(SEED.read_text())


def seed() -> dict[str, Any]:
    return copy.deepcopy(SEED_DATA)


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_seed_has_5_categories_and_32_indicators_weighted_as_the_guide_says() -> None:
    assert CAT.version == "2026.1"
    assert len(CAT.categories) == 5
    assert len(CAT.indicators) == 32
    groups = {g.id: g.weight for g in CAT.groups}
    assert groups == {"security": 40, "livelihood": 30, "environment": 30}
    for group in CAT.groups:
        assert sum(c.weight for c in CAT.categories if c.group == group.id) == group.weight
    assert math.isclose(sum(CAT.effective_weights().values()), 1.0)


def test_the_kpi_indices_carry_the_guides_component_weights() -> None:
    weights = {i.id: [c.weight for c in i.components] for i in CAT.indices}
    assert weights == {
        "kpi.satisfaction": [20, 30, 25, 25],
        "kpi.efficiency": [15, 30, 35, 20],
        "kpi.social": [25, 30, 25, 20],
    }


def test_the_expert_panel_has_eight_fields_including_the_guides_three() -> None:
    ids = {f.id for f in CAT.expert_fields}
    assert len(ids) == 8
    assert {"expert.law", "expert.psychology", "expert.urban_planning"} <= ids
    assert all(_is_chinese(f.name_zh) and f.name_en.isascii() for f in CAT.expert_fields)


def test_the_quarterly_list_has_twelve_items_each_naming_known_measures() -> None:
    assert len(CAT.improvement_items) == 12
    for item in CAT.improvement_items:
        assert item.measures
        assert _is_chinese(item.name_zh) and _is_chinese(item.target_zh)
        for measure_id in item.measures:
            CAT.measure(measure_id)


def test_every_measure_has_chinese_and_english_names_and_definitions() -> None:
    for m in CAT:
        assert _is_chinese(m.name_zh) and _is_chinese(m.definition_zh), m.id
        assert m.name_en and m.definition_en.endswith("."), m.id
        assert m.name("en") == m.name_en and m.name("zh_CN") == m.name_zh


def test_computed_measures_name_their_query_and_platform_data() -> None:
    computed = [m for m in CAT if m.source is Source.COMPUTED]
    assert len(computed) >= 24
    for m in computed:
        assert m.query and m.data
    others = [m for m in CAT if m.source is not Source.COMPUTED]
    assert all(m.query is None and not m.data for m in others)


def test_each_category_mixes_no_foreign_indicators() -> None:
    for category in CAT.categories:
        for indicator in category.indicators:
            assert indicator.category == category.id
            assert indicator.id.startswith(category.id + ".")


def test_the_catalogue_survives_a_round_trip_through_its_data() -> None:
    again = parse_catalogue(json.loads(json.dumps(catalogue_to_data(CAT))))
    assert again == CAT
    assert again.effective_weights() == CAT.effective_weights()


def test_a_component_scores_its_value_between_the_goalposts() -> None:
    fall = CAT.measure("kpi.social.public_order_fall")
    participation = CAT.measure("kpi.social.participation")
    assert fall.score(0) == 50  # type: ignore[attr-defined]
    assert fall.score(-60) == 0  # type: ignore[attr-defined]
    assert fall.score(35) == 100  # type: ignore[attr-defined]
    assert participation.score(25) == 50  # type: ignore[attr-defined]


def test_a_value_outside_its_range_is_refused_with_the_range() -> None:
    m = CAT.measure("safety.livelihood.rating_mean")
    assert m.check(4.5) == 4.5
    with pytest.raises(Invalid) as caught:
        m.check(6)
    message = "The value {value} of {id} lies outside its range {low} to {high}."
    assert caught.value.template == message
    assert caught.value.params == {"id": m.id, "value": "6", "low": "1", "high": "5"}
    for nonsense in (math.nan, math.inf, "4", True):
        with pytest.raises(Invalid, match="is not a number"):
            m.check(nonsense)  # type: ignore[arg-type]


def test_unknown_measures_and_indices_are_refused() -> None:
    with pytest.raises(Invalid):
        CAT.measure("safety.order.nothing")
    with pytest.raises(Invalid):
        CAT.index("kpi.nothing")


def _first_indicator(data: dict[str, Any]) -> dict[str, Any]:
    return data["indicators"][0]  # type: ignore[no-any-return]


def _component(data: dict[str, Any]) -> dict[str, Any]:
    return data["kpi"]["indices"][2]["components"][0]  # type: ignore[no-any-return]


Edit = Callable[[dict[str, Any]], object]
BREACHES: list[tuple[str, Edit, str, dict[str, str]]] = [
    (
        "an indicator weight off",
        lambda d: _first_indicator(d).update(weight=20),
        "Weights of {group} sum to {total}%, not 100%.",
        {"group": "safety.order", "total": "105"},
    ),
    (
        "a KPI weight off",
        lambda d: d["kpi"]["indices"][0]["components"][0].update(weight=10),
        "Weights of {group} sum to {total}%, not 100%.",
        {"group": "kpi.satisfaction", "total": "90"},
    ),
    (
        "categories not matching their guide group",
        lambda d: (d["categories"][0].update(weight=25), d["categories"][2].update(weight=25)),
        "The categories of {group} weigh {total}%, not the group's {weight}%.",
        {"group": "security", "total": "45", "weight": "40"},
    ),
    (
        "a duplicate id",
        lambda d: d["indicators"][1].update(id=_first_indicator(d)["id"]),
        "The id {id} appears more than once in the catalogue.",
        {"id": "safety.order.theft_rate"},
    ),
    (
        "an unknown unit",
        lambda d: _first_indicator(d).update(unit="furlongs"),
        "The field {field} of {where} must be one of: {allowed}.",
        {"field": "unit", "where": "safety.order.theft_rate"},
    ),
    (
        "an unknown direction",
        lambda d: _first_indicator(d).update(direction="sideways"),
        "The field {field} of {where} must be one of: {allowed}.",
        {"field": "direction", "where": "safety.order.theft_rate"},
    ),
    (
        "an unknown frequency",
        lambda d: _first_indicator(d).update(frequency="hourly"),
        "The field {field} of {where} must be one of: {allowed}.",
        {"field": "frequency", "where": "safety.order.theft_rate"},
    ),
    (
        "unknown platform data",
        lambda d: _first_indicator(d).update(data=["tea_leaves"]),
        "The field {field} of {where} must be one of: {allowed}.",
        {"field": "data", "where": "safety.order.theft_rate"},
    ),
    (
        "an indicator in an unknown category",
        lambda d: _first_indicator(d).update(category="safety.elsewhere"),
        "Indicator {id} belongs to the unknown category {group}.",
        {"id": "safety.order.theft_rate", "group": "safety.elsewhere"},
    ),
    (
        "an indicator filed under another category",
        lambda d: _first_indicator(d).update(category="safety.prevention"),
        "Indicator {id} must start with the id of its category {group}.",
        {"id": "safety.order.theft_rate", "group": "safety.prevention"},
    ),
    (
        "an empty category",
        lambda d: d.update(
            indicators=[i for i in d["indicators"] if i["category"] != "safety.sensing"]
        ),
        "Category {id} has no indicators.",
        {"id": "safety.sensing"},
    ),
    (
        "an empty range",
        lambda d: _first_indicator(d).update(min=10, max=10),
        "The range of {id} is empty: {low} is not below {high}.",
        {"id": "safety.order.theft_rate", "low": "10", "high": "10"},
    ),
    (
        "a percentage beyond 100",
        lambda d: d["indicators"][4].update(max=120),
        "The range of {id} goes beyond what its unit {unit} allows.",
        {"id": "safety.order.repeat_share", "unit": "percent"},
    ),
    (
        "a computed indicator without a query",
        lambda d: _first_indicator(d).update(query=None),
        "Computed indicator {id} needs a query and the platform data it comes from.",
        {"id": "safety.order.theft_rate"},
    ),
    (
        "an entered indicator with a query",
        lambda d: d["indicators"][5].update(query="case_clearance"),
        "Indicator {id} is {source}, so it takes no query, parameters or platform data.",
        {"id": "safety.order.clearance_rate", "source": "imported"},
    ),
    (
        "goalposts the wrong way round",
        lambda d: _component(d).update(goalposts=[20, -20]),
        "The goalposts of {id} do not point the way of its direction.",
        {"id": "kpi.social.public_order_fall"},
    ),
    (
        "goalposts outside the range",
        lambda d: _component(d).update(goalposts=[-20, 200]),
        "The goalposts of {id} lie outside its range.",
        {"id": "kpi.social.public_order_fall"},
    ),
    (
        "a negative weight",
        lambda d: d["guide_groups"][0].update(weight=-40),
        "The weight of {id} must be positive.",
        {"id": "security"},
    ),
    (
        "an improvement item naming an unknown indicator",
        lambda d: d["pdca_items"][0].update(indicators=["safety.order.unicorns"]),
        "Unknown indicator {id}.",
        {"id": "safety.order.unicorns"},
    ),
    (
        "a badly formed id",
        lambda d: _first_indicator(d).update(id="Safety Order"),
        "The id {id} is not a dotted lower-case id.",
        {"id": "Safety Order"},
    ),
    (
        "an unknown field",
        lambda d: _first_indicator(d).update(colour="red"),
        "{where} has an unknown field {field}.",
        {"where": "safety.order.theft_rate", "field": "colour"},
    ),
    (
        "a missing field",
        lambda d: _first_indicator(d).pop("unit"),
        "{where} lacks the field {field}.",
        {"where": "safety.order.theft_rate", "field": "unit"},
    ),
    (
        "a text where a number belongs",
        lambda d: _first_indicator(d).update(weight="15"),
        "The field {field} of {where} must be a number.",
        {"where": "safety.order.theft_rate", "field": "weight"},
    ),
    (
        "a bad version",
        lambda d: d.update(version="latest"),
        "The catalogue version {version} is not of the form YYYY.N.",
        {"version": "latest"},
    ),
    (
        "an impossible KPI presence rule",
        lambda d: d["kpi"].update(min_present_weight=0),
        "A KPI index needs between 0 and 100% of its weight present, not {value}%.",
        {"value": "0"},
    ),
]


@pytest.mark.parametrize(
    ("edit", "template", "params"), [b[1:] for b in BREACHES], ids=[b[0] for b in BREACHES]
)
def test_an_edited_catalogue_breaking_a_rule_is_refused_with_a_message_id(
    edit: Edit, template: str, params: dict[str, str]
) -> None:
    data = seed()
    edit(data)
    with pytest.raises(Invalid) as caught:
        parse_catalogue(data)
    assert caught.value.template == template
    for key, value in params.items():
        assert caught.value.params[key] == value


def test_a_catalogue_that_is_not_json_is_refused_with_its_line() -> None:
    with pytest.raises(Invalid) as caught:
        load_catalogue('{\n  "version": "2026.1",\n  oops\n}')
    assert caught.value.params == {"line": 3, "column": 3}
    with pytest.raises(Invalid):
        load_catalogue(b"\xff\xfe")
    with pytest.raises(Invalid):
        load_catalogue("[]")


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_order_of_the_entries_does_not_change_the_catalogue(rnd: Any) -> None:
    data = seed()
    rnd.shuffle(data["indicators"])
    assert parse_catalogue(data).effective_weights() == CAT.effective_weights()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=60), min_size=7, max_size=7))
def test_indicator_weights_pass_exactly_when_they_sum_to_100(weights: list[int]) -> None:
    data = seed()
    for entry, weight in zip(data["indicators"][:7], weights, strict=True):
        entry["weight"] = weight
    if sum(weights) == 100:
        assert parse_catalogue(data).categories[0].indicators[0].weight == weights[0]
    else:
        with pytest.raises(Invalid, match="sum to"):
            parse_catalogue(data)


def test_directions_are_set_the_way_the_indicators_mean() -> None:
    lower = {m.id for m in CAT if m.direction is Direction.LOWER_BETTER}
    assert "safety.order.theft_rate" in lower
    assert "safety.livelihood.median_response_minutes" in lower
    assert "safety.livelihood.yellow_done_24h" not in lower
