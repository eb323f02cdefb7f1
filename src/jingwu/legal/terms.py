"""The legal user dictionary, written from the corpus's own terms (pure).

Two sources: the laws' titles (治安管理处罚法, and without 中华人民共和国 and the closing 法
or 条例: 治安管理处罚, 反家庭暴力) and the terms the statutes define ("本法所称家庭暴力，是指…").
jieba then keeps those words whole instead of cutting 家庭暴力 or 劳动合同 at random.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PREFIX = "中华人民共和国"
_SUFFIXES = ("条例", "规定", "办法", "决定", "法")
# 本法所称家庭暴力，是指… / 本条例所称物业服务企业，是指…
_DEFINED = re.compile(r"(?:本法|本条例|本规定)所称(?:的)?([\u4e00-\u9fff]{2,10})[，,]是指")
_TITLE_WORD = re.compile(r"^[\u4e00-\u9fff]{3,16}$")


def title_terms(title: str) -> set[str]:
    """The words a title gives: the short title and its stem (治安管理处罚法, 治安管理处罚)."""
    short = re.sub(r"[（(].*?[）)]", "", title).removeprefix(_PREFIX).strip()
    terms: set[str] = set()
    if _TITLE_WORD.match(short):
        terms.add(short)
        for suffix in _SUFFIXES:
            stem = short.removesuffix(suffix)
            if stem != short and len(stem) >= 3:
                terms.add(stem)
                break
    return terms


def defined_terms(text: str) -> set[str]:
    """The terms an article defines (本法所称家庭暴力，是指… gives 家庭暴力)."""
    return set(_DEFINED.findall(text))


def user_dictionary(titles: Iterable[str], texts: Iterable[str]) -> list[str]:
    """The sorted terms of the corpus: its titles' words and its defined terms."""
    terms: set[str] = set()
    for title in titles:
        terms |= title_terms(title)
    for text in texts:
        terms |= defined_terms(text)
    return sorted(terms)
