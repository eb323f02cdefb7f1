"""Wake-ups for the live streams of one process (asyncio, no framework).

A POST that adds a message publishes the consultation's id once its transaction has
committed; every stream of that consultation waiting in this process wakes and reads the
new lines from the database. Streams of other processes (``jingwu serve --workers N``)
find them at their next fallback poll (:data:`FALLBACK_S`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

FALLBACK_S = 2.0  # a stream re-reads at least this often, woken or not


class Broker:
    def __init__(self) -> None:
        self._waiting: dict[int, set[asyncio.Event]] = {}

    @contextmanager
    def listen(self, key: int) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self._waiting.setdefault(key, set()).add(event)
        try:
            yield event
        finally:
            waiting = self._waiting.get(key)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._waiting[key]

    def publish(self, key: int) -> None:
        """Wake the streams of ``key`` (call on the event loop)."""
        for event in self._waiting.get(key, ()):
            event.set()

    def listeners(self, key: int) -> int:
        return len(self._waiting.get(key, ()))


BROKER = Broker()
