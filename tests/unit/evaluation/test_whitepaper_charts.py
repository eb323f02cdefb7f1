"""The white paper's SVG charts: well-formed, inside their box, gaps for missing values."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.evaluation.whitepaper.charts import Series, bar_chart, line_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"
values = st.lists(
    st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
    min_size=1,
    max_size=14,
)


def _inside(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    _, _, w, h = (float(x) for x in root.attrib["viewBox"].split())
    for rect in root.iter(f"{NS}rect"):
        x, y = float(rect.attrib["x"]), float(rect.attrib["y"])
        assert -0.01 <= x <= w and -0.01 <= y <= h
        assert y + float(rect.attrib["height"]) <= h + 0.01
    for circle in root.iter(f"{NS}circle"):
        assert 0 <= float(circle.attrib["cx"]) <= w and 0 <= float(circle.attrib["cy"]) <= h
    return root


@given(values)
def test_a_bar_chart_draws_a_bar_per_present_value_inside_its_box(data: list[float | None]) -> None:
    labels = [f"{n + 1}月" for n in range(len(data))]
    root = _inside(bar_chart(labels, data, title="工单数 <&>"))
    bars = [r for r in root.iter(f"{NS}rect") if r.attrib.get("class") == "wp-bar"]
    assert len(bars) == sum(v is not None for v in data)
    missing = [t for t in root.iter(f"{NS}text") if t.attrib.get("class") == "wp-missing"]
    assert len(missing) == sum(v is None for v in data)


@given(st.lists(values, min_size=1, max_size=3).filter(lambda s: len({len(v) for v in s}) == 1))
def test_a_line_chart_breaks_at_missing_values_and_stays_inside(
    data: list[list[float | None]],
) -> None:
    labels = [str(n) for n in range(len(data[0]))]
    series = [Series(f"s{n}", v) for n, v in enumerate(data)]
    root = _inside(line_chart(labels, series, title="趋势"))
    dots = list(root.iter(f"{NS}circle"))
    assert len(dots) == sum(v is not None for s in data for v in s)


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_ticks_cover_the_range_in_round_steps(a: float, b: float) -> None:
    ticks = nice_ticks(a, b)
    assert ticks[0] <= min(a, b) + 1e-6 and ticks[-1] >= max(a, b) - 1e-6
    step = ticks[1] - ticks[0]
    assert all(math.isclose(y - x, step) for x, y in itertools.pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in {1.0, 2.0, 5.0, 10.0}


def test_a_chart_names_itself_and_escapes_text() -> None:
    svg = bar_chart(["<a>"], [3.0], title='满意度 "x"', chart_id="c1")
    root = ET.fromstring(svg)
    assert root.attrib["aria-label"] == '满意度 "x"' and root.attrib["id"] == "c1"
    assert "style=" not in svg and "<a>" not in svg


def test_a_chart_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="one value per label"):
        bar_chart(["a", "b"], [1.0], title="t")
    with pytest.raises(ValueError, match="one value per label"):
        line_chart(["a"], [Series("s", [1.0, 2.0])], title="t")
