"""Computations from incidents, staffing, the sensing network and the spot checks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.models import Incident, IncidentCategory
from jingwu.evaluation.checks import feed
from jingwu.evaluation.indices.compute_base import (
    Sample,
    Selection,
    Station,
    Window,
    counted,
    per_10k,
    texts,
)
from jingwu.evaluation.measures import Measure
from jingwu.geo import haversine_m
from jingwu.iot.classes import ALL_CLASSES
from jingwu.iot.models import Alert, BootSequence, Device, RollupHour
from jingwu.org.models import Post, Staff

ACK_HOURS = {"red": 1, "orange": 2, "yellow": 4}
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def _ms(at: dt.datetime) -> int:
    return int(at.timestamp() * 1000)


def incidents(m: Measure, w: Window) -> Selection:
    """Incidents of the measure's categories that occurred in the window."""
    where = [Incident.occurred_at >= w.start, Incident.occurred_at < w.end]
    if categories := texts(m, "categories"):
        where.append(IncidentCategory.name.in_(categories))
    join = ((IncidentCategory, IncidentCategory.id == Incident.category_id),)
    return Selection("incident", Incident.ref, Incident.unit_id, tuple(where), joins=join)


def incident_rate(
    session: Session, m: Measure, w: Window, where: list[Station]
) -> dict[int, Sample]:
    """Incidents per 10,000 residents."""
    return per_10k(counted(session, incidents(m, w)), where)


def _year_earlier(w: Window) -> Window:
    def back(at: dt.datetime) -> dt.datetime:
        return at.replace(year=at.year - 1)

    return Window(back(w.start), back(w.end))


def incident_change(
    session: Session, m: Measure, w: Window, where: list[Station]
) -> dict[int, Sample]:
    """Change against the same period a year earlier, in % of last year's count."""
    now = counted(session, incidents(m, w))
    before = counted(session, incidents(m, _year_earlier(w)))
    sign = -1.0 if m.query == "incident_fall" else 1.0
    return {
        s.id: Sample(
            sign * 100.0 * (now.get(s.id, 0) - before[s.id]) / before[s.id],
            float(before[s.id]),
            {"rows": now.get(s.id, 0), "year_earlier": before[s.id]},
        )
        for s in where
        if before.get(s.id)
    }


def near_repeat(session: Session, m: Measure, w: Window, where: list[Station]) -> dict[int, Sample]:
    """Share of the window's incidents that followed one of the same category nearby."""
    metres, days = _number(m, "metres", 200.0), _number(m, "days", 7.0)
    lead = Window(w.start - dt.timedelta(days=days), w.end)
    sel = incidents(m, lead)
    found: dict[tuple[int, int], list[tuple[dt.datetime, float, float]]] = defaultdict(list)
    stmt = sel.rows(Incident.unit_id, Incident.category_id, Incident.occurred_at, Incident.lon)
    stmt = stmt.add_columns(Incident.lat).order_by(Incident.occurred_at)
    for unit, category, at, lon, lat in session.execute(stmt):
        found[(int(unit), int(category))].append((at, lon, lat))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    span = dt.timedelta(days=days)
    for (unit, _), rows in found.items():
        for k, (at, lon, lat) in enumerate(rows):
            if at < w.start:
                continue
            counts[unit][0] += 1
            counts[unit][1] += any(
                at - span <= t < at and haversine_m(lon, lat, x, y) <= metres
                for t, x, y in rows[:k]
            )
    return {
        u: Sample(100.0 * k / n, float(n), {"rows": n, "good": k})
        for u, (n, k) in counts.items()
        if n
    }


def _number(m: Measure, key: str, default: float) -> float:
    value = m.param(key)
    return float(value) if isinstance(value, int | float) else default


def staff(m: Measure, w: Window) -> Selection:
    """Active staff of the measure's categories (today's roll: the register keeps no history)."""
    where = (Staff.active.is_(True), Staff.category.in_(texts(m, "categories")))
    return Selection("staff", Staff.id, Staff.unit_id, where)


def staff_rate(session: Session, m: Measure, w: Window, where: list[Station]) -> dict[int, Sample]:
    """Active staff per 10,000 residents."""
    return per_10k(counted(session, staff(m, w)), where)


def key_posts(m: Measure, w: Window) -> Selection:
    """Key posts; those with a holder and a different backup."""
    good = and_(
        Post.holder_id.is_not(None), Post.backup_id.is_not(None), Post.holder_id != Post.backup_id
    )
    return Selection("post", Post.id, Post.unit_id, (Post.is_key.is_(True),), good)


def alerts(m: Measure, w: Window) -> Selection:
    """Sensor alerts raised in the window (of the measure's classes and tiers)."""
    where = [Alert.raised_at >= w.start, Alert.raised_at < w.end]
    if classes := texts(m, "device_classes"):
        where.append(Device.device_class.in_(classes))
    if tiers := texts(m, "tiers"):
        where.append(Alert.tier.in_(tiers))
    join = ((Device, Device.id == Alert.device_id),)
    return Selection("alert", Alert.id, Alert.unit_id, tuple(where), joins=join)


