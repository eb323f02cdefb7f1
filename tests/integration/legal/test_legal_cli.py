"""The command-line contract of ``jingwu legal``: exit codes, the JSON shape, JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jingwu.cli.main import cli
from jingwu.config import get_settings
from tests.legal_fixture import fixture_db

KEYS = {"law", "article", "score", "text", "effective", "source"}


def run(var: Path, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli, list(args), env={"JINGWU_VAR_DIR": str(var)})
    finally:
        get_settings.cache_clear()


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir with the fixture corpus loaded through the command."""
    tmp = tmp_path_factory.mktemp("legal_cli")
    var = tmp / "var"
    r = run(var, "legal", "load", "--source", str(fixture_db(tmp)))
    assert r.exit_code == 0, r.output
    assert "17 articles in force of 5 laws" in r.output
    return var


def test_a_search_without_an_index_says_so_in_one_sentence_and_exits_2(tmp_path: Path) -> None:
    r = run(tmp_path / "var", "legal", "search", "邻居噪音扰民怎么处理")
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and "jingwu legal load" in r.output


def test_json_is_a_list_best_first_of_law_article_score_text(var: Path) -> None:
    r = run(var, "legal", "search", "邻居噪音扰民怎么处理", "--json")
    assert r.exit_code == 0, r.output
    hits = json.loads(r.output)
    assert isinstance(hits, list) and 0 < len(hits) <= 10
    assert all(set(h) >= KEYS for h in hits)
    assert (hits[0]["law"], hits[0]["article"]) == ("中华人民共和国治安管理处罚法", "第八十八条")
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(h["score"], float) and isinstance(h["text"], str) for h in hits)


def test_limit_caps_the_list(var: Path) -> None:
    r = run(var, "legal", "search", "处罚 拘留 罚款", "--json", "--limit", "2")
    hits = json.loads(r.output)
    assert len(hits) == 2


def test_queries_give_one_json_list_per_line(var: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text("邻居噪音扰民\n喝酒开车\n量子色动力学\n", encoding="utf-8")
    r = run(var, "legal", "search", "--queries", str(queries), "--limit", "3")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert len(lines) == 3
    answers = [json.loads(line) for line in lines]
    assert answers[0][0]["article"] == "第八十八条"
    assert answers[1][0]["law"] == "中华人民共和国道路交通安全法"
    assert answers[2] == [] and all(len(a) <= 3 for a in answers)


def test_the_human_output_numbers_the_articles(var: Path) -> None:
    r = run(var, "legal", "search", "邻居噪音扰民")
    assert r.exit_code == 0
    assert r.output.startswith(" 1. 中华人民共和国治安管理处罚法 第八十八条")
    assert "No provision found." in run(var, "legal", "search", "量子色动力学").output


@pytest.mark.parametrize(
    "args",
    [
        ("legal", "search"),
        ("legal", "search", "x", "--queries", "q.txt"),
        ("legal", "search", "x", "--limit", "0"),
        ("legal", "search", "--queries", "/nonexistent/q.txt"),
        ("legal", "load", "--source", "/nonexistent/laws.db"),
    ],
)
def test_bad_usage_exits_2(var: Path, args: tuple[str, ...]) -> None:
    assert run(var, *args).exit_code == 2
