"""The search index under ``<var>/legal``: the articles, the BM25 index and the dictionary.

``build`` writes a new index beside the old one and renames it into place, so a search never
sees half an index. ``open_index`` loads it once per process (cached on the directory and
the time it was built): requests pay neither jieba's dictionary nor the index load.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from jingwu.errors import ConfigError
from jingwu.legal.corpus import Article
from jingwu.legal.terms import user_dictionary
from jingwu.legal.tokens import Tokeniser, tokeniser
from jingwu.legal.topics import COMMUNITY

META = "meta.json"
ARTICLES = "articles.json"
TERMS = "terms.txt"
BM25 = "bm25"
FORMAT = 1
MAX_LIMIT = 50
MAX_QUERY = 500  # characters of a query that are searched
# The statutes' words added for everyday ones count half (fixed before the held-out check).
EXPANSION_WEIGHT = 0.5
# A mild prior: the laws a community police station cites (jingwu.legal.topics.COMMUNITY)
# score this much more, so 房东不退押金 finds the Civil Code's lease before a ship charter.
# Chosen on the dev half only (docs/legal.md gives the figures).
COMMUNITY_PRIOR = 0.2


class NoIndex(ConfigError):
    """No index has been built: one sentence naming the command that builds it."""

    def __init__(self) -> None:
        super().__init__("The legal index is not built yet: run `jingwu legal load` first.")


@dataclass(frozen=True, slots=True)
class Hit:
    """One article found, with its BM25 (or re-ranked) score."""

    law: str
    article: str
    score: float
    text: str
    effective: str
    source: str

    def as_json(self) -> dict[str, Any]:
        return {
            "law": self.law,
            "article": self.article,
            "score": round(self.score, 4),
            "text": self.text,
            "effective": self.effective,
            "source": self.source,
        }


def document(a: Article) -> str:
    """What is indexed of an article: the law's title, the chapter and the text."""
    return f"{a.law} {a.chapter} {a.text}"


def build(articles: Sequence[Article], directory: Path, *, source: str) -> dict[str, Any]:
    """Index ``articles`` into ``directory`` (replacing what is there); returns the meta."""
    import bm25s  # noqa: PLC0415 - only the commands that build or search import it

    terms = user_dictionary({a.law for a in articles}, (a.text for a in articles))
    cut = Tokeniser(terms).cut
    retriever = bm25s.BM25()
    retriever.index([cut(document(a)) for a in articles], show_progress=False)
    staging = directory.with_name(directory.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    retriever.save(str(staging / BM25), show_progress=False)
    rows = [asdict(a) for a in articles]
    (staging / ARTICLES).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (staging / TERMS).write_text("\n".join(terms) + "\n", encoding="utf-8")
    meta = {
        "format": FORMAT,
        "source": source,
        "articles": len(articles),
        "laws": len({a.law for a in articles}),
        "terms": len(terms),
    }
    (staging / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    return meta


class Index:
    """A loaded index: search it with :meth:`search`."""

    def __init__(self, directory: Path) -> None:
        import bm25s  # noqa: PLC0415

        self.meta: dict[str, Any] = json.loads((directory / META).read_text(encoding="utf-8"))
        rows = json.loads((directory / ARTICLES).read_text(encoding="utf-8"))
        self.articles = [Article(**row) for row in rows]
        terms = (directory / TERMS).read_text(encoding="utf-8").split()
        self.tokeniser = tokeniser(tuple(terms))
        self.retriever = bm25s.BM25.load(str(directory / BM25), show_progress=False)
        self._masks: dict[frozenset[str], np.ndarray] = {}

    def in_laws(self, laws: Collection[str]) -> np.ndarray:
        """A boolean mask of the articles of ``laws`` (cached per set of laws)."""
        key = frozenset(laws)
        mask = self._masks.get(key)
        if mask is None:
            mask = np.fromiter((a.law in key for a in self.articles), dtype=bool)
            if len(self._masks) < 64:
                self._masks[key] = mask
        return mask

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        expand: bool = True,
        laws: Collection[str] | None = None,
        prior: float = COMMUNITY_PRIOR,
        favoured: Collection[str] = COMMUNITY,
    ) -> list[Hit]:
        """The best ``limit`` articles for ``query``, best first (none for an empty query);
        ``expand`` adds the statutes' words for everyday ones (:mod:`jingwu.legal.colloquial`);
        ``laws`` keeps only the articles of those laws; ``prior`` raises the scores of the
        ``favoured`` laws (by default the community-policing ones) by that fraction (0 for
        plain BM25)."""
        limit = max(1, min(limit, MAX_LIMIT))
        tokens, extra = self.tokeniser.cut_query(query[:MAX_QUERY])
        if not tokens:
            return []
        scores = np.asarray(self.retriever.get_scores(tokens), dtype=np.float64)
        if expand and extra:
            scores += EXPANSION_WEIGHT * np.asarray(self.retriever.get_scores(extra))
        if prior:
            scores = np.where(self.in_laws(favoured), scores * (1.0 + prior), scores)
        if laws is not None:
            scores = np.where(self.in_laws(laws), scores, 0.0)
        k = min(limit, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        # best first; ties by the corpus order (law title, article number)
        order = sorted(top.tolist(), key=lambda i: (-float(scores[i]), i))
        return [self._hit(i, float(scores[i])) for i in order if scores[i] > 0]

    def _hit(self, i: int, score: float) -> Hit:
        a = self.articles[i]
        return Hit(a.law, a.article, score, a.text, a.effective, a.source)


def built(directory: Path) -> bool:
    """Whether an index has been built in ``directory``."""
    return (directory / META).is_file()


def open_index(directory: Path) -> Index:
    """The index in ``directory``, loaded once per process (:class:`NoIndex` if none)."""
    meta = directory / META
    try:
        stamp = meta.stat().st_mtime_ns
    except OSError:
        raise NoIndex() from None
    return _load(directory.resolve(), stamp)


@functools.lru_cache(maxsize=2)
def _load(directory: Path, stamp: int) -> Index:
    return Index(directory)
