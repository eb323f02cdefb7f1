"""Running simulated devices: registering them, publishing over MQTT, the demo feed.

``jingwu iot simulate`` registers N devices in a station (their secrets derived from the
deployment key, see :func:`jingwu.iot.simdevices.simulator_secret`), connects each with its
own credentials and publishes R readings a second in total. ``jingwu demo`` feeds its demo
devices the same way over MQTT when a broker is configured, or in process without one.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.geo import contains, polygons_of
from jingwu.iot.classes import DeviceClass
from jingwu.iot.ingest import Batch
from jingwu.iot.models import Alert, Device, Gateway, Reading
from jingwu.iot.mqttpub import Publisher
from jingwu.iot.schemas import DeviceIn, GatewayIn
from jingwu.iot.service_devices import add_gateway, register_devices, stations_by_code
from jingwu.iot.settings import MqttTarget, mqtt_url, parse_mqtt_url
from jingwu.iot.simdevices import SimDevice, seeded, simulator_secret
from jingwu.org.models import Unit
from jingwu.runtime import Runtime

log = logging.getLogger("jingwu.iot.simulator")
CLASS_CYCLE = tuple(DeviceClass)


def sim_code(station: str, k: int) -> str:
    """The code of the k-th simulated device of a station."""
    return f"SIM-{station}-{k:06d}"


def random_point(unit: Unit, rng: random.Random) -> tuple[float, float]:
    """A point inside the station's boundary (or near its point when it has none)."""
    if unit.boundary:
        ring = polygons_of(unit.boundary)[0][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        for _ in range(200):
            lon, lat = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
            if contains(unit.boundary, lon, lat):
                return round(lon, 6), round(lat, 6)
    return (unit.lon or 120.15) + rng.gauss(0, 0.003), (unit.lat or 30.27) + rng.gauss(0, 0.003)


def ensure_devices(
    session: Session,
    principal: Principal,
    *,
    station: str,
    n: int,
    key: bytes,
    now: Any,
    seed: int = 1,
) -> list[SimDevice]:
    """The station's first n simulated devices, registering those that are missing."""
    unit = stations_by_code(session, principal, [station]).get(station.upper())
    if unit is None:
        raise Invalid(
            "Station {station} is not a community station in scope.", params={"station": station}
        )
    codes = [sim_code(unit.short_code, k) for k in range(n)]
    have: set[str] = set()
    for k in range(0, n, 500):
        have.update(session.scalars(select(Device.code).where(Device.code.in_(codes[k : k + 500]))))
    rng = seeded(seed)
    rows = []
    for k, code in enumerate(codes):
        lon, lat = random_point(unit, rng)
        if code not in have:
            cls = CLASS_CYCLE[k % len(CLASS_CYCLE)]
            data = DeviceIn(
                code=code,
                station=unit.short_code,
                device_class=cls,
                lon=lon,
                lat=lat,
                name=f"模拟设备 {k}",
                model="Jingwu simulator",
            )
            rows.append((k + 1, data))
    if rows:
        register_devices(
            session, principal, rows=rows, now=now, secret_for=lambda c: simulator_secret(key, c)
        )
    rng = seeded(seed + 1)
    return [
        SimDevice(code, unit.short_code, CLASS_CYCLE[k % len(CLASS_CYCLE)], seeded(rng.random()))
        for k, code in enumerate(codes)
    ]


@dataclass
class SimReport:
    """What a simulation published."""

    published: int = 0
    acknowledged: int = 0
    events: int = 0
    elapsed_s: float = 0.0
    refused: list[str] = field(default_factory=list)  # devices whose CONNECT was refused
    sequences: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # code: boot, lo, hi

    @property
    def rate(self) -> float:
        """Messages a second actually achieved."""
        return self.published / self.elapsed_s if self.elapsed_s > 0 else 0.0


def gateway_code(station: str, k: int) -> str:
    """The code of the k-th simulated gateway of a station."""
    return f"SIMGW-{station}-{k:02d}"


def ensure_gateways(
    session: Session,
    principal: Principal,
    *,
    station: str,
    devices: list[SimDevice],
    count: int,
    key: bytes,
    now: Any,
) -> list[str]:
    """``count`` gateways sharing the devices round-robin, registering those missing."""
    codes = [gateway_code(station.upper(), k) for k in range(count)]
    have = set(session.scalars(select(Gateway.code).where(Gateway.code.in_(codes))))
    for k, code in enumerate(codes):
        if code not in have:
            data = GatewayIn(
                code=code,
                station=station,
                name="模拟网关",
                devices=[d.code for d in devices[k::count]],
            )
            add_gateway(
                session,
                principal,
                data=data,
                now=now,
                secret_for=lambda c: simulator_secret(key, c),
            )
    return codes


async def _connect(
    pub: Publisher, target: MqttTarget, login: str, secret: str, report: SimReport
) -> bool:
    try:
        await pub.connect(target.host, target.port, f"{login}-sim", login, secret)
    except (ConnectionError, OSError) as exc:
        report.refused.append(f"{login}: {exc}")
        return False
    return True


async def _open(
    devices: list[SimDevice],
    target: MqttTarget,
    secret: Callable[[str], str],
    report: SimReport,
    gateways: list[str],
) -> list[tuple[SimDevice, Publisher]]:
    """(device, the connection it publishes on): its own, or its gateway's."""
    gate = asyncio.Semaphore(100)  # a burst of CONNECTs, but not all at once
    logins = gateways or [d.code for d in devices]
    pubs: dict[str, Publisher] = {}

    async def one(login: str) -> None:
        pub = Publisher(window=200 if not gateways else 5000)
        async with gate:
            if await _connect(pub, target, login, secret(login), report):
                pubs[login] = pub

    await asyncio.gather(*(one(login) for login in logins))
    if gateways:
        pairs = [(d, pubs.get(gateways[k % len(gateways)])) for k, d in enumerate(devices)]
    else:
        pairs = [(d, pubs.get(d.code)) for d in devices]
    return [(d, p) for d, p in pairs if p is not None]


async def publish(
    devices: list[SimDevice],
    target: MqttTarget,
    *,
    rate: float,
    duration: float,
    secret: Callable[[str], str],
    event_share: float = 0.002,
    stop: threading.Event | None = None,
    gateways: list[str] | None = None,
) -> SimReport:
    """Publish ``rate`` messages a second across the devices for ``duration`` seconds.

    Each device publishes on its own connection with its own login, or, with ``gateways``,
    on the connection of its gateway (a gateway's messages of one tick go in one write).
    """
    report = SimReport()
    links = await _open(devices, target, secret, report, gateways or [])
    if not links:
        return report
    first = {d.code: d.seq for d, _ in links}
    start = time.monotonic()
    k = 0
    while (elapsed := time.monotonic() - start) < duration and not (stop and stop.is_set()):
        due = int(rate * elapsed) - report.published
        out: dict[Publisher, list[tuple[str, bytes]]] = {}
        now_ms = int(time.time() * 1000)
        for _ in range(max(0, due)):
            dev, pub = links[k % len(links)]
            k += 1
            topic, payload = dev.next_message(now_ms, event_share=event_share)
            out.setdefault(pub, []).append((topic, payload))
            report.events += topic.endswith("/event")
        for pub, items in out.items():
            await pub.publish_many(items)
            report.published += len(items)
        await asyncio.sleep(0.005)
    report.elapsed_s = time.monotonic() - start
    for pub in {id(p): p for _, p in links}.values():
        await pub.flush(30.0)
        report.acknowledged += pub.acked
        await pub.close()
    report.sequences = {
        d.code: (d.boot, first[d.code], d.seq - 1) for d, _ in links if d.seq > first[d.code]
    }
    return report


def _demo_devices(runtime: Runtime) -> list[SimDevice]:
    offline = select(Alert.device_id).where(
        Alert.rule_code == "device.offline", Alert.state != "resolved"
    )
    with runtime.db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(Device.code, Unit.short_code, Device.device_class)
            .join(Unit, Unit.id == Device.unit_id)
            .where(Device.retired.is_(False), Device.status != "maintenance")
            # a device someone is told is offline stays silent until the alert is dealt with
            .where(Device.id.not_in(offline))
            .order_by(Device.id)
        ).all()
    rng = seeded(20261129)
    devices = [SimDevice(c, s, DeviceClass(k), seeded(rng.random())) for c, s, k in rows]
    with runtime.db.unit_of_work(write=False) as session:
        _continue_registers(session, [d for d in devices if d.registers])
    return devices


