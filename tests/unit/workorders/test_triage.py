"""Explainable tier suggestions."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.workorders.catalogue import DEFAULT_CATALOGUE, CatalogueError
from jingwu.workorders.triage import (
    TriageError,
    TriageInput,
    confirm,
    suggest,
)
from jingwu.workorders.vocab import Tier


def codes_of(inp: TriageInput) -> list[str]:
    return [reason.code for reason in suggest(inp).reasons]


def test_a_plain_request_gets_its_categorys_default() -> None:
    result = suggest(TriageInput("lost_documents", "身份证丢失，需要补办"))
    assert result.tier is Tier.YELLOW
    assert [r.code for r in result.reasons] == ["category_default"]
    assert result.reasons[0].zh == "类别“证件遗失”默认黄色"
    assert result.reasons[0].en == "category “Lost documents” defaults to yellow"


@pytest.mark.parametrize(
    ("text", "code", "tier"),
    [
        ("楼上邻居打人了", "violence", Tier.RED),
        ("he assaulted his neighbour", "violence", Tier.RED),
        ("对方手里拿着菜刀", "weapon", Tier.RED),
        ("a man with a KNIFE", "weapon", Tier.RED),
        ("楼道里冒烟", "fire", Tier.RED),
        ("there is smoke in the stairwell", "fire", Tier.RED),
        ("女儿说不想活了", "self_harm", Tier.RED),
        ("he talks about suicide", "self_harm", Tier.RED),
        ("扬言要弄死对方", "threat_to_kill", Tier.RED),
        ("his mother went missing this morning", "missing_person", Tier.RED),
        ("被人威胁", "threat", Tier.ORANGE),
        ("he threatened us", "threat", Tier.ORANGE),
        ("醉酒后砸门", "intoxication", Tier.ORANGE),
        ("工人在门口聚集", "group", Tier.ORANGE),
        ("小区里有人赌博", "drugs_gambling", Tier.ORANGE),
    ],
)
def test_keywords_in_chinese_and_english_raise_the_tier(text: str, code: str, tier: Tier) -> None:
    result = suggest(TriageInput("noise", text))
    reason = next(r for r in result.reasons if r.code == code)
    assert reason.tier is tier
    assert result.tier is tier
    assert reason.evidence
    assert all(word in reason.zh and word in reason.en for word in reason.evidence)


@pytest.mark.parametrize(
    "text",
    ["the fire exit is blocked by bikes", "fire extinguishers are missing", "knifeless", "firemen"],
)
def test_english_words_match_whole_words_only(text: str) -> None:
    assert codes_of(TriageInput("fire_hazard", text)) == ["category_default"]


def test_minors_and_elderly_raise_a_yellow_request_to_orange() -> None:
    inp = TriageInput("noise", minors_involved=True, elderly_involved=True)
    result = suggest(inp)
    assert result.tier is Tier.ORANGE
    assert {"minor_involved", "elderly_involved"} <= set(codes_of(inp))


@pytest.mark.parametrize(("count", "fires"), [(0, False), (1, False), (2, True), (9, True)])
def test_a_repeat_address_within_30_days_raises_the_tier(count: int, fires: bool) -> None:
    inp = TriageInput("parking", address_orders_30d=count)
    assert ("repeat_address" in codes_of(inp)) is fires
    assert (suggest(inp).tier is Tier.ORANGE) is fires


@pytest.mark.parametrize(("count", "fires"), [(2, False), (3, True)])
def test_a_repeat_caller_within_30_days_raises_the_tier(count: int, fires: bool) -> None:
    inp = TriageInput("parking", caller_orders_30d=count)
    assert ("repeat_caller" in codes_of(inp)) is fires
    if fires:
        reason = next(r for r in suggest(inp).reasons if r.code == "repeat_caller")
        assert "3" in reason.zh and "30" in reason.en


def test_reasons_come_most_serious_first() -> None:
    result = suggest(TriageInput("neighbour", "邻居醉酒后持刀", minors_involved=True))
    severities = [r.tier.severity for r in result.reasons]
    assert severities == sorted(severities, reverse=True)
    assert result.reasons[0].code == "weapon"


def test_negative_counts_are_refused() -> None:
    with pytest.raises(TriageError, match="negative"):
        suggest(TriageInput("noise", address_orders_30d=-1))


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(CatalogueError):
        suggest(TriageInput("ufo_sighting"))


def test_the_suggestion_is_stored_as_json() -> None:
    result = suggest(TriageInput("noise", "他用刀威胁我", elderly_involved=True))
    stored = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert stored["tier"] == "red"
    assert [r["code"] for r in stored["reasons"]][:1] == ["weapon"]


def test_confirming_the_suggestion_needs_no_reason() -> None:
    record = confirm(suggest(TriageInput("noise")), "yellow")
    assert (record.tier, record.overridden, record.override_reason) == (Tier.YELLOW, False, None)


def test_overriding_needs_a_reason_and_keeps_both() -> None:
    suggestion = suggest(TriageInput("noise", "醉酒"))
    with pytest.raises(TriageError, match="yellow instead of the suggested orange"):
        confirm(suggestion, Tier.YELLOW, "  ")
    record = confirm(suggestion, Tier.YELLOW, "known resident, calm on arrival")
    assert record.overridden
    assert record.to_dict()["suggestion"]["tier"] == "orange"
    assert record.to_dict()["tier"] == "yellow"


categories = st.sampled_from([c.code for c in DEFAULT_CATALOGUE])
texts = st.text(alphabet=st.sampled_from(list("打人刀火 fire knife drunk 威胁 abc")), max_size=30)
counts = st.integers(min_value=0, max_value=6)


@given(categories, texts, texts, st.booleans(), st.booleans(), counts, counts)
def test_a_further_sentence_or_circumstance_never_lowers_the_tier(
    category: str, first: str, more: str, minors: bool, elderly: bool, addr: int, caller: int
) -> None:
    base = suggest(TriageInput(category, first))
    # A further sentence (words are matched whole, so it must not glue onto the last word).
    richer = suggest(TriageInput(category, f"{first}。{more}", minors, elderly, addr, caller))
    assert richer.tier.severity >= base.tier.severity
    assert base.tier.severity >= DEFAULT_CATALOGUE.get(category).default_tier.severity
    assert richer.tier is max((r.tier for r in richer.reasons), key=lambda t: t.severity)