def alert_rate(session: Session, m: Measure, w: Window, where: list[Station]) -> dict[int, Sample]:
    """Alerts per 10,000 residents."""
    return per_10k(counted(session, alerts(m, w)), where)


def alerts_on_time(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Share of the window's alerts acknowledged within their tier's response time."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    sel = alerts(m, w)
    for unit, tier, raised, acked in session.execute(
        sel.rows(Alert.unit_id, Alert.tier, Alert.raised_at, Alert.acknowledged_at)
    ):
        limit = dt.timedelta(hours=ACK_HOURS.get(tier, 4))
        counts[int(unit)][0] += 1
        counts[int(unit)][1] += acked is not None and acked - raised <= limit
    return {
        u: Sample(100.0 * k / n, float(n), {"rows": n, "good": k}) for u, (n, k) in counts.items()
    }


def devices(m: Measure, w: Window) -> Selection:
    """Devices registered before the window's end and not retired."""
    where = (Device.retired.is_(False), Device.registered_at < w.end)
    return Selection("device", Device.code, Device.unit_id, where)


def device_density(
    session: Session, m: Measure, w: Window, where: list[Station]
) -> dict[int, Sample]:
    """Active devices per km² of the station's boundary."""
    n = counted(session, devices(m, w))
    return {
        s.id: Sample(n.get(s.id, 0) / s.area_km2, s.area_km2, {"rows": n.get(s.id, 0)})
        for s in where
        if s.area_km2
    }


def class_count(session: Session, m: Measure, w: Window, where: list[Station]) -> dict[int, Sample]:
    """How many of the eight classes have an active device at the station."""
    sel = devices(m, w)
    stmt = sel.rows(Device.unit_id, func.count(func.distinct(Device.device_class)))
    stmt = stmt.where(Device.device_class.in_([str(c) for c in ALL_CLASSES]))
    found = {int(u): int(k) for u, k in session.execute(stmt.group_by(Device.unit_id))}
    return {s.id: Sample(float(found.get(s.id, 0)), None, {}) for s in where}


def _active(session: Session, sel: Selection) -> dict[int, int]:
    return {int(d): int(u) for d, u in session.execute(sel.rows(Device.id, Device.unit_id))}


def device_online(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Mean over the window's days of the share of active devices that reported that day."""
    unit_of = _active(session, devices(m, w))
    per_unit: dict[int, int] = defaultdict(int)
    for unit in unit_of.values():
        per_unit[unit] += 1
    days = max(1, round((w.end - w.start).total_seconds() / 86_400))
    seen: dict[int, set[tuple[int, int]]] = defaultdict(set)
    stmt = select(RollupHour.device_id, RollupHour.bucket_ms).where(
        RollupHour.bucket_ms >= _ms(w.start), RollupHour.bucket_ms < _ms(w.end)
    )
    for device, bucket in session.execute(stmt.distinct()):
        if device in unit_of:
            seen[unit_of[device]].add((device, (bucket - _ms(w.start)) // DAY_MS))
    return {
        u: Sample(100.0 * len(seen[u]) / (n * days), float(n), {"rows": n, "days": days})
        for u, n in per_unit.items()
    }


def environment_hours(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Environment-sensor hours with an alert, in % of all their hours in the window."""
    sel = devices(m, w)
    sel = Selection(sel.kind, sel.ref, sel.unit, (*sel.where, Device.device_class == "environment"))
    unit_of = _active(session, sel)
    hours = max(1, round((w.end - w.start).total_seconds() / 3600))
    alerted: dict[int, set[tuple[int, int]]] = defaultdict(set)
    stmt = select(Alert.device_id, Alert.raised_at).where(
        Alert.raised_at >= w.start, Alert.raised_at < w.end, Alert.device_id.in_(list(unit_of))
    )
    for device, raised in session.execute(stmt):
        alerted[unit_of[device]].add((device, (_ms(raised) - _ms(w.start)) // HOUR_MS))
    n: dict[int, int] = defaultdict(int)
    for unit in unit_of.values():
        n[unit] += 1
    return {
        u: Sample(100.0 * len(alerted[u]) / (k * hours), float(k * hours), {"rows": k})
        for u, k in n.items()
    }


def completeness(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Stored ÷ (stored + missing) readings of the boot sequences active in the window."""
    stmt = (
        select(Device.unit_id, func.sum(BootSequence.stored), func.sum(BootSequence.missing))
        .join(Device, Device.id == BootSequence.device_id)
        .where(BootSequence.first_ms < _ms(w.end), BootSequence.last_ms >= _ms(w.start))
        .group_by(Device.unit_id)
    )
    out = {}
    for unit, stored, missing in session.execute(stmt):
        total = int(stored or 0) + int(missing or 0)
        if total:
            out[int(unit)] = Sample(100.0 * int(stored or 0) / total, float(total), {"rows": total})
    return out


def checks_done(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Orange re-inspections and home visits drawn in the window, recorded by its end."""
    return {
        c.unit_id: Sample(100.0 * c.recorded / c.drawn, float(c.drawn), {"rows": c.drawn})
        for c in feed.orange_checks(session, SYSTEM, start=w.start, end=w.end)
        if c.drawn
    }
