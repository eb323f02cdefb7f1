"""Server-sent events: a consultation's new lines, as they arrive.

Each stream waits on the in-process :mod:`jingwu.consult.broker` (no thread held while
idle; its poller notices lines written by other processes), reads the lines after the last
one sent in a short read transaction of its own (a worker thread), and sends them as
``event: message`` with the line's number as the event id, so that a reconnecting
``EventSource`` resumes after ``Last-Event-ID``. A comment line every :data:`KEEPALIVE_S`
keeps proxies from closing an idle stream.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import anyio.to_thread
import orjson

from jingwu.consult.broker import BROKER, SeqReader

KEEPALIVE_S = 15.0
# A line of the stream: (seq, payload) and whether the consultation has ended.
Loader = Callable[[int], tuple[list[tuple[int, dict[str, Any]]], bool]]


def frame(seq: int, payload: dict[str, Any]) -> bytes:
    return b"id: %d\nevent: message\ndata: " % seq + orjson.dumps(payload) + b"\n\n"


async def events(
    key: int, load: Loader, *, after: int, counters: SeqReader
) -> AsyncIterator[bytes]:
    """The stream of consultation ``key`` after line ``after``, until it ends."""
    last = after
    yield b"retry: 1000\n\n"
    quiet_since = time.monotonic()
    while True:
        with BROKER.listen(key, last) as woken:
            BROKER.ensure_poller(counters)  # cheap when it runs already
            lines, ended = await anyio.to_thread.run_sync(load, last)
            for seq, payload in lines:
                yield frame(seq, payload)
                last = seq
            if ended:
                yield b"event: end\ndata: {}\n\n"
                return
            if lines:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > KEEPALIVE_S:
                yield b": keepalive\n\n"
                quiet_since = time.monotonic()
            with anyio.move_on_after(KEEPALIVE_S):
                await woken.wait()


def last_event_id(header: str | None, after: int) -> int:
    """Where to resume: the ``Last-Event-ID`` header of a reconnect, else ``after``."""
    if header and header.isdigit():
        return max(int(header), after)
    return after
