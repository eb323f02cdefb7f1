"""Bulk writes of machine-generated rows in a few statements, on both databases.

The ORM writes one statement per row; the hot paths (SLA sweep alerts, notifications, the
evidence log's entries, leaves and nodes) write thousands per transaction. Here:

- PostgreSQL: ``insert_rows``/``update_by_id`` send one array per column unpacked by
  ``unnest`` (one statement, a handful of parameters, whatever the row count), in the binary
  format (the driver quotes every element of a text-format array with a regular expression:
  five times slower); ``copy_rows`` uses COPY, several times faster again for large batches,
  with ids reserved from the table's sequence first (``insert_returning_ids``).
- SQLite: the driver's ``executemany`` (a C loop), values converted by each column type's
  own bind processor (UTC times, JSON, booleans), so rows are stored exactly as the ORM
  would store them. ``insert_rows(..., returning=...)`` reads the rows it inserted back by
  rowid (see ``_sqlite_insert_returning``) instead of one RETURNING statement per row.

Callers pass timezone-aware datetimes and JSON-ready values. The ORM's automatic audit is
bypassed: callers record a summary audit event for what they wrote.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Table, any_, bindparam, delete, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

_PG = PGDialect()  # type: ignore[no-untyped-call]


def upsert(bind: Session | Connection) -> Any:
    """The dialect's ``insert`` construct, which has ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (PostgreSQL or SQLite): the one place that chooses it."""
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return postgresql.insert if dialect.name == "postgresql" else sqlite.insert


def _pg_type(column_type: TypeEngine[Any]) -> str:
    impl = column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type
    if isinstance(impl, JSON):
        return "JSON"
    return str(impl.compile(dialect=_PG))


def _arrays(
    table: Table, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> tuple[dict[str, list[Any]], list[str]]:
    params: dict[str, list[Any]] = {}
    casts = []
    for n, name in enumerate(columns):
        kind = _pg_type(table.c[name].type)
        values = [row[name] for row in rows]
        if kind == "JSON":
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
        params[f"a{n}"] = values
        # %(name)b: the driver sends the list as a binary array (no per-element quoting).
        casts.append(f"CAST(%(a{n})b AS {kind}[])")
    return params, casts


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    skip_conflicts_on: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (all with the same keys); the ``returning`` columns of rows inserted.

    With ``skip_conflicts_on``, a row that would violate that unique key is skipped
    (``ON CONFLICT DO NOTHING``) and not returned.
    """
    if not rows:
        return []
    conn = session.connection()
    columns = list(rows[0])
    if conn.dialect.name == "postgresql":
        params, casts = _arrays(table, columns, rows)
        # Names come from the Table (``_arrays`` looks each one up), values are bound.
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT * FROM unnest({', '.join(casts)})"
        )
        if skip_conflicts_on:
            sql += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
        if returning:
            sql += f" RETURNING {', '.join(returning)}"
        result = conn.exec_driver_sql(sql, params)
        return [tuple(r) for r in result] if returning else []
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    if skip_conflicts_on:
        sql += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
    values = _driver_values(session, table, columns, rows)
    if returning:
        return _sqlite_insert_returning(session, table, sql, values, returning)
    conn.exec_driver_sql(sql, values)
    return []


def _sqlite_insert_returning(
    session: Session,
    table: Table,
    sql: str,
    values: list[tuple[Any, ...]],
    returning: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Insert with the driver's executemany, then read back the rows it inserted.

    New rows get rowids above the largest one this transaction saw just before; no other
    connection can add rows in between and still let this insert succeed (SQLite has one
    writer at a time, and in WAL mode a writer whose snapshot is stale fails with
    SQLITE_BUSY_SNAPSHOT), so the rows above that rowid are exactly the ones inserted here.
    """
    conn = session.connection()
    # Names come from our own table metadata; every value is a parameter.
    before = conn.exec_driver_sql(f"SELECT max(rowid) FROM {table.name}").scalar()  # noqa: S608
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        cursor = driver.executemany(sql, values)
    except sqlite3.IntegrityError as exc:
        raise IntegrityError(sql, None, exc) from exc
    if cursor.rowcount == 0:
        return []
    names = ", ".join(table.c[c].name for c in returning)
    found = conn.exec_driver_sql(
        f"SELECT {names} FROM {table.name} WHERE rowid > ? ORDER BY rowid",  # noqa: S608
        (before or 0,),
    )
    return [tuple(r) for r in found]


def update_by_id(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Set the given columns of each row found by ``id`` (all rows with the same keys)."""
    if not rows:
        return
    conn = session.connection()
    columns = [c for c in rows[0] if c != "id"]
    if conn.dialect.name == "postgresql":
        params, casts = _arrays(table, ["id", *columns], rows)
        names = ", ".join(["id", *columns])
        sets = ", ".join(f"{c} = v.{c}" for c in columns)
        conn.exec_driver_sql(
            f"UPDATE {table.name} AS t SET {sets} FROM unnest({', '.join(casts)}) "  # noqa: S608
            # ANY(ids) makes the planner fetch the rows by primary key instead of hashing
            # a scan of the whole table against the array.
            f"AS v({names}) WHERE t.id = v.id AND t.id = ANY({casts[0]})",
            params,
        )
        return
    sets = ", ".join(f"{c} = ?" for c in columns)
    ordered = [*columns, "id"]
    conn.exec_driver_sql(
        f"UPDATE {table.name} SET {sets} WHERE id = ?",  # noqa: S608 - names from the Table
        _driver_values(session, table, ordered, rows),
    )


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
    values = _driver_values(session, table, columns, rows)
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


def _driver_values(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> list[tuple[Any, ...]]:
    """Row tuples converted by each column type's bind processor (for executemany)."""
    dialect = session.connection().dialect
    pairs = [(c, table.c[c].type.bind_processor(dialect)) for c in columns]
    if all(p is None for _, p in pairs):
        return [tuple([row[c] for c in columns]) for row in rows]
    return [tuple([row[c] if p is None else p(row[c]) for c, p in pairs]) for row in rows]
