"""Data of the live device map: every device in scope as a compact array, cached.

100,000 devices as objects would be 10 MB of repeated keys; as ``[id, lon, lat, class,
status]`` rows with class and status as small integers they are about 3.3 MB, 1.2 MB
gzipped. The database builds the JSON array itself (``json_group_array`` on SQLite,
``json_agg`` on PostgreSQL) from the scoped query, which is several times faster than
materialising 100,000 rows in Python. The result is cached per scope and served stale while
a background thread rebuilds it (statuses change at most every minute), and the map page
starts that build before the browser asks, so requests are answered from memory.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Text, case, cast, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.db import Database
from jingwu.iot.classes import DeviceClass
from jingwu.iot.models import Device

log = logging.getLogger("jingwu.iot")
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
_building: set[tuple[int, str]] = set()
_lock = threading.Lock()


def _rows_json(session: Session, principal: Principal) -> str:
    micro = 1_000_000
    row = (
        Device.id,
        func.round(Device.lon * micro) / float(micro),
        func.round(Device.lat * micro) / float(micro),
        case({c: i for i, c in enumerate(CLASSES)}, value=Device.device_class, else_=0),
        case({s: i for i, s in enumerate(STATUSES)}, value=Device.status, else_=1),
    )
    agg: Any
    if session.get_bind().dialect.name == "postgresql":
        agg = cast(func.json_agg(func.json_build_array(*row)), Text)
    else:
        agg = func.json_group_array(func.json_array(*row))
    stmt = select(agg).where(Device.retired.is_(False), in_scope(principal, Device.unit_id))
    return session.scalar(stmt) or "[]"


def build(session: Session, principal: Principal, *, now_iso: str) -> MapData:
    """Query and encode the devices in scope (uncached)."""
    principal.require("iot.view")
    rows = _rows_json(session, principal)
    head = orjson.dumps(
        {
            "generated": now_iso,
            "fields": ["id", "lon", "lat", "class", "status"],
            "classes": CLASSES,
            "statuses": STATUSES,
        }
    )
    rows = rows.replace(" ", "").replace("\n", "")  # json_agg spaces its output
    body = head[:-1] + b',"devices":' + rows.encode() + b"}"
    count = 0 if rows in ("[]", "") else rows.count("],[") + 1
    return MapData(body, gzip.compress(body, compresslevel=1), count, time.monotonic())


def _rebuild(db: Database, principal: Principal, key: tuple[int, str], now_iso: str) -> None:
    try:
        with db.unit_of_work(write=False) as session:
            data = build(session, principal, now_iso=now_iso)
        with _lock:
            if len(_cache) > 1000:
                _cache.clear()
            _cache[key] = data
    except Exception:  # the next request tries again
        log.exception("map data rebuild failed")
    finally:
        with _lock:
            _building.discard(key)


def _threads_ok(db: Database) -> bool:
    # A Database whose sessions share one connection (the tests' rolled-back transaction)
    # cannot be used from a second thread; there the data are built in the request.
    return not isinstance(db.sessions.kw.get("bind"), Connection)


def warm(db: Database, principal: Principal, *, now_iso: str) -> None:
    """Start building the scope's map data in the background unless fresh data is cached."""
    principal.require("iot.view")
    if not _threads_ok(db):
        return
    key = (id(db), principal.unit_path)
    with _lock:
        hit = _cache.get(key)
        if (hit is not None and time.monotonic() - hit.built_at < TTL_S) or key in _building:
            return
        _building.add(key)
    threading.Thread(
        target=_rebuild, args=(db, principal, key, now_iso), name="iot-map", daemon=True
    ).start()


def cached(session: Session, principal: Principal, *, now_iso: str, db: Database) -> MapData:
    """The scope's map data: fresh from memory, stale while a rebuild runs, else built now."""
    principal.require("iot.view")
    if not _threads_ok(db):
        return build(session, principal, now_iso=now_iso)
    key = (id(db), principal.unit_path)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        if time.monotonic() - hit.built_at >= TTL_S:
            warm(db, principal, now_iso=now_iso)
        return hit
    for _ in range(100):  # a build started by the map page: wait for it rather than repeat it
        with _lock:
            busy = key in _building
            hit = _cache.get(key)
        if hit is not None or not busy:
            break
        time.sleep(0.01)
    if hit is not None and time.monotonic() - hit.built_at < TTL_S:
        return hit
    data = build(session, principal, now_iso=now_iso)
    with _lock:
        _cache[key] = data
    return data
