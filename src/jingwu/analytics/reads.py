"""Bulk reads of incidents as numpy arrays, through the raw database cursor.

A million incidents as ORM objects or SQLAlchemy rows take seconds to build; as plain tuples
of numbers turned into one array they take well under a second. Times come back as whole
Unix seconds, computed by the database; unit and category travel packed in one number.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np
from sqlalchemy.orm import Session

from jingwu.analytics.heatcube import Batch, FloatArray

CAT_FACTOR = 4096  # unit·4096 + category, decoded here
# SQLite: "+occurred_at" keeps the planner on the id (rowid) range instead of the time index,
# which would cost a random row lookup per incident when most of them match.
_BATCH = {
    "sqlite": "SELECT unit_id * 4096 + category_id, lon, lat, "
    "CAST(strftime('%s', occurred_at) AS INTEGER) FROM incidents "
    "WHERE id > ? AND id <= ? AND +occurred_at >= ?",
    "postgresql": "SELECT unit_id::bigint * 4096 + category_id, lon, lat, "
    "FLOOR(EXTRACT(EPOCH FROM occurred_at))::bigint FROM incidents "
    "WHERE id > %s AND id <= %s AND occurred_at >= %s",
}
_HISTORY = {
    "sqlite": "SELECT unit_id * 4096 + category_id, lon, lat, "
    "CAST(strftime('%s', occurred_at) AS INTEGER), "
    "COALESCE(CAST(strftime('%s', reported_at) AS INTEGER), -1) FROM incidents "
    "WHERE occurred_at >= ? ORDER BY id",
    "postgresql": "SELECT unit_id::bigint * 4096 + category_id, lon, lat, "
    "FLOOR(EXTRACT(EPOCH FROM occurred_at))::bigint, "
    "COALESCE(FLOOR(EXTRACT(EPOCH FROM reported_at))::bigint, -1) FROM incidents "
    "WHERE occurred_at >= %s ORDER BY id",
}


def _sqlite_fast(sql: str) -> str:
    """unixepoch() (SQLite 3.38+) gives the same whole seconds as strftime('%s'), faster."""
    if sqlite3.sqlite_version_info >= (3, 38):
        return sql.replace("CAST(strftime('%s', occurred_at) AS INTEGER)", "unixepoch(occurred_at)")
    return sql


def _fetch(session: Session, sql: str, params: tuple[object, ...], width: int) -> FloatArray:
    cursor = session.connection().connection.cursor()
    parts = []
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(250_000):
            parts.append(np.array(rows, dtype=np.float64).reshape(-1, width))
    finally:
        cursor.close()
    return np.concatenate(parts) if parts else np.zeros((0, width))


def _bound(dialect: str, moment: dt.datetime) -> object:
    """A time parameter as the column stores it (SQLite: naive UTC text)."""
    if dialect == "postgresql":
        return moment
    return (
        moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    )


def read_batch(session: Session, *, after: int, upto: int, since: dt.datetime) -> Batch:
    """Incidents with ids in (after, upto] that occurred at or after ``since``."""
    dialect = session.connection().dialect.name
    sql = _BATCH[dialect] if dialect == "postgresql" else _sqlite_fast(_BATCH[dialect])
    data = _fetch(session, sql, (after, upto, _bound(dialect, since)), 4)
    packed = data[:, 0].astype(np.int64)
    return Batch(
        unit=packed // CAT_FACTOR,
        cat=packed % CAT_FACTOR,
        lon=data[:, 1].copy(),
        lat=data[:, 2].copy(),
        t=data[:, 3].copy(),
    )


def read_history(session: Session, *, since: dt.datetime) -> tuple[Batch, FloatArray]:
    """Every incident that occurred at or after ``since`` in id order, and its report time
    (NaN when unknown)."""
    dialect = session.connection().dialect.name
    sql = _HISTORY[dialect] if dialect == "postgresql" else _sqlite_fast(_HISTORY[dialect])
    data = _fetch(session, sql, (_bound(dialect, since),), 5)
    packed = data[:, 0].astype(np.int64)
    reported = np.where(data[:, 4] < 0, np.nan, data[:, 4])
    batch = Batch(
        unit=packed // CAT_FACTOR,
        cat=packed % CAT_FACTOR,
        lon=data[:, 1].copy(),
        lat=data[:, 2].copy(),
        t=data[:, 3].copy(),
    )
    return batch, reported
