"""Figures from the IoT alerts, the evidence log and the incidents."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.analytics.models import Incident, IncidentCategory
from jingwu.evaluation.whitepaper.sources import Dates, Window, month, newest, tallies
from jingwu.evaluation.whitepaper.tally import Tally
from jingwu.evidence.models import EvidenceEntry, EvidenceItem
from jingwu.iot.models import Alert, Device
from jingwu.workorders.models import WorkOrder

# the catalogue's acknowledgement limits of safety.hazards.alerts_on_time
ACK_LIMITS = {
    "red": dt.timedelta(hours=1),
    "orange": dt.timedelta(hours=2),
    "yellow": dt.timedelta(hours=4),
}
_RATES = {
    "safety.order.theft_rate": {"theft", "burglary"},
    "safety.order.fraud_rate": {"fraud"},
    "safety.hazards.traffic_rate": {"traffic"},
}
IDS = (
    "wp.iot_alerts",
    "safety.hazards.alerts_on_time",
    "wp.alerts_resolved",
    "wp.alerts_to_orders",
    "safety.hazards.fire_alarm_rate",
    "wp.evidence",
    "safety.prevention.evidence_on_record",
    "wp.incidents",
    *_RATES,
)


def _alerts(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = (
        scoped(select(Alert, Device.device_class), principal, Alert.unit_id)
        .join(Device, Device.id == Alert.device_id)
        .where(Alert.raised_at.between(win.start, win.end))
    )
    times = []
    for alert, device_class in session.execute(stmt):
        m, unit = month(alert.raised_at), alert.unit_id
        times.append(alert.raised_at)
        t["wp.iot_alerts"].add(m, unit)
        limit = alert.raised_at + ACK_LIMITS.get(alert.tier, ACK_LIMITS["yellow"])
        ack = alert.acknowledged_at or alert.resolved_at
        if ack is not None or limit <= win.end:
            t["safety.hazards.alerts_on_time"].add(m, unit, ack is not None and ack <= limit)
        t["wp.alerts_resolved"].add(m, unit, alert.resolved_at is not None)
        t["wp.alerts_to_orders"].add(m, unit, alert.work_order_id is not None)
        if device_class == "smoke_fire" and alert.tier == "red":
            t["safety.hazards.fire_alarm_rate"].add(m, unit)
    return {"iot_alerts": newest(times)}


def _evidence(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = (
        scoped(
            select(EvidenceItem.unit_id, EvidenceEntry.recorded_at), principal, EvidenceItem.unit_id
        )
        .join(EvidenceEntry, EvidenceEntry.item_id == EvidenceItem.id)
        .where(EvidenceEntry.recorded_at.between(win.start, win.end))
    )
    times = []
    for unit, at in session.execute(stmt):
        times.append(at)
        t["wp.evidence"].add(month(at), unit)
    held = set(
        session.scalars(scoped(select(EvidenceItem.order_code), principal, EvidenceItem.unit_id))
    )
    orders = scoped(
        select(WorkOrder.code, WorkOrder.unit_id, WorkOrder.resolved_at),
        principal,
        WorkOrder.unit_id,
    ).where(
        WorkOrder.resolved_at.between(win.start, win.end), WorkOrder.tier.in_(["red", "orange"])
    )
    for code, unit, resolved in session.execute(orders):
        if resolved is not None:
            t["safety.prevention.evidence_on_record"].add(month(resolved), unit, code in held)
    return {"evidence": newest(times)}


def _incidents(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = (
        scoped(
            select(Incident.unit_id, Incident.occurred_at, IncidentCategory.name),
            principal,
            Incident.unit_id,
        )
        .join(IncidentCategory, IncidentCategory.id == Incident.category_id)
        .where(Incident.occurred_at.between(win.start, win.end))
    )
    times = []
    for unit, at, category in session.execute(stmt):
        m = month(at)
        times.append(at)
        t["wp.incidents"].add(m, unit)
        for fid, names in _RATES.items():
            if category in names:
                t[fid].add(m, unit)
    return {"incidents": newest(times)}


def collect(session: Session, principal: Principal, win: Window) -> tuple[dict[str, Tally], Dates]:
    """The alert, evidence and incident figures of the window, with their newest records."""
    t = tallies(*IDS)
    dates = _alerts(session, principal, win, t)
    dates |= _evidence(session, principal, win, t)
    dates |= _incidents(session, principal, win, t)
    return t, dates
