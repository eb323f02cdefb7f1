"""Alert escalation: a red alert reaches the station's chief at once; unacknowledged alerts
climb to the street station head, then the district (:mod:`jingwu.iot.alert_ladder`).

Everything is derived from the database. An alert due to climb has ``next_escalation_at``
in the past; each climb is claimed with a conditional UPDATE on the level the sweep read
(``WHERE escalation_level = :seen AND state = 'open'``) and only the sweep whose UPDATE
changed the row writes the notifications, so two sweeps at once, or the ingester and a
sweep, notify each person exactly once. On PostgreSQL the rows are also read with
``FOR UPDATE SKIP LOCKED``, so concurrent sweeps share the work.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.audit import service as audit
from jingwu.iot.alert_ladder import CHIEF, DISTRICT, STREET, level_due, next_escalation
from jingwu.iot.models import Alert, Device
from jingwu.notifications import service as notifications
from jingwu.org.models import Unit

BATCH = 500
_ROLES = {"chief": CHIEF, "street": STREET, "director": DISTRICT}
RED_MESSAGE = "Red sensor alert at {station}: {what} (device {device})."
LATE_MESSAGE = (
    "Sensor alert at {station} unacknowledged for {minutes} minutes: {what} (device {device})."
)


@dataclass
class EscalationRun:
    """What an escalation pass did."""

    alerts: int = 0  # alerts that climbed
    notifications: int = 0
    by_level: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def leaders(session: Session, unit_ids: set[int]) -> dict[int, dict[int, list[int]]]:
    """Station -> level -> active users answerable at that level (chief, street, district)."""
    paths = dict(session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(unit_ids))).all())
    chains = {uid: [int(p) for p in path.strip("/").split("/") if p] for uid, path in paths.items()}
    wanted = {u for chain in chains.values() for u in chain}
    users = session.execute(
        select(User.id, User.unit_id, User.role)
        .where(User.unit_id.in_(wanted), User.role.in_(tuple(_ROLES)), User.active.is_(True))
        .order_by(User.id)
    ).all()
    out: dict[int, dict[int, list[int]]] = {uid: defaultdict(list) for uid in paths}
    for station, chain in chains.items():
        for user_id, unit_id, role in users:
            if unit_id in chain and (role != "chief" or unit_id == station):
                out[station][_ROLES[role]].append(user_id)
    return out


def _recipients(ladder: dict[int, list[int]], seen: int, reached: int) -> list[int]:
    """Everyone on the rungs above ``seen`` up to ``reached``; a station without a chief
    sends the chief's message up to the street station at once."""
    users: list[int] = []
    for level in range(seen + 1, reached + 1):
        users += ladder.get(level, [])
    if seen < CHIEF <= reached and not ladder.get(CHIEF):
        users += ladder.get(STREET, [])
    return list(dict.fromkeys(users))


def _due(
    session: Session, now: dt.datetime, ids: Sequence[int] | None, limit: int, skip_locked: bool
) -> list[Any]:
    stmt = (
        select(Alert, Device.code, Unit.short_code)
        .join(Device, Device.id == Alert.device_id)
        .join(Unit, Unit.id == Alert.unit_id)
        .where(Alert.state == "open", Alert.next_escalation_at <= now)
        .order_by(Alert.next_escalation_at)
        .limit(limit)
    )
    if ids is not None:
        stmt = stmt.where(Alert.id.in_(list(ids)))
    if skip_locked and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Alert)
    return list(session.execute(stmt.execution_options(populate_existing=True)))


def _claim(session: Session, alert: Alert, reached: int) -> bool:
    result = session.execute(
        update(Alert)
        .where(
            Alert.id == alert.id,
            Alert.state == "open",
            Alert.escalation_level == alert.escalation_level,
        )
        .values(
            escalation_level=reached,
            next_escalation_at=next_escalation(alert.tier, alert.raised_at, reached),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def _message(alert: Alert, device: str, station: str, now: dt.datetime) -> notifications.Message:
    params = {
        "station": station,
        "device": device,
        "what": alert.label_zh,
        "what_en": alert.label_en,
        "minutes": int((now - alert.raised_at).total_seconds() // 60),
    }
    red_now = alert.tier == "red" and alert.escalation_level == 0
    kind = "iot.alert_red" if red_now else "iot.alert_escalated"
    return notifications.Message(
        0, kind, RED_MESSAGE if red_now else LATE_MESSAGE, params, f"/iot/alerts#alert-{alert.id}"
    )


def escalate(
    session: Session,
    *,
    now: dt.datetime,
    alert_ids: Sequence[int] | None = None,
    limit: int = BATCH,
    skip_locked: bool = True,
) -> EscalationRun:
    """Move every due open alert (or only ``alert_ids``) up its ladder and tell the people.

    ``skip_locked=False`` makes concurrent sweeps read the same alerts (tests use it to
    prove that the conditional update alone keeps every notification single).
    """
    rows = _due(session, now, alert_ids, limit, skip_locked)
    run = EscalationRun()
    if not rows:
        return run
    ladders = leaders(session, {row[0].unit_id for row in rows})
    messages: list[notifications.Message] = []
    for row in rows:
        alert = row[0]
        seen = alert.escalation_level
        reached = max(seen, level_due(alert.tier, now - alert.raised_at))
        template = _message(alert, row[1], row[2], now)
        if not _claim(session, alert, reached) or reached == seen:
            continue
        run.alerts += 1
        run.by_level[reached] += 1
        users = _recipients(ladders[alert.unit_id], seen, reached)
        messages += [replace(template, user_id=u) for u in users]
    run.notifications = notifications.notify_many(session, messages, now=now)
    if run.alerts:
        # the climbs bypass the ORM's write audit: one summary event
        detail = {"alerts": run.alerts, "notifications": run.notifications}
        audit.record(
            session,
            principal=None,
            action="iot.escalate",
            object_type="iot_alerts",
            detail=detail,
            now=now,
        )
    for row in rows:
        session.expire(row[0])  # the conditional updates bypassed the loaded objects
    return run
