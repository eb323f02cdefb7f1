"""The streams' wake-ups: a publish wakes the consultation's listeners only; the poller
wakes them when another process moved the line counter, with one read for all streams."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from jingwu.consult import broker
from jingwu.consult.broker import BROKER, Broker, Line
from jingwu.consult.stream import events


def test_publish_wakes_the_listeners_of_that_consultation_only() -> None:
    async def run() -> None:
        b = Broker()
        with b.listen(1) as one, b.listen(2) as two:
            b.publish(1)
            assert one.event.is_set() and not two.event.is_set()
        assert b.listeners(1) == 0 and b.listeners(2) == 0

    asyncio.run(run())


def test_the_poller_wakes_a_stream_when_another_process_wrote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(broker, "POLL_S", 0.01)
    counters = {1: 3, 2: 5}
    reads: list[list[int]] = []

    def read(ids: list[int]) -> dict[int, int]:
        reads.append(sorted(ids))
        return {i: counters[i] for i in ids}

    async def run() -> None:
        b = Broker()
        with b.listen(1, 3) as one, b.listen(2, 5) as two:
            b.ensure_poller(read)
            b.ensure_poller(read)  # one poller per loop
            await asyncio.sleep(0.05)
            assert not one.event.is_set() and not two.event.is_set()  # nothing new
            counters[1] = 4  # a line written elsewhere
            await asyncio.wait_for(one.event.wait(), 5)
            assert not two.event.is_set() and one.inbox == []  # read the database
        await asyncio.sleep(0.05)  # no stream left: the poller ends

    asyncio.run(run())
    assert reads and all(r == [1, 2] for r in reads)  # one read for both streams


def _line(seq: int, sender: str = "citizen", body: str = "x") -> Line:
    return Line(seq, sender, body, dt.datetime(2026, 12, 7, tzinfo=dt.UTC))


def test_a_stream_sends_published_lines_from_memory_and_reads_only_on_a_gap() -> None:
    reads: list[int] = []
    stored = [_line(1, "system", "opened"), _line(2), _line(3, "note"), _line(4)]

    def load(after: int) -> tuple[list[Line], int, bool]:
        reads.append(after)
        closed = stored[-1].sender == "system" and stored[-1].body == "closed"
        return [ln for ln in stored if ln.seq > after], stored[-1].seq, closed

    def render(line: Line) -> dict[str, Any] | None:
        return None if line.sender == "note" else {"seq": line.seq}

    async def run() -> list[bytes]:
        got: list[bytes] = []
        stream = events(9, load=load, render=render, after=0, counters=lambda ids: {})
        got.append(await anext(stream))  # retry
        for _ in range(3):  # 1, 2, 4 (the note is not this side's)
            got.append(await anext(stream))
        nxt = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.01)
        BROKER.publish(9, _line(5))  # in hand: no read
        got.append(await asyncio.wait_for(nxt, 5))
        nxt = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.01)
        stored.extend([_line(6), _line(7, "system", "closed")])
        BROKER.publish(9, _line(7, "system", "closed"))  # 6 missing: a read
        got.append(await asyncio.wait_for(nxt, 5))
        got += [chunk async for chunk in stream]
        return got

    out = asyncio.run(run())
    ids = [int(c.split(b"\n")[0][4:]) for c in out if c.startswith(b"id: ")]
    assert ids == [1, 2, 4, 5, 6, 7]
    assert out[-1].startswith(b"event: end")
    assert reads == [0, 5]  # the start, then the gap only
