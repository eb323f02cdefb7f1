"""The facts of many stations at once, from the platform's records (for the scorecards).

One query per kind of record for all the stations asked about, never one per station, so
a district's 2,000 stations take a handful of queries:

- org: floor area and design, zones with areas, zones with equipment, posts (A/B), experts;
- iot: devices registered to the station (not retired) per class, over the area of the
  station's boundary; solar output (``pv_energy``) per local day over the last days;
- work orders: orders per functional module over the last days;
- coverage: the share of residents inside a 15-minute walking circle (the station's own
  coverage run, else the nearest unit above it that has one);
- help requests (phone, online) answered on site within the limit (``coverage.response``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from jingwu.coverage import response
from jingwu.coverage.models import CoverageRun
from jingwu.geo import GeometryError, area_m2
from jingwu.iot.models import Device, EnergyDay
from jingwu.org.models import Equipment, Post, Staff, Unit, Zone
from jingwu.org.standard import PostFact
from jingwu.standard.models import Assessment
from jingwu.standard.requirements import StandardVersion
from jingwu.standard.verdicts import AssessmentFact, StationFacts
from jingwu.workorders.models import OrderEvent, WorkOrder

_CHUNK = 900  # ids per IN (…) list, under SQLite's parameter limit
Ids = list[int] | Select[Any]  # station ids, or a query giving them


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _run(session: Session, stmt: Any) -> Any:
    """Rows of a Core statement, without the ORM's result processing."""
    return session.connection().execute(stmt)


def _days(version: StandardVersion, query: str, default: int = 90) -> int:
    for r in version.requirements:
        if r.query == query:
            return int(r.param("days"))
    return default


def _area_km2(unit: Unit) -> float | None:
    if not unit.boundary:
        return None
    try:
        return area_m2(unit.boundary) / 1e6 or None
    except (GeometryError, ValueError, KeyError, TypeError):
        return None


class _Facts:
    """The facts being gathered, per station id."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self.ids = [u.id for u in units]
        self.zones: dict[int, dict[str, float]] = defaultdict(dict)
        self.equipped: dict[int, set[str]] = defaultdict(set)
        self.posts: dict[int, list[PostFact]] = defaultdict(list)
        self.experts: dict[int, int] = defaultdict(int)
        self.devices: dict[int, dict[str, int]] = defaultdict(dict)
        self.solar: dict[int, dict[dt.date, float]] = defaultdict(dict)
        self.modules: dict[int, dict[str, int]] = defaultdict(dict)
        self.circle: dict[int, tuple[int, int]] = {}
        self.help: dict[int, tuple[int, int]] = {}
        self.assessed: dict[int, dict[str, AssessmentFact]] = defaultdict(dict)

    def build(self) -> list[StationFacts]:
        return [
            StationFacts(
                unit_id=u.id,
                floor_area_m2=u.floor_area_m2,
                design=u.design,
                zones=self.zones[u.id],
                equipped_zones=frozenset(self.equipped[u.id]),
                posts=tuple(self.posts[u.id]),
                experts=self.experts[u.id],
                area_km2=_area_km2(u),
                devices_by_class=self.devices[u.id],
                solar_days=tuple(self.solar[u.id].values()),
                modules=self.modules[u.id],
                circle=self.circle.get(u.id),
                help_requests=self.help.get(u.id),
                assessments=self.assessed[u.id],
            )
            for u in self.units
        ]


def _org(session: Session, f: _Facts, ids: Ids) -> None:
    for unit_id, kind, area in _run(
        session, select(Zone.unit_id, Zone.kind, Zone.area_m2).where(Zone.unit_id.in_(ids))
    ):
        f.zones[unit_id][kind] = area
    for unit_id, kind in _run(
        session,
        select(Zone.unit_id, Zone.kind)
        .join(Equipment, Equipment.zone_id == Zone.id)
        .where(Zone.unit_id.in_(ids), Equipment.quantity > 0)
        .distinct(),
    ):
        f.equipped[unit_id].add(kind)
    for p in _run(
        session,
        select(Post.unit_id, Post.kind, Post.is_key, Post.holder_id, Post.backup_id).where(
            Post.unit_id.in_(ids)
        ),
    ):
        f.posts[p.unit_id].append(PostFact(p.kind, p.is_key, p.holder_id, p.backup_id))
    for unit_id, count in _run(
        session,
        select(Staff.unit_id, func.count())
        .where(Staff.unit_id.in_(ids), Staff.category == "expert", Staff.active.is_(True))
        .group_by(Staff.unit_id),
    ):
        f.experts[unit_id] = int(count)


def _iot(session: Session, f: _Facts, ids: Ids, since: dt.date) -> None:
    for unit_id, cls, count in _run(
        session,
        select(Device.unit_id, Device.device_class, func.count())
        .where(Device.unit_id.in_(ids), Device.retired.is_(False))
        .group_by(Device.unit_id, Device.device_class),
    ):
        f.devices[unit_id][cls] = int(count)
    for unit_id, day, kwh in _run(
        session,
        select(Device.unit_id, EnergyDay.day, func.sum(EnergyDay.kwh))
        .join(Device, Device.id == EnergyDay.device_id)
        .where(Device.unit_id.in_(ids), EnergyDay.metric == "pv_energy", EnergyDay.day >= since)
        .group_by(Device.unit_id, EnergyDay.day),
    ):
        f.solar[unit_id][day] = float(kwh)


def _orders(session: Session, f: _Facts, ids: Ids, since: dt.datetime) -> None:
    for unit_id, module, count in _run(
        session,
        select(WorkOrder.unit_id, WorkOrder.module, func.count())
        .where(WorkOrder.unit_id.in_(ids), WorkOrder.received_at >= since)
        .group_by(WorkOrder.unit_id, WorkOrder.module),
    ):
        f.modules[unit_id][module] = int(count)


def _seconds(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """Seconds from ``start`` to ``end`` in SQL (SQLite keeps naive UTC text)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)  # type: ignore[return-value]
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _help(session: Session, f: _Facts, ids: Ids, since: dt.datetime, now: dt.datetime) -> None:
    """Help requests answered on site within the limit, counted in SQL (as
    :mod:`jingwu.coverage.response` counts them: one still without a contact is late once
    the limit has passed and left out before)."""
    first = (
        select(OrderEvent.order_id, func.min(OrderEvent.at).label("at"))
        .join(WorkOrder, WorkOrder.id == OrderEvent.order_id)
        .where(OrderEvent.kind == "action", OrderEvent.action.in_(response.ON_SITE_ACTIONS))
        .where(WorkOrder.unit_id.in_(ids), WorkOrder.received_at >= since)
        .where(WorkOrder.channel.in_(response.HELP_CHANNELS))
        .group_by(OrderEvent.order_id)
        .subquery()
    )
    limit = response.LIMIT.total_seconds()
    within = case(
        (
            and_(
                first.c.at.is_not(None),
                _seconds(session, WorkOrder.received_at, first.c.at) <= limit,
            ),
            1,
        ),
        else_=0,
    )
    pending = and_(first.c.at.is_(None), WorkOrder.received_at > now - response.LIMIT)
    counted = case((pending, 0), else_=1)
    for unit_id, good, count in _run(
        session,
        select(WorkOrder.unit_id, func.sum(within), func.sum(counted))
        .outerjoin(first, first.c.order_id == WorkOrder.id)
        .where(WorkOrder.unit_id.in_(ids), WorkOrder.received_at >= since)
        .where(WorkOrder.channel.in_(response.HELP_CHANNELS))
        .group_by(WorkOrder.unit_id),
    ):
        if count:
            f.help[unit_id] = (int(good or 0), int(count))


