"""Wake-ups for the live streams of one process (asyncio, no framework).

A POST that adds a message publishes it, once its transaction has committed, to every
stream of that consultation waiting in this process: the line itself travels in memory,
so a stream sends it without reading the database. For lines written by another process
(``jingwu serve --workers N``) one poller per process reads the line counters of every
consultation that has a stream here, in one query every :data:`POLL_S`, and wakes the
streams whose counter moved past what this process has seen; those read the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import anyio.to_thread

POLL_S = 1.0
# (consultation ids) -> {id: its line counter}; runs in a worker thread
SeqReader = Callable[[list[int]], dict[int, int]]


class Line(NamedTuple):
    """A message as the streams need it (the body in clear: memory only, never stored so)."""

    seq: int
    sender: str
    body: str
    sent_at: dt.datetime


class Listener:
    """One stream's wake-up and the lines published to it since it last looked."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.inbox: list[Line] = []

    def take(self) -> list[Line]:
        lines, self.inbox = self.inbox, []
        self.event.clear()
        return lines


class Broker:
    def __init__(self) -> None:
        self._waiting: dict[int, set[Listener]] = {}
        self._seen: dict[int, int] = {}
        self._poller: asyncio.Task[None] | None = None

    @contextmanager
    def listen(self, key: int, seq: int = 0) -> Iterator[Listener]:
        listener = Listener()
        self._waiting.setdefault(key, set()).add(listener)
        self.saw(key, seq)
        try:
            yield listener
        finally:
            waiting = self._waiting.get(key)
            if waiting is not None:
                waiting.discard(listener)
                if not waiting:
                    del self._waiting[key]
                    self._seen.pop(key, None)

    def saw(self, key: int, seq: int) -> None:
        """This process knows the consultation's lines up to ``seq``."""
        if key in self._waiting:
            self._seen[key] = max(seq, self._seen.get(key, 0))

    def publish(self, key: int, line: Line | None = None) -> None:
        """Wake the streams of ``key``, handing them ``line`` (call on the event loop)."""
        if line is not None:
            self.saw(key, line.seq)
        for listener in self._waiting.get(key, ()):
            if line is not None:
                listener.inbox.append(line)
            listener.event.set()

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
                    self.publish(key)  # no line: the streams read the database
                self.saw(key, seq)


BROKER = Broker()
