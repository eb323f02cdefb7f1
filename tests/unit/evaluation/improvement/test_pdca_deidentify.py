"""The case library's de-identification: no phone or ID number survives, nor a known name."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from jingwu.evaluation.improvement.deidentify import deidentify

MOBILE = re.compile(r"1[3-9]\d(?:[ \-]?\d){8}")
ID_NUMBER = re.compile(r"\d(?:[ \-]?\d){14}(?:(?:[ \-]?\d){2}[ \-]?[\dXx])?")
LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")

digit = st.sampled_from("0123456789０１２３４５６７８９")
sep = st.sampled_from(["", "", "", " ", "-"])


@st.composite
def phone(draw: st.DrawFn) -> str:
    body = (
        "1"
        + draw(st.sampled_from("3456789"))
        + "".join(draw(st.lists(digit, min_size=9, max_size=9)))
    )
    s = draw(sep)
    return body[:3] + s + body[3:7] + s + body[7:]


@st.composite
def id_number(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=17, max_size=17)))
    return body + draw(st.sampled_from("0123456789Xx"))


filler = st.text(
    alphabet=st.sampled_from(
        list("的了在是我有他这中大来上个们到说时地要张王李先生路号室栋 -Xx,，。：0123456789")
    ),
    max_size=40,
)


@given(
    parts=st.lists(st.one_of(filler, phone(), id_number(), st.just("0571-87654321")), max_size=8)
)
def test_no_phone_or_id_number_pattern_of_the_input_survives(parts: list[str]) -> None:
    out = deidentify("".join(parts))
    assert not MOBILE.search(out) and not ID_NUMBER.search(out) and not LANDLINE.search(out)
    assert not re.search(r"\d(?:[ \-]?\d){6,}", out)


@given(text=st.text(max_size=200))
def test_no_long_digit_run_survives_any_text(text: str) -> None:
    out = deidentify(text)
    assert not re.search(r"\d(?:[ \-]?\d){6,}", out)
    assert not MOBILE.search(out) and not ID_NUMBER.search(out)


cjk = st.text(
    alphabet=st.sampled_from(list("张王李赵刘陈杨黄周吴三四伟芳娜敏静丽强磊军洋")),
    min_size=2,
    max_size=4,
)


@given(name=cjk, before=filler, after=filler)
def test_a_known_name_does_not_survive(name: str, before: str, after: str) -> None:
    out = deidentify(f"{before}{name}{after}", names=[name])
    assert name not in out


def test_a_report_reads_without_who_where_or_numbers() -> None:
    text = (
        "张三（电话 138 1234 5678，身份证 11010519491231002X）反映文三路 100 号 3 单元 502 室"
        "楼上深夜装修噪音，王先生表示次日整改。"
    )
    out = deidentify(text, names=["张三"], addresses=["文三路 100 号 3 单元"])
    assert "张三" not in out and "1234" not in out and "002X" not in out
    assert "文三路" not in out and "502" not in out and "王先生" not in out
    assert "某某" in out and "[号码]" in out and "[地址]" in out and "某先生" in out
    assert "装修噪音" in out
