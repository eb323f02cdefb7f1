"""``jingwu rollout …`` on a demo database of its own: show, import, refuse, move."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("rollout_cli")
    with fresh_database_url(tmp, "rollout_cli") as url:
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


def test_the_demo_city_shows_its_progress_and_blocked_stations(env: dict[str, str]) -> None:
    r = run(env, "rollout", "show", "--as-user", "demo-city")
    assert r.exit_code == 0, r.output
    assert "GS00" in r.output and "XH00" in r.output
    assert "blocked BS03 (self_assessed)" in r.output
    r = run(env, "rollout", "show", "--as-user", "demo-street")
    assert "GS00" not in r.output and "BS00" in r.output and "XX00" not in r.output


def test_a_bad_plan_exits_1_naming_every_line_and_stores_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "plan.csv"
    bad.write_text("phase,street,target,stations\n2027,BS00,1,XX01\n2027,MS00,1,\n")
    r = run(env, "rollout", "import", str(bad), "--as-user", "demo-director")
    assert r.exit_code == 1
    assert "line 2: a station does not belong to this street" in r.output
    assert "line 3: no such street in your area" in r.output  # another district's street
    assert "2027" not in run(env, "rollout", "show").output
    broken = tmp_path / "plan.json"
    broken.write_text('[{"phase": "2027",')
    r = run(env, "rollout", "import", str(broken), "--as-user", "demo-director")
    assert r.exit_code == 2
    assert "is not a CSV or JSON plan" in r.output


def test_a_good_plan_imports_and_the_roles_move_as_the_table_says(
    env: dict[str, str], tmp_path: Path
) -> None:
    good = tmp_path / "plan.csv"
    good.write_text("phase,street,target,stations\n2027,CY00,1,CY04\n")
    r = run(env, "rollout", "import", str(good), "--as-user", "demo-director")
    assert r.exit_code == 0, r.output
    assert "Imported 1 row(s) naming 1 station(s)." in r.output
    r = run(env, "rollout", "move", "CY04", "building", "--as-user", "demo-chief")
    assert r.exit_code == 1  # not the chief's station, and not the chief's step
    r = run(env, "rollout", "move", "CY04", "building", "--on", "2026-12-01")
    assert r.exit_code == 0, r.output
    assert "CY04 is now building." in r.output
    r = run(env, "rollout", "move", "CY04", "planned", "--as-user", "demo-director")
    assert r.exit_code == 1 and "Say why" in r.output
