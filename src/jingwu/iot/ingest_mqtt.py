"""The MQTT ingester: gmqtt connections on the shared subscription, PUBACK after COMMIT.

Each worker opens ``JINGWU_IOT_CONNECTIONS`` connections with fixed client ids and a
persistent session (clean session off), subscribed with QoS 1 to the shared subscription,
so the broker keeps queueing for a worker that is down and splits traffic between workers.

A message is acknowledged only after the transaction holding it has committed: a worker
killed at any instant loses nothing (the broker redelivers what was not acknowledged) and
doubles nothing (the store skips rows it already has). gmqtt would acknowledge as soon as
its callback returns, or run a task per message to defer it, which halves throughput; the
ingester therefore takes each QoS 1 PUBLISH with its packet id through gmqtt's handler hook
and sends the PUBACKs itself, in arrival order, once the batch is stored. An acknowledgement
is only sent on the connection that received the message (the ``epoch``): after a reconnect
the broker redelivers instead.

Messages are decoded and their rules evaluated as they arrive (event-loop thread); batches
are written by one writer thread, so the next batch fills while the last one commits. A
batch is written when it holds ``JINGWU_IOT_BATCH_SIZE`` messages, ``JINGWU_IOT_BATCH_MS``
after its first message, or at once when it holds an alarm-class event (the fast path).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import orjson
from gmqtt import Client
from gmqtt.mqtt.constants import MQTTv311

from jingwu.iot.ingest import Batch
from jingwu.iot.ingest_stats import IngestStats
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.settings import MqttTarget
from jingwu.iot.store import Outcome
from jingwu.iot.topics import SHARED_SUBSCRIPTION

log = logging.getLogger("jingwu.iot.mqtt")

STATS_EVERY_S = 10.0
PUBACK = [b"\x40\x02" + mid.to_bytes(2, "big") for mid in range(65536)]  # MQTT 3.1.1


class _Link:
    """One broker connection and the epoch that tells stale acknowledgements apart."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.epoch = 0
        self.connected = False


