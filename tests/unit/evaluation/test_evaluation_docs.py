"""docs/evaluation.md documents every measure, query, improvement item and expert field of the
catalogue, with the catalogue's own definitions, sources, units, frequencies and directions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.measures import Component, Measure, number
from jingwu.evaluation.vocab import Direction, Source

REPO = Path(__file__).resolve().parents[3]
DOC = (REPO / "docs" / "evaluation.md").read_text()
CAT = default_catalogue()
DIRECTIONS = {
    Direction.HIGHER_BETTER: "higher is better",
    Direction.LOWER_BETTER: "lower is better",
}


def section(measure_id: str) -> str:
    """The text under a measure's heading, up to the next heading."""
    found = re.search(rf"^#### `{re.escape(measure_id)}` — (.*?)(?=^#)", DOC, re.M | re.S)
    assert found, f"docs/evaluation.md lacks a section for {measure_id}"
    return found.group(0)


@pytest.mark.parametrize("measure", list(CAT), ids=lambda m: m.id)
def test_every_measure_is_documented_as_the_catalogue_has_it(measure: Measure) -> None:
    text = section(measure.id)
    heading = text.splitlines()[0]
    assert measure.name_zh in heading and measure.name_en in heading
    assert f"- Definition: {measure.definition_en}\n" in text
    assert f"- 定义：{measure.definition_zh}\n" in text
    source = re.search(r"^- Source: (.*)$", text, re.M)
    assert source, measure.id
    if measure.source is Source.COMPUTED:
        assert source.group(1).startswith("computed from ")
        assert f"`{measure.query}`" in source.group(1)
        for data in measure.data:
            assert f"`{data}`" in source.group(1)
    else:
        assert source.group(1) == str(measure.source)
    assert f"`{measure.unit}`, `{measure.frequency}`" in text
    assert (
        f"{number(measure.low)} to {number(measure.high)}; weight {number(measure.weight)} %"
        in text
    )
    assert f"- Direction: {DIRECTIONS[measure.direction]} (`{measure.direction}`)" in text
    why = re.search(r"^- Why: (.+)$", text, re.M)
    assert why and len(why.group(1)) > 40, f"{measure.id} needs a reason"
    if isinstance(measure, Component):
        worst, best = measure.goalposts
        assert f"goalposts {number(worst)} → {number(best)}; roll-up `{measure.rollup}`" in text


def test_no_section_documents_a_measure_the_catalogue_lacks() -> None:
    documented = set(re.findall(r"^#### `([a-z0-9_.]+)`", DOC, re.M))
    assert documented == {m.id for m in CAT}


def test_every_category_is_documented_with_its_weight() -> None:
    for category in CAT.categories:
        assert (
            f"`{category.id}`, {number(category.weight)} % (guide group `{category.group}`)" in DOC
        )


def test_every_query_is_in_the_table_with_the_measures_that_use_it() -> None:
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_0-9]+)` \|.*$", DOC, re.M)}
    for measure in CAT:
        if measure.query is not None:
            assert measure.query in rows, f"query {measure.query} is not in the table"
            assert f"`{measure.id}`" in rows[measure.query]
            for key, _ in measure.params:
                assert f"`{key}`" in rows[measure.query], (measure.query, key)


def test_every_improvement_item_and_expert_field_is_documented() -> None:
    for item in CAT.improvement_items:
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{item.id}` |"))
        assert item.name_zh in row and item.target_zh in row
        for measure_id in item.measures:
            assert f"`{measure_id}`" in row
    for field in CAT.expert_fields:
        assert f"| `{field.id}` | {field.name_zh} | {field.name_en} |" in DOC


def test_the_documented_presence_rule_is_the_catalogues() -> None:
    assert f"at least {number(CAT.min_present_weight)} % of its weight" in DOC
