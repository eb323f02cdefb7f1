"""The MQTT ingester: gmqtt connections on shared subscriptions, PUBACK after COMMIT.

Each worker opens one connection for events and status messages and
``JINGWU_IOT_CONNECTIONS`` connections for telemetry, all with fixed client ids and a
persistent session (clean session off), subscribed with QoS 1 to the shared subscriptions
``$share/<group>/jingwu/v1/+/+/event`` (and ``/status``) and ``.../telemetry``, so the broker
keeps queueing for a worker that is down and splits the traffic between workers. Events get
their own connection, queue and batch (the *urgent* lane): an alarm never waits behind a
backlog of readings in the broker or in the worker.

A message is acknowledged only after the transaction holding it has committed: a worker
killed at any instant loses nothing (the broker redelivers what was not acknowledged) and
doubles nothing (the store skips rows it already has). gmqtt would acknowledge as soon as
its callback returns, or run a task per message to defer it, which halves throughput; the
ingester therefore takes each QoS 1 PUBLISH with its packet id through gmqtt's handler hook
and writes the PUBACKs itself, in arrival order, once the batch is stored. An
acknowledgement is only sent on the connection that received the message (the ``epoch``):
after a reconnect the broker redelivers instead.

Messages are decoded and their rules evaluated as they arrive (event-loop thread); batches
are written by one writer thread, so the next batch fills while the last one commits. A
telemetry batch is written when it holds ``JINGWU_IOT_BATCH_SIZE`` messages or
``JINGWU_IOT_BATCH_MS`` after its first message; an urgent batch at once when it holds an
alarm-class event, and always before the next telemetry batch.
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
from gmqtt import Client, Subscription
from gmqtt.mqtt.constants import MQTTv311

from jingwu.iot.ingest import Batch
from jingwu.iot.ingest_stats import IngestStats
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.settings import MqttTarget
from jingwu.iot.store import Outcome
from jingwu.iot.topics import ALL_DEVICES_FILTER, SHARE_GROUP, TOPIC_PREFIX

log = logging.getLogger("jingwu.iot.mqtt")

STATS_EVERY_S = 10.0
PUBACK = [b"\x40\x02" + mid.to_bytes(2, "big") for mid in range(65536)]  # MQTT 3.1.1


class _Lane:
    """One kind of traffic (telemetry, or events and status) and the batch it is filling."""

    def __init__(self, name: str, channels: tuple[str, ...], *, urgent: bool) -> None:
        self.name = name
        self.channels = channels
        self.urgent = urgent
        self.batch = Batch()
        self.wake: asyncio.Event | None = None
        # each lane commits in a thread (and database connection) of its own, so an alarm's
        # batch does not wait for a large batch of readings to commit
        self.writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"iot-{name}")

    def filters(self, group: str) -> list[str]:
        return [f"$share/{group}/{TOPIC_PREFIX}/+/+/{c}" for c in self.channels]


class _Link:
    """One broker connection and the epoch that tells stale acknowledgements apart."""

    def __init__(self, client: Any, lane: _Lane, name: str) -> None:
        self.client = client
        self.lane = lane
        self.name = name
        self.epoch = 0
        self.connected = False

    @property
    def transport(self) -> Any:
        transport = getattr(getattr(self.client, "_connection", None), "_transport", None)
        return None if transport is None or transport.is_closing() else transport


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
        share_group: str = SHARE_GROUP,
    ) -> None:
        self.pipeline = pipeline
        self.target = target
        self.client_id = client_id
        self.n_links = connections
        self.batch_size = batch_size
        self.batch_s = batch_ms / 1000
        self.stats = IngestStats()
        self.stats_file = stats_file
        self.share_group = share_group
        self.urgent = _Lane("events", ("event", "status"), urgent=True)
        self.telemetry = _Lane("telemetry", ("telemetry",), urgent=False)
        self.links: list[_Link] = []
        self._stopping = False
        # Readings held while a batch commits; beyond this the telemetry sockets are not read,
        # so a backlog of millions (a worker back after an outage) waits in the broker.
        self.max_pending = max(5 * batch_size, 10_000)
        self._paused = False

    # --- receiving -------------------------------------------------------------------

    def _receive(self, link: _Link, mid: int | None, topic: str, payload: bytes) -> None:
        if self._stopping:
            return  # not acknowledged: the broker delivers it again when this worker returns
        lane = link.lane
        batch = lane.batch
        self.pipeline.feed(batch, topic, payload, self.pipeline.clock())
        self.stats.messages += 1
        if mid is not None:
            batch.acks.append((link, link.epoch, mid))
        if lane.urgent:
            if batch.alarm and lane.wake is not None:
                lane.wake.set()
            return
        pending = len(batch.acks)
        if pending >= self.batch_size and lane.wake is not None:
            lane.wake.set()
        if pending >= self.max_pending and not self._paused:
            self._pause(True)

    def _pause(self, on: bool) -> None:
        self._paused = on
        for link in self.links:
            if link.lane is self.telemetry and link.transport is not None:
                if on:
                    link.transport.pause_reading()
                else:
                    link.transport.resume_reading()

    def _make_link(self, lane: _Lane, index: int) -> _Link:
        name = f"{self.client_id}-{index}"
        client = Client(name, clean_session=False, optimistic_acknowledgement=False)
        link = _Link(client, lane, name)
        if self.target.username:
            client.set_auth_credentials(self.target.username, self.target.password)

        def on_qos1(mid: int, packet: bytes, topic: str, _props: object) -> None:
            self._receive(link, mid, topic, packet)

        # gmqtt looks this method up on the instance at every PUBLISH (see module docstring)
        client._package_handler._handle_qos_1_publish_packet = on_qos1

        def on_qos0(_c: object, topic: str, payload: bytes, _qos: int, _p: object) -> None:
            self._receive(link, None, topic, payload)

        def on_connect(_c: object, _flags: object, _rc: object, _p: object) -> None:
            link.epoch += 1
            link.connected = True
            # a session kept from an older layout may hold the all-channels subscription
            client.unsubscribe(f"$share/{self.share_group}/{ALL_DEVICES_FILTER}")
            # one SUBSCRIBE (one SUBACK) for all the lane's filters
            client.subscribe([Subscription(t, qos=1) for t in lane.filters(self.share_group)])
            log.info("connected %s (epoch %d)", name, link.epoch)

        def on_subscribe(_c: object, _mid: object, _qos: object, _p: object) -> None:
            log.info("subscribed %s to %s", name, " ".join(lane.filters(self.share_group)))

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
                t = self.target
                await link.client.connect(t.host, t.port, ssl=t.tls, version=MQTTv311, keepalive=30)
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
            if link.transport is not None:
                link.transport.write(b"".join(packets))

    @staticmethod
    async def _wait(lane: _Lane, timeout: float) -> None:
        assert lane.wake is not None
        lane.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(lane.wake.wait(), timeout=max(timeout, 0.001))

    @staticmethod
    def _age_s(lane: _Lane) -> float:
        return time.time() - lane.batch.first_ms / 1000

    def _due(self, lane: _Lane) -> bool:
        b = lane.batch
        if not len(b):
            return False
        if self._stopping or self._age_s(lane) >= self.batch_s:
            return True
        return b.alarm if lane.urgent else len(b.acks) >= self.batch_size

    async def _flush_loop(self, lane: _Lane, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        last_stats = time.monotonic()
        while True:
            if not self._due(lane):
                if self._stopping and not len(lane.batch):
                    return
                idle = not len(lane.batch)
                await self._wait(lane, self.batch_s - self._age_s(lane) if not idle else 0.5)
                if idle and not lane.urgent:
                    await loop.run_in_executor(lane.writer, self._refresh)
                continue
            batch, lane.batch = lane.batch, Batch()
            if not lane.urgent and self._paused:
                self._pause(False)
            out = await loop.run_in_executor(lane.writer, self._commit, batch, stop)
            if out is None:
                return  # stopping: the broker will redeliver what was not acknowledged
            self._account(batch, out)
            self._acknowledge(batch)
            if not lane.urgent and time.monotonic() - last_stats >= STATS_EVERY_S:
                last_stats = time.monotonic()
                self._report()

    def _refresh(self) -> None:
        try:
            self.pipeline.maybe_refresh()
        except Exception:  # a refresh can wait; ingestion must go on
            log.exception("could not refresh the device registry or the rules")

    def _report(self) -> None:
        log.info("ingest %s", orjson.dumps(self.stats.summary()).decode())
        if self.stats_file:
            with open(self.stats_file, "wb") as fh:  # noqa: PTH123 - a plain overwrite
                fh.write(orjson.dumps(self.stats.dump()))

    async def run(self, stop: threading.Event) -> None:
        """Connect, ingest until ``stop`` is set, store what is in hand, disconnect."""
        lanes = (self.urgent, self.telemetry)
        for lane in lanes:
            lane.wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.telemetry.writer, self.pipeline.start)
        self.links = [self._make_link(self.urgent, 0)]
        self.links += [self._make_link(self.telemetry, k + 1) for k in range(self.n_links)]
        for link in self.links:
            await self._connect(link, stop)
        flushers = [asyncio.ensure_future(self._flush_loop(lane, stop)) for lane in lanes]
        while not stop.is_set() and not any(f.done() for f in flushers):
            await asyncio.sleep(0.2)
        self._stopping = True
        for lane in lanes:
            assert lane.wake is not None
            lane.wake.set()
        await asyncio.gather(*flushers)
        self._report()
        for link in self.links:
            try:
                await asyncio.wait_for(link.client.disconnect(), timeout=2)
            except Exception:  # the broker may be gone already
                log.debug("disconnect failed", exc_info=True)
        for lane in lanes:
            lane.writer.shutdown(wait=True)


def run_loop(main: Callable[[], Any]) -> None:
    """Run a coroutine function on uvloop when available (faster packet handling)."""
    try:
        import uvloop  # noqa: PLC0415 - optional speed-up

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())
