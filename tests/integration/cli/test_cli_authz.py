"""Every command checks the acting user's permission; the operator's commands refuse anyone
but an administrator; ``--as-user`` may follow the subcommand."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from jingwu.accounts.roles import all_permissions
from jingwu.cli.context import ANYONE
from jingwu.cli.main import as_user_first, cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url
from tests.factories.org import org_code

UNITS = (
    ("district", "", "测试区", "TD00", "330106"),
    ("street", "TD00", "测试街道", "TS00", "330106001"),
    ("community", "TS00", "甲社区", "TS01", "330106001001"),
    ("community", "TS00", "乙社区", "TS02", "330106001002"),
)


def run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    saved = keys._current
    try:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A migrated database with a district, a street, two stations, an admin and an officer."""
    tmp = tmp_path_factory.mktemp("cli_authz")
    with fresh_database_url(tmp, "cli_authz") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var")}
        assert run(env, "db", "upgrade").exit_code == 0
        rows = io.StringIO()
        writer = csv.writer(rows)
        writer.writerow(["kind", "parent_code", "name", "short_code", "division_code", "org_code"])
        writer.writerows([*unit, org_code()] for unit in UNITS)
        units = tmp / "units.csv"
        units.write_text(rows.getvalue(), encoding="utf-8")
        assert run(env, "org", "import", str(units)).exit_code == 0
        for name, unit, role in (("root", "TD00", "admin"), ("cop", "TS01", "officer")):
            r = run(env, "users", "create", name, "--unit", unit, "--role", role)
            assert r.exit_code == 0, r.output
        yield env


def _leaves(group: click.Group, path: str = "jingwu") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            yield from _leaves(command, f"{path} {name}")
        else:
            yield f"{path} {name}", command


def test_every_command_declares_a_known_permission() -> None:
    known = {*all_permissions(), ANYONE}
    declared = {path: getattr(c.callback, "permission", None) for path, c in _leaves(cli)}
    assert len(declared) > 30
    assert not [p for p, perm in declared.items() if perm is None], "use @requires(...)"
    assert not {p: perm for p, perm in declared.items() if perm not in known}
    for operator_only in ("db upgrade", "keys rotate", "users create", "tokens create", "serve"):
        assert not all_permissions()[declared[f"jingwu {operator_only}"]] - {"admin"}


def test_as_user_may_follow_the_subcommand() -> None:
    assert as_user_first(["org", "list", "--as-user", "x"]) == ["--as-user", "x", "org", "list"]
    assert as_user_first(["org", "--as-user=x", "list"]) == ["--as-user=x", "org", "list"]
    assert as_user_first(["a", "--", "--as-user", "x"]) == ["a", "--", "--as-user", "x"]


def test_an_officer_may_not_rotate_the_keys(env: dict[str, str]) -> None:
    key_file = Path(env["JINGWU_VAR_DIR"]) / "keys.json"
    before = key_file.read_bytes()
    for args in (
        ("--as-user", "cop", "keys", "rotate"),
        ("keys", "rotate", "--as-user", "cop"),
        ("keys", "rotate", "--as-user=cop"),
    ):
        r = run(env, *args)
        assert r.exit_code == 1, r.output
        assert r.output.count("\n") == 1 and "may not run" in r.output and "cop" in r.output
    assert key_file.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("db", "current"),
        ("db", "upgrade"),
        ("users", "list"),
        ("users", "reset-2fa", "root"),
        ("tokens", "create", "--user", "cop"),
        ("workorders", "sweep"),
        ("reference", "seed"),
        ("org", "import", "units.csv"),
        ("evidence", "sequence"),
        ("iot", "ingest"),
    ],
)
def test_an_officer_is_refused_the_operators_commands(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    r = run(env, *args, "--as-user", "cop")
    assert r.exit_code == 1, r.output
    assert r.output.count("\n") == 1 and "may not run" in r.output


def test_an_administrator_may_run_them(env: dict[str, str]) -> None:
    assert run(env, "workorders", "sweep", "--as-user", "root").exit_code == 0
    assert run(env, "users", "list", "--as-user", "root").exit_code == 0


def test_as_user_after_the_subcommand_acts_in_that_users_scope(env: dict[str, str]) -> None:
    r = run(env, "org", "list", "--as-user", "cop")
    assert r.exit_code == 0, r.output
    assert "TS01" in r.output and "TS02" not in r.output
    everything = run(env, "org", "list").output
    assert "TS02" in everything
    assert run(env, "workorders", "list", "--as-user", "cop").exit_code == 0


def test_an_unknown_acting_user_stops_with_one_sentence(env: dict[str, str]) -> None:
    r = run(env, "org", "list", "--as-user", "nobody")
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "nobody" in r.output
