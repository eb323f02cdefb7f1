"""A held write lock stalls no other request: reads, health checks and refusals are served,
and the refusal's audit record is written once the lock is free."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select, text

from jingwu.audit.models import AuditEntry
from jingwu.db import Database
from jingwu.security import keys
from tests.web.live import live_world, together

PATIENCE_S = 120.0  # generous: polls end as soon as the condition holds


@contextmanager
def write_lock_held(db: Database) -> Iterator[None]:
    """Another thread holds a write transaction (and so the write lock, or on PostgreSQL a lock
    that makes writers of the audit log wait) until the block ends."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.unit_of_work() as session:
            session.execute(text("UPDATE units SET name = name"))  # SQLite: the write lock
            if not db.is_sqlite:  # PostgreSQL: writers of the audit log wait (readers not)
                session.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
            holding.set()
            release.wait(PATIENCE_S)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(PATIENCE_S)
    try:
        yield
    finally:
        release.set()
        holder.join(PATIENCE_S)


def _denials(db: Database) -> int:
    with db.unit_of_work(write=False) as s:
        q = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "access.denied")
        return s.scalar(q) or 0


def test_health_and_a_404_are_served_while_another_request_holds_the_write_lock(
    tmp_path: Path, keyring: keys.Keyring
) -> None:
    with live_world(tmp_path, keyring, "freeze") as live, live.client() as client:
        answers: dict[str, int] = {}

        def unknown_order() -> None:
            path = "/api/v1/work-orders/SA01-20990101-0001"
            r = client.get(path, headers=live.headers("officer"))
            answers["404"] = r.status_code

        def health() -> None:
            answers["healthz"] = client.get("/healthz").status_code

        with write_lock_held(live.db):
            together(unknown_order, health, unknown_order)
            assert answers == {"404": 404, "healthz": 200}
            assert _denials(live.db) == 0  # the record waits for the lock, not the answer
        deadline = time.monotonic() + PATIENCE_S
        while _denials(live.db) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _denials(live.db) == 2
