"""``jingwu portal …`` on a demo database of its own: keygen, import a feed, intake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DB_KIND, fresh_database_url
from tests.integration.rollout.test_rollout_cli import run

FEED = "ref,category,description,lat,lon,phone\n12345-C1,noise,夜市噪音,,,13811113333\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("portal_cli")
    with fresh_database_url(tmp, "portal_cli") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var"), "JINGWU_DEMO": "1"}
        result = run(env, "demo", "--seed-only")
        assert result.exit_code == 0, result.output
        yield env


def test_keygen_prints_a_pair(env: dict[str, str]) -> None:
    r = run(env, "portal", "keygen")
    assert r.exit_code == 0
    assert "JINGWU_PORTAL_PUBLIC_KEY=" in r.output and "JINGWU_PORTAL_PRIVATE_KEY=" in r.output


def test_a_feed_is_imported_once_and_taken_in(env: dict[str, str], tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED)
    args = ("portal", "import", str(feed), "--channel", "hotline12345")
    r = run(env, *args, "--as-user", "demo-admin")
    assert r.exit_code == 0, r.output
    assert "1 request(s) taken in, 0 already there" in r.output
    r = run(env, *args, "--as-user", "demo-admin")
    assert "0 request(s) taken in, 1 already there" in r.output
    assert run(env, *args, "--as-user", "demo-officer").exit_code != 0
    feed.write_text(FEED + "12345-C2,nope,类别不对,,,\n")
    r = run(env, *args, "--as-user", "demo-admin")
    assert r.exit_code == 1 and "line 3" in r.output
    r = run(env, "portal", "intake", "--as-user", "demo-admin")
    assert r.exit_code == 0 and "order(s) taken in (0 failed)" in r.output


@pytest.mark.skipif(DB_KIND == "postgresql", reason="on PostgreSQL the role is created")
def test_grant_role_needs_postgresql(env: dict[str, str]) -> None:
    r = run(env, "portal", "grant-role", "jingwu_internet", "--as-user", "demo-admin")
    assert r.exit_code == 1 and "PostgreSQL" in r.output
