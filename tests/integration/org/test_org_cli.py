"""``jingwu org import`` with zones and equipment, and the recording commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jingwu.org.import_premises import UnitImport
from tests.conftest import fresh_database_url
from tests.factories.org import org_code
from tests.integration.cli.test_cli import run

HEADER = "kind,parent_code,name,short_code,division_code,org_code,floor_area_m2,zones,equipment\n"


def _row(kind: str, parent: str, code: str, division: str, rest: str = ",,,") -> str:
    return f"{kind},{parent},单位{code},{code},{division},{org_code()}{rest}\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("orgcli")
    with fresh_database_url(tmp, "orgcli") as url:
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": str(tmp / "var")}
        assert run(env, "db", "upgrade").exit_code == 0
        yield env


def _import(env: dict[str, str], path: Path, text: str):  # type: ignore[no-untyped-def]
    path.write_text(HEADER + text, encoding="utf-8")
    return run(env, "org", "import", str(path))


def test_the_zones_and_equipment_columns_parse_or_name_the_problem() -> None:
    base = {
        "kind": "community",
        "parent_code": "QS00",
        "name": "新站",
        "short_code": "QS01",
        "division_code": "330106001001",
        "org_code": org_code(),
        "floor_area_m2": 60,
    }
    ok = UnitImport.model_validate(
        base | {"zones": "reception:18;security_control:15", "equipment": "reception:叫号机*2"}
    )
    assert [(z.kind, z.area_m2) for z in ok.zones] == [("reception", 18), ("security_control", 15)]
    assert ok.equipment[0].quantity == 2
    as_object = UnitImport.model_validate(base | {"zones": {"reception": 18}})
    assert as_object.zones[0].kind == "reception"
    for bad, why in [
        ({"zones": "reception:50;security_control:20"}, "more than the floor area"),
        ({"zones": "lobby:10"}, "kind"),
        ({"zones": "reception"}, "not zone:value"),
        ({"zones": "reception:10", "equipment": "security_control:屏"}, "not in zones"),
        ({"zones": "reception:10", "equipment": "reception:屏*x"}, "quantity"),
        ({"zones": "reception:10;reception:5"}, "twice"),
    ]:
        with pytest.raises(ValueError, match=why):
            UnitImport.model_validate(base | bad)


def test_import_stores_zones_and_equipment_or_nothing(env: dict[str, str], tmp_path: Path) -> None:
    tree = (
        _row("district", "", "QD00", "330106")
        + _row("street", "QD00", "QS00", "330106001")
        + _row("community", "QS00", "QS01", "330106001001",
               ',60,reception:18;security_control:15,"reception:叫号机*2;security_control:监控屏"')
    )  # fmt: skip
    r = _import(env, tmp_path / "ok.csv", tree)
    assert r.exit_code == 0, r.output
    shown = run(env, "org", "show", "QS01").output
    assert "reception: 18.0 m²" in shown and "security_control" in shown
    bad = _row("community", "QS00", "QS02", "330106001002", ",60,reception:18,") + _row(
        "community", "QS00", "QS03", "330106001003", ",40,reception:50,"
    )
    r = _import(env, tmp_path / "bad.csv", bad)
    assert r.exit_code == 1 and ":3:" in r.output and "more than the floor area" in r.output
    assert "QS02" not in run(env, "org", "list").output


def test_the_recording_commands_print_the_check(env: dict[str, str], tmp_path: Path) -> None:
    tree = _row("district", "", "RD00", "330106") + _row("street", "RD00", "RS00", "330106001")
    tree += _row("community", "RS00", "RS01", "330106001001") + _row(
        "community", "RS00", "RS02", "330106001002"
    )
    assert _import(env, tmp_path / "t.csv", tree).exit_code == 0
    r = run(env, "org", "staff-add", "RS01", "--name", "王伟", "--category", "police",
            "--police-number", "610001", "--phone", "13800138000", "--post", "chief")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "RS01: staffing check NOT MET" in r.output and "auxiliaries_below_minimum" in r.output
    staff_id = r.output.split("(id ")[1].split(")")[0]
    r = run(env, "org", "staff-add", "RS01", "--name", "无号", "--category", "police")
    assert r.exit_code == 1 and "police number" in r.output
    r = run(env, "org", "staff-add", "RS01", "--name", "律师", "--category", "expert",
            "--field", "lawyer", "--post", "expert")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert run(env, "org", "floor", "RS01", "60").exit_code == 0
    r = run(env, "org", "zone-add", "RS01", "reception", "70")
    assert r.exit_code == 1 and "more than the floor area" in r.output
    assert run(env, "org", "zone-add", "RS01", "reception", "18").exit_code == 0
    r = run(env, "org", "equipment-add", "RS01", "reception", "叫号机", "--quantity", "2")
    assert r.exit_code == 0, r.output
    r = run(env, "org", "staff-move", staff_id, "--to", "RS02", "--reason", "轮岗")
    assert r.exit_code == 0 and "RS02" in r.output and "no_chief" in r.output
    hist = run(env, "org", "staff-history", staff_id).output
    assert "RS01" in hist and "轮岗" in hist and "RS02" in hist
    assert run(env, "org", "staff-leave", staff_id).exit_code == 0
    assert run(env, "org", "staff-leave", staff_id).exit_code == 1
    r = run(env, "org", "post-add", "RS01", "--kind", "director")
    assert r.exit_code == 1 and "no post of kind" in r.output


def test_a_row_refused_while_storing_leaves_no_earlier_row_or_zone(
    env: dict[str, str], tmp_path: Path
) -> None:
    rows = (
        _row("district", "", "PD00", "330106")
        + _row("street", "PD00", "PS00", "330106001")
        + _row("community", "PS00", "PS01", "330106001001", ",60,reception:18,reception:叫号机")
        + _row("community", "NOPE00", "PS02", "330106001002", ",60,reception:18,")
    )
    r = _import(env, tmp_path / "late.csv", rows)
    assert r.exit_code == 1 and "row 4" in r.output, r.output
    listed = run(env, "org", "list").output
    assert "PD00" not in listed and "PS01" not in listed
