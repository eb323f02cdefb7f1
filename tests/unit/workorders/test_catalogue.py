"""The default category catalogue."""

from __future__ import annotations

import pytest

from jingwu.workorders.catalogue import (
    DEFAULT_CATALOGUE,
    Catalogue,
    CatalogueError,
    Category,
)
from jingwu.workorders.vocab import Module, Tier


def test_it_covers_the_everyday_work_of_a_community_station() -> None:
    for code in (
        "noise",
        "neighbour",
        "lost_documents",
        "household_registration",
        "fraud_consultation",
        "suspicious_person",
        "fire_hazard",
        "domestic_violence",
        "missing_elderly",
    ):
        assert code in DEFAULT_CATALOGUE


def test_each_functional_module_has_several_categories_and_they_partition_it() -> None:
    parts = [DEFAULT_CATALOGUE.by_module(m) for m in Module]
    assert all(len(part) >= 8 for part in parts)
    assert sum(len(part) for part in parts) == len(DEFAULT_CATALOGUE)


def test_every_category_has_a_chinese_and_an_english_name() -> None:
    for category in DEFAULT_CATALOGUE:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in category.name("zh_CN"))
        assert category.name("en").isascii()
        assert category.name("en")


def test_major_risks_default_to_red() -> None:
    for code in ("domestic_violence", "missing_elderly", "missing_child", "fight"):
        assert DEFAULT_CATALOGUE.get(code).default_tier is Tier.RED


def test_every_orange_default_category_has_its_own_orange_times() -> None:
    for category in DEFAULT_CATALOGUE:
        if category.default_tier is Tier.ORANGE:
            assert category.orange_response_minutes is not None
            assert category.orange_completion_minutes is not None


def test_only_disputes_and_collective_matters_open_mediation() -> None:
    mediable = {c.code for c in DEFAULT_CATALOGUE if c.mediable}
    assert mediable
    assert all(DEFAULT_CATALOGUE.get(code).module is Module.DISPUTE for code in mediable)


def test_an_unknown_category_is_named_in_the_error() -> None:
    with pytest.raises(CatalogueError, match="unknown category 'ufo'"):
        DEFAULT_CATALOGUE.get("ufo")


def test_a_catalogue_refuses_a_code_twice() -> None:
    noise = DEFAULT_CATALOGUE.get("noise")
    with pytest.raises(CatalogueError, match="appears twice"):
        Catalogue([noise, noise])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "Noise"}, "lower_snake_case"),
        ({"orange_response_minutes": 60}, "both orange times or neither"),
        ({"orange_response_minutes": 600, "orange_completion_minutes": 60}, "not after"),
        ({"orange_response_minutes": 0, "orange_completion_minutes": 60}, "must be positive"),
    ],
)
def test_a_malformed_category_is_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "code": "noise",
        "module": Module.DISPUTE,
        "zh": "噪音",
        "en": "Noise",
        "default_tier": Tier.YELLOW,
    }
    fields.update(kwargs)
    with pytest.raises(CatalogueError, match=message):
        Category(**fields)  # type: ignore[arg-type]
