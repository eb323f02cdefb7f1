"""The sensing network's periodic jobs and long-running worker services.

Jobs (claimed in the database, safe on any number of workers): loss detection, rollups,
the offline sweep, alert escalation, partitions and retention. Services (one thread each in
every worker): the MQTT ingester when ``JINGWU_MQTT_URL`` is set, and in demo mode the device
simulator.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from jingwu.db import Database
from jingwu.iot import partitions
from jingwu.iot.service_alerts import heartbeat_sweep
from jingwu.iot.service_escalation import BATCH, EscalationRun, escalate
from jingwu.iot.service_loss import track_sequences
from jingwu.iot.service_rollups import apply_retention, roll_up
from jingwu.iot.settings import load_iot_settings, mqtt_url
from jingwu.runtime import Runtime
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.iot")


def _sequences(ctx: JobContext) -> object:
    with ctx.runtime.db.unit_of_work() as session:
        return track_sequences(session, now=ctx.now)


def _rollups(ctx: JobContext) -> object:
    with ctx.runtime.db.unit_of_work() as session:
        return roll_up(session, now=ctx.now)


def _heartbeat(ctx: JobContext) -> object:
    with ctx.runtime.db.unit_of_work() as session:
        return heartbeat_sweep(session, now=ctx.now)


def _escalation(ctx: JobContext) -> object:
    return run_escalation(ctx.runtime.db, now=ctx.now)


def run_escalation(
    db: Database, *, now: dt.datetime, limit: int = BATCH, skip_locked: bool = True
) -> EscalationRun:
    """Every due alert up its ladder: a transaction per batch, until none is left."""
    total = EscalationRun()
    while True:
        with db.unit_of_work() as session:
            part = escalate(session, now=now, limit=limit, skip_locked=skip_locked)
        total.alerts += part.alerts
        total.notifications += part.notifications
        for level, n in part.by_level.items():
            total.by_level[level] += n
        if part.alerts < limit:
            return total


def _partitions(ctx: JobContext) -> object:
    with ctx.runtime.db.unit_of_work() as session:
        return partitions.ensure(session.connection(), today=ctx.now.date())


def _retention(ctx: JobContext) -> object:
    iot = load_iot_settings()
    with ctx.runtime.db.unit_of_work() as session:
        return apply_retention(
            session,
            now=ctx.now,
            raw_days=iot.raw_retention_days,
            minute_days=iot.minute_rollup_days,
        )


JOBS = [
    JobSpec("iot.sequences", 30, _sequences, lease_seconds=120),
    JobSpec("iot.rollups", 60, _rollups, lease_seconds=300),
    JobSpec("iot.heartbeat", 60, _heartbeat, lease_seconds=300),
    JobSpec("iot.escalation", 30, _escalation, lease_seconds=120),
    JobSpec("iot.partitions", 3600, _partitions, lease_seconds=600),
    JobSpec("iot.retention", 6 * 3600, _retention, lease_seconds=3600),
]


def run_ingester(runtime: Runtime, stop: threading.Event) -> None:
    """The MQTT ingestion service (returns at once when no broker is configured)."""
    url = mqtt_url(runtime.settings.mqtt_url)
    if not url:
        return
    from jingwu.iot.ingest_mqtt import MqttIngester, run_loop  # noqa: PLC0415 - gmqtt on demand
    from jingwu.iot.pipeline import Pipeline  # noqa: PLC0415
    from jingwu.iot.settings import parse_mqtt_url  # noqa: PLC0415

    iot = load_iot_settings()
    try:
        with runtime.db.unit_of_work() as session:
            partitions.ensure(session.connection(), today=runtime.clock().date())
    except Exception:  # the default partition takes the rows meanwhile; the job retries
        log.exception("could not create the readings partitions")
    ingester = MqttIngester(
        Pipeline(runtime.db, runtime.clock),
        parse_mqtt_url(url),
        client_id=iot.effective_client_id,
        connections=iot.connections,
        batch_size=iot.batch_size,
        batch_ms=iot.batch_ms,
        stats_file=iot.stats_file,
        share_group=iot.share_group,
    )
    log.info("MQTT ingestion from %s as %s", url.split("@")[-1], iot.effective_client_id)
    run_loop(lambda: ingester.run(stop))


def run_demo_simulator(runtime: Runtime, stop: threading.Event) -> None:
    """In demo mode, feed the demo devices with realistic readings (HTTP-less, in process)."""
    if not runtime.settings.demo:
        return
    from jingwu.iot.simulate import demo_feed  # noqa: PLC0415 - demo code loads only here

    demo_feed(runtime, stop, rate=load_iot_settings().demo_rate)


SERVICES: list[tuple[str, Callable[[Runtime, threading.Event], None]]] = [
    ("iot-ingest", run_ingester),
    ("iot-demo-simulator", run_demo_simulator),
]
