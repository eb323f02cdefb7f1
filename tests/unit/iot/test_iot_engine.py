"""Rules on the stream: candidates for alerts, the worker's dedup memory, rate histories."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.iot.classes import DeviceClass
from jingwu.iot.default_rules import DEFAULT_RULES
from jingwu.iot.engine import RuleEngine
from jingwu.iot.ingest import Batch, DeviceInfo, decode

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
ENV = DeviceInfo(1, "ENV-1", "BS01", 3, DeviceClass.ENVIRONMENT)
SMOKE = DeviceInfo(2, "SMK-1", "BS01", 3, DeviceClass.SMOKE_FIRE)
DEVICES = {d.code: d for d in (ENV, SMOKE)}


def feed(
    engine: RuleEngine,
    batch: Batch,
    device: DeviceInfo,
    body: dict[str, object],
    at: datetime,
    channel: str = "telemetry",
) -> None:
    raw = orjson.dumps(body)
    item = decode(f"jingwu/v1/BS01/{device.code}/{channel}", raw, lookup=DEVICES.get, now=at)
    engine.apply(batch, item, now=at, received_ms=int(at.timestamp() * 1000))


def reading(seq: int, at: datetime, **metrics: float) -> dict[str, object]:
    return {"ts": int(at.timestamp() * 1000), "boot": "b", "seq": seq, "metrics": metrics}


def test_a_breach_is_a_candidate_once_per_dedup_window() -> None:
    engine, batch = RuleEngine(DEFAULT_RULES), Batch()
    for k in range(5):
        at = NOW + timedelta(minutes=k)
        feed(engine, batch, ENV, reading(k, at, pm25=200), at)
    assert [c.decision.rule.code for c in batch.candidates] == ["env.pm25"]
    later = NOW + timedelta(hours=2)
    feed(engine, batch, ENV, reading(9, later, pm25=200), later)
    assert len(batch.candidates) == 2
    assert batch.candidates[0].key == (1, int(NOW.timestamp() * 1000), "b", 0)


def test_a_fast_temperature_rise_fires_the_heat_rule_from_the_earliest_sample() -> None:
    engine, batch = RuleEngine(DEFAULT_RULES), Batch()
    for k, temp in enumerate((21.0, 23.0, 26.0, 29.5)):
        at = NOW + timedelta(seconds=15 * k)
        feed(engine, batch, SMOKE, reading(k, at, temperature=temp), at)
    fired = [c.decision for c in batch.candidates if c.decision.rule.code == "fire.heat_rise"]
    assert len(fired) == 1 and fired[0].value == 8.5 and fired[0].elapsed_s == 45


def test_a_slow_rise_does_not_fire() -> None:
    engine, batch = RuleEngine(DEFAULT_RULES), Batch()
    for k in range(10):
        at = NOW + timedelta(seconds=30 * k)
        feed(engine, batch, SMOKE, reading(k, at, temperature=20.0 + k), at)
    assert not [c for c in batch.candidates if c.decision.rule.code == "fire.heat_rise"]


def test_an_alarm_event_is_a_candidate_and_another_workers_alert_is_remembered() -> None:
    engine, batch = RuleEngine(DEFAULT_RULES), Batch()
    body = {"ts": int(NOW.timestamp() * 1000), "boot": "b", "seq": 0, "event": "smoke_alarm"}
    engine.note_alert(SMOKE.id, "smoke.alarm", NOW - timedelta(seconds=30))
    feed(engine, batch, SMOKE, body, NOW, "event")
    assert batch.candidates == [] and batch.alarm
    soon = NOW + timedelta(minutes=10)
    feed(engine, batch, SMOKE, {**body, "seq": 1}, soon, "event")
    assert [c.source for c in batch.candidates] == ["event"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=900), min_size=1, max_size=40))
def test_a_rule_never_proposes_twice_within_its_window(gaps_s: list[int]) -> None:
    engine, batch = RuleEngine(DEFAULT_RULES), Batch()
    at = NOW
    for k, gap in enumerate(gaps_s):
        at += timedelta(seconds=gap)
        feed(engine, batch, ENV, reading(k, at, noise=95), at)
    times = [c.decision.now for c in batch.candidates]
    window = next(r.dedup_s for r in DEFAULT_RULES if r.code == "env.noise")
    assert times and all((b - a).total_seconds() >= window for a, b in itertools.pairwise(times))
