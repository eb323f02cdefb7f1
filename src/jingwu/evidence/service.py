"""Recording evidence: store the file, write its log entry and queue it for sequencing.

Recording happens in the caller's transaction (services flush, the caller commits): the
file goes into the blob store (encrypted at rest), the item and its entry into the
database, and a queue row tells the sequencer to give the entry its log index. Once the
caller's transaction has committed the entry is durable; the sequencer covers it with a
signed checkpoint within a fraction of a second (`jingwu.evidence.sequencer`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu import bulk
from jingwu.accounts.scope import Principal, scoped
from jingwu.audit import service as audit
from jingwu.blobs import service as blob_service
from jingwu.blobs.models import Blob
from jingwu.blobs.store import BlobError, BlobStore, Readable
from jingwu.errors import Invalid, NotFound, Term
from jingwu.evidence import orders
from jingwu.evidence.entry import Entry, EntryError
from jingwu.evidence.models import ITEMS, EvidenceEntry, EvidenceItem
from jingwu.evidence.recording import (
    NewEntry,
    as_utc,
    check_category,
    check_distinct,
    check_note,
    clean_filename,
    entry_error,
    insert_entries,
    item_code,
    lock_orders,
    next_seqs,
    normalize_media_type,
    recorder_code,
)


@dataclass(frozen=True)
class HashedRecord:
    """An item to record by the hash and size of content already stored elsewhere."""

    order_code: str
    category: str
    sha256: bytes
    size: int
    media_type: str
    filename: str
    note: str = ""


def _store_file(
    session: Session,
    blobs: BlobStore,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
) -> Blob:
    try:
        return blob_service.store(
            session, blobs, stream=stream, filename=filename, media_type=media_type, now=now
        )
    except BlobError as exc:
        raise Invalid(
            "The file cannot be stored: {why}.",
            params={"why": Term(str(exc))},
            fields={"file": "cannot be stored"},
        ) from None


def record_item(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    order_code: str,
    category: str,
    filename: str,
    media_type: str,
    stream: Readable,
    note: str = "",
    now: dt.datetime,
) -> EvidenceItem:
    """Record a new evidence item of a work order (version 1) and queue it for the log."""
    principal.require("evidence.record")
    check_category(category)
    check_note(note)
    name = clean_filename(filename)
    mtype = normalize_media_type(media_type)
    order = orders.resolve_order(session, principal, order_code)
    blob = _store_file(session, blobs, stream, name, mtype, now)
    lock_orders(session, [order.code])
    seq = next_seqs(session, [order.code])[order.code]
    item = EvidenceItem(
        code=item_code(order.code, seq),
        order_code=order.code,
        seq=seq,
        unit_id=order.unit_id,
        category=category,
        created_at=now,
        created_by_id=principal.user_id,
    )
    entry = _entry(item, blob, mtype, principal, note, now, version=1, previous=None)
    session.add(item)
    session.flush()
    insert_entries(session, [NewEntry(item.id, entry, name, True, principal.user_id)])
    _audit_record(session, principal, item, entry, now)
    return item


def record_version(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    item_code: str,
    filename: str,
    media_type: str,
    stream: Readable,
    note: str = "",
    now: dt.datetime,
) -> EvidenceItem:
    """Record a new version of an item: a new entry naming the previous one's leaf hash."""
    principal.require("evidence.record")
    check_note(note)
    name = clean_filename(filename)
    mtype = normalize_media_type(media_type)
    item = get_item(session, principal, code=item_code)
    lock_orders(session, [item.order_code])
    last = latest_entry(session, item.id)
    blob = _store_file(session, blobs, stream, name, mtype, now)
    entry = _entry(
        item, blob, mtype, principal, note, now, version=last.version + 1, previous=last.leaf_hash
    )
    insert_entries(session, [NewEntry(item.id, entry, name, True, principal.user_id)])
    _audit_record(session, principal, item, entry, now)
    return item


def _entry(
    item: EvidenceItem,
    blob: Blob,
    media_type: str,
    principal: Principal,
    note: str,
    now: dt.datetime,
    *,
    version: int,
    previous: bytes | None,
) -> Entry:
    try:
        return Entry(
            category=item.category,
            item=item.code,
            order=item.order_code,
            sha256=bytes.fromhex(blob.sha256),
            size=blob.size,
            media_type=media_type,
            recorded_by=recorder_code(principal),
            recorded_at=as_utc(now),
            version=version,
            previous=previous,
            note=note,
        )
    except EntryError as exc:
        raise entry_error(exc) from None


def _audit_record(
    session: Session, principal: Principal, item: EvidenceItem, entry: Entry, now: dt.datetime
) -> None:
    audit.record(
        session,
        principal=principal,
        action="evidence.record",
        object_type="evidence_item",
        object_id=item.code,
        unit_id=item.unit_id,
        detail={"version": entry.version, "sha256": entry.sha256.hex(), "size": entry.size},
        now=now,
    )


def get_item(session: Session, principal: Principal, *, code: str) -> EvidenceItem:
    """Return the item ``code`` if the principal may see it (else NotFound)."""
    principal.require("evidence.view")
    item = session.scalars(
        scoped(select(EvidenceItem), principal, EvidenceItem.unit_id).where(
            EvidenceItem.code == code
        )
    ).first()
    if item is None:
        raise NotFound("No evidence item '{code}'.", params={"code": code})
    return item


def latest_entry(session: Session, item_id: int) -> EvidenceEntry:
    """Return the newest version's entry of an item."""
    entry = session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.item_id == item_id)
        .order_by(EvidenceEntry.version.desc())
        .limit(1)
    ).first()
    if entry is None:
        raise NotFound("The evidence item has no entry.")
    return entry