def _continue_registers(session: Session, meters: list[SimDevice]) -> None:
    """Meters carry on from their last stored registers (a restart is no new meter)."""
    if not meters:
        return
    ids = dict(
        session.execute(
            select(Device.code, Device.id).where(Device.code.in_([m.code for m in meters]))
        ).all()
    )
    for meter in meters:
        device_id = ids.get(meter.code)
        if device_id is None:
            continue
        row = session.execute(
            select(Reading.ts_ms, Reading.metrics)
            .where(Reading.device_id == device_id)
            .order_by(Reading.ts_ms.desc())
            .limit(1)
        ).first()
        if row is None:
            continue
        last = orjson.loads(row.metrics)
        for name in meter.registers:
            if isinstance(last.get(name), int | float):
                meter.registers[name] = float(last[name])
        meter.last_ms = int(row.ts_ms)


def _feed_in_process(
    runtime: Runtime, stop: threading.Event, devices: list[SimDevice], rate: float
) -> None:
    from jingwu.iot.pipeline import Pipeline  # noqa: PLC0415 - avoid a cycle at import

    pipeline = Pipeline(runtime.db, runtime.clock)
    pipeline.start()
    k = 0
    while not stop.wait(1.0):
        batch = Batch()
        for _ in range(max(1, round(rate))):
            dev = devices[k % len(devices)]
            k += 1
            topic, payload = dev.next_message(int(time.time() * 1000), event_share=0.01)
            pipeline.feed(batch, topic, payload, runtime.clock())
        try:
            pipeline.commit(batch)
            pipeline.maybe_refresh()
        except Exception:  # the demo goes on if one batch fails
            log.exception("demo feed batch failed")


def demo_feed(runtime: Runtime, stop: threading.Event, *, rate: float) -> None:
    """Feed the demo devices: over MQTT when a broker is configured, else in process."""
    devices = _demo_devices(runtime)
    if not devices or rate <= 0:
        return
    url = mqtt_url(runtime.settings.mqtt_url)
    if url is None:
        log.info("demo simulator: %d devices, %.1f messages/s, in process", len(devices), rate)
        _feed_in_process(runtime, stop, devices, rate)
        return
    key = runtime.keyring.secret_key
    log.info("demo simulator: %d devices, %.1f messages/s, over MQTT", len(devices), rate)
    from jingwu.iot.ingest_mqtt import run_loop  # noqa: PLC0415

    run_loop(
        lambda: publish(
            devices,
            parse_mqtt_url(url),
            rate=rate,
            duration=float("inf"),
            secret=lambda c: simulator_secret(key, c),
            event_share=0.01,
            stop=stop,
        )
    )
