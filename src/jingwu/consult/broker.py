"""Wake-ups for the live streams of one process (asyncio, no framework).

A POST that adds a message publishes the consultation's id once its transaction has
committed; every stream of that consultation waiting in this process wakes and reads the
new lines from the database. For lines written by another process (``jingwu serve
--workers N``) one poller per process reads the line counters of every consultation that
has a stream here, in one query every :data:`POLL_S`, and wakes the streams whose counter
moved: one query a second per process, however many streams are open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import anyio.to_thread

POLL_S = 1.0
# (consultation ids) -> {id: its line counter}; runs in a worker thread
SeqReader = Callable[[list[int]], dict[int, int]]


class Broker:
    def __init__(self) -> None:
        self._waiting: dict[int, set[asyncio.Event]] = {}
        self._seen: dict[int, int] = {}
        self._poller: asyncio.Task[None] | None = None

    @contextmanager
    def listen(self, key: int, seq: int | None = None) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self._waiting.setdefault(key, set()).add(event)
        if seq is not None:
            self._seen[key] = max(seq, self._seen.get(key, 0))
        try:
            yield event
        finally:
            waiting = self._waiting.get(key)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._waiting[key]
                    self._seen.pop(key, None)

    def publish(self, key: int) -> None:
        """Wake the streams of ``key`` (call on the event loop)."""
        for event in self._waiting.get(key, ()):
            event.set()

    def listeners(self, key: int) -> int:
        return len(self._waiting.get(key, ()))

    def ensure_poller(self, read: SeqReader) -> None:
        """Start this loop's poller unless it runs (it ends when no stream is left)."""
        running = self._poller is not None and not self._poller.done()
        if running and self._poller.get_loop() is asyncio.get_running_loop():  # type: ignore[union-attr]
            return
        self._poller = asyncio.get_running_loop().create_task(self._poll(read))

    async def _poll(self, read: SeqReader) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            keys = list(self._waiting)
            if not keys:
                return
            counters = await anyio.to_thread.run_sync(read, keys)
            for key, seq in counters.items():
                if seq > self._seen.get(key, seq):
                    self.publish(key)
                if key in self._waiting:
                    self._seen[key] = max(seq, self._seen.get(key, 0))


BROKER = Broker()
