"""Payload parsing: typed records for good messages, a specific reason for every bad one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.iot.classes import CLASSES, DeviceClass
from jingwu.iot.payload import (
    DeviceState,
    Event,
    PayloadLimits,
    Rejected,
    RejectReason,
    Status,
    Telemetry,
    parse_payload,
    validate_payload,
)
from jingwu.iot.topics import Channel

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)
ENV = DeviceClass.ENVIRONMENT
VIDEO = DeviceClass.VIDEO_ANALYTICS


def parse(obj: Any, channel: Channel = Channel.TELEMETRY, cls: DeviceClass = ENV, **kw: Any) -> Any:
    raw = obj if isinstance(obj, bytes) else orjson.dumps(obj)
    return parse_payload(raw, channel=channel, device_class=cls, now=NOW, **kw)


def tele(**over: Any) -> dict[str, Any]:
    return {"ts": NOW_MS - 1500, "boot": "b1", "seq": 7, "metrics": {"pm25": 35}} | over


def rejected(result: object, reason: RejectReason, field: str | None = None) -> Rejected:
    assert isinstance(result, Rejected), result
    assert result.reason is reason, result
    if field is not None:
        assert result.field == field
    return result


def test_it_parses_telemetry_with_epoch_milliseconds() -> None:
    r = parse(tele(metrics={"pm25": 35, "temperature": 21.5}))
    assert r == Telemetry(
        ts=NOW - timedelta(milliseconds=1500),
        boot="b1",
        seq=7,
        metrics={"pm25": 35.0, "temperature": 21.5},
    )
    assert all(type(v) is float for v in r.metrics.values())


def test_it_converts_an_iso_time_with_an_offset_to_utc() -> None:
    r = parse(tele(ts="2026-11-29T15:59:58.5+08:00"))
    assert isinstance(r, Telemetry)
    assert r.ts == datetime(2026, 11, 29, 7, 59, 58, 500000, tzinfo=UTC)
    assert r.ts.utcoffset() == timedelta(0)


def test_it_accepts_an_iso_time_ending_in_z() -> None:
    assert isinstance(parse(tele(ts="2026-11-29T07:59:00Z")), Telemetry)


def test_it_refuses_a_naive_iso_time() -> None:
    rejected(parse(tele(ts="2026-11-29T07:59:00")), RejectReason.INVALID_FIELD, "ts")


def test_an_integer_boot_id_is_kept_as_text() -> None:
    r = parse(tele(boot=42))
    assert isinstance(r, Telemetry) and r.boot == "42"


def test_it_parses_an_alarm_event_and_flags_the_fast_path() -> None:
    body = {"ts": NOW_MS, "boot": "b", "seq": 3, "event": "fight", "attrs": {"confidence": 0.9}}
    r = parse(body, Channel.EVENT, VIDEO)
    assert r == Event(ts=NOW, boot="b", seq=3, event="fight", alarm=True, attrs={"confidence": 0.9})


def test_a_routine_event_is_not_alarm_class_and_attrs_default_to_empty() -> None:
    r = parse({"ts": NOW_MS, "boot": "b", "seq": 4, "event": "low_battery"}, Channel.EVENT, VIDEO)
    assert isinstance(r, Event) and not r.alarm and r.attrs == {}


def test_a_status_needs_no_sequence_number() -> None:
    r = parse({"ts": NOW_MS, "boot": "b", "state": "offline"}, Channel.STATUS)
    assert r == Status(ts=NOW, boot="b", seq=None, state=DeviceState.OFFLINE, attrs={})


def test_a_status_keeps_its_sequence_number_and_attributes() -> None:
    body = {"ts": NOW_MS, "boot": "b", "seq": 9, "state": "online", "attrs": {"fw": "1.4.2"}}
    r = parse(body, Channel.STATUS)
    assert isinstance(r, Status) and r.seq == 9 and r.attrs == {"fw": "1.4.2"}


def test_it_refuses_a_payload_over_the_size_limit_before_decoding() -> None:
    body = orjson.dumps(tele())
    assert isinstance(parse(body, limits=PayloadLimits(max_bytes=len(body))), Telemetry)
    r = rejected(parse(body, limits=PayloadLimits(max_bytes=len(body) - 1)), RejectReason.OVERSIZED)
    assert str(len(body)) in r.detail


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe", b'{"ts": NaN}', b"{'a': 1}"])
def test_it_reports_malformed_json(raw: bytes) -> None:
    rejected(parse(raw), RejectReason.MALFORMED_JSON)


@pytest.mark.parametrize("raw", [b"[]", b"3", b'"x"', b"null"])
def test_it_wants_a_json_object(raw: bytes) -> None:
    rejected(parse(raw), RejectReason.NOT_AN_OBJECT)


@pytest.mark.parametrize("field", ["ts", "boot", "seq", "metrics"])
def test_it_names_a_missing_field(field: str) -> None:
    body = tele()
    del body[field]
    rejected(parse(body), RejectReason.MISSING_FIELD, field)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"seq": -1}, "seq"),
        ({"seq": 1.5}, "seq"),
        ({"seq": True}, "seq"),
        ({"seq": "7"}, "seq"),
        ({"seq": 2**63}, "seq"),
        ({"boot": ""}, "boot"),
        ({"boot": "x" * 65}, "boot"),
        ({"boot": "a\nb"}, "boot"),
        ({"boot": 1.5}, "boot"),
        ({"ts": "yesterday"}, "ts"),
        ({"ts": True}, "ts"),
        ({"ts": -5}, "ts"),
        ({"ts": 10**15}, "ts"),
        ({"metrics": {}}, "metrics"),
        ({"metrics": [35]}, "metrics"),
        ({"metrics": {"pm25": "35"}}, "metrics.pm25"),
        ({"metrics": {"pm25": True}}, "metrics.pm25"),
        ({"metrics": {"pm25": None}}, "metrics.pm25"),
    ],
)
def test_it_names_an_invalid_field(over: dict[str, Any], field: str) -> None:
    rejected(parse(tele(**over)), RejectReason.INVALID_FIELD, field)


def test_it_refuses_a_metric_the_class_does_not_report() -> None:
    r = rejected(parse(tele(metrics={"pm25": 3, "vehicles": 1})), RejectReason.UNKNOWN_METRIC)
    assert r.field == "metrics.vehicles" and "environment" in r.detail


def test_it_refuses_a_metric_outside_its_plausible_range() -> None:
    r = rejected(parse(tele(metrics={"humidity": 130})), RejectReason.OUT_OF_RANGE)
    assert "0.0..100.0" in r.detail


def test_it_caps_the_number_of_metrics() -> None:
    metrics = dict.fromkeys(["pm25", "pm10", "co2"], 1)
    rejected(
        parse(tele(metrics=metrics), limits=PayloadLimits(max_metrics=2)),
        RejectReason.INVALID_FIELD,
    )


def test_it_refuses_a_timestamp_too_far_ahead_of_now() -> None:
    ok = parse(tele(ts=NOW_MS + 300_000))
    assert isinstance(ok, Telemetry)
    rejected(parse(tele(ts=NOW_MS + 300_001)), RejectReason.TS_IN_FUTURE, "ts")


def test_it_refuses_a_timestamp_too_old_and_hints_at_seconds() -> None:
    week = 7 * 86400 * 1000
    assert isinstance(parse(tele(ts=NOW_MS - week)), Telemetry)
    rejected(parse(tele(ts=NOW_MS - week - 1)), RejectReason.TS_TOO_OLD)
    r = rejected(parse(tele(ts=NOW_MS // 1000)), RejectReason.TS_TOO_OLD)
    assert "seconds" in r.detail


def test_a_rejection_keeps_boot_and_seq_so_the_message_is_not_counted_lost() -> None:
    r = rejected(parse(tele(metrics={"pm25": -4})), RejectReason.OUT_OF_RANGE)
    assert (r.boot, r.seq) == ("b1", 7)


@pytest.mark.parametrize(
    ("body", "reason", "field"),
    [
        ({"event": "fight"}, RejectReason.UNKNOWN_EVENT, "event"),
        ({}, RejectReason.MISSING_FIELD, "event"),
        ({"event": 5}, RejectReason.INVALID_FIELD, "event"),
        ({"event": "tamper", "attrs": []}, RejectReason.INVALID_FIELD, "attrs"),
        (
            {"event": "tamper", "attrs": {"confidence": 1.2}},
            RejectReason.INVALID_FIELD,
            "attrs.confidence",
        ),
        (
            {"event": "tamper", "attrs": {"confidence": "high"}},
            RejectReason.INVALID_FIELD,
            "attrs.confidence",
        ),
    ],
)
def test_it_validates_events(body: dict[str, Any], reason: RejectReason, field: str) -> None:
    rejected(
        parse({"ts": NOW_MS, "boot": "b", "seq": 1, **body}, Channel.EVENT, ENV), reason, field
    )


def test_it_caps_the_number_of_event_attributes() -> None:
    body = {
        "ts": NOW_MS,
        "boot": "b",
        "seq": 1,
        "event": "tamper",
        "attrs": {str(i): i for i in range(3)},
    }
    rejected(
        parse(body, Channel.EVENT, ENV, limits=PayloadLimits(max_attrs=2)),
        RejectReason.INVALID_FIELD,
        "attrs",
    )


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (None, RejectReason.MISSING_FIELD),
        ("asleep", RejectReason.INVALID_FIELD),
        (1, RejectReason.INVALID_FIELD),
    ],
)
def test_it_validates_the_status_state(state: object, reason: RejectReason) -> None:
    body: dict[str, Any] = {"ts": NOW_MS, "boot": "b"}
    if state is not None:
        body["state"] = state
    rejected(parse(body, Channel.STATUS), reason, "state")


def test_the_http_path_validates_decoded_objects_the_same_way() -> None:
    r = validate_payload(tele(), channel=Channel.TELEMETRY, device_class=ENV, now=NOW)
    assert isinstance(r, Telemetry) and r.seq == 7


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    for channel in Channel:
        r = parse_payload(raw, channel=channel, device_class=ENV, now=NOW)
        assert isinstance(r, Telemetry | Event | Status | Rejected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(
        st.sampled_from(["ts", "boot", "seq", "metrics", "event", "attrs", "state"]), json_values
    )
)
def test_arbitrary_objects_never_raise(obj: dict[str, Any]) -> None:
    for channel in Channel:
        r = validate_payload(obj, channel=channel, device_class=ENV, now=NOW)
        assert isinstance(r, Telemetry | Event | Status | Rejected)


@given(
    st.sampled_from(list(DeviceClass)).flatmap(
        lambda cls: st.tuples(
            st.just(cls),
            st.dictionaries(
                st.sampled_from(sorted(CLASSES[cls].metrics)),
                st.floats(0, 1),
                min_size=1,
            ),
        )
    ),
    st.integers(0, 2**63 - 1),
    st.integers(-7 * 86400 * 1000, 300_000),
)
def test_any_valid_reading_comes_back_intact(
    cls_metrics: tuple[DeviceClass, dict[str, float]], seq: int, offset_ms: int
) -> None:
    cls, metrics = cls_metrics
    specs = CLASSES[cls].metrics
    metrics = {k: specs[k].low + v * (specs[k].high - specs[k].low) for k, v in metrics.items()}
    body = {"ts": NOW_MS + offset_ms, "boot": "b", "seq": seq, "metrics": metrics}
    r = parse(body, Channel.TELEMETRY, cls)
    assert isinstance(r, Telemetry)
    assert r.seq == seq and r.metrics == metrics
    assert r.ts == NOW + timedelta(milliseconds=offset_ms)
