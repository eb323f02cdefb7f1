"""Read models for evidence pages: an order's items with proof status, the log overview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.cards import Card
from jingwu.evidence import entry as entry_format
from jingwu.evidence import merkle, orders, proofs, scrub, store, witnesses
from jingwu.evidence.models import (
    EvidenceEntry,
    EvidenceItem,
    LogCheckpoint,
    LogLeaf,
    QueuedEntry,
    ScrubRun,
)
from jingwu.evidence.sequencer import latest_checkpoint

QUEUED, SEQUENCED, VERIFIED, FAILED = "queued", "sequenced", "verified", "failed"


@dataclass(frozen=True)
class ItemView:
    """One item's latest version, where it sits in the log, and whether its proof holds."""

    code: str
    category: str
    version: int
    versions: int
    filename: str
    sha256: str
    size: int
    media_type: str
    note: str
    recorded_at: dt.datetime
    recorded_by: str
    index: int | None
    status: str
    problem: str | None = None

    @property
    def category_label(self) -> str:
        """The English message id of the category's name."""
        return entry_format.category_label(self.category)


def _status(
    session: Session, row: EvidenceEntry, index: int | None, head: LogCheckpoint | None
) -> tuple[str, str | None]:
    if index is None:
        return QUEUED, None
    if head is None or head.size <= index:
        return SEQUENCED, None
    body = bytes(row.body)
    leaf = merkle.leaf_hash(body)
    if leaf != bytes(row.leaf_hash):
        return FAILED, "the stored entry does not hash to its leaf"
    try:
        proof = store.inclusion_proof(session, index, head.size)
        merkle.verify_inclusion(leaf, index, head.size, proof, bytes(head.root))
    except ValueError as exc:
        return FAILED, f"the inclusion proof does not verify ({exc})"
    return VERIFIED, None


def order_items(session: Session, principal: Principal, *, order_code: str) -> list[ItemView]:
    """Return the items of an order in the principal's scope, newest version each."""
    principal.require("evidence.view")
    order = orders.resolve_order(session, principal, order_code)
    latest = (
        select(EvidenceEntry.item_id, func.max(EvidenceEntry.version).label("top"))
        .group_by(EvidenceEntry.item_id)
        .subquery()
    )
    stmt = (
        select(EvidenceItem, EvidenceEntry, LogLeaf.idx, latest.c.top)
        .join(latest, latest.c.item_id == EvidenceItem.id)
        .join(
            EvidenceEntry,
            (EvidenceEntry.item_id == EvidenceItem.id) & (EvidenceEntry.version == latest.c.top),
        )
        .outerjoin(LogLeaf, LogLeaf.entry_id == EvidenceEntry.id)
        .where(EvidenceItem.order_code == order.code)
        .order_by(EvidenceItem.seq)
    )
    head = latest_checkpoint(session)
    views = []
    for item, row, index, top in session.execute(scoped(stmt, principal, EvidenceItem.unit_id)):
        views.append(
            _view(session, item, row, None if index is None else int(index), int(top), head)
        )
    return views


def _view(
    session: Session,
    item: EvidenceItem,
    row: EvidenceEntry,
    index: int | None,
    versions: int,
    head: LogCheckpoint | None,
) -> ItemView:
    status, problem = _status(session, row, index, head)
    try:
        e = entry_format.decode(bytes(row.body))
        media_type, note, recorded_by = e.media_type, e.note, e.recorded_by
    except entry_format.EntryError:
        status, problem = FAILED, "the stored entry is not a valid entry"
        media_type, note, recorded_by = "", "", ""
    return ItemView(
        code=item.code,
        category=item.category,
        version=row.version,
        versions=versions,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        media_type=media_type,
        note=note,
        recorded_at=row.recorded_at,
        recorded_by=recorded_by,
        index=index,
        status=status,
        problem=problem,
    )


@dataclass(frozen=True)
class LogOverview:
    """The log page: latest checkpoint and its note, witnesses, sizes, the last scrub."""

    checkpoint: LogCheckpoint | None
    note: str
    head_size: int
    queued: int
    witnesses: list[witnesses.WitnessView]
    last_scrub: ScrubRun | None
    recent_sizes: list[int]


def log_overview(session: Session) -> LogOverview:
    """Return what the log page shows (hashes and counts only)."""
    head = latest_checkpoint(session)
    recent = session.scalars(
        select(LogCheckpoint.size).order_by(LogCheckpoint.size.desc()).limit(20)
    ).all()
    return LogOverview(
        checkpoint=head,
        note="" if head is None else proofs.published_note(session, head),
        head_size=store.read_head(session)[0],
        queued=int(session.scalar(select(func.count()).select_from(QueuedEntry)) or 0),
        witnesses=witnesses.witness_views(session),
        last_scrub=scrub.latest_run(session),
        recent_sizes=[int(s) for s in recent],
    )


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """The evidence log's size, and a warning when the last scrub found problems."""
    if not principal.can("evidence.view"):
        return []
    head = latest_checkpoint(session)
    size = 0 if head is None else head.size
    last = scrub.latest_run(session)
    broken = last is not None and bool(last.problems)
    return [
        Card(
            label="Evidence log",
            value=f"{size:,}",
            href="/evidence/log",
            tone="bad" if broken else "good" if head is not None else "",
            note="Integrity problems found" if broken else "Entries under a signed checkpoint",
            order=60,
        )
    ]
