"""The ingestion hot path before the database: topic → device → payload → batch rows (pure).

One :class:`Batch` collects what a worker will write in one transaction: reading and event
rows keyed for exactly-once storage, refused messages for the dead-letter table, device
statuses, and the rule decisions (``jingwu.iot.engine``) that may become alerts. The MQTT
ingester, the HTTP endpoint and the demo simulator all fill batches through :func:`decode`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

from jingwu.iot.classes import DeviceClass
from jingwu.iot.payload import (
    DEFAULT_LIMITS,
    Event,
    PayloadLimits,
    Rejected,
    Status,
    Telemetry,
    parse_payload,
    validate_payload,
)
from jingwu.iot.rules import Decision
from jingwu.iot.topics import Channel, TopicError, parse_topic

KEEP_BYTES = 4096  # of a refused payload, kept for diagnosis


class IngestReason(StrEnum):
    """Refusals decided before the payload is read (besides payload.RejectReason)."""

    BAD_TOPIC = "bad_topic"
    UNKNOWN_DEVICE = "unknown_device"
    WRONG_STATION = "wrong_station"


@dataclass(slots=True)
class DeviceInfo:
    """What the ingester knows about a registered device (cached from the registry)."""

    id: int
    code: str
    station: str
    unit_id: int
    device_class: DeviceClass
    status: str = "offline"
    seen_written_ms: int = 0  # last time this worker wrote last_seen for the device


@dataclass(frozen=True, slots=True)
class Refused:
    """A message that will not be stored as data; kept in the dead-letter table."""

    topic: str
    device_id: int | None
    reason: str
    detail: str
    field: str | None
    boot: str | None
    seq: int | None
    size: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class Accepted:
    """A valid message of a known device."""

    device: DeviceInfo
    record: Telemetry | Event | Status


Lookup = Callable[[str], DeviceInfo | None]


def _refuse(
    topic: str, raw: bytes, reason: str, detail: str, device: DeviceInfo | None = None
) -> Refused:
    return Refused(
        topic[:255],
        device.id if device else None,
        reason,
        detail[:500],
        None,
        None,
        None,
        len(raw),
        bytes(raw[:KEEP_BYTES]),
    )


def _rejected(topic: str, raw: bytes, dev: DeviceInfo, r: Rejected) -> Refused:
    return Refused(
        topic[:255],
        dev.id,
        r.reason.value,
        r.detail[:500],
        r.field,
        r.boot,
        r.seq,
        len(raw),
        bytes(raw[:KEEP_BYTES]),
    )


def decode(
    topic: str,
    raw: bytes,
    *,
    lookup: Lookup,
    now: datetime,
    limits: PayloadLimits = DEFAULT_LIMITS,
) -> Accepted | Refused:
    """Check the topic, find the device, and parse the payload; never raises."""
    try:
        t = parse_topic(topic)
    except TopicError as exc:
        return _refuse(topic, raw, IngestReason.BAD_TOPIC, str(exc))
    dev = lookup(t.device)
    if dev is None:
        return _refuse(
            topic, raw, IngestReason.UNKNOWN_DEVICE, f"device {t.device!r} is not registered"
        )
    if dev.station != t.station:
        detail = f"device {t.device} belongs to station {dev.station}, not {t.station}"
        return _refuse(topic, raw, IngestReason.WRONG_STATION, detail, dev)
    rec = parse_payload(
        raw, channel=t.channel, device_class=dev.device_class, now=now, limits=limits
    )
    if isinstance(rec, Rejected):
        return _rejected(topic, raw, dev, rec)
    return Accepted(dev, rec)


TopicCache = dict[str, tuple[DeviceInfo, Channel]]


def decode_cached(
    topic: str,
    raw: bytes,
    *,
    cache: TopicCache,
    lookup: Lookup,
    now: datetime,
    limits: PayloadLimits = DEFAULT_LIMITS,
) -> Accepted | Refused:
    """:func:`decode` with a memory of topics already resolved to a device and channel.

    Every message repeats its device's topic; resolving it once saves the topic checks and
    the registry lookup on the hot path. The caller clears the cache when the registry
    reloads (a device retired or moved).
    """
    hit = cache.get(topic)
    if hit is None:
        item = decode(topic, raw, lookup=lookup, now=now, limits=limits)
        if type(item) is Accepted or (type(item) is Refused and item.device_id is not None):
            t = parse_topic(topic)
            dev = lookup(t.device)
            if dev is not None and dev.station == t.station:
                cache[topic] = (dev, t.channel)
        return item
    dev, channel = hit
    rec = parse_payload(raw, channel=channel, device_class=dev.device_class, now=now, limits=limits)
    if isinstance(rec, Rejected):
        return _rejected(topic, raw, dev, rec)
    return Accepted(dev, rec)


def decode_object(
    device: DeviceInfo,
    channel: Channel,
    obj: dict[str, Any],
    *,
    now: datetime,
    limits: PayloadLimits = DEFAULT_LIMITS,
) -> Accepted | Refused:
    """The HTTP path: an already-decoded payload of a device the caller is authorised for."""
    topic = f"http/{device.station}/{device.code}/{channel.value}"
    raw = orjson.dumps(obj)
    if len(raw) > limits.max_bytes:
        # the same limit as on MQTT, counted on the compact re-encoding
        rec: Telemetry | Event | Status | Rejected = parse_payload(
            raw, channel=channel, device_class=device.device_class, now=now, limits=limits
        )
    else:
        rec = validate_payload(
            obj, channel=channel, device_class=device.device_class, now=now, limits=limits
        )
    if isinstance(rec, Rejected):
        return _rejected(topic, raw, device, rec)
    return Accepted(device, rec)


def epoch_ms(ts: datetime) -> int:
    """Epoch milliseconds of an aware datetime (the storage form of reading times)."""
    return int(ts.timestamp() * 1000)


Key = tuple[int, int, str, int]  # device id, reading ms, boot, seq: the exactly-once key


@dataclass(slots=True)
class Candidate:
    """A rule that fired for a message; it becomes an alert if its row is newly stored."""

    device: DeviceInfo
    decision: Decision
    source: str  # telemetry | event | heartbeat
    key: Key | None
    observed_ms: int | None


@dataclass(slots=True)
class Batch:
    """What one transaction writes, plus the acknowledgements to send once it commits."""

    readings: list[tuple[int, int, str, int, int, str]] = field(default_factory=list)
    events: list[tuple[int, int, str, int, int, str, bool, str]] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    statuses: dict[int, tuple[str, int]] = field(default_factory=dict)
    seen: dict[int, tuple[DeviceInfo, int]] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    acks: list[Any] = field(default_factory=list)
    alarm: bool = False
    first_ms: int = 0  # when the oldest message of the batch arrived (latency figures)

    def __len__(self) -> int:
        return len(self.readings) + len(self.events) + len(self.refused) + len(self.statuses)

    def add(self, item: Accepted | Refused, received_ms: int) -> None:
        """Add a decoded message (rules are applied separately, see engine.RuleEngine)."""
        if not self.first_ms:
            self.first_ms = received_ms
        if type(item) is Refused:
            self.refused.append(item)
            return
        assert isinstance(item, Accepted)
        dev, rec = item.device, item.record
        self.seen[dev.id] = (dev, received_ms)
        if type(rec) is Telemetry:
            metrics = orjson.dumps(rec.metrics).decode()
            self.readings.append(
                (dev.id, epoch_ms(rec.ts), rec.boot, rec.seq, received_ms, metrics)
            )
        elif type(rec) is Event:
            attrs = orjson.dumps(rec.attrs).decode()
            ev = (
                dev.id,
                epoch_ms(rec.ts),
                rec.boot,
                rec.seq,
                received_ms,
                rec.event,
                rec.alarm,
                attrs,
            )
            self.events.append(ev)
            self.alarm = self.alarm or rec.alarm
        else:
            assert isinstance(rec, Status)
            self.statuses[dev.id] = (rec.state.value, epoch_ms(rec.ts))
