"""Bulk writes of machine-generated rows (notifications, SLA alerts) in a few statements.

On PostgreSQL the rows travel as one array per column and are unpacked by ``unnest`` — one
statement and a handful of parameters however many rows, where a multi-row ``VALUES`` would
bind (and the driver prepare) thousands of parameters. On SQLite the rows go to the driver's
``executemany`` as tuples, converted the way SQLAlchemy stores them (UTC text, JSON text).
Callers pass timezone-aware datetimes and JSON-ready values (the ORM's type processing is
bypassed, and no ORM audit row is written — callers record a summary audit event).

This belongs in ``jingwu.db``; it lives here until the shared module can take it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator, TypeEngine

_PG = PGDialect()  # type: ignore[no-untyped-call]


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
        casts.append(f"CAST(:a{n} AS {kind}[])")
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
        result = conn.execute(text(sql), params)
        return [tuple(r) for r in result] if returning else []
    if returning:
        stmt: Any = sqlite.insert(table)
        if skip_conflicts_on:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(skip_conflicts_on))
        stmt = stmt.returning(*(table.c[c] for c in returning))
        return [tuple(r) for r in conn.execute(stmt, list(rows))]
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    if skip_conflicts_on:
        sql += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
    conn.exec_driver_sql(sql, _sqlite_rows(table, columns, rows))
    return []


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
        conn.execute(
            text(
                f"UPDATE {table.name} AS t SET {sets} FROM unnest({', '.join(casts)}) "  # noqa: S608
                # ANY(ids) makes the planner fetch the rows by primary key instead of hashing
                # a scan of the whole table against the array.
                f"AS v({names}) WHERE t.id = v.id AND t.id = ANY({casts[0]})"
            ),
            params,
        )
        return
    sets = ", ".join(f"{c} = ?" for c in columns)
    ordered = [*columns, "id"]
    conn.exec_driver_sql(
        f"UPDATE {table.name} SET {sets} WHERE id = ?",  # noqa: S608 - names from the Table
        _sqlite_rows(table, ordered, rows),
    )


def _sqlite_rows(
    table: Table, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Values as SQLAlchemy stores them in SQLite: naive UTC text times, JSON text."""
    kinds = [_pg_type(table.c[c].type) for c in columns]
    out = []
    for row in rows:
        values = []
        for name, kind in zip(columns, kinds, strict=True):
            value = row[name]
            if value is None:
                pass
            elif kind == "JSON":
                value = json.dumps(value)
            elif isinstance(value, dt.datetime):
                value = value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            elif isinstance(value, bool):
                value = int(value)
            values.append(value)
        out.append(tuple(values))
    return out
