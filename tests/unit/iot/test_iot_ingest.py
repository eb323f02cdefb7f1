"""Decoding messages into batch rows: topic, device, payload, exactly-once keys (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from jingwu.iot.classes import DeviceClass
from jingwu.iot.ingest import (
    Accepted,
    Batch,
    DeviceInfo,
    IngestReason,
    Refused,
    decode,
    decode_cached,
    decode_object,
)
from jingwu.iot.topics import Channel

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)
ENV = DeviceInfo(7, "ENV-1", "BS01", 3, DeviceClass.ENVIRONMENT)
SMOKE = DeviceInfo(8, "SMK-1", "BS01", 3, DeviceClass.SMOKE_FIRE)
REGISTRY = {d.code: d for d in (ENV, SMOKE)}


def tele(seq: int = 0, **metrics: float) -> bytes:
    return orjson.dumps(
        {"ts": NOW_MS - 1000, "boot": "b", "seq": seq, "metrics": metrics or {"pm25": 30}}
    )


def test_a_good_message_of_a_known_device_is_accepted() -> None:
    item = decode("jingwu/v1/BS01/ENV-1/telemetry", tele(), lookup=REGISTRY.get, now=NOW)
    assert isinstance(item, Accepted) and item.device is ENV


def test_it_refuses_bad_topics_unknown_devices_and_the_wrong_station() -> None:
    cases = {
        "jingwu/v2/BS01/ENV-1/telemetry": IngestReason.BAD_TOPIC,
        "jingwu/v1/BS01/NOPE/telemetry": IngestReason.UNKNOWN_DEVICE,
        "jingwu/v1/BS02/ENV-1/telemetry": IngestReason.WRONG_STATION,
    }
    for topic, reason in cases.items():
        item = decode(topic, tele(), lookup=REGISTRY.get, now=NOW)
        assert isinstance(item, Refused) and item.reason == reason, topic
    wrong = decode("jingwu/v1/BS02/ENV-1/telemetry", tele(), lookup=REGISTRY.get, now=NOW)
    assert isinstance(wrong, Refused) and wrong.device_id == ENV.id


def test_a_refused_payload_keeps_the_device_boot_seq_and_the_first_bytes() -> None:
    raw = tele(5, pm25=99999)
    item = decode("jingwu/v1/BS01/ENV-1/telemetry", raw, lookup=REGISTRY.get, now=NOW)
    assert isinstance(item, Refused)
    assert (item.reason, item.device_id, item.boot, item.seq) == ("out_of_range", 7, "b", 5)
    assert item.payload == raw and item.size == len(raw)
    big = decode("jingwu/v1/BS01/ENV-1/event", b"x" * 9000, lookup=REGISTRY.get, now=NOW)
    assert isinstance(big, Refused) and big.reason == "oversized"
    assert big.size == 9000 and len(big.payload) == 4096


def test_the_topic_cache_gives_the_same_answers_and_skips_the_lookup() -> None:
    cache: dict[str, tuple[DeviceInfo, Channel]] = {}
    looked: list[str] = []

    def lookup(code: str) -> DeviceInfo | None:
        looked.append(code)
        return REGISTRY.get(code)

    topic = "jingwu/v1/BS01/ENV-1/telemetry"
    first = decode_cached(topic, tele(0), cache=cache, lookup=lookup, now=NOW)
    calls = len(looked)
    second = decode_cached(topic, tele(1), cache=cache, lookup=lookup, now=NOW)
    bad = decode_cached(topic, b"{", cache=cache, lookup=lookup, now=NOW)
    assert isinstance(first, Accepted) and isinstance(second, Accepted)
    assert len(looked) == calls  # served from the cache
    assert isinstance(bad, Refused) and bad.reason == "malformed_json" and bad.device_id == 7
    wrong = "jingwu/v1/BS02/ENV-1/telemetry"
    decode_cached(wrong, tele(2), cache=cache, lookup=lookup, now=NOW)
    assert wrong not in cache


def test_the_http_path_counts_the_size_of_the_compact_encoding() -> None:
    ok = decode_object(ENV, Channel.TELEMETRY, orjson.loads(tele()), now=NOW)
    assert isinstance(ok, Accepted)
    huge = {"ts": NOW_MS, "boot": "b", "seq": 1, "metrics": {"pm25": 1}, "pad": "x" * 5000}
    refused = decode_object(ENV, Channel.TELEMETRY, huge, now=NOW)
    assert isinstance(refused, Refused) and refused.reason == "oversized"
    assert refused.topic == "http/BS01/ENV-1/telemetry"


def test_a_batch_keeps_rows_under_the_exactly_once_key_and_flags_alarms() -> None:
    batch = Batch()
    t = decode("jingwu/v1/BS01/ENV-1/telemetry", tele(3, pm25=12.5), lookup=REGISTRY.get, now=NOW)
    ev_raw = orjson.dumps({"ts": NOW_MS, "boot": "b", "seq": 4, "event": "smoke_alarm"})
    ev = decode("jingwu/v1/BS01/SMK-1/event", ev_raw, lookup=REGISTRY.get, now=NOW)
    st_raw = orjson.dumps({"ts": NOW_MS, "boot": "b", "state": "fault"})
    st = decode("jingwu/v1/BS01/SMK-1/status", st_raw, lookup=REGISTRY.get, now=NOW)
    for item in (t, ev, st):
        batch.add(item, NOW_MS)
    assert batch.readings == [(7, NOW_MS - 1000, "b", 3, NOW_MS, '{"pm25":12.5}')]
    assert batch.events[0][:6] == (8, NOW_MS, "b", 4, NOW_MS, "smoke_alarm") and batch.events[0][6]
    assert batch.alarm and batch.statuses == {8: ("fault", NOW_MS)}
    assert set(batch.seen) == {7, 8} and len(batch) == 3 and batch.first_ms == NOW_MS
