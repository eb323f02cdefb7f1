"""``jingwu iot``: devices, gateways, broker files, coverage, ingestion, simulation, loss.

The commands live in :mod:`jingwu.iot.cli_devices` and :mod:`jingwu.iot.cli_run`.
"""

from __future__ import annotations

from jingwu.cli.lazy import LazyGroup

_DEVICES, _RUN = "jingwu.iot.cli_devices", "jingwu.iot.cli_run"

cli = LazyGroup(
    "iot",
    help="Sensing network: devices, ingestion, rules and alerts.",
    lazy={
        "devices": f"{_DEVICES}:devices",
        "gateways": f"{_DEVICES}:gateways",
        "broker-config": f"{_DEVICES}:broker_config",
        "density": f"{_RUN}:density",
        "simulate": f"{_RUN}:simulate",
        "ingest": f"{_RUN}:ingest",
        "gaps": f"{_RUN}:gaps",
    },
)
