"""Audit records of refused requests (403, 404), written off the event loop.

The error handlers run on the event loop, where a database write would stop every other
request while it waits for the write lock (on SQLite, behind every writer in the queue). So
a refusal is handed to one background thread that writes the records in short
transactions of their own; the handler waits for its record a moment at most (so it is
normally stored before the answer is sent) and answers anyway. A record that cannot be
written is logged with its content, never dropped in silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.db import Database

log = logging.getLogger("jingwu.audit")

WAIT_S = 1.0  # how long a refused request waits for its record before answering anyway
BATCH = 200  # records written in one transaction at most
CAPACITY = 10_000  # records waiting at most; past that they are logged instead


@dataclass
class Denial:
    """One refused request, as the audit log records it."""

    principal: Principal | None
    object_id: str
    ip: str
    detail: dict[str, Any]
    at: dt.datetime
    done: Future[None] = field(default_factory=Future, repr=False)


class DenialWriter:
    """A queue of denials and the daemon thread that writes them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._queue: queue.Queue[Denial | None] = queue.Queue(CAPACITY)
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def submit(self, denial: Denial) -> Future[None]:
        """Queue a record (never blocks); a full queue logs it at once instead."""
        self._start()
        try:
            self._queue.put_nowait(denial)
        except queue.Full:
            _lost(denial, "the queue of audit records is full")
            denial.done.set_result(None)
        return denial.done

    async def record(self, denial: Denial, wait: float = WAIT_S) -> None:
        """Queue a record and give it up to ``wait`` seconds to be stored."""
        done = asyncio.wrap_future(self.submit(denial))
        # Past the wait it is still queued: the writer stores it (or logs it) later.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(done), wait)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued (for ``timeout`` seconds at most) and stop the thread."""
        with self._guard:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)
        if thread.is_alive():
            log.error("audit records of refusals still queued at shutdown: %d", self._queue.qsize())

    def _start(self) -> None:
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="jingwu-denial-audit", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(more)
            self._write(batch)

    def _write(self, batch: list[Denial]) -> None:
        try:
            with self.db.unit_of_work() as session:
                for d in batch:
                    audit.record(
                        session,
                        principal=d.principal,
                        action="access.denied",
                        object_type="request",
                        object_id=d.object_id,
                        outcome="denied",
                        ip=d.ip,
                        detail=d.detail,
                        now=d.at,
                    )
        except Exception as exc:  # logged with every record it concerns
            for d in batch:
                _lost(d, f"{type(exc).__name__}: {exc}")
        for d in batch:
            d.done.set_result(None)


def _lost(denial: Denial, reason: str) -> None:
    who = denial.principal.username if denial.principal else "-"
    log.error(
        "audit record not written (%s): access.denied by %s from %s on %s at %s %s",
        reason,
        who,
        denial.ip,
        denial.object_id,
        denial.at.isoformat(),
        denial.detail,
    )
