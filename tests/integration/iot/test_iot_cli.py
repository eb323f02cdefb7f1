"""`jingwu iot` commands end to end on a database of their own."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.iot.brokerconf import verify_password
from jingwu.iot.models import Device
from jingwu.org.service import unit_by_code
from jingwu.security import keys
from tests.integration.iot.mqtt_site import Site, site


@pytest.fixture(scope="module")
def cli_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    saved = keys._current
    with site(tmp_path_factory.mktemp("iotcli"), "iotcli", devices=3) as s:
        yield s
    if saved is not None:
        keys.install(saved)


def run(s: Site, *args: str) -> Result:
    env = {
        "JINGWU_DATABASE_URL": s.url,
        "JINGWU_VAR_DIR": s.env["JINGWU_VAR_DIR"],
        "JINGWU_MQTT_URL": "mqtt://ingest:ingest-pw@127.0.0.1:1883",
    }
    get_settings.cache_clear()
    saved = keys._current
    try:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


def _devices(s: Site) -> int:
    with s.runtime.db.unit_of_work(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Device)) or 0)


def test_a_file_with_bad_rows_imports_nothing_and_names_the_lines(
    cli_site: Site, tmp_path: Path
) -> None:
    f = tmp_path / "devices.csv"
    f.write_text(
        "code,station,class,lon,lat\n"
        "CLI-1,SA01,environment,120.105,30.205\n"
        "CLI-2,SA01,fridge,120.105,30.205\n"
        "CLI-3,ZZ99,environment,120.105,30.205\n",
        encoding="utf-8",
    )
    before = _devices(cli_site)
    r = run(cli_site, "iot", "devices", "import", str(f))
    assert r.exit_code == 1
    assert f"{f}:3:" in r.output and "class" in r.output
    assert _devices(cli_site) == before
    f.write_text(
        "code,station,class,lon,lat\nCLI-3,ZZ99,environment,120.1,30.2\n", encoding="utf-8"
    )
    r = run(cli_site, "iot", "devices", "import", str(f))
    assert r.exit_code == 1 and f"{f}:2: station ZZ99" in r.output


def test_a_good_file_registers_the_devices_and_writes_their_secrets(
    cli_site: Site, tmp_path: Path
) -> None:
    f = tmp_path / "good.csv"
    f.write_text(
        "code,station,class,lon,lat,name\nCLI-10,SA01,smoke_fire,120.105,30.205,楼道\n"
        "CLI-11,SA01,access_control,120.106,30.206,单元门\n",
        encoding="utf-8",
    )
    r = run(cli_site, "iot", "devices", "import", str(f))
    assert r.exit_code == 0, r.output
    secrets_file = tmp_path / "good.csv.secrets.csv"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    lines = secrets_file.read_text().splitlines()
    assert lines[0] == "username,secret" and len(lines) == 3
    code, secret = lines[1].split(",")
    with cli_site.runtime.db.unit_of_work(write=False) as session:
        device = session.scalar(select(Device).where(Device.code == code))
        assert device is not None and verify_password(secret, device.credential_hash or "")
    listed = run(cli_site, "iot", "devices", "list", "--station", "SA01")
    assert "CLI-10" in listed.output and "SB01" not in listed.output


def test_broker_config_writes_private_files_for_every_account(
    cli_site: Site, tmp_path: Path
) -> None:
    out = tmp_path / "broker"
    r = run(cli_site, "iot", "broker-config", "-o", str(out), "--port", "18999")
    assert r.exit_code == 0, r.output
    for name in ("passwd", "acl", "mosquitto.conf"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
    passwd = (out / "passwd").read_text()
    assert "ingest:$7$101$" in passwd and f"{cli_site.devices[0].code}:$7$" in passwd
    assert "topic read jingwu/v1/#" in (out / "acl").read_text()
    assert "listener 18999 127.0.0.1" in (out / "mosquitto.conf").read_text()


def test_density_and_gaps_report(cli_site: Site) -> None:
    r = run(cli_site, "iot", "density")
    assert r.exit_code == 0 and "SA01" in r.output and "missing a class" in r.output
    g = run(cli_site, "iot", "gaps")
    assert g.exit_code == 0 and "0 missing" in g.output


def test_an_officer_lists_only_their_stations_devices(cli_site: Site) -> None:
    keys.install(cli_site.runtime.keyring)  # the site's keys encrypt the user's fields
    with cli_site.runtime.db.unit_of_work() as session:
        unit = unit_by_code(session, "SB01")
        assert unit is not None
        accounts.create_user(
            session,
            SYSTEM,
            username="cli-officer",
            display_name="民警",
            unit_id=unit.id,
            role="officer",
            password="correct horse battery",
            now=cli_site.runtime.clock(),
        )
    r = run(cli_site, "--as-user", "cli-officer", "iot", "devices", "list")
    assert r.exit_code == 0 and cli_site.devices[0].code not in r.output
    assert (
        run(cli_site, "--as-user", "cli-officer", "iot", "broker-config", "-o", "/tmp/x").exit_code
        == 1
    )
