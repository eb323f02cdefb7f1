"""``jingwu workorders sweep`` and ``list`` on a database of their own."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url, upgrade


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    get_settings.cache_clear()
    saved = keys._current
    try:
        result = CliRunner().invoke(cli, list(args), env=env)
        return result.exit_code, result.output
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


def test_one_sweep_pass_as_of_a_given_time_and_a_bad_time_refused(tmp_path: Path) -> None:
    with fresh_database_url(tmp_path, "wo_cli") as url:
        upgrade(url)
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp_path / "var")}
        code, out = _run(env, "workorders", "sweep", "--now", "2026-11-29T10:00+08:00")
        assert code == 0 and "Swept 0 order(s) as of 2026-11-29T02:00:00+00:00" in out
        code, out = _run(env, "workorders", "sweep", "--now", "2026-11-29T10:00")
        assert code == 2 and "UTC offset" in out
        code, out = _run(env, "workorders", "list")
        assert code == 0 and "0 of 0 order(s)." in out
        assert "received (Asia/Shanghai)" in out  # times in the site's zone, said so
