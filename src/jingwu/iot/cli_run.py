"""``jingwu iot density|simulate|ingest|gaps``: coverage, load, the ingester, loss."""

from __future__ import annotations

import threading

import click
from rich.console import Console
from rich.table import Table

from jingwu.cli.context import OPERATOR, CliContext, pass_ctx, requires
from jingwu.cli.tables import print_table
from jingwu.config import ConfigError
from jingwu.iot import queries
from jingwu.iot.service_loss import loss_totals, open_gaps, track_sequences
from jingwu.iot.settings import mqtt_url, parse_mqtt_url
from jingwu.iot.simdevices import SimDevice, simulator_secret
from jingwu.iot.simulate import SimReport

console = Console()
DEMO_STATION = "BS01"


@click.command("density")
@requires("iot.view")
@pass_ctx
def density(ctx: CliContext) -> None:
    """Devices per km² and per class of each community; which fall short (IOT-1)."""
    runtime = ctx.runtime()
    with runtime.db.unit_of_work(write=False) as session:
        report = queries.density(session, ctx.principal(session))
    table = Table("station", "km²", "devices", "per km²", "short by", "missing classes")
    for c in report.communities:
        table.add_row(
            c.code,
            f"{c.area_km2:.2f}",
            str(c.devices),
            f"{c.per_km2:.1f}",
            str(c.short_by) if c.short_by else "",
            ", ".join(m.value for m in c.missing_classes),
        )
    print_table(console, table)
    short = ", ".join(c.code for c in report.short) or "none"
    click.echo(f"Below {report.min_per_km2:g} devices/km² or missing a class: {short}.")
    if report.outside:
        click.echo(f"{len(report.outside)} device(s) lie inside no community boundary.")


@click.command("simulate")
@requires(OPERATOR)
@click.option("--devices", "n", default=50, show_default=True, help="Simulated devices.")
@click.option("--rate", default=100.0, show_default=True, help="Messages a second, in total.")
@click.option("--duration", default=60.0, show_default=True, help="Seconds to publish.")
@click.option("--station", default=DEMO_STATION, show_default=True, help="Station short code.")
@click.option(
    "--events",
    "event_share",
    default=0.002,
    show_default=True,
    help="Share of messages that are events.",
)
@click.option(
    "--gateways",
    default=0,
    show_default=True,
    help="Publish through this many gateways instead of one connection per device.",
)
@pass_ctx
def simulate(
    ctx: CliContext,
    n: int,
    rate: float,
    duration: float,
    station: str,
    event_share: float,
    gateways: int,
) -> None:
    """Register N simulated devices (if missing) and publish readings to the broker."""
    from jingwu.iot.ingest_mqtt import run_loop  # noqa: PLC0415 - asyncio only here
    from jingwu.iot.simulate import publish  # noqa: PLC0415

    runtime = ctx.runtime()
    target = parse_mqtt_url(mqtt_url(runtime.settings.mqtt_url) or "mqtt://127.0.0.1:1883")
    key = runtime.keyring.secret_key
    devices, via = _simulated(ctx, station=station, n=n, gateways=gateways)
    click.echo(
        f"Publishing {rate:g} messages/s from {n} device(s) to {target.host}:{target.port} "
        f"for {duration:g} s ..."
    )
    holder: list[SimReport] = []

    async def main() -> None:
        holder.append(
            await publish(
                devices,
                target,
                rate=rate,
                duration=duration,
                event_share=event_share,
                secret=lambda c: simulator_secret(key, c),
                gateways=via,
            )
        )

    run_loop(main)
    _print_report(holder[0])


def _simulated(
    ctx: CliContext, *, station: str, n: int, gateways: int
) -> tuple[list[SimDevice], list[str]]:
    """The simulated devices (and gateways), registered first where missing."""
    from jingwu.iot.simulate import ensure_devices, ensure_gateways  # noqa: PLC0415

    runtime = ctx.runtime()
    key = runtime.keyring.secret_key
    with runtime.db.unit_of_work() as session:
        principal = ctx.principal(session)
        now = runtime.clock()
        devices = ensure_devices(session, principal, station=station, n=n, key=key, now=now)
        via = []
        if gateways:
            via = ensure_gateways(
                session,
                principal,
                station=station,
                devices=devices,
                count=gateways,
                key=key,
                now=now,
            )
    return devices, via


def _print_report(report: SimReport) -> None:
    for why in report.refused[:10]:
        click.echo(f"refused: {why}", err=True)
    click.echo(
        f"Published {report.published} message(s) ({report.events} event(s)) in "
        f"{report.elapsed_s:.1f} s = {report.rate:.0f}/s; {report.acknowledged} acknowledged."
    )
    for code, (boot, lo, hi) in list(report.sequences.items())[:20]:
        click.echo(f"  {code} boot {boot}: seq {lo}..{hi}")
    if len(report.sequences) > 20:
        click.echo(f"  ... and {len(report.sequences) - 20} more device(s)")


@click.command("ingest")
@requires(OPERATOR)
@pass_ctx
def ingest(ctx: CliContext) -> None:
    """Run only the MQTT ingester (what `jingwu worker` runs as a service)."""
    import signal  # noqa: PLC0415

    from jingwu.iot.jobs import run_ingester  # noqa: PLC0415
    from jingwu.runtime import configure_logging  # noqa: PLC0415

    runtime = ctx.runtime()
    if not mqtt_url(runtime.settings.mqtt_url):
        raise ConfigError("Setting JINGWU_MQTT_URL is required to ingest from a broker.")
    configure_logging(runtime.settings)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_ingester(runtime, stop)


@click.command("gaps")
@requires("iot.view")
@click.option(
    "--track/--no-track",
    default=True,
    show_default=True,
    help="Run the loss detector on newly settled data first.",
)
@pass_ctx
def gaps(ctx: CliContext, track: bool) -> None:
    """Sequence gaps still open (messages that never arrived), per device and boot."""
    runtime = ctx.runtime()
    if track:
        with runtime.db.unit_of_work() as session:
            track_sequences(session, now=runtime.clock())
    with runtime.db.unit_of_work(write=False) as session:
        principal = ctx.principal(session)
        totals = loss_totals(session, principal)
        rows = open_gaps(session, principal)
        for r in rows:
            g = r.gap
            n = g.seq_to - g.seq_from + 1
            click.echo(f"{r.device_code} boot {g.boot}: seq {g.seq_from}..{g.seq_to} ({n} missing)")
    click.echo(
        f"{totals.boots} boot(s): {totals.stored} accounted, {totals.missing} missing, "
        f"{totals.duplicates} redelivered, {totals.rejected} refused; {len(rows)} open gap(s)."
    )
