"""``jingwu evaluation recompute``, ``values-template`` and ``import-values`` on a database of
their own: exit 2 for a file that cannot be read, 1 for bad rows, 0 when stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.security import keys
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("indices_cli")
    with fresh_database_url(tmp, "indices_cli") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var"), "JINGWU_DEMO": "1"}
        result = run(env, "db", "upgrade")
        assert result.exit_code == 0, result.output
        engine = create_engine(url)
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO units (kind, path, name, name_en, short_code, division_code, "
                    "org_code, address, phone, design, created_at) VALUES ('community', '/', "
                    "'站', '', 'QA01', '330106001001', '1133010600000001MB', '', '', "
                    "'traditional', :at)"
                ),
                {"at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)},
            )
        engine.dispose()
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


def test_recompute_names_what_it_wrote(env: dict[str, str]) -> None:
    r = run(env, "evaluation", "recompute", "--period", "2026-11")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Recomputed 2026-11, 2026-Q4:") and "catalogue 2026.1" in r.output
    bad = run(env, "evaluation", "recompute", "--period", "2026-13")
    assert bad.exit_code == 1


def test_import_values_exit_codes(env: dict[str, str], tmp_path: Path) -> None:
    template = run(env, "evaluation", "values-template")
    assert template.exit_code == 0 and template.output.startswith("indicator,station,period")
    missing = run(env, "evaluation", "import-values", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2 and "cannot be read" in missing.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("indicator,station,period,value\n\xe9".encode("latin-1"))
    assert run(env, "evaluation", "import-values", str(latin)).exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,station,period,value\nkpi.social.participation,ZZ01,2026-Q4,20\n")
    r = run(env, "evaluation", "import-values", str(bad))
    assert r.exit_code == 1 and "line 2" in r.output
    good = tmp_path / "good.csv"
    good.write_text(template.output.replace("SA01", "QA01"))
    r = run(env, "evaluation", "import-values", str(good))
    assert r.exit_code == 0 and r.output.startswith("Imported 8 value(s) from good.csv")
