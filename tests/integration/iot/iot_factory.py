"""A small sensing network for IoT tests: stations from the org factory, devices, messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.iot import service_devices
from jingwu.iot.classes import DeviceClass
from jingwu.iot.models import Device
from jingwu.iot.schemas import DeviceIn
from jingwu.org.models import Unit
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def add_devices(
    session: Session,
    unit: Unit,
    n: int,
    cls: DeviceClass = DeviceClass.ENVIRONMENT,
    prefix: str | None = None,
    *,
    now: dt.datetime = NOW,
) -> list[tuple[Device, str | None]]:
    """Register n devices of one class at the station, spread over its boundary."""
    prefix = prefix or f"{unit.short_code}-{cls.value[:3].upper()}"
    rows = [
        (
            k + 1,
            DeviceIn(
                code=f"{prefix}-{k:03d}",
                station=unit.short_code,
                device_class=cls,
                lon=(unit.lon or 120.1) + 0.0001 * k,
                lat=(unit.lat or 30.2) + 0.0001 * k,
            ),
        )
        for k in range(n)
    ]
    return service_devices.register_devices(session, SYSTEM, rows=rows, now=now)


def network(session: Session) -> dict[str, Any]:
    """The org tree plus 3 environment monitors and a smoke detector at SA01, one at SB01."""
    units = make_tree(session)
    env = add_devices(session, units["SA01"], 3)
    smoke = add_devices(session, units["SA01"], 1, DeviceClass.SMOKE_FIRE)
    other = add_devices(session, units["SB01"], 1)
    session.flush()
    return {"units": units, "env": env, "smoke": smoke, "other": other}


def tele(seq: int, boot: str = "b1", ts_ms: int = NOW_MS - 1000, **metrics: float) -> bytes:
    """A telemetry payload."""
    return orjson.dumps({"ts": ts_ms, "boot": boot, "seq": seq, "metrics": metrics or {"pm25": 35}})


def event(seq: int, name: str, boot: str = "b1", ts_ms: int = NOW_MS - 500, **attrs: Any) -> bytes:
    """An event payload."""
    return orjson.dumps({"ts": ts_ms, "boot": boot, "seq": seq, "event": name, "attrs": attrs})


def topic(device: Device, station: str, channel: str = "telemetry") -> str:
    """The device's topic for a channel."""
    return f"jingwu/v1/{station}/{device.code}/{channel}"
