"""The legal dictionary, the tokeniser and the colloquial expansion."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jingwu.legal.colloquial import COLLOQUIAL, expansions
from jingwu.legal.terms import defined_terms, title_terms, user_dictionary
from jingwu.legal.tokens import STOPWORDS, tokeniser


def test_a_title_gives_its_short_title_and_its_stem() -> None:
    assert title_terms("中华人民共和国治安管理处罚法") == {"治安管理处罚法", "治安管理处罚"}
    assert title_terms("中华人民共和国反家庭暴力法") == {"反家庭暴力法", "反家庭暴力"}
    assert title_terms("中华人民共和国户口登记条例") == {"户口登记条例", "户口登记"}
    assert title_terms("中华人民共和国刑法修正案（十一）") == {"刑法修正案"}
    # a title with punctuation in it gives nothing
    decision = "全国人民代表大会常务委员会关于《中华人民共和国刑法》第三十条的解释"
    assert title_terms(decision) == set()


def test_defined_terms_come_from_the_statutes_definitions() -> None:
    text = "本法所称家庭暴力，是指家庭成员之间以殴打、捆绑……实施的身体、精神等侵害行为。"
    assert defined_terms(text) == {"家庭暴力"}
    assert defined_terms("本条例所称物业服务企业，是指……") == {"物业服务企业"}
    assert defined_terms("殴打他人的，处五日以上十日以下拘留") == set()


def test_the_user_dictionary_is_sorted_and_unique() -> None:
    terms = user_dictionary(
        ["中华人民共和国反家庭暴力法", "中华人民共和国反家庭暴力法"],
        ["本法所称家庭暴力，是指……"],
    )
    assert terms == sorted(set(terms))
    assert {"反家庭暴力法", "家庭暴力"} <= set(terms)


def test_the_tokeniser_keeps_the_legal_terms_whole_and_drops_stop_words() -> None:
    cut = tokeniser(("治安管理处罚", "家庭暴力")).cut
    terms = cut("我被家庭暴力了，违反治安管理处罚法吗？")
    assert "家庭暴力" in terms and "治安管理处罚" in terms
    assert not {"我", "了", "吗", "，", "？"} & set(terms)


def test_the_tokeniser_is_made_once_per_dictionary() -> None:
    assert tokeniser(("家庭暴力",)) is tokeniser(("家庭暴力",))


def test_a_query_gets_the_statutes_words_for_everyday_ones() -> None:
    terms, extra = tokeniser(()).cut_query("邻居噪音扰民，房东不管")
    assert "噪音" in terms and "噪声" in extra and "出租人" in extra
    assert not set(extra) & set(terms)
    assert expansions("十三岁的孩子打人", ["孩子", "打人"])[-1] == "周岁"
    assert expansions("没有年龄", ["年龄"]) == []


def test_no_expansion_is_a_stop_word_or_empty() -> None:
    for word, statutory in COLLOQUIAL.items():
        assert word not in STOPWORDS and statutory.split(), word


@given(st.text(max_size=60))
def test_cutting_any_text_gives_clean_terms(text: str) -> None:
    terms, extra = tokeniser(()).cut_query(text)
    for t in terms + extra:
        assert t == t.strip() and t and t not in STOPWORDS and t == t.lower()
