"""Writing the audit log: explicit events, plus every ORM write recorded automatically.

Every insert, update and delete flushed through an ORM session is recorded in the same
transaction (so a rolled-back write leaves no audit row, and a committed one always has
one). Bulk paths that bypass the ORM (telemetry, Merkle nodes) are high-volume machine
data and record their own summary events instead. ``session.info["principal"]`` names
the actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE

from jingwu.accounts.scope import Principal
from jingwu.audit.models import AuditEntry
from jingwu.db import defer_write


def bind_actor(session: Session, principal: Principal | None) -> None:
    """Name who acts in this session's transaction (used by the automatic write audit)."""
    session.info["principal"] = principal


def record(
    session: Session,
    *,
    principal: Principal | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    unit_id: int | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Append one audit event in the session's transaction."""
    row = _row(principal, action, object_type=object_type, object_id=_clean(object_id))
    row.update(unit_id=unit_id, outcome=outcome, detail=_clean(detail))
    if ip is not None:
        row["ip"] = _clean(ip)
    if now is not None:
        row["at"] = now
    # A read (an unmasked view) records it just after, in a write transaction of its own.
    defer_write(session, lambda s: _insert(s, row))


def _clean(value: Any) -> Any:
    """``value`` with NUL characters replaced: a request may carry them (``/x%00``), and
    PostgreSQL stores none in text or JSON, so the record of that request would be lost."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _insert(session: Session, row: dict[str, Any]) -> None:
    session.connection().execute(insert(AuditEntry), [row])


def _row(
    principal: Principal | None, action: str, *, object_type: str, object_id: str | int
) -> dict[str, Any]:
    return {
        "at": dt.datetime.now(dt.UTC),
        "actor_id": principal.user_id if principal else None,
        "actor": principal.username if principal else "",
        "actor_role": principal.role if principal else "",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "unit_id": None,
        "outcome": "ok",
        "ip": principal.ip if principal else "",
        "detail": None,
    }


def _audited(obj: object) -> bool:
    return bool(getattr(type(obj), "__audit__", True))


def _unit_of(table: str, obj: object) -> int | None:
    value = getattr(obj, "id" if table == "units" else "unit_id", None)
    return value if isinstance(value, int) else None


def _write_row(principal: Principal | None, verb: str, obj: object) -> dict[str, Any]:
    table = str(getattr(obj, "__tablename__", type(obj).__name__))
    state = inspect(obj)
    ident = ",".join(str(v) for v in state.mapper.primary_key_from_instance(obj) if v is not None)
    row = _row(principal, f"{table}.{verb}", object_type=table, object_id=ident)
    row["unit_id"] = _unit_of(table, obj)
    if verb != "delete":
        # Field names only: values may be personal data and stay out of the audit log.
        # Only attributes set since the last flush can have changes (they are the keys of
        # committed_state): no need to build the history of every column of wide rows.
        changed = sorted(
            key
            for key in state.committed_state
            if get_history(obj, key, passive=PASSIVE_NO_INITIALIZE).has_changes()
        )
        row["detail"] = {"fields": changed}
    return row


@event.listens_for(Session, "after_flush")
def _audit_writes(session: Session, _ctx: UOWTransaction) -> None:
    principal = session.info.get("principal")
    rows: list[dict[str, Any]] = []
    for verb, objs in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if not _audited(obj):
                continue
            if verb == "update" and not session.is_modified(obj, include_collections=False):
                continue
            rows.append(_write_row(principal, verb, obj))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
