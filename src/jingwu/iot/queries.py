"""Read models of the sensing network: device lists and details, charts, coverage, cards.

Every query goes through the org scope (``in_scope`` on the device's or alert's unit).
The live map's data lives in :mod:`jingwu.iot.mapdata`, the energy report in
:mod:`jingwu.iot.energy`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope, scoped, whole_tree
from jingwu.cards import Card
from jingwu.iot.classes import CLASSES, DeviceClass
from jingwu.iot.density import CommunityArea, DensityReport, DeviceLocation, density_report
from jingwu.iot.models import (
    Alert,
    BootSequence,
    DeadLetter,
    Device,
    DeviceEvent,
    Gateway,
    GatewayDevice,
    Reading,
    RollupHour,
    RollupMinute,
)
from jingwu.iot.service_devices import device_in_scope
from jingwu.org.models import Unit

STATUSES = ("online", "offline", "fault", "maintenance")


def density(session: Session, principal: Principal) -> DensityReport:
    """Coverage of the communities in scope by the devices in scope (IOT-1)."""
    principal.require("iot.view")
    units = session.scalars(
        scoped(select(Unit).where(Unit.kind == "community"), principal, Unit.id).order_by(
            Unit.short_code
        )
    )
    areas = [
        CommunityArea(u.short_code, u.name, u.boundary) for u in units if u.boundary is not None
    ]
    rows = session.execute(
        select(Device.code, Device.device_class, Device.lon, Device.lat).where(
            Device.retired.is_(False), in_scope(principal, Device.unit_id)
        )
    )
    devices = [DeviceLocation(c, DeviceClass(k), lon, lat) for c, k, lon, lat in rows]
    return density_report(areas, devices)


@dataclass
class DevicePage:
    """One page of the device list."""

    rows: list[tuple[Device, str]]
    total: int
    by_status: dict[str, int]
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))


def device_page(
    session: Session,
    principal: Principal,
    *,
    station: str | None = None,
    device_class: str | None = None,
    status: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> DevicePage:
    """Devices in scope, filtered, one page at a time."""
    principal.require("iot.view")
    where: list[Any] = [in_scope(principal, Device.unit_id), Device.retired.is_(False)]
    if station:
        where.append(Unit.short_code == station.upper())
    if device_class:
        where.append(Device.device_class == device_class)
    if q:
        where.append(Device.code.contains(q.strip(), autoescape=True))
    base = select(Device, Unit.short_code).join(Unit, Unit.id == Device.unit_id).where(*where)
    counts = dict(
        session.execute(
            select(Device.status, func.count())
            .join(Unit, Unit.id == Device.unit_id)
            .where(*where)
            .group_by(Device.status)
        ).all()
    )
    if status:
        base = base.where(Device.status == status)
    total = counts.get(status, 0) if status else sum(counts.values())
    page = max(1, page)
    rows = session.execute(
        base.order_by(Unit.short_code, Device.code).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return DevicePage(
        [(d, s) for d, s in rows],
        int(total),
        {k: int(counts.get(k, 0)) for k in STATUSES},
        page,
        per_page,
    )


@dataclass
class DeviceDetail:
    """Everything the device page shows."""

    device: Device
    station: Unit
    readings: list[tuple[int, dict[str, float]]]  # (reading ms, metrics), newest first
    events: list[DeviceEvent]
    alerts: list[Alert]
    boots: list[BootSequence]
    gateways: list[str]
    metrics: list[str] = field(default_factory=list)


def _latest(session: Session, model: Any, device_id: int, order: Any, n: int) -> list[Any]:
    return list(
        session.scalars(
            select(model).where(model.device_id == device_id).order_by(order.desc()).limit(n)
        )
    )


def device_detail(session: Session, principal: Principal, *, device_id: int) -> DeviceDetail:
    """A device with its latest readings, events, alerts, boots and gateways."""
    device = device_in_scope(session, principal, device_id)
    station = session.get(Unit, device.unit_id)
    assert station is not None
    latest = session.execute(
        select(Reading.ts_ms, Reading.metrics)
        .where(Reading.device_id == device.id)
        .order_by(Reading.ts_ms.desc())
        .limit(20)
    )
    gateways = session.scalars(
        select(Gateway.code)
        .join(GatewayDevice, GatewayDevice.gateway_id == Gateway.id)
        .where(GatewayDevice.device_id == device.id)
    )
    return DeviceDetail(
        device,
        station,
        [(ts, orjson.loads(m)) for ts, m in latest],
        _latest(session, DeviceEvent, device.id, DeviceEvent.ts_ms, 20),
        _latest(session, Alert, device.id, Alert.raised_at, 20),
        _latest(session, BootSequence, device.id, BootSequence.last_ms, 5),
        list(gateways),
        list(CLASSES[DeviceClass(device.device_class)].metrics),
    )


def series(
    session: Session,
    principal: Principal,
    *,
    device_id: int,
    metric: str,
    hours: int,
    now: dt.datetime,
) -> list[tuple[int, float, float, float]]:
    """(ms, mean, low, high) points of one metric: raw up to 6 h, minutes to 2 days, hours."""
    device = device_in_scope(session, principal, device_id)
    since = int((now - dt.timedelta(hours=hours)).timestamp() * 1000)
    if hours <= 6:
        rows = session.execute(
            select(Reading.ts_ms, Reading.metrics)
            .where(Reading.device_id == device.id, Reading.ts_ms >= since)
            .order_by(Reading.ts_ms)
        )
        out = []
        for ts, raw in rows:
            v = orjson.loads(raw).get(metric)
            if v is not None:
                out.append((int(ts), float(v), float(v), float(v)))
        return out
    model: type[RollupMinute] | type[RollupHour] = RollupMinute if hours <= 48 else RollupHour
    rows2 = session.execute(
        select(model.bucket_ms, model.total, model.n, model.low, model.high)
        .where(model.device_id == device.id, model.metric == metric, model.bucket_ms >= since)
        .order_by(model.bucket_ms)
    )
    return [(int(b), total / n, low, high) for b, total, n, low, high in rows2 if n]


def refusal_counts(session: Session, principal: Principal, *, since_ms: int) -> dict[str, int]:
    """Refused messages by reason since a time, for devices in scope (and unknown ones for
    the operator)."""
    principal.require("iot.view")
    stmt = select(DeadLetter.reason, func.count()).where(DeadLetter.received_ms >= since_ms)
    if not whole_tree(principal):
        stmt = stmt.join(Device, Device.id == DeadLetter.device_id).where(
            in_scope(principal, Device.unit_id)
        )
    return {r: int(n) for r, n in session.execute(stmt.group_by(DeadLetter.reason))}


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """Devices online, open alerts and today's solar output for the dashboard."""
    if not principal.can("iot.view"):
        return []
    from jingwu.iot.energy import energy_card  # noqa: PLC0415 - avoids an import cycle

    counts = dict(
        session.execute(
            select(Device.status, func.count())
            .where(in_scope(principal, Device.unit_id), Device.retired.is_(False))
            .group_by(Device.status)
        ).all()
    )
    total = sum(counts.values())
    online = int(counts.get("online", 0))
    open_alerts = dict(
        session.execute(
            select(Alert.tier, func.count())
            .where(in_scope(principal, Alert.unit_id), Alert.state == "open")
            .group_by(Alert.tier)
        ).all()
    )
    red = int(open_alerts.get("red", 0))
    n_open = sum(int(v) for v in open_alerts.values())
    cards = [
        Card(
            "Sensing devices online",
            f"{online} / {total}",
            href="/iot/devices",
            tone="good" if total and online >= 0.9 * total else "warn",
            order=40,
        ),
        Card(
            "Open sensor alerts",
            str(n_open),
            href="/iot/alerts",
            tone="bad" if red else ("warn" if n_open else "good"),
            note="red alerts waiting" if red else "",
            order=41,
        ),
    ]
    cards.extend(energy_card(session, principal, now=dt.datetime.now(dt.UTC)))
    return cards
