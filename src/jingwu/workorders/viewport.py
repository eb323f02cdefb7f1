"""The situational map's open work orders for one viewport, coloured by tier (read model).

Open orders in scope with a location inside the box: below the point zoom as grid clusters
with the count per tier (red, orange, yellow, untriaged), above it as the orders themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.viewport import MAX_POINTS, Viewport, collection, point
from jingwu.viewsql import cell_keys, in_view
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.states import OPEN_STATES

TIERS = ("red", "orange", "yellow", "untriaged")
_OPEN = tuple(str(s) for s in OPEN_STATES)


def open_orders(session: Session, principal: Principal, view: Viewport) -> dict[str, Any]:
    """Open work orders in scope and in the viewport, clustered below the point zoom."""
    principal.require("workorders.view")
    where = (
        WorkOrder.state.in_(_OPEN),
        WorkOrder.lon.is_not(None),
        WorkOrder.lat.is_not(None),
        in_view(WorkOrder.lon, WorkOrder.lat, view),
        in_scope(principal, WorkOrder.unit_id),
    )
    tier = func.coalesce(WorkOrder.tier, "untriaged")
    if not view.clustered:
        rows = session.execute(
            select(
                WorkOrder.code,
                func.coalesce(WorkOrder.lon, 0.0),
                func.coalesce(WorkOrder.lat, 0.0),
                tier,
                WorkOrder.state,
            )
            .where(*where)
            .limit(MAX_POINTS + 1)
        ).all()
        if len(rows) <= MAX_POINTS:
            features: list[dict[str, Any]] = [
                {"type": "Feature", "geometry": point(lon, lat),
                 "properties": {"code": code, "tier": t, "state": state}}
                for code, lon, lat, t, state in rows
            ]  # fmt: skip
            return collection("orders", features, clustered=False)
    ix, iy = cell_keys(WorkOrder.lon, WorkOrder.lat, view, session.get_bind().dialect.name)
    per_tier = [func.sum(case((tier == t, 1), else_=0)) for t in TIERS]
    stmt = (
        select(ix, iy, func.count(), func.avg(WorkOrder.lon), func.avg(WorkOrder.lat), *per_tier)
        .where(*where)
        .group_by(ix, iy)
    )
    features = []
    for row in session.execute(stmt):
        tiers = dict(zip(TIERS, (int(n or 0) for n in row[5:]), strict=True))
        worst = next(t for t in TIERS if tiers[t] > 0)
        features.append(
            {"type": "Feature", "geometry": point(row[3], row[4]),
             "properties": {"cluster": True, "count": int(row[2]), "tier": worst,
                            "tiers": tiers}}
        )  # fmt: skip
    return collection("orders", features, clustered=True)
