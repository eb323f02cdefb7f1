"""`jingwu org import` and `jingwu iot devices import` on malformed and hostile files: one
sentence naming the line or feature, nothing stored; exit 2 for a malformed or unreadable
file, 1 for a well-formed file with bad rows."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import fresh_database_url
from tests.factories.org import org_code, square
from tests.integration.cli.test_cli import run

UNITS = "kind,parent_code,name,short_code,division_code,org_code\n"
DEVICES = "code,station,class,lon,lat\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("imports")
    with fresh_database_url(tmp, "imports") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var"), "JINGWU_DEMO": "1"}
        assert run(env, "demo", "--seed-only").exit_code == 0
        yield env


def _unit(short: str, name: str = "新建社区") -> str:
    return f"community,BS00,{name},{short},330106001009,{org_code()}\n"


def _feature(geometry: object, short: str, **props: object) -> dict[str, object]:
    properties = {
        "kind": "community", "parent_code": "BS00", "name": "边界社区", "short_code": short,
        "division_code": "330106001012", "org_code": org_code(),
    } | props  # fmt: skip
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _import(env: dict[str, str], path: Path, text: str, *cmd: str) -> Result:
    path.write_text(text, encoding="utf-8")
    return run(env, *cmd, str(path))


def _stored(env: dict[str, str], code: str) -> bool:
    return code in run(env, "org", "list").output


def test_malformed_unit_files_exit_2_naming_the_line(env: dict[str, str], tmp_path: Path) -> None:
    huge = "长" * (csv.field_size_limit() + 1)
    cases = {
        "big.csv": (UNITS + _unit("BS31") + _unit("BS32", huge), "line 3"),
        "nul.csv": (UNITS + _unit("BS31") + _unit("BS32", "坏\x00"), "line 3"),
        "deep.geojson": ("[" * 100_000 + "]" * 100_000, "line 1"),
        "dict.geojson": ('{"type": "FeatureCollection", "features": {"a": {}}}', "line 1"),
    }
    for name, (text, where) in cases.items():
        r = _import(env, tmp_path / name, text, "org", "import")
        assert r.exit_code == 2, (name, r.output)
        assert where in r.output and "Nothing imported" in r.output, (name, r.output)
        assert "Traceback" not in r.output
    assert not _stored(env, "BS31")


def test_unit_files_with_bad_features_exit_1_naming_each(
    env: dict[str, str], tmp_path: Path
) -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[120, 30], [120.1, 30.1], [120.1, 30], [120, 30.1], [120, 30]]],
    }
    doc = {
        "type": "FeatureCollection",
        "features": [
            _feature(square(120.1, 30.2), "BS33"),
            _feature(bow_tie, "BS34"),
            _feature(square(120.1, 30.2), "BS35", name="零\u0000"),
            "not a feature",
        ],
    }
    r = _import(env, tmp_path / "bad.geojson", json.dumps(doc), "org", "import")
    assert r.exit_code == 1, r.output
    assert all(f"bad.geojson:{n}:" in r.output for n in (2, 3, 4)), r.output
    assert not _stored(env, "BS33")


def test_unreadable_files_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"\xff\xfe\xfa" * 10)
    for cmd in (("org", "import"), ("iot", "devices", "import")):
        r = run(env, *cmd, str(bad))
        assert r.exit_code == 2 and "Cannot read" in r.output, r.output


def test_malformed_device_files_exit_2_naming_the_line(env: dict[str, str], tmp_path: Path) -> None:
    for name, text in {
        "nul.csv": DEVICES + "CLI-N1,BS01,environment,120.1,30.2\nCLI-N2\x00,BS01,x,1,2\n",
        "big.csv": DEVICES + "CLI-N1,BS01," + "x" * (csv.field_size_limit() + 1) + ",1,2\n",
    }.items():
        r = _import(env, tmp_path / name, text, "iot", "devices", "import")
        assert r.exit_code == 2 and "line" in r.output and "Traceback" not in r.output, r.output
    assert "CLI-N1" not in run(env, "iot", "devices", "list").output
