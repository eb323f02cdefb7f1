"""The streams' wake-ups: a publish wakes the consultation's listeners only; the poller
wakes them when another process moved the line counter, with one read for all streams."""

from __future__ import annotations

import asyncio

import pytest

from jingwu.consult import broker
from jingwu.consult.broker import Broker


def test_publish_wakes_the_listeners_of_that_consultation_only() -> None:
    async def run() -> None:
        b = Broker()
        with b.listen(1) as one, b.listen(2) as two:
            b.publish(1)
            assert one.is_set() and not two.is_set()
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
            assert not one.is_set() and not two.is_set()  # nothing new
            counters[1] = 4  # a line written elsewhere
            await asyncio.wait_for(one.wait(), 5)
            assert not two.is_set()
        await asyncio.sleep(0.05)  # no stream left: the poller ends

    asyncio.run(run())
    assert reads and all(r == [1, 2] for r in reads)  # one read for both streams
