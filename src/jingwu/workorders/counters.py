"""Order sequence numbers: one counter row per station and local day, bumped atomically.

``INSERT … ON CONFLICT (unit_id, day) DO UPDATE SET last_seq = last_seq + 1 RETURNING
last_seq`` is one statement on both databases: the row lock (PostgreSQL) or the write lock
(SQLite) makes concurrent intakes queue on the counter, never read the same value, and a
rolled-back intake gives its number back with the rest of its transaction. ``max(seq) + 1``
over the orders would hand the same number to two concurrent transactions.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.bulk import upsert as dialect_insert
from jingwu.workorders.models import DayCounter


def next_sequence(session: Session, *, unit_id: int, day: dt.date) -> int:
    """The next sequence number of ``unit_id`` on local ``day`` (1 for the first order)."""
    upsert = (
        dialect_insert(session)(DayCounter)
        .values(unit_id=unit_id, day=day, last_seq=1)
        .on_conflict_do_update(
            index_elements=[DayCounter.unit_id, DayCounter.day],
            set_={"last_seq": DayCounter.last_seq + 1},
        )
        .returning(DayCounter.last_seq)
    )
    value = session.execute(upsert).scalar_one()
    return int(value)
