"""Data of the live device map: every device in scope as a compact array, cached briefly.

100,000 devices as objects would be 10 MB of repeated keys; as ``[id, lon, lat, class,
status]`` rows with class and status as small integers they are about 3.5 MB, 1 MB gzipped,
and encode in a few milliseconds with orjson. The result is cached per scope for a few
seconds (statuses change at most every minute), so a room full of map screens costs one
query. The page clusters the points (Leaflet.markercluster) so the browser stays smooth.
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.iot import permissions
from jingwu.iot.classes import DeviceClass
from jingwu.iot.models import Device

CLASSES = [c.value for c in DeviceClass]
STATUSES = ["online", "offline", "fault", "maintenance"]
TTL_S = 10.0


@dataclass(frozen=True)
class MapData:
    """The encoded map data, plain and gzipped."""

    body: bytes
    gzipped: bytes
    devices: int
    built_at: float


_cache: dict[tuple[int, str], MapData] = {}
_lock = threading.Lock()


def build(session: Session, principal: Principal, *, now_iso: str) -> MapData:
    """Query and encode the devices in scope (uncached)."""
    permissions.require(principal, "iot.view")
    cls_index = {c: i for i, c in enumerate(CLASSES)}
    st_index = {s: i for i, s in enumerate(STATUSES)}
    stmt = select(Device.id, Device.lon, Device.lat, Device.device_class, Device.status).where(
        Device.retired.is_(False), in_scope(principal, Device.unit_id)
    )
    rows = [
        (i, round(lon, 6), round(lat, 6), cls_index.get(c, 0), st_index.get(s, 1))
        for i, lon, lat, c, s in session.execute(stmt)
    ]
    body = orjson.dumps(
        {
            "generated": now_iso,
            "fields": ["id", "lon", "lat", "class", "status"],
            "classes": CLASSES,
            "statuses": STATUSES,
            "devices": rows,
        }
    )
    return MapData(body, gzip.compress(body, compresslevel=1), len(rows), time.monotonic())


def cached(session: Session, principal: Principal, *, now_iso: str, db_key: int) -> MapData:
    """The map data of the principal's scope, rebuilt when older than a few seconds."""
    permissions.require(principal, "iot.view")
    key = (db_key, principal.unit_path)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit.built_at < TTL_S:
        return hit
    data = build(session, principal, now_iso=now_iso)
    with _lock:
        if len(_cache) > 1000:
            _cache.clear()
        _cache[key] = data
    return data
