"""Loss detection on stored data: sequence ranges per device and boot, gaps opened and closed.

A periodic job reads what was written since its cursor (by ``received_ms``, the time the
writing transaction began), less a settling delay so that batches still committing are not
mistaken for loss. The sequence numbers of readings, events and refused messages (a refused
message arrived: it is not lost) are compressed to ranges in SQL (``seq - row_number()``
islands), merged into ``iot_sequences``, and the holes between 0 and the highest number of
each boot become ``iot_gaps`` rows: opened when first seen, closed if a late redelivery
fills them. Ranges merge idempotently, so re-reading an overlap is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.iot.gaps import Range, SeqSet
from jingwu.iot.models import BootSequence, Cursor, DeadLetter, Device, Gap

SETTLE_MS = 10_000
OVERLAP_MS = 5_000
CURSOR = "sequences"

_ISLANDS = text(
    """
    SELECT device_id, boot, MIN(seq) AS lo, MAX(seq) AS hi FROM (
      SELECT device_id, boot, seq,
             seq - ROW_NUMBER() OVER (PARTITION BY device_id, boot ORDER BY seq) AS grp
      FROM (
        SELECT device_id, boot, seq FROM iot_readings
         WHERE received_ms >= :a AND received_ms < :b
        UNION
        SELECT device_id, boot, seq FROM iot_events
         WHERE received_ms >= :a AND received_ms < :b
        UNION
        SELECT device_id, boot, seq FROM iot_dead_letters
         WHERE received_ms >= :a AND received_ms < :b
           AND device_id IS NOT NULL AND boot IS NOT NULL AND seq IS NOT NULL
      ) s
    ) t GROUP BY device_id, boot, grp
    """
)


@dataclass
class LossRun:
    """What one pass of the loss detector saw."""

    boots: int = 0
    opened: int = 0
    closed: int = 0
    window: tuple[int, int] = (0, 0)


def cursor_position(session: Session, name: str, default: int) -> int:
    row = session.get(Cursor, name)
    return row.position_ms if row is not None else default


def set_cursor(session: Session, name: str, position_ms: int) -> None:
    """Move a job's cursor (insert it the first time)."""
    row = session.get(Cursor, name)
    if row is None:
        session.add(Cursor(name=name, position_ms=position_ms))
    else:
        row.position_ms = position_ms
    session.flush()


def _load(session: Session, keys: list[tuple[int, str]]) -> dict[tuple[int, str], BootSequence]:
    out: dict[tuple[int, str], BootSequence] = {}
    for k in range(0, len(keys), 500):
        chunk = keys[k : k + 500]
        stmt = select(BootSequence).where(
            tuple_(BootSequence.device_id, BootSequence.boot).in_(chunk)
        )
        out.update({(r.device_id, r.boot): r for r in session.scalars(stmt)})
    return out


def _sync_gaps(
    session: Session, device_id: int, boot: str, missing: list[Range], now: dt.datetime
) -> tuple[int, int]:
    open_rows = list(
        session.scalars(
            select(Gap).where(Gap.device_id == device_id, Gap.boot == boot, Gap.closed_at.is_(None))
        )
    )
    wanted = set(missing)
    have = {(g.seq_from, g.seq_to): g for g in open_rows}
    closed = 0
    for span, gap in have.items():
        if span not in wanted:
            gap.closed_at = now
            closed += 1
    opened = 0
    for lo, hi in sorted(wanted - set(have)):
        session.add(Gap(device_id=device_id, boot=boot, seq_from=lo, seq_to=hi, detected_at=now))
        opened += 1
    return opened, closed


def _merge(
    session: Session,
    islands: dict[tuple[int, str], list[Range]],
    *,
    now: dt.datetime,
    now_ms: int,
    run: LossRun,
) -> None:
    rows = _load(session, list(islands))
    for key, ranges in islands.items():
        row = rows.get(key)
        if row is None:
            row = BootSequence(device_id=key[0], boot=key[1], ranges="[]", first_ms=now_ms)
            row.stored = row.missing = row.duplicates = row.rejected = 0
            session.add(row)
        seen = SeqSet(tuple(r) for r in orjson.loads(row.ranges))
        before = seen.gaps()
        seen.merge_ranges(ranges)
        missing = seen.gaps()
        row.ranges = orjson.dumps(seen.ranges()).decode()
        row.stored = seen.count()
        row.missing = sum(hi - lo + 1 for lo, hi in missing)
        row.last_ms = now_ms
        if missing or before:
            opened, closed = _sync_gaps(session, key[0], key[1], missing, now)
            run.opened += opened
            run.closed += closed


