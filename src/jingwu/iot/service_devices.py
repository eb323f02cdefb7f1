"""Device registry use cases: register, import, gateways, credentials, maintenance.

Every lookup goes through the org scope; a device of another community is NotFound. A
device's secret is shown once and stored only as its Mosquitto ``$7$`` hash, the one hash
both the broker (password file) and the HTTP endpoint check.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.iot.brokerconf import hash_password
from jingwu.iot.models import Device, Gateway, GatewayDevice
from jingwu.iot.schemas import DeviceIn, GatewayIn
from jingwu.org.models import Unit

SECRET_BYTES = 32  # 256-bit device secrets


class DeviceImportProblems(Invalid):
    """Rows that cannot be registered; ``problems`` lists (line, reason). Nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems)
        line, why = self.problems[0]
        super().__init__(
            f"Nothing imported: line {line}: {why} ({len(problems)} problem(s) in all).",
            fields={"file": f"{len(problems)} bad row(s)"},
        )


def new_secret() -> tuple[str, str]:
    """A random secret and its ``$7$`` hash."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, hash_password(secret)


def stations_by_code(
    session: Session, principal: Principal, codes: Iterable[str]
) -> dict[str, Unit]:
    """The community stations with these short codes that the principal may see."""
    wanted = sorted({c.upper() for c in codes})
    stmt = select(Unit).where(Unit.short_code.in_(wanted), Unit.kind == "community")
    return {u.short_code: u for u in session.scalars(scoped(stmt, principal, Unit.id))}


def device_in_scope(session: Session, principal: Principal, device_id: int) -> Device:
    """The device, if the principal may see it; else NotFound."""
    principal.require("iot.view")
    stmt = scoped(select(Device).where(Device.id == device_id), principal, Device.unit_id)
    device = session.scalar(stmt)
    if device is None:
        raise NotFound("No such device.")
    return device


def device_by_code(session: Session, principal: Principal, code: str) -> Device:
    """The device with this code, if in scope; else NotFound."""
    principal.require("iot.view")
    stmt = scoped(select(Device).where(Device.code == code), principal, Device.unit_id)
    device = session.scalar(stmt)
    if device is None:
        raise NotFound("No device '{code}'.", params={"code": code})
    return device


def _existing(session: Session, model: type[Device] | type[Gateway], codes: list[str]) -> set[str]:
    found: set[str] = set()
    for k in range(0, len(codes), 500):
        chunk = codes[k : k + 500]
        found.update(session.scalars(select(model.code).where(model.code.in_(chunk))))
    return found


def _gateways(session: Session, principal: Principal, codes: Iterable[str]) -> dict[str, Gateway]:
    stmt = select(Gateway).where(Gateway.code.in_(sorted(set(codes))), Gateway.active.is_(True))
    return {g.code: g for g in session.scalars(scoped(stmt, principal, Gateway.unit_id))}


def _check_rows(
    session: Session, principal: Principal, rows: Sequence[tuple[int, DeviceIn]]
) -> tuple[dict[str, Unit], dict[str, Gateway]]:
    stations = stations_by_code(session, principal, (d.station for _, d in rows))
    gateways = _gateways(session, principal, (d.gateway for _, d in rows if d.gateway))
    taken = _existing(session, Device, [d.code for _, d in rows])
    taken |= _existing(session, Gateway, [d.code for _, d in rows])
    problems: list[tuple[int, str]] = []
    for line, d in rows:
        if d.station not in stations:
            problems.append((line, f"station {d.station} is not a community station in scope"))
        if d.code in taken:
            problems.append((line, f"device code {d.code} is registered already"))
        if d.gateway and d.gateway not in gateways:
            problems.append((line, f"gateway {d.gateway} does not exist in scope"))
        if not d.own_credential and not d.gateway:
            problems.append((line, "a device without its own credential needs a gateway"))
    if problems:
        raise DeviceImportProblems(problems)
    return stations, gateways


def register_devices(
    session: Session,
    principal: Principal,
    *,
    rows: Sequence[tuple[int, DeviceIn]],
    now: dt.datetime,
    secret_for: Callable[[str], str] | None = None,
) -> list[tuple[Device, str | None]]:
    """Register every row or none; returns each device with its new secret (None if none).

    ``secret_for`` derives the secret from the device code instead of drawing a random one
    (simulated and demo devices, see jingwu.iot.simdevices.simulator_secret).
    """
    principal.require("iot.devices")
    stations, gateways = _check_rows(session, principal, rows)
    out: list[tuple[Device, str | None]] = []
    links: list[tuple[Gateway, Device]] = []
    for _, d in rows:
        secret, digest = new_secret() if d.own_credential else (None, None)
        if secret_for is not None and d.own_credential:
            secret = secret_for(d.code)
            digest = hash_password(secret)
        device = Device(
            unit_id=stations[d.station].id,
            code=d.code,
            device_class=d.device_class.value,
            name=d.name,
            model=d.model,
            lon=d.lon,
            lat=d.lat,
            indoor_zone=d.indoor_zone,
            installed_on=d.installed_on,
            credential_hash=digest,
            status="offline",
            retired=False,
            registered_at=now,
        )
        session.add(device)
        out.append((device, secret))
        if d.gateway:
            links.append((gateways[d.gateway], device))
    session.flush()
    for gw, device in links:
        session.add(GatewayDevice(gateway_id=gw.id, device_id=device.id))
    session.flush()
    return out


def _refuse_one(why: str, data: DeviceIn) -> None:
    """The first problem of a device from the add page, as a translatable error."""
    params = {"station": data.station, "code": data.code, "gateway": data.gateway}
    if why.startswith("station"):
        raise Invalid(
            "Station {station} is not a community station in scope.",
            params=params,
            fields={"station": "not a community station in scope"},
        )
    if why.startswith("device code"):
        raise Invalid("The code {code} is taken.", params=params, fields={"code": "taken"})
    if why.startswith("gateway"):
        raise Invalid(
            "Gateway {gateway} does not exist in scope.",
            params=params,
            fields={"gateway": "unknown gateway"},
        )
    raise Invalid(
        "A device without its own credential needs a gateway.", fields={"gateway": "required"}
    )


def register_device(
    session: Session, principal: Principal, *, data: DeviceIn, now: dt.datetime
) -> tuple[Device, str | None]:
    """Register one device (the add page); returns it with its new secret."""
    try:
        return register_devices(session, principal, rows=[(1, data)], now=now)[0]
    except DeviceImportProblems as exc:
        _refuse_one(exc.problems[0][1], data)
        raise


def add_gateway(
    session: Session,
    principal: Principal,
    *,
    data: GatewayIn,
    now: dt.datetime,
    secret_for: Callable[[str], str] | None = None,
) -> tuple[Gateway, str]:
    """Register a gateway for devices of the principal's scope; returns it with its secret."""
    principal.require("iot.devices")
    station = stations_by_code(session, principal, [data.station]).get(data.station)
    if station is None:
        raise Invalid(
            "Station {station} is not a community station in scope.",
            params={"station": data.station},
        )
    if _existing(session, Gateway, [data.code]) | _existing(session, Device, [data.code]):
        raise Conflict(
            "The code {code} is taken.", params={"code": data.code}, fields={"code": "taken"}
        )
    stmt = scoped(select(Device).where(Device.code.in_(data.devices)), principal, Device.unit_id)
    devices = list(session.scalars(stmt))
    unknown = sorted(set(data.devices) - {d.code for d in devices})
    if unknown:
        raise Invalid(
            "No device {code} in scope.",
            params={"code": unknown[0]},
            fields={"devices": "unknown device"},
        )
    secret, digest = new_secret()
    if secret_for is not None:
        secret = secret_for(data.code)
        digest = hash_password(secret)
    gateway = Gateway(
        unit_id=station.id, code=data.code, name=data.name, credential_hash=digest, created_at=now
    )
    session.add(gateway)
    session.flush()
    for d in devices:
        session.add(GatewayDevice(gateway_id=gateway.id, device_id=d.id))
    session.flush()
    return gateway, secret


def rotate_credential(session: Session, principal: Principal, *, device_id: int) -> str:
    """Issue a device a new secret (the old one stops working once the broker reloads)."""
    principal.require("iot.devices")
    device = device_in_scope(session, principal, device_id)
    secret, device.credential_hash = new_secret()
    session.flush()
    return secret


def set_maintenance(session: Session, principal: Principal, *, device_id: int, on: bool) -> Device:
    """Put a device into maintenance (no offline alerts) or back to service."""
    principal.require("iot.devices")
    device = device_in_scope(session, principal, device_id)
    if on:
        device.status = "maintenance"
    elif device.status == "maintenance":
        device.status = "offline"  # the next message marks it online again
    session.flush()
    return device
