"""``jingwu sunshine publish`` on a demo database of its own: the demo's version is there,
so an immediate re-run publishes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("sunshine_cli")
    with fresh_database_url(tmp, "sunshine_cli") as url:
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


def test_a_rerun_right_after_the_demo_publishes_nothing(env: dict[str, str]) -> None:
    r = run(env, "sunshine", "publish")
    assert r.exit_code == 0, r.output
    assert "nothing published" in r.output
