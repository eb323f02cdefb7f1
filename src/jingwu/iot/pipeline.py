"""The ingestion pipeline shared by MQTT, HTTP and the demo simulator.

It holds what a worker keeps in memory (the device registry and the rule engine), fills
batches with decoded messages and commits them. Memory is a cache only: the registry and the
rules are re-read from the database, so any number of workers stay consistent.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from jingwu.db import Database
from jingwu.iot.classes import DeviceClass
from jingwu.iot.engine import RuleEngine
from jingwu.iot.ingest import Batch, DeviceInfo, TopicCache, decode_cached, decode_object, epoch_ms
from jingwu.iot.models import Device
from jingwu.iot.payload import DEFAULT_LIMITS, PayloadLimits
from jingwu.iot.service_rules import effective_rules, rules_version
from jingwu.iot.store import Outcome, write_batch
from jingwu.iot.topics import Channel
from jingwu.org.models import Unit

log = logging.getLogger("jingwu.iot")

REFRESH_S = 10.0  # new devices and changed rules are picked up this often
FULL_RELOAD_S = 300.0  # retired devices drop out of the cache this often
MISS_TTL_S = 30.0  # an unknown code is looked up again after this long


class Registry:
    """Registered devices by code, cached from the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._by_code: dict[str, DeviceInfo] = {}
        self._max_id = 0
        self._misses: dict[str, float] = {}
        self.topics: TopicCache = {}  # cleared at every full load
        self._loaded_at = 0.0
        self._full_at = 0.0

    def __len__(self) -> int:
        return len(self._by_code)

    def _query(self, *where: object) -> list[DeviceInfo]:
        stmt = (
            select(
                Device.id,
                Device.code,
                Unit.short_code,
                Device.unit_id,
                Device.device_class,
                Device.status,
            )
            .join(Unit, Unit.id == Device.unit_id)
            .where(Device.retired.is_(False), *where)  # type: ignore[arg-type]
        )
        with self.db.unit_of_work(write=False) as session:
            return [
                DeviceInfo(i, code, station, unit_id, DeviceClass(cls), status)
                for i, code, station, unit_id, cls, status in session.execute(stmt)
            ]

    def load(self) -> None:
        """Read every active device."""
        found = {d.code: d for d in self._query()}
        for code, info in found.items():
            old = self._by_code.get(code)
            if old is not None:
                info.seen_written_ms = old.seen_written_ms
        self._by_code = found
        self._max_id = max((d.id for d in found.values()), default=0)
        self._misses.clear()
        self.topics = {}
        self._loaded_at = self._full_at = time.monotonic()

    def refresh(self) -> None:
        """Pick up devices registered since the last look; reload fully now and then."""
        now = time.monotonic()
        if now - self._full_at >= FULL_RELOAD_S:
            self.load()
            return
        if now - self._loaded_at < REFRESH_S:
            return
        for info in self._query(Device.id > self._max_id):
            self._by_code[info.code] = info
            self._max_id = max(self._max_id, info.id)
        self._loaded_at = now

    def get(self, code: str) -> DeviceInfo | None:
        """The device with this code; an unknown code is looked up at most every 30 s."""
        info = self._by_code.get(code)
        if info is not None:
            return info
        missed = self._misses.get(code)
        if missed is not None and time.monotonic() - missed < MISS_TTL_S:
            return None
        found = self._query(Device.code == code)
        if found:
            self._by_code[code] = found[0]
            return found[0]
        if len(self._misses) > 100_000:
            self._misses.clear()  # a flood of invented codes must not grow memory forever
        self._misses[code] = time.monotonic()
        return None


class Pipeline:
    """Decode → rules → batch → one transaction, for any transport."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], dt.datetime],
        *,
        limits: PayloadLimits = DEFAULT_LIMITS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.limits = limits
        self.registry = Registry(db)
        self.lock = threading.Lock()  # the HTTP path runs in several threads
        self._refreshing = threading.Lock()
        self._rules_version: tuple[int, str] | None = None
        self.engine = RuleEngine(())
        self._checked = 0.0

    def start(self) -> None:
        """Load the registry and the rules."""
        self.registry.load()
        self._load_rules(force=True)
        self._checked = time.monotonic()

    def _load_rules(self, *, force: bool = False) -> None:
        with self.db.unit_of_work(write=False) as session:
            version = rules_version(session)
            if not force and version == self._rules_version:
                return
            rules = effective_rules(session)
        old = self.engine
        self.engine = RuleEngine(rules)
        self.engine.adopt_memory(old)
        self._rules_version = version
        log.info("loaded %d rules", len(rules))

    def reload(self) -> None:
        """Re-read the registry and the rules now."""
        self.registry.load()
        self._load_rules(force=True)

    def maybe_refresh(self) -> None:
        """Pick up new devices and changed rules (cheap when nothing changed)."""
        if time.monotonic() - self._checked < REFRESH_S:
            return
        if not self._refreshing.acquire(blocking=False):
            return  # another thread is at it
        try:
            self._checked = time.monotonic()
            self.registry.refresh()
            self._load_rules()
        finally:
            self._refreshing.release()

    def feed(self, batch: Batch, topic: str, payload: bytes, now: dt.datetime) -> None:
        """Decode one MQTT message into the batch."""
        item = decode_cached(
            topic,
            payload,
            cache=self.registry.topics,
            lookup=self.registry.get,
            now=now,
            limits=self.limits,
        )
        self.engine.apply(batch, item, now=now, received_ms=epoch_ms(now))

    def feed_object(
        self,
        batch: Batch,
        device: DeviceInfo,
        channel: Channel,
        obj: dict[str, object],
        now: dt.datetime,
    ) -> None:
        """Add one already-decoded message of an authorised device (HTTP)."""
        item = decode_object(device, channel, obj, now=now, limits=self.limits)
        self.engine.apply(batch, item, now=now, received_ms=epoch_ms(now))

    def commit(self, batch: Batch) -> Outcome:
        """Write the batch in one transaction; returns what was stored."""
        with self.db.unit_of_work() as session:
            session.connection()  # begin (on SQLite: wait for the write lock) before the clock
            out = write_batch(session, batch, now=self.clock())
        for device_id, code, ms in out.lost_claims:
            self.engine.note_alert(device_id, code, dt.datetime.fromtimestamp(ms / 1000, dt.UTC))
        return out
