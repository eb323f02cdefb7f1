"""The situational map's device and alert layers for one viewport (read models).

Devices in scope and in the box: below the point zoom, clustered in SQL by the viewport's
grid with the count of each status (the cluster's colour is its worst); above it, the
devices themselves, or clusters again when more than ``MAX_POINTS`` lie in the box. Live
alerts are the open and acknowledged alerts of those devices, placed at the device.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.iot.models import Alert, Device
from jingwu.viewport import MAX_POINTS, Viewport, collection, point
from jingwu.viewsql import cell_keys, in_view

STATUSES = ("online", "offline", "fault", "maintenance")
LIVE = ("open", "acknowledged")


def devices(session: Session, principal: Principal, view: Viewport) -> dict[str, Any]:
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
    ix, iy = cell_keys(Device.lon, Device.lat, view, session.get_bind().dialect.name)
    per_status = [func.sum(case((Device.status == s, 1), else_=0)) for s in STATUSES]
    stmt = (
        select(ix, iy, func.count(), func.avg(Device.lon), func.avg(Device.lat), *per_status)
        .where(*where)
        .group_by(ix, iy)
    )
    features: list[dict[str, Any]] = []
    for row in session.execute(stmt):
        counts = dict(zip(STATUSES, (int(n or 0) for n in row[5:]), strict=True))
        features.append(
            {"type": "Feature", "geometry": point(row[3], row[4]),
             "properties": {"cluster": True, "count": int(row[2]), "statuses": counts}}
        )  # fmt: skip
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
