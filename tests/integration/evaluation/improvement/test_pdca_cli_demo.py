"""``jingwu evaluation pdca …`` and ``cases`` on a demo database: a year of lists and cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.security import keys
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("pdca_cli")
    with fresh_database_url(tmp, "pdca_cli") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var"), "JINGWU_DEMO": "1"}
        result = run(env, "demo", "--seed-only")
        assert result.exit_code == 0, result.output
        yield env


def run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    saved = keys._current
    try:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


def _rows(env: dict[str, str], statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(env["JINGWU_DATABASE_URL"])
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(statement))]
    engine.dispose()
    return rows


def test_the_demo_holds_a_list_per_unit_and_quarter_and_cases_every_month(
    env: dict[str, str],
) -> None:
    today = dt.datetime.now(dt.UTC).astimezone(LOCAL)
    quarters = (today.month - 1) // 3 + 1
    units = _rows(env, "SELECT count(*) FROM units")[0][0]
    assert _rows(env, "SELECT count(*) FROM eval_pdca_lists")[0][0] == units * quarters
    per_list = _rows(
        env, "SELECT count(*) FROM eval_pdca_items WHERE kind = 'improvement' GROUP BY list_id"
    )
    assert {n for (n,) in per_list} == {12}
    months = _rows(env, "SELECT month, count(*) FROM eval_cases GROUP BY month ORDER BY month")
    assert [m for m, _ in months] == [f"{today.year}-{m:02d}" for m in range(1, today.month + 1)]
    assert any(n >= 50 for _, n in months) and any(n < 50 for _, n in months)
    texts = [t for (t,) in _rows(env, "SELECT text FROM eval_cases")]
    assert all("1381" not in t for t in texts)


def test_show_open_overdue_and_cases_commands(env: dict[str, str]) -> None:
    r = run(env, "evaluation", "pdca", "show", "--unit", "BS01")
    assert r.exit_code == 0 and "Completion" in r.output and "target 95%" in r.output
    r = run(env, "evaluation", "pdca", "open", "--unit", "BS01", "--quarter", "2030-Q1")
    assert r.exit_code == 0 and "with 12 items" in r.output
    r = run(env, "evaluation", "pdca", "open", "--unit", "BS01", "--quarter", "2030-Q1")
    assert r.exit_code == 1
    first = run(env, "evaluation", "pdca", "overdue")
    assert first.exit_code == 0
    again = run(env, "evaluation", "pdca", "overdue")
    assert again.output.startswith("0 item(s) newly overdue, 0 escalated, 0 notification(s)")
    r = run(env, "evaluation", "cases")
    assert r.exit_code == 0 and r.output.count("\n") == 12
