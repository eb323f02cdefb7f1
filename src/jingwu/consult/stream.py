"""Server-sent events: a consultation's new lines, as they arrive.

Each stream waits on the in-process :mod:`jingwu.consult.broker` (no thread held while
idle). It reads the database when it starts, and when woken without the next line in hand
(a line written by another process, found by the broker's poller); otherwise the lines
published in this process are sent straight from memory. Each is sent as
``event: message`` with the line's number as the event id, so that a reconnecting
``EventSource`` resumes after ``Last-Event-ID``. A comment line every :data:`KEEPALIVE_S`
keeps proxies from closing an idle stream.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import anyio.to_thread
import orjson

from jingwu.consult.broker import BROKER, Line, SeqReader

KEEPALIVE_S = 15.0
CLOSED_LINE = ("system", "closed")  # the last line of a consultation
# after -> (the lines after it, the consultation's line counter, closed?)
Loader = Callable[[int], tuple[list[Line], int, bool]]
# a line -> what to send, or None for a line this side does not see
Render = Callable[[Line], dict[str, Any] | None]


def frame(seq: int, payload: dict[str, Any]) -> bytes:
    return b"id: %d\nevent: message\ndata: " % seq + orjson.dumps(payload) + b"\n\n"


def _next_in_hand(lines: list[Line], last: int) -> list[Line] | None:
    """The lines after ``last`` if they follow it without a gap, else None."""
    fresh = sorted((ln for ln in lines if ln.seq > last), key=lambda ln: ln.seq)
    if not fresh:
        return []
    if fresh[0].seq != last + 1:
        return None
    if any(b.seq != a.seq + 1 for a, b in itertools.pairwise(fresh)):
        return None
    return fresh


async def events(
    key: int, *, load: Loader, render: Render, after: int, counters: SeqReader
) -> AsyncIterator[bytes]:
    """The stream of consultation ``key`` after line ``after``, until it ends."""
    yield b"retry: 1000\n\n"
    with BROKER.listen(key, after) as listener:
        last, read = after, True
        while True:
            BROKER.ensure_poller(counters)  # cheap when it runs already
            if read:
                listener.take()  # what arrives from now on is checked against the read
                lines, last, ended = await anyio.to_thread.run_sync(load, last)
            else:
                in_hand = _next_in_hand(listener.take(), last)
                if in_hand is None:
                    read = True
                    continue
                lines, last = in_hand, in_hand[-1].seq if in_hand else last
                ended = any((ln.sender, ln.body) == CLOSED_LINE for ln in in_hand)
            BROKER.saw(key, last)
            for line in lines:
                payload = render(line)
                if payload is not None:
                    yield frame(line.seq, payload)
            if ended:
                yield b"event: end\ndata: {}\n\n"
                return
            while True:
                with anyio.move_on_after(KEEPALIVE_S) as idle:
                    await listener.event.wait()
                if not idle.cancelled_caught:
                    break
                yield b": keepalive\n\n"
            read = not listener.inbox  # woken by the poller: nothing in hand


def last_event_id(header: str | None, after: int) -> int:
    """Where to resume: the ``Last-Event-ID`` header of a reconnect, else ``after``."""
    if header and header.isdigit():
        return max(int(header), after)
    return after
