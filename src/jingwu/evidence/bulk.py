"""Bulk writes for the log's hot paths: COPY on PostgreSQL, executemany on SQLite.

Recording and sequencing write thousands of rows per transaction. On PostgreSQL, COPY is
several times faster than multi-row INSERTs (whose long statements the driver re-parses
every time), so ids are reserved from the table's sequence first and rows are copied in
with them. On SQLite an INSERT … RETURNING executemany is already fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Table, any_, bindparam, delete, insert, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

Row = Mapping[str, Any]
_CHUNK = 5_000
COPY_FROM = 32  # fewer rows go in as plain INSERTs: a COPY has its own set-up cost


def is_postgresql(session: Session) -> bool:
    """Return whether the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def copy_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows (all with the same keys) in one COPY (PostgreSQL) or executemany."""
    if not rows:
        return
    if not is_postgresql(session):
        _sqlite_executemany(session, table, rows)
        return
    if len(rows) < COPY_FROM:
        session.connection().execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    driver = session.connection().connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    try:
        with driver.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.errors.IntegrityError as exc:
        # Raised by the driver directly: present it as SQLAlchemy would.
        raise IntegrityError(statement, None, exc) from exc


def insert_returning_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert rows and return their new ids, in the order of ``rows``."""
    if not rows:
        return []
    if not is_postgresql(session):
        return _sqlite_insert_ids(session, table, rows)
    if len(rows) < COPY_FROM:
        result = session.connection().execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)
        )
        return [int(i) for i in result.scalars()]
    ids = reserve_ids(session, table, len(rows))
    copy_rows(session, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def _sqlite_executemany(
    session: Session, table: Table, rows: Sequence[Row], first_id: int | None = None
) -> None:
    # The driver's executemany loops in C; SQLAlchemy's would process every row in Python.
    # Values still go through each column type's bind processor (UTC times and so on).
    columns = list(rows[0])
    conn = session.connection()
    pairs = [(c, table.c[c].type.bind_processor(conn.dialect)) for c in columns]
    plain = [c for c, p in pairs if p is None]
    if len(plain) == len(pairs):
        values = [tuple([row[c] for c in columns]) for row in rows]
    else:
        values = [tuple([row[c] if p is None else p(row[c]) for c, p in pairs]) for row in rows]
    if first_id is not None:
        columns = ["id", *columns]
        values = [(first_id + n, *v) for n, v in enumerate(values)]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    driver = conn.connection.driver_connection
    assert driver is not None
    # Names come from our own table metadata; every value is a parameter.
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608
    try:
        driver.executemany(sql, values)
    except sqlite3.IntegrityError as exc:
        raise IntegrityError(sql, None, exc) from exc


def _sqlite_insert_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    # The first insert takes the write lock and gets max(id) + 1, so every id above it is
    # free until this transaction ends: the rest go in with explicit ids through the
    # driver's executemany (RETURNING would cost one statement per row).
    conn = session.connection()
    first = int(conn.execute(insert(table).returning(table.c.id), dict(rows[0])).scalar_one())
    if len(rows) > 1:
        _sqlite_executemany(session, table, rows[1:], first_id=first + 1)
    return list(range(first, first + len(rows)))


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """Take ``count`` values from the id sequence of ``table`` (PostgreSQL)."""
    result = session.execute(
        text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) AS id "
            "FROM generate_series(1, :count) ORDER BY 1"
        ),
        {"table": table.name, "count": count},
    )
    return [int(i) for i in result.scalars()]


def delete_ids(session: Session, table: Table, column: str, ids: Sequence[int]) -> None:
    """Delete the rows whose ``column`` is one of ``ids``."""
    if not ids:
        return
    col = table.c[column]
    if is_postgresql(session):
        stmt = delete(table).where(col == any_(bindparam("ids", type_=ARRAY(BIGINT))))
        session.connection().execute(stmt, {"ids": list(ids)})
        return
    for start in range(0, len(ids), _CHUNK):
        session.connection().execute(delete(table).where(col.in_(ids[start : start + _CHUNK])))


def among(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """``column IN values``: one array parameter on PostgreSQL (parsed once), a list elsewhere."""
    expr = column.expression if isinstance(column, QueryableAttribute) else column
    if is_postgresql(session):
        return expr == any_(bindparam(None, list(values), type_=ARRAY(expr.type)))
    return expr.in_(values)