def record_hashed(
    session: Session, principal: Principal, *, records: Sequence[HashedRecord], now: dt.datetime
) -> list[str]:
    """Record many new items by content hash in bulk; return their codes in order.

    For content that is already stored (in the blob store, or a docking station's
    archive): nothing is read here. Entries whose content is in the blob store are
    re-hashed by the scrub job; the others are checked by whoever holds the files.
    """
    principal.require("evidence.record")
    if not records:
        return []
    for r in records:
        check_category(r.category)
        check_note(r.note)
    refs = {c: orders.resolve_order(session, principal, c) for c in {r.order_code for r in records}}
    hexes = [r.sha256.hex() for r in records]
    check_distinct([(refs[r.order_code].code, h) for r, h in zip(records, hexes, strict=True)])
    held = set(
        session.scalars(
            select(Blob.sha256).where(bulk.among(session, Blob.sha256, sorted(set(hexes))))
        )
    )
    item_rows = _number_items(session, principal, records, refs, now)
    ids = bulk.insert_returning_ids(session, ITEMS, item_rows)
    news = [
        _hashed_entry(int(i), row, r, h in held, principal, now)
        for i, row, r, h in zip(ids, item_rows, records, hexes, strict=True)
    ]
    insert_entries(session, news)
    audit.record(
        session,
        principal=principal,
        action="evidence.record_bulk",
        object_type="evidence_item",
        object_id=f"{item_rows[0]['code']}…",
        detail={"count": len(records)},
        now=now,
    )
    return [str(row["code"]) for row in item_rows]


def _number_items(
    session: Session,
    principal: Principal,
    records: Sequence[HashedRecord],
    refs: dict[str, orders.OrderRef],
    now: dt.datetime,
) -> list[dict[str, object]]:
    """Return the item rows of the records, numbered after each order's existing items."""
    lock_orders(session, [ref.code for ref in refs.values()])
    seqs = next_seqs(session, [ref.code for ref in refs.values()])
    rows = []
    for r in records:
        ref = refs[r.order_code]
        rows.append(_item_row(ref.code, seqs[ref.code], ref.unit_id, r, principal, now))
        seqs[ref.code] += 1
    return rows


def _item_row(
    order_code: str,
    seq: int,
    unit_id: int,
    r: HashedRecord,
    principal: Principal,
    now: dt.datetime,
) -> dict[str, object]:
    return {
        "code": item_code(order_code, seq),
        "order_code": order_code,
        "seq": seq,
        "unit_id": unit_id,
        "category": r.category,
        "created_at": now,
        "created_by_id": principal.user_id,
    }


def _hashed_entry(
    item_id: int,
    row: dict[str, object],
    r: HashedRecord,
    held: bool,
    principal: Principal,
    now: dt.datetime,
) -> NewEntry:
    try:
        entry = Entry(
            category=r.category,
            item=str(row["code"]),
            order=str(row["order_code"]),
            sha256=r.sha256,
            size=r.size,
            media_type=normalize_media_type(r.media_type),
            recorded_by=recorder_code(principal),
            recorded_at=as_utc(now),
            note=r.note,
        )
    except EntryError as exc:
        raise entry_error(exc) from None
    return NewEntry(item_id, entry, clean_filename(r.filename), held, principal.user_id)


@dataclass(frozen=True)
class RecordedDocument:
    """Where a document recorded with :func:`record_document` sits in the log."""

    item_code: str
    version: int
    entry_id: int
    leaf_hash: bytes


def record_document(
    session: Session,
    principal: Principal,
    *,
    subject: str,
    unit_id: int,
    sha256: bytes,
    size: int,
    media_type: str,
    filename: str,
    note: str = "",
    category: str = "documentary_evidence",
    now: dt.datetime,
) -> RecordedDocument:
    """Log a document of another domain's own record by its content hash (no work order).

    For records that must be provably fixed at a moment, such as a double-random draw's
    commitment: ``subject`` is the record's code (it stands in the entry's ``order``
    field), the content stays with the caller (``content_held`` false), and a second call
    for the same subject logs the next version, naming the previous entry's leaf hash. The
    calling domain authorises the act being recorded; the entry names who acted.
    """
    check_category(category)
    check_note(note)
    name = clean_filename(filename)
    lock_orders(session, [subject])
    item = session.scalars(
        select(EvidenceItem).where(EvidenceItem.order_code == subject).order_by(EvidenceItem.seq)
    ).first()
    last = None if item is None else latest_entry(session, item.id)
    if item is None:
        item = EvidenceItem(
            code=item_code(subject, 1),
            order_code=subject,
            seq=1,
            unit_id=unit_id,
            category=category,
            created_at=now,
            created_by_id=principal.user_id,
        )
        session.add(item)
        session.flush()
    try:
        entry = Entry(
            category=item.category,
            item=item.code,
            order=subject,
            sha256=sha256,
            size=size,
            media_type=normalize_media_type(media_type),
            recorded_by=recorder_code(principal),
            recorded_at=as_utc(now),
            version=1 if last is None else last.version + 1,
            previous=None if last is None else bytes(last.leaf_hash),
            note=note,
        )
    except EntryError as exc:
        raise entry_error(exc) from None
    new = NewEntry(item.id, entry, name, False, principal.user_id)
    (entry_id,) = insert_entries(session, [new])
    _audit_record(session, principal, item, entry, now)
    return RecordedDocument(item.code, entry.version, int(entry_id), entry.leaf_hash())
