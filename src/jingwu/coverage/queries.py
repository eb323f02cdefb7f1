"""Read models of the coverage page and API: circles, runs, imports, the 8-minute table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.cards import Card
from jingwu.coverage import response
from jingwu.coverage.models import CoverageRun, ResidentGrid, RoadNetwork, ServiceCircle
from jingwu.org.models import Unit
from jingwu.workorders.models import OrderEvent, WorkOrder

RESPONSE_MONTHS = 6


@dataclass(frozen=True)
class CircleRow:
    """A station's circle with the station."""

    circle: ServiceCircle
    unit: Unit


@dataclass(frozen=True)
class RunRow:
    """A unit's coverage run with the unit."""

    run: CoverageRun
    unit: Unit

    @property
    def share(self) -> float:
        return self.run.covered / self.run.total if self.run.total else 0.0


@dataclass(frozen=True)
class ResponseRow:
    """A station's month of help requests."""

    row: response.MonthRow
    unit: Unit


def circles(session: Session, principal: Principal, *, mode: str | None = None) -> list[CircleRow]:
    """Stored circles of stations in scope, by station."""
    principal.require("coverage.view")
    stmt = scoped(
        select(ServiceCircle, Unit).join(Unit, Unit.id == ServiceCircle.unit_id),
        principal,
        ServiceCircle.unit_id,
    ).order_by(Unit.short_code, ServiceCircle.mode)
    if mode is not None:
        stmt = stmt.where(ServiceCircle.mode == mode)
    return [CircleRow(c, u) for c, u in session.execute(stmt).all()]


def runs(session: Session, principal: Principal, *, unit_id: int | None = None) -> list[RunRow]:
    """Coverage runs of units in scope (or of one unit), top units first."""
    principal.require("coverage.view")
    stmt = scoped(
        select(CoverageRun, Unit).join(Unit, Unit.id == CoverageRun.unit_id),
        principal,
        CoverageRun.unit_id,
    ).order_by(Unit.path, CoverageRun.mode)
    if unit_id is not None:
        stmt = stmt.where(CoverageRun.unit_id == unit_id)
    return [RunRow(r, u) for r, u in session.execute(stmt).all()]


def stations(session: Session, principal: Principal) -> list[Unit]:
    """Stations in scope (their points and boundaries for the map)."""
    principal.require("coverage.view")
    stmt = scoped(select(Unit), principal, Unit.id).where(Unit.kind == "community")
    return list(session.scalars(stmt.order_by(Unit.short_code)))


def imports(session: Session, principal: Principal) -> dict[str, list[Any]]:
    """Imported networks and grids of units in scope, newest first."""
    principal.require("coverage.view")
    nets = scoped(select(RoadNetwork), principal, RoadNetwork.unit_id)
    grids = scoped(select(ResidentGrid), principal, ResidentGrid.unit_id)
    return {
        "networks": list(session.scalars(nets.order_by(RoadNetwork.id.desc()).limit(20))),
        "grids": list(session.scalars(grids.order_by(ResidentGrid.id.desc()).limit(20))),
    }


def response_rows(
    session: Session, principal: Principal, *, now: dt.datetime, zone: ZoneInfo
) -> list[ResponseRow]:
    """Help requests of stations in scope over the last months, per station and month."""
    principal.require("coverage.view")
    since = now - dt.timedelta(days=31 * RESPONSE_MONTHS)
    first = (
        select(OrderEvent.order_id, func.min(OrderEvent.at).label("at"))
        .where(OrderEvent.kind == "action", OrderEvent.action.in_(response.ON_SITE_ACTIONS))
        .where(OrderEvent.at >= since)
        .group_by(OrderEvent.order_id)
        .subquery()
    )
    stmt = scoped(
        select(WorkOrder.unit_id, WorkOrder.received_at, first.c.at)
        .outerjoin(first, first.c.order_id == WorkOrder.id)
        .where(WorkOrder.channel.in_(response.HELP_CHANNELS), WorkOrder.received_at >= since),
        principal,
        WorkOrder.unit_id,
    )
    requests = [response.Request(u, r, a) for u, r, a in session.execute(stmt).all()]
    rows = response.month_rows(requests, now=now, zone=zone)
    units = {
        u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_({r.unit_id for r in rows})))
    }
    return [ResponseRow(r, units[r.unit_id]) for r in rows]


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """The share of residents within 15 minutes' walk of a station, for the top unit."""
    if not principal.can("coverage.view"):
        return []
    walking = [r for r in runs(session, principal) if r.run.mode == "walk" and r.run.total]
    if not walking:
        return []
    top = walking[0]
    return [
        Card(
            "Residents within 15 minutes' walk",
            f"{100 * top.share:.1f} %",
            href="/coverage",
            tone="good" if top.share >= 0.9 else "warn",
            order=46,
        )
    ]
