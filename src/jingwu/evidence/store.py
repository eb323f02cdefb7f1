"""The tree in the database: the writer lock, bulk node reads, and the head row.

Level 0 (the leaves) lives in ``evidence_leaves``, the levels above in ``evidence_nodes``;
`get_nodes` reads any set of ``(level, index)`` keys in one statement, so a root or a
proof costs one round trip whatever the size of the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from jingwu.evidence import tree
from jingwu.evidence.merkle import EMPTY_ROOT
from jingwu.evidence.models import LogHead, LogLeaf, LogNode
from jingwu.evidence.tiles import TILE_HEIGHT, TILE_WIDTH

HEAD_ID = 1
LOCK_KEY = 0x4A57_4556_4C4F_4701  # "JWEVLOG", the log's advisory lock on PostgreSQL

Key = tuple[int, int]


def lock_log(session: Session) -> None:
    """Take the log's single-writer lock until the transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite: the write transaction (begun
    with BEGIN IMMEDIATE by ``unit_of_work``) already holds the database's one write lock;
    touching the head row makes sure of it even in a transaction begun deferred.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    else:
        session.execute(update(LogHead).where(LogHead.id == HEAD_ID).values(id=HEAD_ID))


def try_lock_log(session: Session) -> bool:
    """Take the log's lock if no other transaction holds it; True when taken.

    PostgreSQL: a transaction-level advisory lock, without waiting. SQLite: the write
    transaction holds the database's one write lock, so the log is always free.
    """
    if session.get_bind().dialect.name == "postgresql":
        taken = session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        return bool(taken.scalar())
    lock_log(session)
    return True


def load_head(session: Session, *, now: dt.datetime) -> LogHead:
    """Return the head row, creating the empty tree's head on first use."""
    head = session.get(LogHead, HEAD_ID, populate_existing=True)
    if head is None:
        head = LogHead(id=HEAD_ID, size=0, root=EMPTY_ROOT, updated_at=now)
        session.add(head)
        session.flush()
    return head


def read_head(session: Session) -> tuple[int, bytes]:
    """Return the sequenced tree's size and root (0 and the empty root before any)."""
    row = session.execute(select(LogHead.size, LogHead.root).where(LogHead.id == HEAD_ID)).first()
    return (0, EMPTY_ROOT) if row is None else (int(row[0]), bytes(row[1]))


def get_nodes(session: Session, keys: Sequence[Key]) -> dict[Key, bytes]:
    """Read stored nodes for ``keys`` (leaves and interior nodes) in one statement.

    A proof needs a few dozen keys at most. The statement is plain SQL sent straight to the
    driver (it is executed for every proof and compiling it would cost more than running
    it); one ``(level AND idx)`` pair per node lets both databases probe the primary key.
    """
    leaves = sorted({ix for lv, ix in keys if lv == 0})
    inner = sorted({(lv, ix) for lv, ix in keys if lv > 0})
    if not leaves and not inner:
        return {}
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    parts: list[str] = []
    params: list[int] = []
    # Only placeholders are put together here; every value is a parameter.
    if leaves:
        marks = ", ".join([mark] * len(leaves))
        parts.append(f"SELECT 0, idx, hash FROM evidence_leaves WHERE idx IN ({marks})")  # noqa: S608
        params.extend(leaves)
    if inner:
        pairs = " OR ".join([f"(level = {mark} AND idx = {mark})"] * len(inner))
        parts.append(f"SELECT level, idx, hash FROM evidence_nodes WHERE {pairs}")  # noqa: S608
        params.extend(v for key in inner for v in key)
    rows = conn.exec_driver_sql(" UNION ALL ".join(parts), tuple(params))
    return {(int(lv), int(ix)): bytes(h) for lv, ix, h in rows}


def node_range(session: Session, level: int, first: int, last: int) -> dict[int, bytes]:
    """Read the stored nodes ``(level, first … last)`` (leaves when level is 0) by index."""
    if level == 0:
        stmt = select(LogLeaf.idx, LogLeaf.hash).where(LogLeaf.idx.between(first, last))
    else:
        stmt = select(LogNode.idx, LogNode.hash).where(
            LogNode.level == level, LogNode.idx.between(first, last)
        )
    return {int(ix): bytes(h) for ix, h in session.execute(stmt)}


def resolve(session: Session, plan: tree.Plan) -> list[bytes]:
    """Read a plan's nodes in one statement and fold them into its hashes."""
    return plan.assemble(get_nodes(session, plan.keys))


def root_at(session: Session, size: int) -> bytes:
    """Return the root of the first ``size`` leaves, from stored nodes."""
    return EMPTY_ROOT if size == 0 else resolve(session, tree.root_plan(size))[0]


def inclusion_proof(session: Session, index: int, size: int) -> list[bytes]:
    """Return the inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    return resolve(session, tree.inclusion_plan(index, size))


def consistency_proof(session: Session, old_size: int, new_size: int) -> list[bytes]:
    """Return the consistency proof between two sizes (empty when equal)."""
    if old_size == new_size:
        return []
    return resolve(session, tree.consistency_plan(old_size, new_size))


def frontier(session: Session, size: int) -> Mapping[Key, bytes]:
    """Return the complete subtrees covering the first ``size`` leaves (what appends read)."""
    return get_nodes(session, tree.range_keys(0, size)) if size else {}


def tile_hashes(session: Session, tile_level: int, index: int, width: int) -> bytes:
    """Return the concatenated hashes of a hash tile (``width`` nodes, all stored)."""
    level = TILE_HEIGHT * tile_level
    first = index * TILE_WIDTH
    if level == 0:
        stmt = select(LogLeaf.idx, LogLeaf.hash).where(
            LogLeaf.idx >= first, LogLeaf.idx < first + width
        )
    else:
        stmt = select(LogNode.idx, LogNode.hash).where(
            LogNode.level == level, LogNode.idx >= first, LogNode.idx < first + width
        )
    rows = sorted((int(ix), bytes(h)) for ix, h in session.execute(stmt))
    if [ix for ix, _ in rows] != list(range(first, first + width)):
        raise tree.TreeError(f"tile {tile_level}/{index} is missing nodes in the store")
    return b"".join(h for _, h in rows)
