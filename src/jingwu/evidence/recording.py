"""Building blocks of recording: input checks, item numbering, bulk entry inserts."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu import bulk
from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Invalid, Term, Terms
from jingwu.evidence import merkle, sequencer, store
from jingwu.evidence.entry import CATEGORIES, MAX_CODE, MAX_NOTE_CHARS, Entry, EntryError
from jingwu.evidence.models import ENTRIES, QUEUE, EvidenceEntry, EvidenceItem

log = logging.getLogger("jingwu.evidence")

SEQUENCE_INLINE = True
INLINE_DRAIN = 5_000  # queued entries a recording transaction appends before its own
MAX_FILENAME = 255
DEFAULT_MEDIA_TYPE = "application/octet-stream"
ORDER_LOCK_NAMESPACE = 0x4A57  # advisory locks numbering one order's items (PostgreSQL)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$")
_MEDIA = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
_NOTE_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\r]")


def check_category(category: str) -> str:
    """Return ``category`` if it is one of the 12, else Invalid naming them."""
    if category not in CATEGORIES:
        raise Invalid(
            "Unknown evidence category '{category}'; use one of: {allowed}.",
            params={
                "category": category,
                "allowed": Terms(Term(c, CATEGORIES[c]) for c in CATEGORIES),
            },
            fields={"category": "unknown category"},
        )
    return category


def check_note(note: str) -> str:
    """Return the note if it fits an entry (at most 2,000 characters, no control chars)."""
    if len(note) > MAX_NOTE_CHARS:
        raise Invalid(
            "The note has {count:,} characters; at most {limit:,} are allowed.",
            params={"count": len(note), "limit": MAX_NOTE_CHARS},
            fields={"note": "at most 2000 characters"},
        )
    if _NOTE_CONTROL.search(note):
        raise Invalid(
            "The note holds control characters; only line breaks are allowed.",
            fields={"note": "control characters"},
        )
    return note


def clean_filename(filename: str) -> str:
    """Return the file's own name (no directories), at most 255 characters."""
    name = re.split(r"[\\/]", filename.strip())[-1].strip() or "content"
    if len(name) > MAX_FILENAME:
        raise Invalid(
            "The file name has {count} characters; at most {limit} are allowed.",
            params={"count": len(name), "limit": MAX_FILENAME},
            fields={"filename": "at most 255 characters"},
        )
    return name


def normalize_media_type(media_type: str | None) -> str:
    """Return ``type/subtype`` in lower case without parameters (octet-stream if unusable)."""
    value = (media_type or "").split(";", 1)[0].strip().lower()
    return value if _MEDIA.match(value) else DEFAULT_MEDIA_TYPE


def recorder_code(principal: Principal) -> str:
    """Return the code the entry names the recording officer by."""
    name = principal.username
    if name and len(name) <= MAX_CODE and _CODE.match(name):
        return name
    return f"user-{principal.user_id}"


def item_code(order_code: str, seq: int) -> str:
    """Return the code of the ``seq``-th item of an order: ``<order>-E01``."""
    return f"{order_code}-E{seq:02d}"


def lock_orders(session: Session, order_codes: Iterable[str]) -> None:
    """Serialise numbering of these orders' items (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for code in sorted(set(order_codes)):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:code))"),
            {"ns": ORDER_LOCK_NAMESPACE, "code": code},
        )


def next_seqs(session: Session, order_codes: Iterable[str]) -> dict[str, int]:
    """Return the next free item number of each order (call `lock_orders` first)."""
    codes = sorted(set(order_codes))
    rows = session.execute(
        select(EvidenceItem.order_code, func.max(EvidenceItem.seq))
        .where(EvidenceItem.order_code.in_(codes))
        .group_by(EvidenceItem.order_code)
    ).all()
    found = {str(code): int(top) for code, top in rows}
    return {code: found.get(code, 0) + 1 for code in codes}


def check_distinct(pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Raise Conflict when the same content appears twice for one order in ``pairs``."""
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        if pair in seen:
            raise _duplicate(pair[0], None)
        seen.add(pair)
    return seen


