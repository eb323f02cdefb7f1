"""Per-minute and per-hour rollups of readings, and raw-data retention.

A periodic job finds the (device, minute) buckets touched by readings written since its
cursor and recomputes each of them from the raw rows, so a late reading (a device that
buffered while offline) corrects its minute instead of being added twice; hours are then
recomputed from their minutes. Metrics are kept in a JSON column, expanded with
``json_each`` (SQLite) or ``json_each_text`` (PostgreSQL) in the same statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from jingwu.iot import partitions
from jingwu.iot.models import DeadLetter, DeviceEvent, Reading, RollupMinute
from jingwu.iot.service_energy import recompute_energy
from jingwu.iot.service_loss import SETTLE_MS, cursor_position, set_cursor

CURSOR = "rollups"
MINUTE_MS = 60_000
HOUR_MS = 3_600_000

_TOUCHED = (
    "SELECT DISTINCT device_id, ts_ms / {size} AS k FROM iot_readings "
    "WHERE received_ms >= :a AND received_ms < :b"
)
_EXPAND = {
    "sqlite": "JOIN json_each(r.metrics) j",
    "postgresql": "CROSS JOIN LATERAL json_each_text(r.metrics::json) j",
}
_VALUE = {"sqlite": "j.value", "postgresql": "j.value::float8"}
_UPDATE = (
    "ON CONFLICT (device_id, metric, bucket_ms) DO UPDATE SET n = excluded.n, "
    "total = excluded.total, low = excluded.low, high = excluded.high"
)


def _minute_sql(dialect: str) -> str:
    v = _VALUE[dialect]
    # built from constants only
    return (
        "INSERT INTO iot_rollup_minute (device_id, metric, bucket_ms, n, total, low, high) "  # noqa: S608
        f"SELECT r.device_id, j.key, (r.ts_ms / {MINUTE_MS}) * {MINUTE_MS} AS b, COUNT(*), "
        f"SUM({v}), MIN({v}), MAX({v}) "
        f"FROM ({_TOUCHED.format(size=MINUTE_MS)}) t "
        "JOIN iot_readings r ON r.device_id = t.device_id "
        f"AND r.ts_ms >= t.k * {MINUTE_MS} AND r.ts_ms < (t.k + 1) * {MINUTE_MS} "
        f"{_EXPAND[dialect]} WHERE true GROUP BY r.device_id, j.key, b {_UPDATE}"
    )


def _hour_sql() -> str:
    # built from constants only
    return (
        "INSERT INTO iot_rollup_hour (device_id, metric, bucket_ms, n, total, low, high) "  # noqa: S608
        f"SELECT m.device_id, m.metric, (m.bucket_ms / {HOUR_MS}) * {HOUR_MS} AS h, SUM(m.n), "
        "SUM(m.total), MIN(m.low), MAX(m.high) "
        f"FROM ({_TOUCHED.format(size=HOUR_MS)}) t "
        "JOIN iot_rollup_minute m ON m.device_id = t.device_id "
        f"AND m.bucket_ms >= t.k * {HOUR_MS} AND m.bucket_ms < (t.k + 1) * {HOUR_MS} "
        f"WHERE true GROUP BY m.device_id, m.metric, h {_UPDATE}"
    )


@dataclass
class RollupRun:
    """The window a rollup pass covered."""

    window: tuple[int, int]
    minutes: int = 0
    energy_days: int = 0


def roll_up(session: Session, *, now: dt.datetime, settle_ms: int = SETTLE_MS) -> RollupRun:
    """Recompute the minute and hour buckets, and the meters' energy days, touched since the
    last pass."""
    end = int(now.timestamp() * 1000) - settle_ms
    start = cursor_position(session, CURSOR, 0)
    run = RollupRun(window=(start, end))
    run.energy_days = recompute_energy(session, now=now, settle_ms=settle_ms).days
    if end <= start:
        return run
    dialect = session.get_bind().dialect.name
    params = {"a": start, "b": end}
    result = session.execute(text(_minute_sql(dialect)), params)
    run.minutes = max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    session.execute(text(_hour_sql()), params)
    set_cursor(session, CURSOR, end)
    return run


@dataclass
class RetentionRun:
    """What retention removed."""

    partitions_dropped: int = 0
    rows_deleted: int = 0


def apply_retention(
    session: Session, *, now: dt.datetime, raw_days: int, minute_days: int
) -> RetentionRun:
    """Drop raw readings, events and refusals older than ``raw_days``; minute rollups too."""
    run = RetentionRun()
    cutoff = now - dt.timedelta(days=raw_days)
    cutoff_ms = int(cutoff.timestamp() * 1000)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        run.partitions_dropped = len(partitions.drop_before(conn, cutoff.date()))
        res = conn.exec_driver_sql(
            f"DELETE FROM {partitions.DEFAULT} WHERE ts_ms < %(c)s",  # noqa: S608 - a constant
            {"c": cutoff_ms},
        )
    else:
        res = conn.execute(delete(Reading).where(Reading.ts_ms < cutoff_ms))
    run.rows_deleted += max(res.rowcount or 0, 0)
    for stmt in (
        delete(DeviceEvent).where(DeviceEvent.ts_ms < cutoff_ms),
        delete(DeadLetter).where(DeadLetter.received_ms < cutoff_ms),
        delete(RollupMinute).where(
            RollupMinute.bucket_ms < int((now - dt.timedelta(days=minute_days)).timestamp() * 1000)
        ),
    ):
        run.rows_deleted += max(conn.execute(stmt).rowcount or 0, 0)
    return run