def _rejected_counts(session: Session, keys: Iterable[tuple[int, str]]) -> None:
    keys = list(keys)
    for k in range(0, len(keys), 500):
        chunk = keys[k : k + 500]
        stmt = (
            select(DeadLetter.device_id, DeadLetter.boot, func.count())
            .where(tuple_(DeadLetter.device_id, DeadLetter.boot).in_(chunk))
            .group_by(DeadLetter.device_id, DeadLetter.boot)
        )
        for device_id, boot, n in session.execute(stmt):
            session.execute(
                update(BootSequence)
                .where(BootSequence.device_id == device_id, BootSequence.boot == boot)
                .values(rejected=n)
            )


def track_sequences(session: Session, *, now: dt.datetime, settle_ms: int = SETTLE_MS) -> LossRun:
    """Merge newly settled sequence numbers and update the gap list (the caller commits)."""
    now_ms = int(now.timestamp() * 1000)
    end = now_ms - settle_ms
    start = cursor_position(session, CURSOR, 0)
    run = LossRun(window=(start, end))
    if end <= start:
        return run
    islands: dict[tuple[int, str], list[Range]] = defaultdict(list)
    for device_id, boot, lo, hi in session.execute(
        _ISLANDS, {"a": max(0, start - OVERLAP_MS), "b": end}
    ):
        islands[(int(device_id), str(boot))].append((int(lo), int(hi)))
    run.boots = len(islands)
    _merge(session, islands, now=now, now_ms=now_ms, run=run)
    refused = session.execute(
        select(DeadLetter.device_id, DeadLetter.boot)
        .where(DeadLetter.received_ms >= start, DeadLetter.received_ms < end)
        .where(DeadLetter.device_id.is_not(None), DeadLetter.boot.is_not(None))
        .distinct()
    )
    _rejected_counts(session, [(d, b) for d, b in refused if d is not None and b is not None])
    set_cursor(session, CURSOR, end)
    session.flush()
    return run


@dataclass(frozen=True)
class GapRow:
    """An open or recently closed gap, for the loss report."""

    gap: Gap
    device_code: str
    device_id: int


def open_gaps(session: Session, principal: Principal, *, limit: int = 500) -> list[GapRow]:
    """Gaps still open in the principal's scope, newest first."""
    principal.require("iot.view")
    stmt = (
        select(Gap, Device.code, Device.id)
        .join(Device, Device.id == Gap.device_id)
        .where(Gap.closed_at.is_(None), in_scope(principal, Device.unit_id))
        .order_by(Gap.detected_at.desc(), Gap.id.desc())
        .limit(limit)
    )
    return [GapRow(g, code, i) for g, code, i in session.execute(stmt)]


@dataclass(frozen=True)
class LossTotals:
    """Totals over the boots of the principal's scope."""

    boots: int
    stored: int
    missing: int
    duplicates: int
    rejected: int


def loss_totals(session: Session, principal: Principal) -> LossTotals:
    """How many messages were accounted, missing, doubled (redelivered) and refused."""
    principal.require("iot.view")
    stmt = (
        select(
            func.count(),
            func.coalesce(func.sum(BootSequence.stored), 0),
            func.coalesce(func.sum(BootSequence.missing), 0),
            func.coalesce(func.sum(BootSequence.duplicates), 0),
            func.coalesce(func.sum(BootSequence.rejected), 0),
        )
        .join(Device, Device.id == BootSequence.device_id)
        .where(in_scope(principal, Device.unit_id))
    )
    n, stored, missing, dups, rejected = session.execute(stmt).one()
    return LossTotals(int(n), int(stored), int(missing), int(dups), int(rejected))
