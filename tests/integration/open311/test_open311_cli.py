"""``jingwu open311 issue-key | list-keys | revoke-key`` on a demo database of its own."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.db import Database
from jingwu.open311.models import Open311Key
from jingwu.security import keys
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("open311_cli")
    with fresh_database_url(tmp, "open311_cli") as url:
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


def test_a_director_issues_lists_and_revokes_a_key(env: dict[str, str]) -> None:
    r = run(env, "open311", "issue-key", "--unit", "XH00", "--name", "12345 热线",
            "--per-hour", "120", "--as-user", "demo-director")  # fmt: skip
    assert r.exit_code == 0, r.output
    secret = r.output.strip().splitlines()[-1]
    assert secret.startswith("o311_") and "120 requests an hour" in r.output
    db = Database.from_url(env["JINGWU_DATABASE_URL"])
    try:
        with db.sessions() as session:
            key = session.scalar(select(Open311Key).where(Open311Key.name == "12345 热线"))
            assert key is not None and key.per_hour == 120
            assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
            key_id = key.id
    finally:
        db.engine.dispose()
    listed = run(env, "open311", "list-keys", "--as-user", "demo-director")
    assert listed.exit_code == 0 and "12345 热线" in listed.output and "active" in listed.output
    assert secret not in listed.output and secret[:9] in listed.output
    r = run(env, "open311", "revoke-key", str(key_id), "--as-user", "demo-director")
    assert r.exit_code == 0, r.output
    assert "revoked" in run(env, "open311", "list-keys").output


def test_others_may_not_issue_keys(env: dict[str, str]) -> None:
    r = run(env, "open311", "issue-key", "--unit", "XH00", "--name", "App",
            "--as-user", "demo-chief")  # fmt: skip
    assert r.exit_code != 0 and "open311.keys" in r.output
    r = run(env, "open311", "issue-key", "--unit", "GS00", "--name", "App",
            "--as-user", "demo-director")  # fmt: skip
    assert r.exit_code != 0 and "GS00" in r.output
