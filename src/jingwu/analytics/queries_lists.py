"""Read models around the map: the incident list, station and work-order layers, the latest
backtest, dashboard cards. Lists of incidents go through the one scope filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.analytics.backtestdoc import (
    BacktestDocumentError,
    ModelRow,
    deployment_choice,
    hit_rate_curves,
    model_rows,
)
from jingwu.analytics.models import BacktestRun, Incident, IncidentCategory
from jingwu.analytics.service_backtests import latest_backtest
from jingwu.cards import Card
from jingwu.org.models import Unit

MAX_ORDERS = 500


@dataclass(frozen=True)
class IncidentRow:
    """One incident as listed (no personal data is stored with incidents)."""

    source: str
    ref: str
    category: str
    occurred_at: dt.datetime
    reported_at: dt.datetime | None
    lon: float
    lat: float
    unit: str  # short code


def list_incidents(
    session: Session,
    principal: Principal,
    *,
    since: dt.datetime | None,
    category: str | None,
    page: int,
    per_page: int,
) -> tuple[list[IncidentRow], int]:
    """One page of the incidents in scope, newest first, and how many there are."""
    principal.require("analytics.view")
    stmt = scoped(
        select(
            Incident.source, Incident.ref, IncidentCategory.name, Incident.occurred_at,
            Incident.reported_at, Incident.lon, Incident.lat, Unit.short_code,
        )
        .join(IncidentCategory, IncidentCategory.id == Incident.category_id)
        .join(Unit, Unit.id == Incident.unit_id),
        principal,
        Incident.unit_id,
    )  # fmt: skip
    if since is not None:
        stmt = stmt.where(Incident.occurred_at >= since)
    if category:
        stmt = stmt.where(IncidentCategory.name == category)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [IncidentRow(*row) for row in rows], int(total)


def incident_total(session: Session, principal: Principal, *, since: dt.datetime) -> int:
    """Incidents in scope that occurred since ``since``."""
    stmt = scoped(
        select(func.count()).select_from(Incident).where(Incident.occurred_at >= since),
        principal,
        Incident.unit_id,
    )
    return int(session.scalar(stmt) or 0)


def stations_geojson(session: Session, principal: Principal, language: str) -> dict[str, Any]:
    """The boundaries of the stations in scope."""
    principal.require("analytics.view")
    stmt = scoped(
        select(Unit.short_code, Unit.name, Unit.name_en, Unit.boundary).where(
            Unit.kind == "community", Unit.boundary.is_not(None)
        ),
        principal,
        Unit.id,
    ).order_by(Unit.short_code)
    features = [
        {"type": "Feature", "geometry": boundary,
         "properties": {"code": code, "name": (name_en or name) if language == "en" else name}}
        for code, name, name_en, boundary in session.execute(stmt)
        if boundary
    ]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def open_orders(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Open work orders in scope with a location (from the work-order read models)."""
    principal.require("analytics.view")
    from jingwu.workorders.queries import OrderFilter, list_orders  # noqa: PLC0415

    orders, _ = list_orders(
        session, principal, filters=OrderFilter(open_only=True), page=1, per_page=MAX_ORDERS
    )
    return [
        {"code": o.code, "lon": o.lon, "lat": o.lat, "tier": o.tier or "untriaged",
         "state": o.state, "category": o.category, "overdue": o.overdue}
        for o in orders
        if o.lon is not None and o.lat is not None
    ]  # fmt: skip


@dataclass(frozen=True)
class BacktestView:
    """The latest stored backtest as the map page shows it."""

    run: BacktestRun
    rows: list[ModelRow]
    curves: dict[str, Any]
    deployed: str | None
    protocol: dict[str, Any]


def backtest_view(session: Session, principal: Principal) -> BacktestView | None:
    """The latest backtest: the PAI table, the hit-rate curves, the model the map uses."""
    principal.require("analytics.view")
    run = latest_backtest(session)
    if run is None:
        return None
    try:
        deployed: str | None = deployment_choice(run.document)[0]
    except BacktestDocumentError:
        deployed = None
    return BacktestView(
        run, model_rows(run.document), hit_rate_curves(run.document), deployed,
        dict(run.document.get("protocol") or {}),
    )  # fmt: skip


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """Incidents in scope over the 7 days before the last heat-map refresh."""
    if not principal.can("analytics.view"):
        return []
    from jingwu.analytics.service_heat import current_grid  # noqa: PLC0415 - numpy on demand

    grid = current_grid(session)
    if grid is None:
        return []
    n = incident_total(session, principal, since=grid.refreshed_at - dt.timedelta(days=7))
    return [
        Card(label="Incidents in the last 7 days", value=f"{n:,}", href="/analytics",
             order=55, note="Heat map and tomorrow's hotspots")
    ]  # fmt: skip
