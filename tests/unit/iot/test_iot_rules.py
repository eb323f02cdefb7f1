"""Rule evaluation: thresholds, rates, heartbeats, event mappings, dedup, wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.iot.classes import DeviceClass
from jingwu.iot.explain import limit_text, number, reason, reasons
from jingwu.iot.payload import Event, Telemetry
from jingwu.iot.rules import (
    Decision,
    EventMatch,
    Heartbeat,
    Limit,
    Op,
    Outcome,
    RateOfChange,
    Rule,
    Threshold,
    Tier,
    evaluate_event,
    evaluate_heartbeat,
    evaluate_telemetry,
)

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
ENV = DeviceClass.ENVIRONMENT
FIRE = DeviceClass.SMOKE_FIRE
VIDEO = DeviceClass.VIDEO_ANALYTICS

PM25 = Rule("env.pm25", Tier.YELLOW, Threshold("pm25", Limit(Op.GT, 75)), "PM2.5", "PM2.5", ENV)
HEAT_RISE = Rule(
    "fire.heat_rise",
    Tier.RED,
    RateOfChange("temperature", 60, Limit(Op.GT, 8)),
    "温升",
    "Heat rise",
    FIRE,
    dedup_s=300,
)
OFFLINE = Rule("device.offline", Tier.YELLOW, Heartbeat(900), "离线", "Offline", dedup_s=3600)
FIGHT = Rule("video.fight", Tier.RED, EventMatch("fight"), "打架", "Fight", VIDEO, dedup_s=300)
CROWD = Rule(
    "video.crowd",
    Tier.ORANGE,
    EventMatch("crowd_gathering", "count", Limit(Op.GE, 50)),
    "聚集",
    "Crowd",
    VIDEO,
)


def reading(cls_metrics: dict[str, float], ts: datetime = NOW) -> Telemetry:
    return Telemetry(ts=ts, boot="b", seq=1, metrics=cls_metrics)


def event(name: str, **attrs: object) -> Event:
    return Event(ts=NOW, boot="b", seq=1, event=name, alarm=True, attrs=dict(attrs))


def pm(value: float, last: datetime | None = None) -> Outcome:
    d = evaluate_telemetry(
        PM25,
        device_class=ENV,
        device="e1",
        reading=reading({"pm25": value}),
        now=NOW,
        last_alert_at=last,
    )
    assert d is not None
    return d.outcome


@pytest.mark.parametrize(
    ("op", "x", "holds"),
    [
        (Op.GT, 75, False),
        (Op.GT, 75.01, True),
        (Op.GE, 75, True),
        (Op.LT, 75, False),
        (Op.LT, 74.9, True),
        (Op.LE, 75, True),
    ],
)
def test_comparisons_treat_the_limit_exactly(op: Op, x: float, holds: bool) -> None:
    assert Limit(op, 75).holds(x) is holds


@given(st.floats(-100, 100), st.floats(-50, 0), st.floats(0, 50))
def test_outside_holds_exactly_when_not_within_the_range(x: float, low: float, high: float) -> None:
    assert Limit(Op.OUTSIDE, low, high).holds(x) is not (low <= x <= high)


def test_a_threshold_fires_once_and_then_is_suppressed_within_the_dedup_window() -> None:
    assert pm(120) is Outcome.FIRE
    assert pm(120, last=NOW - timedelta(seconds=599)) is Outcome.SUPPRESSED
    assert pm(120, last=NOW - timedelta(seconds=600)) is Outcome.FIRE
    assert pm(40, last=None) is Outcome.CLEAR


def test_a_rule_ignores_readings_without_its_metric_or_of_other_classes() -> None:
    r = reading({"temperature": 20})
    assert (
        evaluate_telemetry(
            PM25, device_class=ENV, device="e1", reading=r, now=NOW, last_alert_at=None
        )
        is None
    )
    r = reading({"pm25": 500})
    assert (
        evaluate_telemetry(
            PM25, device_class=FIRE, device="f1", reading=r, now=NOW, last_alert_at=None
        )
        is None
    )


def test_a_device_rule_applies_only_to_its_device_and_a_disabled_rule_to_none() -> None:
    mine = Rule("env.pm25", Tier.ORANGE, PM25.condition, "x", "x", ENV, device="e9")
    assert mine.applies_to(ENV, "e9")
    assert not mine.applies_to(ENV, "e1")
    off = Rule("env.pm25", Tier.ORANGE, PM25.condition, "x", "x", ENV, enabled=False)
    assert not off.applies_to(ENV, "e1")


def rate(
    history: list[tuple[float, float]], now_value: float, last: datetime | None = None
) -> Decision:
    hist = [(NOW - timedelta(seconds=s), v) for s, v in history]
    d = evaluate_telemetry(
        HEAT_RISE,
        device_class=FIRE,
        device="f1",
        reading=reading({"temperature": now_value}),
        now=NOW,
        last_alert_at=last,
        history=hist,
    )
    assert d is not None
    return d


def test_a_rate_rule_compares_with_the_earliest_sample_in_the_window() -> None:
    d = rate([(50, 20.0), (30, 25.0), (90, 10.0)], 29.0)
    assert d.outcome is Outcome.FIRE
    assert d.value == pytest.approx(9.0)
    assert d.elapsed_s == pytest.approx(50)
    assert rate([(50, 22.0)], 29.0).outcome is Outcome.CLEAR


def test_a_rate_rule_without_history_in_the_window_has_no_data() -> None:
    assert rate([(61, 10.0)], 40.0).outcome is Outcome.NO_DATA
    assert rate([], 40.0).outcome is Outcome.NO_DATA


def test_a_heartbeat_rule_finds_a_silent_device_offline() -> None:
    def hb(silence_s: float, last: datetime | None = None) -> Outcome:
        d = evaluate_heartbeat(
            OFFLINE,
            device_class=ENV,
            device="e1",
            last_seen=NOW - timedelta(seconds=silence_s),
            now=NOW,
            last_alert_at=last,
        )
        assert d is not None
        return d.outcome

    assert hb(900) is Outcome.CLEAR
    assert hb(901) is Outcome.FIRE
    # alerted during this silence already: one incident, one alert, however long it lasts
    assert hb(90_000, last=NOW - timedelta(seconds=80_000)) is Outcome.SUPPRESSED
    # alerted before the device last spoke: a new silence, a new alert
    assert hb(1000, last=NOW - timedelta(seconds=5000)) is Outcome.FIRE


def test_a_device_that_never_reported_has_no_heartbeat_data() -> None:
    d = evaluate_heartbeat(
        OFFLINE, device_class=ENV, device="e1", last_seen=None, now=NOW, last_alert_at=None
    )
    assert d is not None and d.outcome is Outcome.NO_DATA and not d.fire


def test_an_event_mapping_fires_for_its_event_only() -> None:
    d = evaluate_event(
        FIGHT, device_class=VIDEO, device="v1", event=event("fight"), now=NOW, last_alert_at=None
    )
    assert d is not None and d.fire and d.tier is Tier.RED
    assert (
        evaluate_event(
            FIGHT, device_class=VIDEO, device="v1", event=event("fall"), now=NOW, last_alert_at=None
        )
        is None
    )
    again = evaluate_event(
        FIGHT,
        device_class=VIDEO,
        device="v1",
        event=event("fight"),
        now=NOW,
        last_alert_at=NOW - timedelta(seconds=60),
    )
    assert again is not None and again.outcome is Outcome.SUPPRESSED and again.matched


@pytest.mark.parametrize(
    ("count", "outcome"),
    [
        (49, Outcome.CLEAR),
        (50, Outcome.FIRE),
        ("many", Outcome.NO_DATA),
        (None, Outcome.NO_DATA),
        (True, Outcome.NO_DATA),
    ],
)
def test_an_event_mapping_can_require_an_attribute_limit(count: object, outcome: Outcome) -> None:
    ev = event("crowd_gathering") if count is None else event("crowd_gathering", count=count)
    d = evaluate_event(
        CROWD, device_class=VIDEO, device="v1", event=ev, now=NOW, last_alert_at=None
    )
    assert d is not None and d.outcome is outcome


def test_reasons_are_worded_in_both_languages() -> None:
    d = evaluate_telemetry(
        PM25,
        device_class=ENV,
        device="e1",
        reading=reading({"pm25": 120}),
        now=NOW,
        last_alert_at=None,
    )
    assert d is not None
    assert reasons(d) == ("PM2.5为 120 µg/m³，高于 75 µg/m³", "PM2.5 = 120 µg/m³, above 75 µg/m³")
    clear = evaluate_telemetry(
        PM25,
        device_class=ENV,
        device="e1",
        reading=reading({"pm25": 40.5}),
        now=NOW,
        last_alert_at=None,
    )
    assert clear is not None
    assert reason(clear, zh=False) == "PM2.5 = 40.5 µg/m³, not above 75 µg/m³"


def test_a_suppressed_reason_says_when_the_last_alert_was() -> None:
    d = evaluate_telemetry(
        PM25,
        device_class=ENV,
        device="e1",
        reading=reading({"pm25": 120}),
        now=NOW,
        last_alert_at=NOW - timedelta(seconds=120),
    )
    assert d is not None
    assert reason(d, zh=False).endswith("alerted 120 s ago, within the 600 s dedup window")
    assert "120 秒前已告警" in reason(d, zh=True)


def test_rate_heartbeat_and_event_reasons_name_the_facts() -> None:
    d = rate([(50, 20.0)], 29.25)
    assert (
        reason(d, zh=False) == "Temperature changed by +9.25 °C in 50 s, above 8 °C (window 60 s)"
    )
    assert "50 秒内变化 +9.25 °C" in reason(d, zh=True)
    hb = evaluate_heartbeat(
        OFFLINE,
        device_class=ENV,
        device="e1",
        last_seen=NOW - timedelta(seconds=1250),
        now=NOW,
        last_alert_at=None,
    )
    assert hb is not None and reason(hb, zh=False) == "no message for 1250 s (offline after 900 s)"
    ev = evaluate_event(
        CROWD,
        device_class=VIDEO,
        device="v1",
        event=event("crowd_gathering", count=80),
        now=NOW,
        last_alert_at=None,
    )
    assert ev is not None
    assert reasons(ev) == (
        "事件：人员聚集，count 为 80，不低于 50",
        "event: Crowd gathering, count = 80, at or above 50",
    )


def test_limits_and_numbers_read_naturally() -> None:
    assert limit_text(Limit(Op.OUTSIDE, 198, 242), "V", zh=False) == "outside 198–242 V"
    assert (
        limit_text(Limit(Op.OUTSIDE, 198, 242), "V", zh=True, holds=False)
        == "未超出 198–242 V 范围"
    )
    assert limit_text(Limit(Op.GE, 50), "", zh=False, holds=False) == "below 50"
    assert [number(x) for x in (3.0, 9.25, -0.5, 1 / 3, 1e6)] == [
        "3",
        "9.25",
        "-0.5",
        "0.33",
        "1000000",
    ]
