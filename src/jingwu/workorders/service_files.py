"""Attachments of orders (blob store) and the handling of overdue records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.audit import service as audit
from jingwu.blobs import service as blobs_service
from jingwu.blobs.store import BlobStore, Readable
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.workorders.models import Attachment, OverdueRecord
from jingwu.workorders.service_core import actor_of, add_event, get_order
from jingwu.workorders.vocab import Actor, term

MAX_ATTACHMENT_BYTES = 200 * 1024**2
ATTACH_ROLES = frozenset({Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF, Actor.SYSTEM})
HANDLE_ROLES = frozenset({Actor.CHIEF, Actor.STREET, Actor.DIRECTOR, Actor.INSPECTOR})


def add_attachment(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    code: str,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
) -> Attachment:
    """Store a file in the blob store and attach it to the order."""
    if actor_of(principal) not in ATTACH_ROLES:
        raise Forbidden(
            "The role {role} may not attach files.",
            params={"role": term("actor", principal.role)},
            code="role_forbidden",
        )
    order = get_order(session, principal, code=code, for_update=True)
    if not filename.strip():
        raise Invalid("The file needs a name.", fields={"file": "required"})
    blob = blobs_service.store(
        session,
        blobs,
        stream=stream,
        filename=filename,
        media_type=media_type,
        now=now,
        max_bytes=MAX_ATTACHMENT_BYTES,
    )
    row = Attachment(
        order_id=order.id,
        unit_id=order.unit_id,
        blob_sha256=blob.sha256,
        filename=filename[:255],
        media_type=blob.media_type,
        size=blob.size,
        added_by_id=principal.user_id,
        added_at=now,
    )
    session.add(row)
    add_event(
        session,
        order,
        principal,
        kind="attachment",
        action="attachment_added",
        now=now,
        reason=filename[:255],
        data={"sha256": blob.sha256, "size": blob.size},
    )
    session.flush()
    return row


def read_attachment(
    session: Session, principal: Principal, blobs: BlobStore, *, code: str, attachment_id: int
) -> tuple[Attachment, Iterator[bytes]]:
    """An attachment of an order in scope and its content."""
    order = get_order(session, principal, code=code)
    row = session.get(Attachment, attachment_id)
    if row is None or row.order_id != order.id:
        raise NotFound("No such attachment.")
    _, chunks = blobs_service.read(session, blobs, sha256=row.blob_sha256)
    return row, chunks


def handle_overdue(
    session: Session, principal: Principal, *, record_id: int, note: str, now: dt.datetime
) -> OverdueRecord:
    """Record how an overdue case was handled (WO-3: every overdue case is handled)."""
    if actor_of(principal) not in HANDLE_ROLES:
        raise Forbidden(
            "The role {role} may not handle overdue records.",
            params={"role": term("actor", principal.role)},
            code="role_forbidden",
        )
    record = session.scalar(
        scoped(select(OverdueRecord), principal, OverdueRecord.unit_id).where(
            OverdueRecord.id == record_id
        )
    )
    if record is None:
        raise NotFound("No overdue record {record_id}.", params={"record_id": record_id})
    if record.handled_at is not None:
        raise Conflict("This overdue record is handled already.", code="wrong_state")
    if not note.strip():
        raise Invalid("Say how it was handled.", fields={"note": "required"})
    record.handled_at, record.handled_by_id, record.handling_note = now, principal.user_id, note
    # The table is written in bulk by the sweep and not audited row by row; a person's
    # handling is, explicitly.
    audit.record(
        session,
        principal=principal,
        action="wo_overdue.handle",
        object_type="wo_overdue",
        object_id=record.id,
        unit_id=record.unit_id,
        now=now,
    )
    session.flush()
    return record