def check_not_recorded(session: Session, pairs: Sequence[tuple[str, str]]) -> None:
    """Raise Conflict when one of the (order code, SHA-256 hex) pairs is already evidence.

    Recording relies on the (order, sha256) unique constraint and calls this only to
    name the existing item once the constraint has refused a row.
    """
    seen = check_distinct(pairs)
    # Two IN lists probe the (order_code, sha256) index on both databases; a row-value
    # IN would scan the table on SQLite. Exact pairs are picked out here.
    rows = session.execute(
        select(EvidenceEntry.order_code, EvidenceEntry.sha256, EvidenceItem.code)
        .add_columns(EvidenceEntry.version)
        .join(EvidenceItem, EvidenceItem.id == EvidenceEntry.item_id)
        .where(
            bulk.among(session, EvidenceEntry.order_code, sorted({o for o, _ in seen})),
            bulk.among(session, EvidenceEntry.sha256, sorted({h for _, h in seen})),
        )
    ).all()
    for order, sha, code, version in rows:
        if (order, sha) in seen:
            raise _duplicate(str(order), f"{code} version {version}")


def _duplicate(order_code: str, where: str | None) -> Conflict:
    tail = f" as item {where}" if where else " twice in this upload"
    return Conflict(
        f"This content is already recorded for order {order_code}{tail}; "
        "the same file cannot be evidence twice in one case.",
        code="duplicate_content",
    )


def entry_error(exc: EntryError) -> Invalid:
    """Turn an entry encoding error into a 422 naming the field."""
    return Invalid(f"The evidence entry is invalid: {exc}.", fields={exc.field: str(exc)})


@dataclass(frozen=True)
class NewEntry:
    """An entry about to be written: its canonical form and where it belongs."""

    item_id: int
    entry: Entry
    filename: str
    content_held: bool
    recorded_by_id: int | None

    def row(self) -> dict[str, object]:
        e = self.entry
        body = e.encode()  # once: the leaf hash is of these very bytes
        return {
            "item_id": self.item_id,
            "version": e.version,
            "order_code": e.order,
            "sha256": e.sha256.hex(),
            "size": e.size,
            "filename": self.filename,
            "content_held": self.content_held,
            "body": body,
            "leaf_hash": merkle.leaf_hash(body),
            "recorded_at": e.recorded_at,
            "recorded_by_id": self.recorded_by_id,
        }


def insert_entries(session: Session, entries: Sequence[NewEntry]) -> list[int]:
    """Insert entries and queue them for the log; Conflict if content is already there."""
    rows = [e.row() for e in entries]
    try:
        with session.begin_nested():
            ids = bulk.insert_returning_ids(session, ENTRIES, rows)
    except IntegrityError:
        # The (order, sha256) constraint refused it; name the item that holds the content.
        check_not_recorded(session, [(e.entry.order, e.entry.sha256.hex()) for e in entries])
        raise _duplicate(entries[0].entry.order, "recorded a moment ago") from None
    leaves = [(i, cast(bytes, row["leaf_hash"])) for i, row in zip(ids, rows, strict=True)]
    if not (SEQUENCE_INLINE and sequence_inline(session, leaves, now=entries[0].entry.recorded_at)):
        bulk.copy_rows(session, QUEUE, [{"entry_id": i} for i in ids])
    return ids


def sequence_inline(
    session: Session, leaves: Sequence[tuple[int, bytes]], *, now: dt.datetime
) -> bool:
    """Append entries to the tree in the recording transaction if the log is free.

    When the log's lock is free (always on SQLite, whose one write lock the recording
    transaction already holds; on PostgreSQL when no other transaction holds the advisory
    lock) appending here costs less than the sequencer's separate transaction, which then
    only signs. Entries already waiting go first (up to `INLINE_DRAIN` of them), so a
    backlog drains instead of growing. Otherwise — the lock taken, a longer backlog, or a
    tree that fails its own check — the entries are queued for the sequencer: recording
    still succeeds, and the sequencer and the scrub report any problem. Returns whether
    it appended.
    """
    try:
        with session.begin_nested():
            if not store.try_lock_log(session):
                return False
            if not sequencer.queue_is_empty(session):
                sequencer.integrate(session, now=now, max_batch=INLINE_DRAIN)
                if not sequencer.queue_is_empty(session):
                    return False
            sequencer.append_leaves(session, leaves, now=now)
    except sequencer.LogIntegrityError as exc:
        log.error("evidence entries stay queued: %s", exc)
        return False
    return True


def as_utc(now: dt.datetime) -> dt.datetime:
    """Return ``now`` in UTC (entries record UTC to the microsecond)."""
    return now.astimezone(dt.UTC)
