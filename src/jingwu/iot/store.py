"""Writing one ingestion batch in one transaction: exactly once, whatever is redelivered.

Readings and events go in with multi-row INSERT ... ON CONFLICT DO NOTHING on the key
(device, boot, seq, reading time): rows already stored (a QoS 1 redelivery, a batch retried
after a crash) are skipped and counted as duplicates (see :mod:`jingwu.iot.store_sql` for
the statements on each database). A rule's alert is raised only for a newly stored row
and only if the dedup claim in ``iot_rule_state`` succeeds, so neither a redelivery nor a
second worker can raise the same alert twice within the window.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from jingwu.bulk import upsert
from jingwu.iot import explain
from jingwu.iot.alert_ladder import first_escalation
from jingwu.iot.ingest import Batch, Candidate, Key
from jingwu.iot.models import Alert, BootSequence, DeadLetter, Device, RuleState
from jingwu.iot.service_escalation import escalate
from jingwu.iot.store_sql import insert_rows, mark_seen

SEEN_WRITE_MS = 60_000  # last_seen is written at most once a minute per device and worker


@dataclass
class Outcome:
    """What a committed batch did."""

    stored: int = 0
    duplicates: int = 0
    events: int = 0
    refused: int = 0
    alerts: list[int] = field(default_factory=list)
    lost_claims: list[tuple[int, str, int]] = field(default_factory=list)  # device, rule, ms


def _count_duplicates(conn: Connection, batch: Batch, stored: set[Key], now_ms: int) -> int:
    dups: Counter[tuple[int, str]] = Counter()
    for rows in (batch.readings, batch.events):
        for r in rows:
            if (r[0], r[1], r[2], r[3]) not in stored:
                dups[(r[0], r[2])] += 1
    if not dups:
        return 0
    ins = upsert(conn)(BootSequence).values(
        [
            {
                "device_id": d,
                "boot": b,
                "ranges": "[]",
                "stored": 0,
                "missing": 0,
                "duplicates": n,
                "rejected": 0,
                "first_ms": now_ms,
                "last_ms": now_ms,
            }
            for (d, b), n in dups.items()
        ]
    )
    conn.execute(
        ins.on_conflict_do_update(
            index_elements=["device_id", "boot"],
            set_={"duplicates": BootSequence.duplicates + ins.excluded.duplicates},
        )
    )
    return sum(dups.values())


def _dead_letters(conn: Connection, batch: Batch, now_ms: int) -> None:
    if not batch.refused:
        return
    conn.execute(
        insert(DeadLetter).values(
            [
                {
                    "received_ms": now_ms,
                    "device_id": r.device_id,
                    "topic": r.topic,
                    "reason": r.reason,
                    "detail": r.detail,
                    "field": r.field,
                    "boot": r.boot,
                    "seq": r.seq,
                    "size": r.size,
                    "payload": r.payload,
                }
                for r in batch.refused
            ]
        )
    )


def _device_state(session: Session, batch: Batch) -> None:
    due = []
    for dev, received_ms in batch.seen.values():
        if received_ms - dev.seen_written_ms >= SEEN_WRITE_MS or dev.status == "offline":
            due.append((dev.id, received_ms))
            dev.seen_written_ms = received_ms
            dev.status = "online" if dev.status == "offline" else dev.status
    mark_seen(session, due)
    conn = session.connection()
    for device_id, (state, _ts) in batch.statuses.items():
        held = Device.status == "maintenance"
        conn.execute(update(Device).where(Device.id == device_id, ~held).values(status=state))


def claim(conn: Connection, device_id: int, rule_code: str, now_ms: int, dedup_s: float) -> bool:
    """Take the right to raise this rule's alert for the device now (one winner per window)."""
    # RETURNING, not rowcount: the psycopg dialect reports no row count for these inserts
    first = conn.execute(
        upsert(conn)(RuleState)
        .values(device_id=device_id, rule_code=rule_code, last_alert_ms=now_ms)
        .on_conflict_do_nothing()
        .returning(RuleState.device_id)
    ).first()
    if first is not None:
        return True
    again = conn.execute(
        update(RuleState)
        .where(
            RuleState.device_id == device_id,
            RuleState.rule_code == rule_code,
            RuleState.last_alert_ms <= now_ms - int(dedup_s * 1000),
        )
        .values(last_alert_ms=now_ms)
        .returning(RuleState.device_id)
    ).first()
    return again is not None


def raise_alert(conn: Connection, c: Candidate, now: dt.datetime) -> int:
    """Insert the alert of a claimed candidate and remember it in the rule state."""
    d = c.decision
    zh, en = explain.reasons(d)
    alert_id = conn.execute(
        insert(Alert)
        .values(
            unit_id=c.device.unit_id,
            device_id=c.device.id,
            rule_code=d.rule.code,
            tier=d.rule.tier.value,
            state="open",
            source=c.source,
            raised_at=now,
            observed_ms=c.observed_ms,
            value=d.value,
            reason_zh=zh[:300],
            reason_en=en[:300],
            label_zh=d.rule.label_zh,
            label_en=d.rule.label_en,
            note="",
            escalation_level=0,
            next_escalation_at=first_escalation(d.rule.tier.value, now),
        )
        .returning(Alert.id)
    ).scalar_one()
    conn.execute(
        update(RuleState)
        .where(RuleState.device_id == c.device.id, RuleState.rule_code == d.rule.code)
        .values(last_alert_id=alert_id)
    )
    return int(alert_id)


def _alerts(
    conn: Connection, batch: Batch, stored: set[Key], now: dt.datetime, now_ms: int, out: Outcome
) -> None:
    for c in batch.candidates:
        if c.key is not None and c.key not in stored:
            continue  # a redelivered message: its alert, if any, was raised the first time
        if claim(conn, c.device.id, c.decision.rule.code, now_ms, c.decision.rule.dedup_s):
            out.alerts.append(raise_alert(conn, c, now))
        else:
            last = conn.scalar(
                select(RuleState.last_alert_ms).where(
                    RuleState.device_id == c.device.id, RuleState.rule_code == c.decision.rule.code
                )
            )
            out.lost_claims.append((c.device.id, c.decision.rule.code, int(last or now_ms)))


def write_batch(session: Session, batch: Batch, *, now: dt.datetime) -> Outcome:
    """Write the batch in the session's transaction (the caller commits).

    ``now`` should be read once the transaction holds the write lock (see Pipeline.commit).
    """
    conn = session.connection()
    now_ms = int(now.timestamp() * 1000)
    out = Outcome(refused=len(batch.refused))
    stored = insert_rows(session, "iot_readings", batch.readings, now_ms)
    out.stored = len(stored)
    stored_events = insert_rows(session, "iot_events", batch.events, now_ms)
    out.events = len(stored_events)
    stored |= stored_events
    out.duplicates = _count_duplicates(conn, batch, stored, now_ms)
    _dead_letters(conn, batch, now_ms)
    _device_state(session, batch)
    _alerts(conn, batch, stored, now, now_ms, out)
    if out.alerts:
        escalate(session, now=now, alert_ids=out.alerts)  # a red alert reaches the chief now
    return out
