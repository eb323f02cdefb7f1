"""Alert use cases: the queue, acknowledge, resolve, confirm into a work order; the offline sweep.

An alert is the rule's suggestion: it names the tier the rule proposes. An officer looks at
it and confirms it, which files a work order through the work-order service (channel
``sensor``, the rule's tier as the suggested tier, ``iot-alert:<id>`` as the source) and
links the two. Nothing is filed without that confirmation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.iot.classes import DeviceClass
from jingwu.iot.ingest import Candidate, DeviceInfo
from jingwu.iot.models import Alert, Device, RuleState
from jingwu.iot.rules import Heartbeat
from jingwu.iot.ruleset import RuleBook
from jingwu.iot.service_escalation import escalate
from jingwu.iot.service_rules import effective_rules
from jingwu.iot.store import claim, raise_alert
from jingwu.org.models import Unit
from jingwu.workorders import service as workorders
from jingwu.workorders.schemas import ActionIn, IntakeIn

STATES = ("open", "acknowledged", "resolved")
# rule code (or its prefix) -> work-order category (jingwu.workorders.catalogue)
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("fire.", "fire_hazard"),
    ("smoke.", "fire_hazard"),
    ("video.fight", "fight"),
    ("video.crowd", "public_order"),
    ("video.density", "public_order"),
    ("flow.", "public_order"),
    ("video.intrusion", "suspicious_person"),
    ("video.loitering", "suspicious_person"),
    ("radar.", "suspicious_person"),
    ("access.", "suspicious_person"),
    ("vehicle.watchlist", "suspicious_person"),
    ("vehicle.wrong_way", "traffic_hazard"),
    ("video.wrong_way", "traffic_hazard"),
    ("env.noise", "noise"),
)


def category_for(rule_code: str) -> str:
    """The work-order category an alert of this rule is filed under."""
    return next((cat for prefix, cat in CATEGORIES if rule_code.startswith(prefix)), "sensor_alert")


@dataclass(frozen=True)
class AlertRow:
    """An alert with its device and station, for the queue."""

    alert: Alert
    device_code: str
    device_class: str
    station: str


def list_alerts(
    session: Session,
    principal: Principal,
    *,
    states: tuple[str, ...] = ("open", "acknowledged"),
    tier: str | None = None,
    device_id: int | None = None,
    limit: int = 200,
) -> list[AlertRow]:
    """Alerts in scope, red first, newest first."""
    principal.require("iot.view")
    stmt = (
        select(Alert, Device.code, Device.device_class, Unit.short_code)
        .join(Device, Device.id == Alert.device_id)
        .join(Unit, Unit.id == Alert.unit_id)
        .where(in_scope(principal, Alert.unit_id), Alert.state.in_(states))
    )
    if tier:
        stmt = stmt.where(Alert.tier == tier)
    if device_id is not None:
        stmt = stmt.where(Alert.device_id == device_id)
    order = {"red": 0, "orange": 1, "yellow": 2}
    rows = [
        AlertRow(*r) for r in session.execute(stmt.order_by(Alert.raised_at.desc()).limit(limit))
    ]
    return sorted(rows, key=lambda r: (order.get(r.alert.tier, 3), -r.alert.raised_at.timestamp()))


def alert_row(session: Session, principal: Principal, alert_id: int) -> AlertRow:
    """One alert with its device and station, if the principal may see it."""
    principal.require("iot.view")
    row = session.execute(
        select(Alert, Device.code, Device.device_class, Unit.short_code)
        .join(Device, Device.id == Alert.device_id)
        .join(Unit, Unit.id == Alert.unit_id)
        .where(Alert.id == alert_id, in_scope(principal, Alert.unit_id))
    ).first()
    if row is None:
        raise NotFound("No such alert.")
    return AlertRow(*row)


def alert_in_scope(session: Session, principal: Principal, alert_id: int) -> Alert:
    """The alert, if the principal may see it; else NotFound."""
    principal.require("iot.view")
    alert = session.scalar(
        select(Alert).where(Alert.id == alert_id, in_scope(principal, Alert.unit_id))
    )
    if alert is None:
        raise NotFound("No such alert.")
    return alert


def _stop_escalation(alert: Alert) -> None:
    alert.next_escalation_at = None  # someone is on it: the ladder stops here


def acknowledge(
    session: Session, principal: Principal, *, alert_id: int, now: dt.datetime, note: str = ""
) -> Alert:
    """Someone is looking at it: open -> acknowledged."""
    principal.require("iot.alerts")
    alert = alert_in_scope(session, principal, alert_id)
    if alert.state != "open":
        raise Conflict("The alert is {state}, not open.", params={"state": alert.state})
    alert.state, alert.acknowledged_at, alert.acknowledged_by = (
        "acknowledged",
        now,
        principal.user_id,
    )
    alert.note = (note or alert.note)[:500]
    _stop_escalation(alert)
    session.flush()
    return alert


def resolve(
    session: Session, principal: Principal, *, alert_id: int, now: dt.datetime, note: str = ""
) -> Alert:
    """The situation is over (or a false alarm): -> resolved."""
    principal.require("iot.alerts")
    alert = alert_in_scope(session, principal, alert_id)
    if alert.state == "resolved":
        raise Conflict("The alert is resolved already.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, principal.user_id
    alert.state, alert.resolved_at, alert.resolved_by = "resolved", now, principal.user_id
    alert.note = (note or alert.note)[:500]
    _stop_escalation(alert)
    session.flush()
    return alert


def _intake(alert: Alert, device: Device, unit: Unit, tier: str, description: str) -> IntakeIn:
    """The work-order intake for an alert."""
    text = description.strip() or (
        f"{alert.label_zh}：{alert.reason_zh}（设备 {device.code}"
        f"{'，' + device.indoor_zone if device.indoor_zone else ''}）"
    )
    return IntakeIn(
        station=unit.short_code,
        channel="sensor",
        category=category_for(alert.rule_code),
        description=text[:4000],
        lon=device.lon,
        lat=device.lat,
        address=f"{unit.name} {device.indoor_zone}".strip()[:255],
        suggested_tier=tier,
        source_ref=f"iot-alert:{alert.id}",
    )


def explanation(alert: Alert, tier: str, reason: str) -> str:
    """Why the order has its tier: the officer's words, else the rule's own explanation."""
    if reason.strip():
        return reason.strip()[:2000]
    return f"{alert.label_zh}：{alert.reason_zh}"[:2000]


def confirm(
    session: Session,
    principal: Principal,
    *,
    alert_id: int,
    now: dt.datetime,
    tier: str | None = None,
    description: str = "",
    reason: str = "",
) -> Alert:
    """File a work order for the alert (the officer's confirmation) and link it.

    The order is filed already triaged with the tier the officer chose, and the reason for
    it (the officer's, or the rule's explanation when the officer kept the rule's tier) is
    the triage entry of its timeline: nobody has to triage it a second time.
    """
    principal.require("iot.alerts")
    alert = alert_in_scope(session, principal, alert_id)
    if alert.work_order_ref is not None:
        raise Conflict(
            "Work order {code} was filed for this alert already.",
            params={"code": alert.work_order_ref},
        )
    tier = tier or alert.tier
    if tier not in ("red", "orange", "yellow"):
        raise Invalid("The tier must be red, orange or yellow.", fields={"tier": "unknown tier"})
    if tier != alert.tier and not reason.strip():
        raise Invalid(
            "Choosing another tier than the rule's needs a reason.",
            fields={"reason": "a reason is needed for another tier"},
        )
    device = session.get(Device, alert.device_id)
    unit = session.get(Unit, alert.unit_id)
    assert device is not None and unit is not None
    triage = ActionIn.model_validate({"tier": tier, "reason": explanation(alert, tier, reason)})
    with session.begin_nested():  # a refused triage leaves no half-filed order behind
        data = _intake(alert, device, unit, tier, description)
        order = workorders.intake(session, principal, data=data, now=now)
        workorders.act(session, principal, code=order.code, action="triage", data=triage, now=now)
    alert.work_order_id, alert.work_order_ref = order.id, order.code
    if alert.state == "open":
        alert.state, alert.acknowledged_at = "acknowledged", now
        alert.acknowledged_by = principal.user_id
    _stop_escalation(alert)
    session.flush()
    return alert


@dataclass
class SweepRun:
    """What the offline sweep found."""

    silent: int = 0
    marked_offline: int = 0
    alerts: int = 0


def heartbeat_sweep(session: Session, *, now: dt.datetime) -> SweepRun:
    """Mark silent devices offline and raise the heartbeat rules' alerts (a job)."""
    rules = effective_rules(session)
    book = RuleBook(rules)
    horizon = book.heartbeat_horizon_s()
    run = SweepRun()
    if horizon is None:
        return run
    cutoff = now - dt.timedelta(seconds=horizon)
    devices = session.execute(
        select(Device, Unit.short_code)
        .join(Unit, Unit.id == Device.unit_id)
        .where(Device.retired.is_(False), Device.status != "maintenance")
        .where(
            or_(
                Device.last_seen_at < cutoff,
                Device.last_seen_at.is_(None) & (Device.registered_at < cutoff),
            )
        )
    ).all()
    codes = [r.code for r in rules if isinstance(r.condition, Heartbeat)]
    last = _last_alerts(session, [d.id for d, _ in devices], codes)
    now_ms = int(now.timestamp() * 1000)
    conn = session.connection()
    raised: list[int] = []
    for device, station in devices:
        run.silent += 1
        if device.status == "online":
            device.status = "offline"
            run.marked_offline += 1
        decisions = book.evaluate_heartbeat(
            device_class=DeviceClass(device.device_class),
            device=device.code,
            last_seen=device.last_seen_at or device.registered_at,
            now=now,
            last_alerts=last.get(device.id, {}),
        )
        for d in decisions:
            if not d.fire or not claim(conn, device.id, d.rule.code, now_ms, d.rule.dedup_s):
                continue
            info = DeviceInfo(device.id, device.code, station, device.unit_id, d.device_class)
            raised.append(raise_alert(conn, Candidate(info, d, "heartbeat", None, None), now))
            run.alerts += 1
    session.flush()
    if raised:
        escalate(session, now=now, alert_ids=raised)
    return run


def _last_alerts(
    session: Session, device_ids: list[int], codes: list[str]
) -> dict[int, dict[str, dt.datetime]]:
    out: dict[int, dict[str, dt.datetime]] = {}
    for k in range(0, len(device_ids), 500):
        chunk = device_ids[k : k + 500]
        stmt = select(RuleState).where(
            RuleState.device_id.in_(chunk), RuleState.rule_code.in_(codes)
        )
        for s in session.scalars(stmt):
            at = dt.datetime.fromtimestamp(s.last_alert_ms / 1000, dt.UTC)
            out.setdefault(s.device_id, {})[s.rule_code] = at
    return out