class MqttIngester:
    """Receives device messages and stores them in batches."""

    def __init__(
        self,
        pipeline: Pipeline,
        target: MqttTarget,
        *,
        client_id: str,
        connections: int = 2,
        batch_size: int = 2000,
        batch_ms: int = 100,
        stats_file: str | None = None,
        subscription: str = SHARED_SUBSCRIPTION,
    ) -> None:
        self.pipeline = pipeline
        self.target = target
        self.client_id = client_id
        self.n_links = connections
        self.batch_size = batch_size
        self.batch_s = batch_ms / 1000
        self.stats = IngestStats()
        self.stats_file = stats_file
        self.subscription = subscription
        self.links: list[_Link] = []
        self.batch = Batch()
        self._wake: asyncio.Event | None = None
        self._stopping = False
        # Messages held while a batch commits; beyond this the sockets stop being read, so a
        # backlog of millions (a worker back after an outage) waits in the broker, not here.
        self.max_pending = max(5 * batch_size, 10_000)
        self._paused = False
        self._writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="iot-writer")

    # --- receiving -------------------------------------------------------------------

    def _receive(self, link: _Link, mid: int | None, topic: str, payload: bytes) -> None:
        if self._stopping:
            return  # not acknowledged: the broker delivers it again when this worker returns
        now = self.pipeline.clock()
        batch = self.batch
        self.pipeline.feed(batch, topic, payload, now)
        self.stats.messages += 1
        if mid is not None:
            batch.acks.append((link, link.epoch, mid))
        pending = len(batch.acks)
        if (batch.alarm or pending >= self.batch_size) and self._wake is not None:
            self._wake.set()
        if pending >= self.max_pending and not self._paused:
            self._pause(True)

    def _pause(self, on: bool) -> None:
        self._paused = on
        for link in self.links:
            transport = getattr(getattr(link.client, "_connection", None), "_transport", None)
            if transport is None or transport.is_closing():
                continue
            if on:
                transport.pause_reading()
            else:
                transport.resume_reading()

    def _make_link(self, index: int) -> _Link:
        client = Client(
            f"{self.client_id}-{index}", clean_session=False, optimistic_acknowledgement=False
        )
        link = _Link(client)
        if self.target.username:
            client.set_auth_credentials(self.target.username, self.target.password)
        handler = client._package_handler

        def on_qos1(mid: int, packet: bytes, topic: str, _props: object) -> None:
            self._receive(link, mid, topic, packet)

        # gmqtt looks this method up on the instance at every PUBLISH (see module docstring)
        handler._handle_qos_1_publish_packet = on_qos1

        def on_qos0(_c: object, topic: str, payload: bytes, _qos: int, _p: object) -> None:
            self._receive(link, None, topic, payload)

        def on_connect(_c: object, _flags: object, _rc: object, _p: object) -> None:
            link.epoch += 1
            link.connected = True
            client.subscribe(self.subscription, qos=1)
            log.info("connected %s (epoch %d)", self.client_id, link.epoch)

        def on_subscribe(_c: object, _mid: object, _qos: object, _p: object) -> None:
            log.info("subscribed %s-%d to %s", self.client_id, index, self.subscription)

        def on_disconnect(_c: object, _packet: object, _exc: object = None) -> None:
            link.connected = False

        client.on_message = on_qos0
        client.on_connect = on_connect
        client.on_disconnect = on_disconnect
        client.on_subscribe = on_subscribe
        return link

    async def _connect(self, link: _Link, stop: threading.Event) -> None:
        delay = 0.5
        while not stop.is_set():
            try:
                await link.client.connect(
                    self.target.host,
                    self.target.port,
                    ssl=self.target.tls,
                    version=MQTTv311,
                    keepalive=30,
                )
                return
            except Exception as exc:  # the broker may be down: keep trying
                log.warning("cannot connect to %s:%d: %s", self.target.host, self.target.port, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    # --- writing ---------------------------------------------------------------------

    def _commit(self, batch: Batch, stop: threading.Event) -> Outcome | None:
        """Store the batch, retrying transient failures; None if stopped before it stuck."""
        delay = 0.2
        while True:
            try:
                out = self.pipeline.commit(batch)
            except Exception:
                self.stats.failures += 1
                log.exception("batch of %d messages not stored; retrying", len(batch))
                if stop.wait(delay):
                    return None
                delay = min(delay * 2, 10.0)
                continue
            self._refresh()
            return out

    def _account(self, batch: Batch, out: Outcome) -> None:
        s = self.stats
        s.batches += 1
        s.stored += out.stored
        s.events += out.events
        s.duplicates += out.duplicates
        s.refused += out.refused
        s.alerts += len(out.alerts)
        done_ms = int(time.time() * 1000)
        add = s.stored_latency.add
        for row in batch.readings:
            add(done_ms - row[1])
        if out.alerts:
            for c in batch.candidates:
                if c.source == "event" and c.observed_ms is not None:
                    s.alert_latency.add(done_ms - c.observed_ms)

    def _acknowledge(self, batch: Batch) -> None:
        # One write of all PUBACKs per connection: gmqtt's own path builds and writes each
        # acknowledgement separately, a system call per message.
        out: dict[int, tuple[_Link, list[bytes]]] = {}
        for link, epoch, mid in batch.acks:
            if link.epoch == epoch and link.connected:
                out.setdefault(id(link), (link, []))[1].append(PUBACK[mid])
        for link, packets in out.values():
            transport = getattr(getattr(link.client, "_connection", None), "_transport", None)
            if transport is not None and not transport.is_closing():
                transport.write(b"".join(packets))

    async def _wait(self, timeout: float) -> None:
        assert self._wake is not None
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(timeout, 0.001))

    def _age_s(self) -> float:
        return time.time() - self.batch.first_ms / 1000

    def _due(self) -> bool:
        b = self.batch
        if b.alarm or self._stopping or len(b.acks) >= self.batch_size:
            return True
        return self._age_s() >= self.batch_s

    async def _flush_loop(self, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        last_stats = time.monotonic()
        while True:
            if not len(self.batch):
                if self._stopping:
                    return
                await self._wait(0.5)
                await loop.run_in_executor(self._writer, self._refresh)
                continue
            if not self._due():
                await self._wait(self.batch_s - self._age_s())
                continue
            batch, self.batch = self.batch, Batch()
            if self._paused:
                self._pause(False)
            out = await loop.run_in_executor(self._writer, self._commit, batch, stop)
            if out is None:
                return  # stopping: the broker will redeliver what was not acknowledged
            self._account(batch, out)
            self._acknowledge(batch)
            if time.monotonic() - last_stats >= STATS_EVERY_S:
                last_stats = time.monotonic()
                self._report()

    def _refresh(self) -> None:
        try:
            self.pipeline.maybe_refresh()
        except Exception:  # a refresh can wait; ingestion must go on
            log.exception("could not refresh the device registry or the rules")

    def _report(self) -> None:
        summary = self.stats.summary()
        log.info("ingest %s", orjson.dumps(summary).decode())
        if self.stats_file:
            with open(self.stats_file, "wb") as fh:  # noqa: PTH123 - a plain overwrite
                fh.write(orjson.dumps(self.stats.dump()))

    async def run(self, stop: threading.Event) -> None:
        """Connect, ingest until ``stop`` is set, store what is in hand, disconnect."""
        self._wake = asyncio.Event()
        await asyncio.get_running_loop().run_in_executor(self._writer, self.pipeline.start)
        self.links = [self._make_link(k) for k in range(self.n_links)]
        for link in self.links:
            await self._connect(link, stop)
        flusher = asyncio.ensure_future(self._flush_loop(stop))
        while not stop.is_set() and not flusher.done():
            await asyncio.sleep(0.2)
        self._stopping = True
        self._wake.set()
        await flusher
        self._report()
        for link in self.links:
            try:
                await asyncio.wait_for(link.client.disconnect(), timeout=2)
            except Exception:  # the broker may be gone already
                log.debug("disconnect failed", exc_info=True)
        self._writer.shutdown(wait=True)


def run_loop(main: Callable[[], Any]) -> None:
    """Run a coroutine function on uvloop when available (faster packet handling)."""
    try:
        import uvloop  # noqa: PLC0415 - optional speed-up

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())
