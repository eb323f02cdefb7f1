"""HTTP ingestion for devices and gateways without MQTT: authentication and batches.

A device or gateway authenticates with HTTP Basic: its username (the device or gateway
code) and the secret whose ``$7$`` hash the registry stores, the same secret it would give
the broker. A batch is refused as a whole (403, naming the device) if it holds a message for
any device the login may not publish for; otherwise every message goes through the same
pipeline as MQTT traffic, in one transaction.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from jingwu.db import Database
from jingwu.errors import Forbidden, Unauthenticated
from jingwu.iot.brokerconf import verify_password
from jingwu.iot.ingest import Batch
from jingwu.iot.models import Device, Gateway, GatewayDevice
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.schemas import ReadingsIn, ReadingsOut, RefusedOut
from jingwu.iot.topics import Channel

CACHE_S = 60.0  # a verified login is trusted this long (rotations take effect after it)


@dataclass(frozen=True)
class Caller:
    """An authenticated device or gateway and the device codes it may publish for."""

    kind: str  # device | gateway
    code: str
    devices: frozenset[str]


class Logins:
    """Verifies device and gateway logins, remembering recent successes for a minute.

    PBKDF2 costs a fraction of a millisecond at Mosquitto's 101 iterations; the cache spares
    the database lookup as well, keyed by a SHA-256 of the presented secret.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._ok: dict[tuple[str, bytes], tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def _load(self, username: str) -> tuple[str, str, frozenset[str]] | None:
        with self.db.unit_of_work(write=False) as session:
            device = session.scalar(
                select(Device).where(Device.code == username, Device.retired.is_(False))
            )
            if device is not None and device.credential_hash:
                return "device", device.credential_hash, frozenset({device.code})
            gateway = session.scalar(
                select(Gateway).where(Gateway.code == username, Gateway.active.is_(True))
            )
            if gateway is None:
                return None
            codes = session.scalars(
                select(Device.code)
                .join(GatewayDevice, GatewayDevice.device_id == Device.id)
                .where(GatewayDevice.gateway_id == gateway.id, Device.retired.is_(False))
            )
            return "gateway", gateway.credential_hash, frozenset(codes)

    def authenticate(self, username: str, secret: str) -> Caller:
        """The caller for these credentials; Unauthenticated if they are wrong."""
        key = (username, hashlib.sha256(secret.encode()).digest())
        now = time.monotonic()
        with self._lock:
            hit = self._ok.get(key)
        if hit is not None and now - hit[0] < CACHE_S:
            return hit[1]
        found = self._load(username)
        if found is None or not verify_password(secret, found[1]):
            raise Unauthenticated("The device or gateway credentials are wrong.")
        caller = Caller(found[0], username, found[2])
        with self._lock:
            if len(self._ok) > 200_000:
                self._ok.clear()
            self._ok[key] = (now, caller)
        return caller


def ingest_batch(pipeline: Pipeline, caller: Caller, body: ReadingsIn) -> ReadingsOut:
    """Store an HTTP batch (all or nothing on authorisation), like MQTT messages."""
    for m in body.messages:
        if m.device not in caller.devices:
            raise Forbidden(
                "The {kind} {code} may not publish for device {device}; "
                "nothing in this batch was stored.",
                params={"kind": caller.kind, "code": caller.code, "device": m.device},
                fields={"device": m.device},
                code="device_not_authorised",
            )
    batch = Batch()
    refused: list[RefusedOut] = []
    with pipeline.lock:
        pipeline.maybe_refresh()
        for index, m in enumerate(body.messages):
            device = pipeline.registry.get(m.device)
            if device is None:
                refused.append(
                    RefusedOut(
                        index=index,
                        device=m.device,
                        reason="unknown_device",
                        detail=f"device {m.device!r} is not registered",
                    )
                )
                continue
            before = len(batch.refused)
            pipeline.feed_object(batch, device, Channel(m.channel), m.payload, pipeline.clock())
            if len(batch.refused) > before:
                r = batch.refused[-1]
                refused.append(
                    RefusedOut(index=index, device=m.device, reason=r.reason, detail=r.detail)
                )
    out = pipeline.commit(batch)
    return ReadingsOut(
        stored=out.stored + out.events,
        duplicates=out.duplicates,
        refused=refused,
        alerts=len(out.alerts),
    )
