"""``jingwu evaluation draw …`` and ``verify-draw`` on a demo database of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.evaluation.checks.periods import local_month, month_bounds
from jingwu.security import keys
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("checks_cli")
    with fresh_database_url(tmp, "checks_cli") as url:
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


def months_ago(n: int) -> str:
    """``YYYYMM`` of the local month ``n`` months before this one."""
    month = local_month(dt.datetime.now(dt.UTC))
    for _ in range(n):
        month = local_month(month_bounds(month)[0] - dt.timedelta(hours=1))
    return month.replace("-", "")


def _sql(env: dict[str, str], statement: str, **params: object) -> None:
    engine = create_engine(env["JINGWU_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def test_a_demo_draw_verifies_and_exits_0(env: dict[str, str]) -> None:
    code = f"XH00-{months_ago(1)}-S"
    r = run(env, "evaluation", "verify-draw", code)
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"Draw {code} verifies: its commitment is in the evidence log")


def test_a_tampered_draw_exits_1_with_one_sentence(env: dict[str, str]) -> None:
    code = f"XH00-{months_ago(2)}-S"
    assert run(env, "evaluation", "verify-draw", code).exit_code == 0
    # A pool of one station the district does not have: the re-run cannot give the published
    # pairs, whichever station the demo's draw happened to pick.
    _sql(env, "UPDATE eval_check_draws SET targets = '[\"ZZ99\"]' WHERE code = :c", c=code)
    r = run(env, "evaluation", "verify-draw", code)
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0 and r.output.strip().endswith(".")
    assert "other pairs than the published ones" in r.output


def test_a_tampered_pool_of_an_orange_draw_exits_1(env: dict[str, str]) -> None:
    code = f"BS01-{months_ago(1)}-Q"
    assert run(env, "evaluation", "verify-draw", code).exit_code == 0
    _sql(
        env,
        'UPDATE eval_check_draws SET inspectors = \'["demo-inspector", "x"]\' WHERE code = :c',
        c=code,
    )
    r = run(env, "evaluation", "verify-draw", code)
    assert r.exit_code == 1 and "does not match the one in the evidence log" in r.output


def test_commit_draw_sign_and_verify_from_the_command_line(env: dict[str, str]) -> None:
    month = local_month(dt.datetime.now(dt.UTC))
    r = run(
        env,
        "evaluation",
        "draw",
        "commit",
        "--kind",
        "station",
        "--unit",
        "BS00",
        "--period",
        month,
        "--quota",
        "1",
    )
    assert r.exit_code == 0, r.output
    code = f"BS00-{month.replace('-', '')}-S"
    assert r.output.startswith(f"Committed {code}: quota 1, team 2")
    again = run(
        env,
        "evaluation",
        "draw",
        "commit",
        "--kind",
        "station",
        "--unit",
        "BS00",
        "--period",
        month,
    )
    assert again.exit_code == 1 and "its seed cannot change" in again.output
    drawn = run(env, "evaluation", "draw", "run", code)
    assert drawn.exit_code == 0 and f"Drew {code}: seed " in drawn.output
    assert run(env, "evidence", "sequence").exit_code == 0
    r = run(env, "evaluation", "verify-draw", code)
    assert r.exit_code == 0, r.output
    listed = run(env, "evaluation", "draw", "list")
    assert code[:11] in listed.output


def test_an_unknown_draw_exits_1(env: dict[str, str]) -> None:
    r = run(env, "evaluation", "verify-draw", "NOPE-202601-S")
    assert r.exit_code == 1 and "No draw NOPE-202601-S." in r.output


def test_the_survey_template_and_a_bad_import(env: dict[str, str], tmp_path: Path) -> None:
    r = run(env, "evaluation", "survey-template")
    assert r.output.startswith("unit,period,indicator,respondents,score,share\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,period,indicator,respondents,score,share\nBS01,2026-Q4,x.y,10,,50\n")
    r = run(env, "--as-user", "demo-director", "evaluation", "import-survey", str(bad))
    assert r.exit_code == 1 and "line 2" in r.output
