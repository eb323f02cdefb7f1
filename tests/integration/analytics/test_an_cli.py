"""``jingwu analytics import | store-backtest | refresh`` end to end on a database of its own:
bad rows refuse the whole file, re-imports add nothing, the jobs run by hand."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from jingwu.analytics.models import BacktestRun, Forecast, HeatGrid, Incident
from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.db import Database
from jingwu.security import keys
from tests.conftest import fresh_database_url, upgrade
from tests.factories.org import make_tree
from tests.unit.analytics.test_analytics_backtestdoc import document

GOOD = (
    "ref,kind,when,latitude,longitude\n"
    "a1,theft,2026-11-01T08:00:00+08:00,30.205,120.105\n"
    "a2,fraud,2026-11-02T08:00:00+08:00,30.205,120.125\n"
    "a3,theft,2026-11-03T08:00:00+08:00,30.30,120.30\n"
)
MAP = ["--map", "id=ref", "--map", "category=kind", "--map", "occurred_at=when",
       "--map", "lat=latitude", "--map", "lon=longitude"]  # fmt: skip


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("ancli")
    with fresh_database_url(tmp, "ancli") as url:
        upgrade(url)
        db = Database.from_url(url)
        with db.unit_of_work() as session:
            make_tree(session)
        db.engine.dispose()
        yield {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var")}


def run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    saved = keys._current
    try:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


def count(env: dict[str, str], model: type[object]) -> int:
    db = Database.from_url(env["JINGWU_DATABASE_URL"])
    try:
        with db.unit_of_work(write=False) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.engine.dispose()


def test_a_file_with_bad_rows_is_refused_whole_with_every_line_named(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        GOOD
        + "a4,theft,2026-11-03 08:00,30.2,120.1\n"
        + "a5,theft,2026-11-03T08:00:00Z,95,120.1\n"
        + "a1,theft,2026-11-03T08:00:00Z,30.2,120.1\n"
    )
    result = run(env, "analytics", "import", str(bad), *MAP)
    assert result.exit_code == 1
    assert f"{bad}:5: '2026-11-03 08:00' has no UTC offset or Z" in result.output
    assert f"{bad}:6: lat '95' is outside -90..90" in result.output
    assert f"{bad}:7: id 'a1' repeats line 2" in result.output
    assert "Nothing imported: 3 bad rows" in result.output
    assert count(env, Incident) == 0


def test_a_good_file_is_imported_once_and_a_second_import_adds_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    good = tmp_path / "good.csv.gz"
    good.write_bytes(gzip.compress(GOOD.encode()))
    first = run(env, "analytics", "import", str(good), *MAP, "--source", "city")
    assert first.exit_code == 0, first.output
    assert "Imported 3 new incidents" in first.output and "2 of 3 lie inside" in first.output
    again = run(env, "analytics", "import", str(good), *MAP, "--source", "city")
    assert again.exit_code == 0 and "Imported 0 new incidents" in again.output
    assert "(3 already stored)" in again.output
    assert count(env, Incident) == 3


def test_usage_problems_are_one_sentence_with_exit_status_two(
    env: dict[str, str], tmp_path: Path
) -> None:
    missing = run(env, "analytics", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "is not a readable file." in missing.output
    plain = tmp_path / "plain.csv"
    plain.write_text(GOOD)
    unmapped = run(env, "analytics", "import", str(plain))
    assert unmapped.exit_code == 2 and "the file has no column 'id'." in unmapped.output
    wrong = run(env, "analytics", "import", str(plain), "--map", "colour=kind")
    assert wrong.exit_code == 2 and "unknown column 'colour'" in wrong.output


def test_store_a_backtest_then_refresh_makes_the_heat_map_and_a_forecast(
    env: dict[str, str], tmp_path: Path
) -> None:
    doc = tmp_path / "bt.json"
    doc.write_text(json.dumps(document()))
    stored = run(env, "analytics", "store-backtest", str(doc))
    assert stored.exit_code == 0 and "(3 models)" in stored.output
    assert count(env, BacktestRun) == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run(env, "analytics", "store-backtest", str(broken)).exit_code == 2
    refreshed = run(env, "analytics", "refresh")
    assert refreshed.exit_code == 0, refreshed.output
    assert "heat map: rebuilt from" in refreshed.output and "forecast" in refreshed.output
    assert count(env, HeatGrid) == 1 and count(env, Forecast) <= 1
