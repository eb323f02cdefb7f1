"""Starting ``jingwu``: help without the heavy imports, and one sentence (exit 2) when the
database is missing or not migrated, without creating an empty one."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import DB_KIND, PG_URL, fresh_database_url

ENTRY = "from jingwu.cli.main import main; main()"
HEAVY = ("sqlalchemy", "fastapi", "starlette", "numpy", "alembic", "uvicorn")


def jingwu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own (the test's environment plus ``env``)."""
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_help_imports_neither_the_database_layer_nor_the_web_app_nor_numpy() -> None:
    script = (
        "import sys\n"
        "sys.argv = ['jingwu', '--help']\n"
        "from jingwu.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert "Commands:" in done.stdout and "workorders" in done.stdout
    assert "LOADED []" in done.stdout, done.stdout.splitlines()[-1]


def test_a_domain_groups_help_lists_its_commands() -> None:
    done = jingwu("evidence", "--help")
    assert done.returncode == 0 and "verify" in done.stdout and "witness-key" in done.stdout


def _one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "JINGWU_DATABASE_URL" in lines[0] and "`jingwu db upgrade`" in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "args", [("org", "list"), ("org", "list", "--as-user", "someone"), ("db", "current")]
)
def test_a_missing_sqlite_file_is_named_and_not_created(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "nowhere" / "jingwu.db"
    env = {"JINGWU_DATABASE_URL": f"sqlite:///{missing}", "JINGWU_VAR_DIR": str(tmp_path)}
    line = _one_sentence(jingwu(*args, env=env))
    assert str(missing) in line
    assert not missing.exists()


def test_an_unmigrated_sqlite_file_says_to_upgrade(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    env = {"JINGWU_DATABASE_URL": f"sqlite:///{empty}", "JINGWU_VAR_DIR": str(tmp_path)}
    assert "not migrated" in _one_sentence(jingwu("workorders", "list", env=env))
    assert "not migrated" in _one_sentence(jingwu("serve", env=env))


@pytest.mark.skipif(DB_KIND != "postgresql", reason="PostgreSQL only")
def test_an_empty_or_missing_postgresql_database_says_what_to_do(tmp_path: Path) -> None:
    with fresh_database_url(tmp_path, "unmigrated") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp_path)}
        assert "not migrated" in _one_sentence(jingwu("org", "list", env=env))
    gone = make_url(PG_URL).set(database="jingwu_no_such_database").render_as_string(False)
    env = {"JINGWU_DATABASE_URL": gone, "JINGWU_VAR_DIR": str(tmp_path)}
    assert "cannot be opened" in _one_sentence(jingwu("org", "list", env=env))


def test_the_upgrade_command_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    env = {"JINGWU_DATABASE_URL": f"sqlite:///{db}", "JINGWU_VAR_DIR": str(tmp_path)}
    refused = jingwu("db", "upgrade", env={**env, "JINGWU_USER": "someone"})
    assert refused.returncode == 2 and "as the operator" in refused.stderr
    assert not db.exists()
    assert jingwu("db", "upgrade", env=env).returncode == 0
    listed = jingwu("org", "list", env=env)
    assert listed.returncode == 0, listed.stderr
