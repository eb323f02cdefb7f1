"""Daily partitions of ``iot_readings`` on PostgreSQL: created ahead, dropped by retention.

Partitions are ``iot_part.iot_readings_pYYYYMMDD`` covering one UTC day of reading time;
``iot_part.iot_readings_default`` catches anything outside them. Devices may send readings
up to 7 days old, so partitions exist from eight days back to two days ahead. If rows for a
day landed in the default partition before its own partition existed, creating it moves them
(in one transaction). On SQLite these functions do nothing: retention deletes rows instead.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Connection, text

SCHEMA = "iot_part"
DEFAULT = f"{SCHEMA}.iot_readings_default"
_NAME = re.compile(r"iot_readings_p(\d{8})")
DAY_MS = 86_400_000
LOCK_KEY = 0x696F745F70617274  # "iot_part"


def _bounds(day: dt.date) -> tuple[int, int]:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    lo = int(start.timestamp() * 1000)
    return lo, lo + DAY_MS


def existing(conn: Connection) -> list[dt.date]:
    """The days that have a partition."""
    if conn.dialect.name != "postgresql":
        return []
    names = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": SCHEMA}
    ).scalars()
    days = []
    for name in names:
        m = _NAME.fullmatch(name)
        if m:
            days.append(dt.datetime.strptime(m.group(1), "%Y%m%d").replace(tzinfo=dt.UTC).date())
    return sorted(days)


def _create(conn: Connection, day: dt.date) -> None:
    lo, hi = _bounds(day)
    name = f"{SCHEMA}.iot_readings_p{day:%Y%m%d}"
    strays = conn.execute(
        text(f"SELECT 1 FROM {DEFAULT} WHERE ts_ms >= :lo AND ts_ms < :hi LIMIT 1"),  # noqa: S608
        {"lo": lo, "hi": hi},
    ).first()
    create = f"CREATE TABLE {name} PARTITION OF iot_readings FOR VALUES FROM ({lo}) TO ({hi})"
    if strays is None:
        conn.exec_driver_sql(create)
        return
    # Rows of that day sit in the default partition: move them into the new one.
    conn.exec_driver_sql(f"ALTER TABLE iot_readings DETACH PARTITION {DEFAULT}")
    conn.exec_driver_sql(create)
    moved = f"ts_ms >= {lo} AND ts_ms < {hi}"
    conn.exec_driver_sql(f"INSERT INTO iot_readings SELECT * FROM {DEFAULT} WHERE {moved}")  # noqa: S608
    conn.exec_driver_sql(f"DELETE FROM {DEFAULT} WHERE {moved}")  # noqa: S608
    conn.exec_driver_sql(f"ALTER TABLE iot_readings ATTACH PARTITION {DEFAULT} DEFAULT")


def ensure(conn: Connection, *, today: dt.date, back: int = 8, ahead: int = 2) -> list[dt.date]:
    """Create the missing partitions from ``today - back`` to ``today + ahead``."""
    if conn.dialect.name != "postgresql":
        return []
    # workers starting together: one creates, the others wait and then find the partitions
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
    have = set(existing(conn))
    made = []
    for k in range(-back, ahead + 1):
        day = today + dt.timedelta(days=k)
        if day not in have:
            _create(conn, day)
            made.append(day)
    return made


def drop_before(conn: Connection, cutoff: dt.date) -> list[dt.date]:
    """Drop the partitions of days before ``cutoff`` (raw retention)."""
    dropped = []
    for day in existing(conn):
        if day < cutoff:
            conn.exec_driver_sql(f"DROP TABLE {SCHEMA}.iot_readings_p{day:%Y%m%d}")
            dropped.append(day)
    return dropped
