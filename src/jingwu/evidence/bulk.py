"""Bulk writes for the log's hot paths: COPY on PostgreSQL, executemany on SQLite.

Recording and sequencing write thousands of rows per transaction. On PostgreSQL, COPY is
several times faster than multi-row INSERTs (whose long statements the driver re-parses
every time), so ids are reserved from the table's sequence first and rows are copied in
with them. On SQLite an INSERT … RETURNING executemany is already fast.
"""

from __future__ import annotations

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
    ids = reserve_ids(session, table, len(rows))
    copy_rows(session, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def _sqlite_executemany(session: Session, table: Table, rows: Sequence[Row]) -> None:
    # The driver's executemany loops in C; SQLAlchemy's would process every row in Python.
    # Values still go through each column type's bind processor (UTC times and so on).
    columns = list(rows[0])
    conn = session.connection()
    dialect = conn.dialect
    procs = [table.c[c].type.bind_processor(dialect) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    values = [
        tuple(
            v if p is None else p(v) for p, v in zip(procs, (row[c] for c in columns), strict=True)
        )
        for row in rows
    ]
    driver = conn.connection.driver_connection
    assert driver is not None
    # Names come from our own table metadata; every value is a parameter.
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608
    driver.executemany(sql, values)


def _sqlite_insert_ids(session: Session, table: Table, rows: Sequence[Row]) -> list[int]:
    # The first insert takes the write lock and gets max(id) + 1, so every id above it is
    # free until this transaction ends: the rest go in with explicit ids through the
    # driver's executemany (RETURNING would cost one statement per row).
    conn = session.connection()
    first = int(conn.execute(insert(table).returning(table.c.id), dict(rows[0])).scalar_one())
    rest = [{"id": first + n, **row} for n, row in enumerate(rows[1:], start=1)]
    if rest:
        _sqlite_executemany(session, table, rest)
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
