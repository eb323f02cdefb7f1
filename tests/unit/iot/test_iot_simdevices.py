"""Simulated devices: every message they send is valid for their class (pure)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.iot.classes import DeviceClass
from jingwu.iot.payload import Event, Telemetry, parse_payload
from jingwu.iot.simdevices import SimDevice, simulator_secret
from jingwu.iot.topics import parse_topic

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(list(DeviceClass)), st.integers(0, 2**32), st.integers(0, 86_400_000))
def test_every_message_parses_for_the_class(cls: DeviceClass, seed: int, offset: int) -> None:
    dev = SimDevice("D-1", "BS01", cls, random.Random(seed))
    for k in range(40):
        topic, raw = dev.next_message(NOW_MS - offset + k * 1000, event_share=0.2)
        t = parse_topic(topic)
        rec = parse_payload(raw, channel=t.channel, device_class=cls, now=NOW)
        assert isinstance(rec, Telemetry | Event), (topic, raw, rec)
        assert rec.seq == k and rec.boot == dev.boot


def test_meter_registers_only_rise() -> None:
    dev = SimDevice("M-1", "BS01", DeviceClass.ENERGY_METER, random.Random(3))
    last: dict[str, float] = {}
    for k in range(200):
        _, raw = dev.next_message(NOW_MS + k * 600_000, event_share=0.0)
        metrics = orjson.loads(raw)["metrics"]
        for name in ("energy_import", "pv_energy", "heat_recovery", "energy_export"):
            assert metrics[name] >= last.get(name, 0.0)
            last[name] = metrics[name]
    assert last["pv_energy"] > 0


def test_secrets_are_derived_from_the_key_and_the_code() -> None:
    a = simulator_secret(b"k" * 32, "D-1")
    assert a == simulator_secret(b"k" * 32, "D-1")
    assert a != simulator_secret(b"j" * 32, "D-1") and a != simulator_secret(b"k" * 32, "D-2")
    assert len(a) >= 43
