"""The situational map's device and alert layers for one viewport (read models).

Devices in scope and in the box: below the point zoom, clustered in SQL by the viewport's
grid with the count of each status (the cluster's colour is its worst); above it, the
devices themselves, or clusters again when more than ``MAX_POINTS`` lie in the box. Live
alerts are the open and acknowledged alerts of those devices, placed at the device.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import orjson
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.db import Database
from jingwu.iot import mapdata
from jingwu.iot.models import Alert, Device
from jingwu.viewport import MAX_POINTS, Viewport, collection, point
from jingwu.viewsql import in_view

STATUSES = ("online", "offline", "fault", "maintenance")
LIVE = ("open", "acknowledged")

# Per database and scope: every device's position and status as arrays, so that a viewport
# is clustered in numpy (a few ms for 100,000 devices) instead of grouped in SQL each time.
_cache: dict[tuple[int, str], tuple[float, Any]] = {}
_lock = threading.Lock()


def _positions(session: Session, principal: Principal, db: Database | None) -> Any:
    """(lon, lat, status index) arrays of the scope's devices. With the app's database they
    come from the live device map's cached scope data (built by the database as one JSON
    array, at most 10 s old, rebuilt in the background), parsed once per build; without it
    (a command, a test) straight from the table."""
    if db is None:
        status = case({s: i for i, s in enumerate(STATUSES)}, value=Device.status, else_=1)
        rows = session.execute(
            select(Device.lon, Device.lat, status).where(
                Device.retired.is_(False), in_scope(principal, Device.unit_id)
            )
        ).all()
        if not rows:
            return np.zeros((3, 0))
        return np.array([np.array(c, dtype=np.float64) for c in zip(*rows, strict=True)])
    data = mapdata.cached(session, principal, now_iso="", db=db)
    key = (id(db), principal.unit_path)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == data.built_at:
        return hit[1]
    # [id, lon, lat, class, status] rows, status numbered as STATUSES
    table = np.array(orjson.loads(data.body)["devices"], dtype=np.float64).reshape(-1, 5)
    arrays = table[:, [1, 2, 4]].T.copy()
    with _lock:
        if len(_cache) > 200:
            _cache.clear()
        _cache[key] = (data.built_at, arrays)
    return arrays


def _clusters(arrays: Any, view: Viewport) -> list[dict[str, Any]]:
    lon, lat, status = arrays
    inside = (lon >= view.west) & (lon <= view.east) & (lat >= view.south) & (lat <= view.north)
    lon, lat, status = lon[inside], lat[inside], status[inside].astype(np.int64)
    if not len(lon):
        return []
    ix = np.floor((lon - view.west) / view.step).astype(np.int64)
    iy = np.floor((lat - view.south) / view.step).astype(np.int64)
    keys, where = np.unique(iy * (1 << 31) + ix, return_inverse=True)
    count = np.bincount(where, minlength=len(keys))
    mean_lon = np.bincount(where, weights=lon, minlength=len(keys)) / count
    mean_lat = np.bincount(where, weights=lat, minlength=len(keys)) / count
    per = np.zeros((len(keys), len(STATUSES)), dtype=np.int64)
    np.add.at(per, (where, status), 1)
    rows = zip(mean_lon.tolist(), mean_lat.tolist(), count.tolist(), per.tolist(), strict=True)
    return [
        {"type": "Feature", "geometry": point(x, y),
         "properties": {"cluster": True, "count": n,
                        "statuses": dict(zip(STATUSES, c, strict=True))}}
        for x, y, n, c in rows
    ]  # fmt: skip


def devices(
    session: Session, principal: Principal, view: Viewport, db: Database | None = None
) -> dict[str, Any]:
    """Devices in scope and in the viewport, clustered below the point zoom."""
    principal.require("iot.view")
    where = (
        Device.retired.is_(False),
        in_view(Device.lon, Device.lat, view),
        in_scope(principal, Device.unit_id),
    )
    if not view.clustered:
        rows = session.execute(
            select(Device.code, Device.lon, Device.lat, Device.device_class, Device.status)
            .where(*where)
            .limit(MAX_POINTS + 1)
        ).all()
        if len(rows) <= MAX_POINTS:
            points: list[dict[str, Any]] = [
                {"type": "Feature", "geometry": point(lon, lat),
                 "properties": {"code": code, "class": cls, "status": status}}
                for code, lon, lat, cls, status in rows
            ]  # fmt: skip
            return collection("devices", points, clustered=False)
    features = _clusters(_positions(session, principal, db), view)
    return collection("devices", features, clustered=True)


def alerts(session: Session, principal: Principal, view: Viewport) -> dict[str, Any]:
    """Live alerts (open or acknowledged) of devices in scope and in the viewport."""
    principal.require("iot.view")
    stmt = (
        select(Alert.id, Alert.tier, Alert.state, Alert.label_zh, Alert.label_en,
               Device.code, Device.lon, Device.lat)
        .join(Device, Device.id == Alert.device_id)
        .where(Alert.state.in_(LIVE), in_view(Device.lon, Device.lat, view),
               in_scope(principal, Alert.unit_id))
        .order_by(Alert.raised_at.desc())
        .limit(MAX_POINTS)
    )  # fmt: skip
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": point(lon, lat),
         "properties": {"id": aid, "tier": tier, "state": state, "device": code,
                        "label": {"zh": zh, "en": en}}}
        for aid, tier, state, zh, en, code, lon, lat in session.execute(stmt)
    ]  # fmt: skip
    return collection("alerts", features, clustered=False)
