"""Cutting Chinese text into search terms: jieba in search mode with the legal dictionary.

jieba's dictionary costs about a second to load, so one tokeniser is made per dictionary
(:func:`tokeniser`, cached) and only when the first text is cut; requests reuse it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence

from jingwu.legal.colloquial import expansions

# Words that say nothing about which provision is meant: particles, pronouns, the citizen's
# question words, and the statutes' own connectives.
_STOP = """的 了 是 在 和 与 及 或 或者 以及 等 对 对于 由 为 被 把 将 从 向 于 其 之 所 而 并 且 也
    都 就 又 还 再 已 已经 应 应当 应该 可以 可 能 能否 能不能 会 要 需要 不 没 没有 有 无 这 那
    这个 那个 这些 那些 这种 该 本 各 每 某 个 我 我们 你 你们 他 他们 她 她们 它 它们 自己 人家
    怎么 怎么办 怎样 如何 什么 哪些 哪个 吗 呢 吧 啊 呀 么 嘛 请问 想 想问 问 一下 一个 一些
    如果 假如 要是 的话 时 时候 后 以后 之后 前 以前 里 中 上 下 给 让 得 地 着 过 很 太 又 能够
    情况 问题 规定 依照 按照 根据 有关 相关 法律 法规 条 款 项 本法 条例"""
STOPWORDS = frozenset(_STOP.split())
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


class Tokeniser:
    """jieba with the legal terms added; ``cut`` gives the search terms of a text."""

    def __init__(self, terms: Sequence[str] = ()) -> None:
        import jieba  # noqa: PLC0415 - its dictionary loads on the first cut, not at import

        jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" on stderr
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for term in terms:
            self._jieba.add_word(term, freq=2000)

    def cut_query(self, text: str) -> tuple[list[str], list[str]]:
        """The terms of a citizen's question (:meth:`cut`), and the statutes' words for the
        everyday words in it (:mod:`jingwu.legal.colloquial`) that are not among them."""
        terms = self.cut(text)
        extra: list[str] = []
        for words in expansions(text, terms):
            extra += [w for w in self.cut(words) if w not in terms and w not in extra]
        return terms, extra

    def cut(self, text: str) -> list[str]:
        """The terms of ``text`` in order: jieba's search mode (long words and their parts),
        lower-cased, without punctuation and stop words."""
        out = []
        for word in self._jieba.cut_for_search(text):
            w = word.strip().lower()
            if w and w not in STOPWORDS and _KEEP.search(w):
                out.append(w)
        return out


@functools.lru_cache(maxsize=4)
def tokeniser(terms: tuple[str, ...] = ()) -> Tokeniser:
    """The tokeniser for a dictionary, made once per process."""
    return Tokeniser(terms)