def _circles(session: Session, f: _Facts) -> None:
    runs = {
        unit_id: (covered, total)
        for unit_id, covered, total in _run(
            session,
            select(CoverageRun.unit_id, CoverageRun.covered, CoverageRun.total).where(
                CoverageRun.mode == "walk"
            ),
        )
    }
    if not runs:
        return
    for u in f.units:
        # the station's own run, else the nearest unit above it with one
        chain = [int(x) for x in reversed(u.path.strip("/").split("/")) if x]
        for unit_id in [u.id, *chain]:
            if unit_id in runs:
                f.circle[u.id] = runs[unit_id]
                break


def _assessments(session: Session, f: _Facts, ids: Ids) -> None:
    for unit_id, rid, claims, status, why in _run(
        session,
        select(
            Assessment.unit_id,
            Assessment.requirement_id,
            Assessment.claims_met,
            Assessment.status,
            Assessment.verify_reason,
        ).where(Assessment.unit_id.in_(ids)),
    ):
        f.assessed[unit_id][rid] = AssessmentFact(bool(claims), status, why)


def station_facts(
    session: Session,
    units: Sequence[Unit],
    version: StandardVersion,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    among: Select[Any] | None = None,
) -> list[StationFacts]:
    """The facts of ``units`` (stations already in the caller's scope), in their order.

    ``among``, when given, is a query of exactly those ids: each kind of record is then read
    in one statement instead of one per 900 stations.
    """
    f = _Facts(units)
    today = now.astimezone(tz).date()
    solar_since = today - dt.timedelta(days=_days(version, "solar", 7))
    orders_since = now - dt.timedelta(days=_days(version, "module_mix"))
    help_since = now - dt.timedelta(days=_days(version, "response_time"))
    for ids in [among] if among is not None else _chunks(f.ids):
        _org(session, f, ids)
        _iot(session, f, ids, solar_since)
        _orders(session, f, ids, orders_since)
        _help(session, f, ids, help_since, now)
        _assessments(session, f, ids)
    _circles(session, f)
    return f.build()
