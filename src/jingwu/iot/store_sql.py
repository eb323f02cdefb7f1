"""Bulk statements of the batch writer, one per table and database, each a single statement.

On PostgreSQL a batch is written with binary COPY into a session-local staging table and
moved with one INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING, which names the rows
newly stored (COPY itself cannot skip duplicates).

On SQLite every statement is one multi-row INSERT or UPDATE: Python's sqlite3 module
releases and re-takes the GIL at every step of a statement, and each returned row is a step,
so RETURNING (or executemany) would hand the GIL back and forth thousands of times a batch
while the ingester's event loop competes for it. The common case (nothing stored before)
is therefore one INSERT whose change count proves every row new; only if some rows were
there already is the INSERT undone (a savepoint) and redone for the rows found missing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

Key = tuple[int, int, str, int]

READING_COLS = "device_id, ts_ms, boot, seq, received_ms, metrics"
EVENT_COLS = "device_id, ts_ms, boot, seq, received_ms, event, alarm, attrs"
SQLITE_ROWS = 4000  # rows per statement: 8 x 4000 parameters, below SQLite's 32,766
_COLS = {"iot_readings": READING_COLS, "iot_events": EVENT_COLS}
_PG_TYPES = {
    "iot_readings": ["int4", "int8", "text", "int8", "int8", "text"],
    "iot_events": ["int4", "int8", "text", "int8", "int8", "text", "bool", "text"],
}


def _key(r: tuple[Any, ...]) -> Key:
    return (r[0], r[1], r[2], r[3])


def _pg_insert(conn: Connection, table: str, rows: list[tuple[Any, ...]], now_ms: int) -> set[Key]:
    """Binary COPY into a session-local staging table, then one INSERT ... SELECT."""
    stage = f"iot_stage_{table.removeprefix('iot_')}"
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DELETE ROWS")
        with cur.copy(f"COPY {stage} ({_COLS[table]}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_PG_TYPES[table])
            for r in rows:
                copy.write_row((*r[:4], now_ms, *r[5:]))
        cur.execute(
            f"INSERT INTO {table} ({_COLS[table]}) SELECT {_COLS[table]} FROM {stage} "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING device_id, ts_ms, boot, seq"
        )
        stored = {_key(r) for r in cur.fetchall()}
        cur.execute(f"TRUNCATE {stage}")  # the same transaction may write another batch
    return stored


@cache
def _sqlite_insert(table: str, n: int) -> str:
    width = _COLS[table].count(",") + 1
    row = "(" + ",".join("?" * width) + ")"
    values = ",".join([row] * n)
    return f"INSERT INTO {table} ({_COLS[table]}) VALUES {values} ON CONFLICT DO NOTHING"  # noqa: S608


@cache
def _sqlite_existing(table: str, n: int) -> str:
    values = ",".join(["(?,?,?,?)"] * n)
    return (
        f"SELECT t.device_id, t.ts_ms, t.boot, t.seq FROM {table} t JOIN (VALUES {values}) v "  # noqa: S608
        "ON t.device_id = v.column1 AND t.ts_ms = v.column2 AND t.boot = v.column3 "
        "AND t.seq = v.column4"
    )


def _stamped(rows: list[tuple[Any, ...]], now_ms: int) -> list[tuple[Any, ...]]:
    return [(*r[:4], now_ms, *r[5:]) for r in rows]


def _sqlite_write(conn: Connection, table: str, rows: list[tuple[Any, ...]]) -> int:
    n = 0
    for k in range(0, len(rows), SQLITE_ROWS):
        chunk = rows[k : k + SQLITE_ROWS]
        params = tuple(itertools.chain.from_iterable(chunk))
        n += conn.exec_driver_sql(_sqlite_insert(table, len(chunk)), params).rowcount
    return n


def _sqlite_existing_keys(conn: Connection, table: str, keys: list[Key]) -> set[Key]:
    found: set[Key] = set()
    for k in range(0, len(keys), SQLITE_ROWS):
        chunk = keys[k : k + SQLITE_ROWS]
        params = tuple(itertools.chain.from_iterable(chunk))
        found.update(
            _key(r) for r in conn.exec_driver_sql(_sqlite_existing(table, len(chunk)), params)
        )
    return found


def insert_rows(session: Session, table: str, rows: list[tuple[Any, ...]], now_ms: int) -> set[Key]:
    """Insert reading or event rows; returns the keys of the rows newly stored.

    ``received_ms`` is stamped with the time the writing transaction began (not when the
    message arrived), so jobs that read by it never miss a batch that committed late.
    """
    if not rows:
        return set()
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return _pg_insert(conn, table, rows, now_ms)
    stamped = _stamped(rows, now_ms)
    savepoint = session.begin_nested()
    if _sqlite_write(conn, table, stamped) == len(rows):
        savepoint.commit()
        return {_key(r) for r in rows}
    savepoint.rollback()  # some rows were stored before (or twice in this batch)
    unique = list({_key(r): r for r in stamped}.values())
    existing = _sqlite_existing_keys(conn, table, [_key(r) for r in unique])
    fresh = [r for r in unique if _key(r) not in existing]
    _sqlite_write(conn, table, fresh)
    return {_key(r) for r in fresh}


def _sqlite_time(ms: int) -> str:
    # the text form SQLAlchemy's SQLite DateTime (and so UTCDateTime) reads and writes
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def mark_seen(session: Session, seen: list[tuple[int, int]]) -> None:
    """Set last_seen_at of devices (id, ms) and turn offline ones online, in one statement."""
    if not seen:
        return
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "UPDATE iot_devices AS d SET last_seen_at = to_timestamp(v.ms / 1000.0), "
            "status = CASE WHEN d.status = 'offline' THEN 'online' ELSE d.status END "
            "FROM unnest(%s::int[], %s::bigint[]) AS v(id, ms) WHERE d.id = v.id",
            ([i for i, _ in seen], [ms for _, ms in seen]),
        )
        return
    for k in range(0, len(seen), SQLITE_ROWS):
        chunk = seen[k : k + SQLITE_ROWS]
        values = ",".join(["(?,?)"] * len(chunk))
        params = tuple(itertools.chain.from_iterable((i, _sqlite_time(ms)) for i, ms in chunk))
        conn.exec_driver_sql(
            "UPDATE iot_devices SET last_seen_at = v.column2, status = CASE WHEN "  # noqa: S608
            "iot_devices.status = 'offline' THEN 'online' ELSE iot_devices.status END "
            f"FROM (VALUES {values}) AS v WHERE iot_devices.id = v.column1",
            params,
        )
