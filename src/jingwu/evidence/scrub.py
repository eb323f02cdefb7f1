"""Integrity scrubbing: re-check files, entries, leaves, tree nodes and the checkpoint.

Each run checks the next window of entries (their canonical bytes, their leaf, and the
file in the blob store, re-hashed) and the next window of tree nodes (each against its
children), then the head and the latest checkpoint against the stored tree. Windows
resume where the previous run stopped and wrap around, so a big log is covered over
several runs. Every mismatch is named in one sentence; a run that finds any raises an
alert (an error in the log and an audit event) and is shown on the log page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from jingwu.audit import service as audit
from jingwu.blobs.store import BlobStore
from jingwu.evidence import entry as entry_format
from jingwu.evidence import merkle, store
from jingwu.evidence.checkpoint import CheckpointError, open_checkpoint
from jingwu.evidence.keys import NoteError
from jingwu.evidence.logkeys import LogKeys
from jingwu.evidence.models import EvidenceEntry, EvidenceItem, LogLeaf, LogNode, ScrubRun
from jingwu.evidence.sequencer import latest_checkpoint

log = logging.getLogger("jingwu.evidence")

ENTRY_WINDOW = 2_000
NODE_WINDOW = 20_000


@dataclass
class Findings:
    """Counts and problems of one run, and where the next run starts."""

    entries: int = 0
    files: int = 0
    nodes: int = 0
    entry_cursor: int = 0
    node_level: int = 1
    node_cursor: int = -1
    problems: list[str] = field(default_factory=list)


def _entry_problems(row: EvidenceEntry, code: str, leaf: tuple[int, bytes] | None) -> list[str]:
    name = f"entry {row.id} (item {code} version {row.version})"
    body = bytes(row.body)
    problems = []
    if merkle.leaf_hash(body) != bytes(row.leaf_hash):
        problems.append(f"{name}: its stored bytes do not hash to its leaf hash")
    try:
        e = entry_format.decode(body)
    except entry_format.EntryError as exc:
        return [*problems, f"{name}: its stored bytes are not a valid entry ({exc})"]
    said = (e.item, e.order, e.version, e.sha256.hex(), e.size)
    row_says = (code, row.order_code, row.version, row.sha256, row.size)
    if said != row_says:
        problems.append(f"{name}: the row's fields differ from its logged entry")
    if leaf is not None and leaf[1] != merkle.leaf_hash(body):
        problems.append(
            f"log leaf {leaf[0]} (item {code} version {row.version}) differs from its entry"
        )
    return problems


def check_entries(session: Session, blobs: BlobStore, found: Findings, limit: int) -> bool:
    """Check the next window of entries and their files; True when it reached the end."""
    rows = session.execute(
        select(EvidenceEntry, EvidenceItem.code, LogLeaf.idx, LogLeaf.hash)
        .join(EvidenceItem, EvidenceItem.id == EvidenceEntry.item_id)
        .outerjoin(LogLeaf, LogLeaf.entry_id == EvidenceEntry.id)
        .where(EvidenceEntry.id > found.entry_cursor)
        .order_by(EvidenceEntry.id)
        .limit(limit)
    ).all()
    for row, code, idx, leaf_h in rows:
        leaf = None if idx is None else (int(idx), bytes(leaf_h))
        found.problems += _entry_problems(row, code, leaf)
        found.entries += 1
        if row.content_held:
            found.files += 1
            if not _file_matches(blobs, row.sha256):
                found.problems.append(
                    f"the file of item {code} version {row.version} (sha256 {row.sha256}) "
                    "is missing or does not match its entry"
                )
        found.entry_cursor = row.id
    if len(rows) < limit:
        found.entry_cursor = 0
        return True
    return False


def _file_matches(blobs: BlobStore, sha256: str) -> bool:
    verify = getattr(blobs, "verify", None)
    if verify is not None:
        return bool(verify(sha256))
    return blobs.exists(sha256)


def check_nodes(session: Session, found: Findings, limit: int) -> bool:
    """Check the next window of interior nodes against their children; True at the end."""
    after = or_(
        LogNode.level > found.node_level,
        and_(LogNode.level == found.node_level, LogNode.idx > found.node_cursor),
    )
    rows = session.execute(
        select(LogNode.level, LogNode.idx, LogNode.hash)
        .where(after)
        .order_by(LogNode.level, LogNode.idx)
        .limit(limit)
    ).all()
    stored: dict[tuple[int, int], bytes] = {}
    for level in sorted({int(r[0]) for r in rows}):
        # The window's nodes of one level have their children in one range below.
        indices = [int(r[1]) for r in rows if r[0] == level]
        below = store.node_range(session, level - 1, 2 * min(indices), 2 * max(indices) + 1)
        stored.update(((level - 1, ix), h) for ix, h in below.items())
    for level, index, value in rows:
        left, right = stored.get((level - 1, 2 * index)), stored.get((level - 1, 2 * index + 1))
        if left is None or right is None:
            found.problems.append(f"tree node ({level}, {index}) has a missing child")
        elif merkle.node_hash(left, right) != bytes(value):
            found.problems.append(f"tree node ({level}, {index}) is not the hash of its children")
        found.nodes += 1
        found.node_level, found.node_cursor = int(level), int(index)
    if len(rows) < limit:
        found.node_level, found.node_cursor = 1, -1
        return True
    return False


def check_head(session: Session, keys: LogKeys, found: Findings) -> None:
    """Check the head and the latest checkpoint against the stored tree."""
    size, root = store.read_head(session)
    if size and store.root_at(session, size) != root:
        found.problems.append(f"the head's root for size {size} differs from the stored tree")
    head = latest_checkpoint(session)
    if head is None:
        return
    try:
        signed, _ = open_checkpoint(head.note, keys.origin, keys.verifiers)
    except (CheckpointError, NoteError) as exc:
        found.problems.append(f"the checkpoint of size {head.size} does not verify: {exc}")
        return
    if signed.size > size or store.root_at(session, signed.size) != signed.root:
        found.problems.append(
            f"the signed checkpoint of size {signed.size} does not match the stored tree"
        )


def scrub(
    session: Session,
    blobs: BlobStore,
    keys: LogKeys,
    *,
    now: dt.datetime,
    entry_window: int = ENTRY_WINDOW,
    node_window: int = NODE_WINDOW,
    full: bool = False,
) -> ScrubRun:
    """Run one scrub (or a full pass when ``full``) and record it; alert on any problem."""
    last = session.scalars(select(ScrubRun).order_by(ScrubRun.id.desc()).limit(1)).first()
    found = Findings()
    if last is not None and not full:
        found.entry_cursor = last.entry_cursor
        found.node_level, found.node_cursor = last.node_level, last.node_cursor
    while not check_entries(session, blobs, found, entry_window) and full:
        pass
    while not check_nodes(session, found, node_window) and full:
        pass
    check_head(session, keys, found)
    run = ScrubRun(
        started_at=now,
        finished_at=now,
        entries_checked=found.entries,
        files_checked=found.files,
        nodes_checked=found.nodes,
        entry_cursor=found.entry_cursor,
        node_level=found.node_level,
        node_cursor=found.node_cursor,
        problems=found.problems,
    )
    session.add(run)
    session.flush()
    if found.problems:
        _alert(session, run)
    return run


def _alert(session: Session, run: ScrubRun) -> None:
    for problem in run.problems:
        log.error("evidence integrity: %s", problem)
    audit.record(
        session,
        principal=None,
        action="evidence.integrity",
        object_type="evidence_scrub",
        object_id=run.id,
        outcome="failed",
        detail={"problems": run.problems[:50], "count": len(run.problems)},
        now=run.finished_at,
    )


def latest_run(session: Session) -> ScrubRun | None:
    """Return the most recent scrub."""
    return session.scalars(select(ScrubRun).order_by(ScrubRun.id.desc()).limit(1)).first()
