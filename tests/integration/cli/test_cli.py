"""The CLI end to end on a database of its own: seed, scope, import, key rotation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jingwu.accounts import demo as demo_accounts
from jingwu.cli import serve
from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url
from tests.factories.org import org_code


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("cli")
    with fresh_database_url(tmp, "cli") as url:
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


def test_an_officer_lists_only_their_station(env: dict[str, str]) -> None:
    r = run(env, "--as-user", "demo-officer", "org", "list")
    assert r.exit_code == 0 and "BS01" in r.output and "BS02" not in r.output


def test_an_officer_cannot_read_another_station(env: dict[str, str]) -> None:
    r = run(env, "--as-user", "demo-officer", "org", "show", "BS02")
    assert r.exit_code == 1 and "No such unit." in r.output
    assert run(env, "org", "show", "BS02").exit_code == 0


def test_an_officer_cannot_administer_users(env: dict[str, str]) -> None:
    r = run(
        env,
        "--as-user",
        "demo-officer",
        "users",
        "create",
        "mallory",
        "--unit",
        "BS01",
        "--role",
        "admin",
    )
    assert r.exit_code == 1 and "may not" in r.output


def test_the_staffing_check_names_the_stations_that_fall_short(env: dict[str, str]) -> None:
    r = run(env, "org", "staffing")
    assert r.exit_code == 0
    assert "Below minimum: CY03" in r.output and "A/B incomplete: CY03, XX02" in r.output


def test_a_bad_import_reports_lines_and_imports_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    f = tmp_path / "units.csv"
    f.write_text(
        "kind,parent_code,name,short_code,division_code,org_code\n"
        f"community,BS00,新建一,BS09,330106001009,{org_code()}\n"
        "community,BS00,坏的,BS10,330106001010,BADCODE\n",
        encoding="utf-8",
    )
    r = run(env, "org", "import", str(f))
    assert r.exit_code == 1 and ":3:" in r.output and "Nothing imported" in r.output
    assert "BS09" not in run(env, "org", "list").output
    f.write_text(
        "kind,parent_code,name,short_code,division_code,org_code\n"
        f"community,BS00,新建一,BS09,330106001009,{org_code()}\n",
        encoding="utf-8",
    )
    assert run(env, "org", "import", str(f)).exit_code == 0
    assert "BS09" in run(env, "org", "list").output


def test_an_import_into_an_unknown_parent_rolls_back_every_row(
    env: dict[str, str], tmp_path: Path
) -> None:
    f = tmp_path / "units.csv"
    f.write_text(
        "kind,parent_code,name,short_code,division_code,org_code\n"
        f"community,BS00,甲社区,BS20,330106001020,{org_code()}\n"
        f"community,ZZ00,乙社区,BS21,330106001021,{org_code()}\n",
        encoding="utf-8",
    )
    r = run(env, "org", "import", str(f))
    assert r.exit_code == 1 and "row 2" in r.output
    assert "BS20" not in run(env, "org", "list").output


def test_keys_rotate_and_a_wrong_key_stops_start_up(env: dict[str, str]) -> None:
    r = run(env, "keys", "rotate", "--alg", "sm4")
    assert r.exit_code == 0 and "Key k2 (sm4) is active" in r.output
    assert run(env, "org", "show", "BS01").exit_code == 0
    wrong = keys.format_data_keys({"k2": keys.new_data_key("k2", "sm4")})
    r = run({**env, "JINGWU_DATA_KEYS": wrong, "JINGWU_DATA_KEY_ACTIVE": "k2"}, "org", "list")
    assert r.exit_code == 2 and "cannot decrypt" in r.output


def test_tokens_are_printed_once(env: dict[str, str]) -> None:
    r = run(env, "tokens", "create", "--user", "demo-chief")
    assert r.exit_code == 0 and r.output.startswith("jw_")


def test_the_demo_builds_the_app_before_the_worker_threads_start(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app imports every domain (numpy among them); the worker's threads import too, and
    two threads importing one extension module at once can deadlock (the demo then never
    served). So the app is built first, then the threads start, then it is served."""
    steps: list[str] = []
    build = serve.create_app
    monkeypatch.setattr(serve, "create_app", lambda rt: steps.append("app") or build(rt))
    monkeypatch.setattr(serve.runner, "start_services", lambda *a: steps.append("threads"))
    monkeypatch.setattr(serve.runner, "loop", lambda *a, **k: None)
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **k: steps.append("serve"))
    result = run(env, "demo", "--port", "1")
    assert result.exit_code == 0, result.output
    assert steps == ["app", "threads", "serve"]
    for role, _unit, _name in demo_accounts.ACCOUNTS:  # every one, expert and city too
        assert f"  demo-{role}  " in result.output, role
    assert "demo-expert" in result.output and "demo-city" in result.output


def test_the_demo_database_is_in_the_var_dir_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    var = tmp_path / "data"
    monkeypatch.delenv("JINGWU_DATABASE_URL", raising=False)
    monkeypatch.setenv("JINGWU_VAR_DIR", str(var))
    monkeypatch.setenv("JINGWU_DEMO", "1")
    try:
        result = run({}, "demo", "--seed-only")
        assert result.exit_code == 0, result.output
        assert (var / "demo.db").is_file()
        assert not (elsewhere / "var").exists()
        assert os.environ["JINGWU_DATABASE_URL"] == f"sqlite:///{var / 'demo.db'}"
    finally:
        os.environ.pop("JINGWU_DATABASE_URL", None)  # the command sets it for its process
