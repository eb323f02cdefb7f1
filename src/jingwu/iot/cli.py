"""``jingwu iot``: devices, gateways, broker files, coverage, ingestion, simulation, loss."""

from __future__ import annotations

import click

from jingwu.iot.cli_devices import broker_config, devices, gateways
from jingwu.iot.cli_run import density, gaps, ingest, simulate


@click.group("iot")
def cli() -> None:
    """Sensing network: devices, ingestion, rules and alerts."""


for command in (devices, gateways, broker_config, density, simulate, ingest, gaps):
    cli.add_command(command)
