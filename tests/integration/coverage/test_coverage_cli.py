"""``jingwu coverage …`` on a demo database of its own: import, refuse, compute, show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url
from tests.integration.coverage.coverage_files import collection, point


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("coverage_cli")
    with fresh_database_url(tmp, "coverage_cli") as url:
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


def test_the_demo_district_shows_its_coverage(env: dict[str, str]) -> None:
    r = run(env, "coverage", "show")
    assert r.exit_code == 0, r.output
    assert "XH00 walk (network)" in r.output and "XH00 drive (network)" in r.output


def test_a_road_file_of_points_is_refused_naming_each_feature(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "points.geojson"
    bad.write_bytes(collection([point(120.12, 30.27, 1), point(120.13, 30.28, 1)]))
    r = run(env, "coverage", "import-roads", "--unit", "XH00", str(bad))
    assert r.exit_code == 1
    assert "feature 1: not a LineString" in r.output and "feature 2: not a LineString" in r.output


def test_residents_outside_the_district_are_refused(env: dict[str, str], tmp_path: Path) -> None:
    far = tmp_path / "far.geojson"
    far.write_bytes(collection([point(120.12, 30.27, 10), point(116.4, 39.9, 10)]))
    r = run(env, "coverage", "import-residents", "--unit", "XH00", str(far))
    assert r.exit_code == 1
    assert "feature 2: outside the unit's boundary" in r.output


def test_a_chief_may_not_import_and_a_director_may_compute(env: dict[str, str]) -> None:
    r = run(env, "coverage", "compute", "--unit", "XH00", "--as-user", "demo-chief")
    assert r.exit_code != 0
    r = run(env, "coverage", "compute", "--unit", "XH00", "--as-user", "demo-director")
    assert r.exit_code == 0, r.output
    assert "walk (network)" in r.output
