"""Write transactions for the sequencer that win SQLite's write lock promptly.

SQLite has one write lock. A writer that finds it taken waits in SQLite's busy handler,
which sleeps in growing steps (1, 2, 5, … 100 ms) and so misses the short gaps between
the transactions of a busy recorder: the sequencer could starve for seconds. Here the
sequencer instead polls ``BEGIN IMMEDIATE`` every millisecond without the busy handler,
then restores it. PostgreSQL needs none of this (the advisory lock queues fairly).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jingwu.db import Database

POLL_SECONDS = 0.001
TIMEOUT_SECONDS = 30.0
BUSY_TIMEOUT_MS = 30_000


@contextmanager
def write_session(db: Database, *, timeout: float = TIMEOUT_SECONDS) -> Iterator[Session]:
    """A write transaction like ``db.unit_of_work()``, committed on success."""
    customised = type(db).unit_of_work is not Database.unit_of_work
    if not db.is_sqlite or customised:  # a test harness's database keeps its own rules
        with db.unit_of_work() as session:
            yield session
        return
    with db.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA busy_timeout=0")
        try:
            _begin_immediate(conn, timeout)
        finally:
            driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        with Session(bind=conn) as session:
            try:
                yield session
                session.flush()
                conn.commit()
            except BaseException:
                session.rollback()
                conn.rollback()
                raise


def _begin_immediate(conn: Connection, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    conn.execution_options(sqlite_begin="IMMEDIATE")
    while True:
        try:
            conn.begin()
            return
        except OperationalError as exc:
            conn.rollback()
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(POLL_SECONDS)
