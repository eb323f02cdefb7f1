"""``jingwu iot devices|gateways|broker-config``: provisioning from the command line."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from jingwu.accounts.scope import in_scope
from jingwu.cli.context import OPERATOR, BadFile, CliContext, pass_ctx, requires
from jingwu.cli.tables import print_table
from jingwu.errors import Invalid
from jingwu.iot import devicefile, service_devices
from jingwu.iot.brokerconf import BrokerConfError, BrokerSettings, broker_files
from jingwu.iot.models import Device
from jingwu.iot.schemas import GatewayIn
from jingwu.iot.service_broker import broker_accounts
from jingwu.iot.settings import mqtt_url, parse_mqtt_url
from jingwu.org.models import Unit

console = Console()


@click.group("devices")
def devices() -> None:
    """The device registry."""


def _write_secrets(path: Path, rows: list[tuple[str, str]]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["username", "secret"])
        writer.writerows(rows)


@devices.command("import")
@requires("iot.devices")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--secrets-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the new device secrets (CSV, mode 0600). Default: FILE.secrets.csv",
)
@pass_ctx
def import_devices(ctx: CliContext, file: Path, secrets_out: Path | None) -> None:
    """Register the devices of a CSV file: every row or none (see docs/iot.md for columns)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadFile(f"Cannot read {file}: {exc}") from None
    try:
        rows = devicefile.parse_devices(text)
    except devicefile.MalformedFile as exc:
        raise BadFile(
            f"Nothing imported: {file} is not a well-formed CSV file (line {exc.line}: "
            f"{exc.reason})."
        ) from None
    except devicefile.DeviceFileProblems as exc:
        for line, why in exc.problems:
            click.echo(f"{file}:{line}: {why}", err=True)
        raise Invalid(
            "Nothing imported: {count} bad row(s) in {file}.",
            params={"count": len(exc.problems), "file": file},
        ) from None
    runtime = ctx.runtime()
    try:
        with runtime.db.unit_of_work() as session:
            made = service_devices.register_devices(
                session, ctx.principal(session), rows=rows, now=runtime.clock()
            )
            issued = [(d.code, s) for d, s in made if s is not None]
    except service_devices.DeviceImportProblems as exc:
        for line, why in exc.problems:
            click.echo(f"{file}:{line}: {why}", err=True)
        raise
    target = secrets_out or file.with_name(file.name + ".secrets.csv")
    _write_secrets(target, issued)
    click.echo(f"Imported {len(made)} device(s); {len(issued)} secret(s) written to {target}.")


@devices.command("list")
@requires("iot.view")
@click.option("--station", help="Only this station (short code).")
@pass_ctx
def list_devices(ctx: CliContext, station: str | None) -> None:
    """Devices in scope with their status."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        principal = ctx.principal(session)
        stmt = (
            select(Device, Unit.short_code)
            .join(Unit, Unit.id == Device.unit_id)
            .where(in_scope(principal, Device.unit_id))
            .order_by(Unit.short_code, Device.code)
        )
        if station:
            stmt = stmt.where(Unit.short_code == station.upper())
        zone = runtime.settings.tz
        table = Table("code", "station", "class", "status", f"last seen ({zone.key})")
        for d, code in session.execute(stmt.limit(5000)):
            seen = f"{d.last_seen_at.astimezone(zone):%Y-%m-%d %H:%M:%S}" if d.last_seen_at else "-"
            table.add_row(d.code, code, d.device_class, d.status, seen)
    print_table(console, table)


@click.group("gateways")
def gateways() -> None:
    """Gateways publishing for several devices."""


@gateways.command("add")
@requires("iot.devices")
@click.argument("code")
@click.option("--station", required=True, help="Station (short code) the gateway belongs to.")
@click.option("--devices", "device_codes", required=True, help="Device codes, comma-separated.")
@click.option("--name", default="")
@pass_ctx
def add_gateway(ctx: CliContext, code: str, station: str, device_codes: str, name: str) -> None:
    """Register a gateway and print its secret (shown once)."""
    data = GatewayIn(
        code=code,
        station=station,
        name=name,
        devices=[c.strip() for c in device_codes.split(",") if c.strip()],
    )
    runtime = ctx.runtime()
    with runtime.db.unit_of_work() as session:
        gw, secret = service_devices.add_gateway(
            session, ctx.principal(session), data=data, now=runtime.clock()
        )
        click.echo(f"Gateway {gw.code} for {len(data.devices)} device(s). Secret: {secret}")


@click.command("broker-config")
@requires(OPERATOR)
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the files.",
)
@click.option(
    "--ingester-user", help="Login of the ingestion workers (default: from JINGWU_MQTT_URL)."
)
@click.option("--ingester-password", help="Its password (default: from JINGWU_MQTT_URL).")
@click.option("--port", default=1883, show_default=True, help="Listener port of mosquitto.conf.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Listener address.")
@pass_ctx
def broker_config(
    ctx: CliContext,
    out_dir: Path,
    ingester_user: str | None,
    ingester_password: str | None,
    port: int,
    bind: str,
) -> None:
    """Write the Mosquitto password file, ACL and a mosquitto.conf for the registry."""
    runtime = ctx.runtime()
    url = mqtt_url(runtime.settings.mqtt_url)
    if url and not ingester_user:
        target = parse_mqtt_url(url)
        ingester_user, ingester_password = target.username, target.password
    ingester = (ingester_user, ingester_password) if ingester_user and ingester_password else None
    if ingester is None:
        click.echo(
            "Warning: no ingester login given; the workers will not be able to subscribe.", err=True
        )
    settings = BrokerSettings(
        port=port,
        bind=bind,
        users_file=str((out_dir / "passwd").resolve()),
        acl_file=str((out_dir / "acl").resolve()),
        persistence_dir=str((out_dir / "data").resolve()),
    )
    with runtime.db.unit_of_work(write=False) as session:
        accounts = broker_accounts(session, ctx.principal(session), ingester=ingester)
    try:
        files = broker_files(accounts, settings)
    except BrokerConfError as exc:
        raise Invalid("Cannot write the broker files: {why}.", params={"why": str(exc)}) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        fd = os.open(out_dir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
    click.echo(f"Wrote {', '.join(files)} for {len(accounts)} account(s) to {out_dir}.")
