"""Names instead of ids: which record an audit entry is about, in the words people use.

The write audit stores a table name and a primary key. Here the schema itself says how to
name a row: by its own code, short code, user name, title or name (never an encrypted
column), or else through the record it belongs to (an order event by its order's code, a
mediation party's session by the mediation's order). Units read "name (code)", users
"display name (user name)". Rows that no longer exist, or have no such column, keep their id.

The same rules let a filter find entries by a name: an order code finds the order's own
entries and those of its events, tasks, feedback and overdue records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, Table, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.db import Encrypted
from jingwu.models import Base

OWN = ("code", "short_code", "username", "title", "name", "label_zh")
PARENTS = (
    "order_id",
    "mediation_id",
    "item_id",
    "entry_id",
    "checkpoint_id",
    "device_id",
    "gateway_id",
    "zone_id",
    "user_id",
    "unit_id",
)
TWO_PART = {"units": ("name", "short_code"), "users": ("display_name", "username")}
# object types some explicit events use for a table's records
ALIASES = {
    "user": "users",
    "evidence_checkpoint": "evidence_checkpoints",
    "evidence_item": "evidence_items",
    "evidence_scrub": "evidence_scrubs",
}
_SEARCHABLE = ("code", "short_code", "username")


@dataclass(frozen=True)
class Naming:
    """How rows of one table are named: a path of foreign keys, then the naming columns."""

    table: Table
    path: tuple[tuple[str, Table], ...]
    columns: tuple[str, ...]

    @property
    def named(self) -> Table:
        """The table whose columns give the name (the row's own, or an ancestor's)."""
        return self.path[-1][1] if self.path else self.table


def types_for(object_type: str) -> list[str]:
    """The object types that name records of ``object_type`` (the table and its aliases)."""
    table = ALIASES.get(object_type, object_type)
    return [table, *(alias for alias, t in ALIASES.items() if t == table)]


def audited_types() -> list[str]:
    """The tables the write audit records (their rows' changes appear in the log)."""
    out = {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if getattr(mapper.class_, "__audit__", True) and isinstance(mapper.local_table, Table)
    }
    return sorted(out | {"request"})


def _table(object_type: str) -> Table | None:
    return Base.metadata.tables.get(ALIASES.get(object_type, object_type))


def _int_key(table: Table) -> bool:
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and keys[0].name == "id" and isinstance(keys[0].type, Integer)


def _own(table: Table) -> tuple[str, ...] | None:
    if table.name in TWO_PART:
        return TWO_PART[table.name]
    for name in OWN:
        column = table.c.get(name)
        if column is not None and not isinstance(column.type, Encrypted):
            return (name,)
    return None


def _parent(table: Table) -> tuple[str, Table] | None:
    for name in PARENTS:
        column = table.c.get(name)
        if column is not None and column.foreign_keys:
            return name, next(iter(column.foreign_keys)).column.table
    return None


@cache
def naming(object_type: str) -> Naming | None:
    """How to name records of ``object_type`` (None when they have no usable name)."""
    table = _table(object_type)
    if table is None or not _int_key(table):
        return None
    path: list[tuple[str, Table]] = []
    current = table
    for _depth in range(3):
        columns = _own(current)
        if columns is not None:
            return Naming(table, tuple(path), columns)
        step = _parent(current)
        if step is None:
            return None
        path.append(step)
        current = step[1]
    return None


def _join(n: Naming) -> Any:
    joined: Any = n.table
    current = n.table
    for fk, parent in n.path:
        joined = joined.join(parent, parent.c.id == current.c[fk])
        current = parent
    return joined


def _format(values: tuple[Any, ...]) -> str:
    first, *rest = ("" if v is None else str(v) for v in values)
    return f"{first}（{rest[0]}）" if rest and rest[0] and first else first or "".join(rest)


def names_of(session: Session, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(object type, object id) -> the record's name, for every reference that has one."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for object_type, object_id in refs:
        if object_id.isdigit() and naming(object_type) is not None:
            wanted[object_type].add(int(object_id))
    out: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        n = naming(object_type)
        assert n is not None
        cols = [n.named.c[c] for c in n.columns]
        stmt = select(n.table.c.id, *cols).select_from(_join(n))
        for k in range(0, len(ids), 500):
            chunk = sorted(ids)[k : k + 500]
            for row in session.execute(stmt.where(n.table.c.id.in_(chunk))):
                name = _format(tuple(row[1:]))
                if name:
                    out[(object_type, str(row[0]))] = name
    return out


def _children(parent: Table) -> list[tuple[str, str]]:
    """(table, foreign key) of the tables named through ``parent``."""
    out = []
    for name in Base.metadata.tables:
        n = naming(name)
        if n is not None and n.path and n.path[0][1] is parent:
            out.append((name, n.path[0][0]))
    return out


def matching(session: Session, text: str) -> ColumnElement[bool]:
    """A condition on audit entries about the record(s) called ``text`` (a code, short code
    or user name, any case), and about the records named through them."""
    wanted = text.strip()
    if not wanted:
        return false()
    conditions: list[ColumnElement[bool]] = [AuditEntry.object_id == wanted]
    for name, table in Base.metadata.tables.items():
        n = naming(name)
        if n is None or n.path:
            continue
        for column in (c for c in _SEARCHABLE if c in table.c):
            ids = select(table.c.id).where(func.upper(table.c[column]) == wanted.upper())
            types = types_for(name)
            conditions.append(
                and_(
                    AuditEntry.object_type.in_(types),
                    AuditEntry.object_id.in_(select(cast(ids.subquery().c.id, String))),
                )
            )
            for child, fk in _children(table):
                child_table = Base.metadata.tables[child]
                rows = select(cast(child_table.c.id, String)).where(child_table.c[fk].in_(ids))
                conditions.append(
                    and_(AuditEntry.object_type == child, AuditEntry.object_id.in_(rows))
                )
    return or_(*conditions)
