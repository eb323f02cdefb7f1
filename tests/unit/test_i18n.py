"""Choosing the language, translating errors and pydantic's messages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

from jingwu.errors import Invalid, Term, Terms
from jingwu.web.i18n import accepted_language, negotiate, translator
from jingwu.web.validation import field_problems

ZH, EN = translator("zh_CN"), translator("en")


def test_accept_language_picks_the_preferred_supported_language() -> None:
    assert accepted_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh_CN"
    assert accepted_language("en-US,en;q=0.9") == "en"
    assert accepted_language("fr-FR, en;q=0.4, zh;q=0.6") == "zh_CN"
    assert accepted_language("fr, de") is None
    assert accepted_language("en;q=0, zh;q=0.1") == "zh_CN"  # q=0 means "not this one"
    assert accepted_language(None) is None


@given(st.text(max_size=200))
def test_any_accept_language_header_gives_a_supported_language_or_none(header: str) -> None:
    assert accepted_language(header) in (None, "zh_CN", "en")


def test_the_query_beats_the_cookie_and_both_beat_accept_language() -> None:
    assert negotiate(query="en", cookie="zh_CN", accept="zh") == "en"
    assert negotiate(query="", cookie="en", accept="zh") == "en"
    assert negotiate(query="", cookie="", accept="en-GB") == "en"
    assert negotiate(query="", cookie="", accept=None) == "zh_CN"
    assert negotiate(query="xx", cookie="", accept=None) == "zh_CN"


def test_a_domain_error_is_translated_then_filled_and_terms_are_named() -> None:
    exc = Invalid(
        "Cannot add tasks to an order in state {state}.",
        params={"state": Term("closed", "Closed")},
        fields={"state": "unknown unit"},
    )
    assert exc.message == "Cannot add tasks to an order in state closed."
    assert exc.translated(ZH) == "“已关闭”状态的工单不能添加任务。"
    assert exc.translated(EN) == exc.message  # English shows the stored value
    assert exc.translated_fields(ZH) == {"state": "未知单位"}


def test_a_list_of_terms_is_joined_the_chinese_way() -> None:
    roles = Terms([Term("chief", "Station chief"), Term("officer", "Community officer")])
    params = {"role": Term("partner", "Partner"), "action": Term("accept", "Accept")}
    exc = Invalid(
        "role {role} may not {action} an order; allowed: {allowed}",
        params={**params, "allowed": roles},
    )
    assert exc.message.endswith("allowed: chief, officer")
    assert exc.translated(ZH).startswith("合作单位无权对工单执行“签收”")
    assert exc.translated(ZH).endswith("可执行的角色：警务室负责人、社区民警")


def test_a_translation_with_a_wrong_placeholder_falls_back_to_english() -> None:
    def broken(message: str) -> str:
        return "{nope}" if message.startswith("No work order") else message

    assert Invalid("No work order {code}.", params={"code": "X"}).translated(broken) == (
        "No work order X."
    )


class _Form(BaseModel):
    name: str = Field(max_length=5)
    age: int = Field(ge=18)
    phone: str


def _problems(data: dict[str, object], language: str) -> dict[str, str]:
    try:
        _Form.model_validate(data)
    except ValidationError as exc:
        return field_problems(exc.errors(), translator(language), language)
    raise AssertionError("valid")


def test_pydantic_messages_become_ours_with_their_context() -> None:
    data = {"name": "abcdefgh", "age": 3}
    assert _problems(data, "zh_CN") == {
        "name": "最多 5 个字符。",
        "age": "不能小于 18。",
        "phone": "此项必填。",
    }
    assert _problems({"name": "a", "age": "x", "phone": "1"}, "zh_CN") == {"age": "请输入整数。"}
    assert _problems(data, "en")["name"] == "Enter at most 5 characters."
