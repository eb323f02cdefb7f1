"""Rules as data: parsing, round trips, the default set, and the rule book's precedence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jingwu.iot.classes import DeviceClass
from jingwu.iot.default_rules import DEFAULT_RULE_DATA, DEFAULT_RULES, default_rulebook
from jingwu.iot.explain import reason
from jingwu.iot.payload import Event, Telemetry
from jingwu.iot.rules import EventMatch, Op, Outcome, RateOfChange, Threshold, Tier
from jingwu.iot.ruleset import RuleBook, RuleError, rule_from_dict, rule_to_dict

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
VIDEO = DeviceClass.VIDEO_ANALYTICS


def base(**over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": "env.pm25",
        "kind": "threshold",
        "device_class": "environment",
        "metric": "pm25",
        "op": ">",
        "value": 75,
        "tier": "yellow",
        "label_zh": "PM2.5 超标",
        "label_en": "PM2.5 high",
    }
    d.update(over)
    return {k: v for k, v in d.items() if v is not None}


def test_every_default_rule_round_trips_through_its_stored_form() -> None:
    for rule in DEFAULT_RULES:
        assert rule_from_dict(rule_to_dict(rule)) == rule


def test_the_default_rules_map_the_guides_examples_to_their_tiers() -> None:
    by_code = {r.code: r for r in DEFAULT_RULES}
    assert by_code["video.fight"].tier is Tier.RED
    assert by_code["smoke.alarm"].tier is Tier.RED
    assert by_code["access.forced"].tier is Tier.RED
    density = by_code["flow.density"]
    assert density.tier is Tier.ORANGE
    assert isinstance(density.condition, Threshold) and density.condition.limit.op is Op.GT
    assert by_code["device.offline"].device_class is None
    assert len({r.code for r in DEFAULT_RULES}) == len(DEFAULT_RULE_DATA)


def test_it_parses_each_kind() -> None:
    rate = rule_from_dict(
        base(kind="rate", device_class="smoke_fire", metric="temperature", window_s=60)
    )
    assert isinstance(rate.condition, RateOfChange)
    assert (rate.condition.metric, rate.condition.window_s) == ("temperature", 60.0)
    ev = rule_from_dict(
        base(
            kind="event",
            device_class="video_analytics",
            metric=None,
            event="crowd_gathering",
            attr="count",
            op=">=",
            value=50,
        )
    )
    assert isinstance(ev.condition, EventMatch) and ev.condition.attr == "count"
    hb = rule_from_dict(
        base(
            kind="heartbeat",
            device_class=None,
            metric=None,
            op=None,
            value=None,
            offline_after_s=600,
        )
    )
    assert rule_to_dict(hb)["offline_after_s"] == 600
    outside = rule_from_dict(base(op="outside", value=10, high=20))
    assert rule_to_dict(outside)["high"] == 20


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"code": "Bad Code"}, "code"),
        ({"tier": "blue"}, "tier"),
        ({"device_class": "toaster"}, "device_class"),
        ({"device": "a/b"}, "device"),
        ({"kind": "magic"}, "kind"),
        ({"metric": "vehicles"}, "metric"),
        ({"op": "=="}, "op"),
        ({"value": "75"}, "value"),
        ({"value": float("nan")}, "value"),
        ({"value": True}, "value"),
        ({"op": "outside", "value": 20, "high": 10}, "high"),
        ({"op": "outside", "value": 20}, "high"),
        ({"kind": "rate", "window_s": 0}, "window_s"),
        ({"kind": "event", "event": "fight"}, "event"),
        ({"kind": "event", "event": "tamper", "attr": ""}, "attr"),
        ({"kind": "heartbeat", "offline_after_s": -1}, "offline_after_s"),
        ({"dedup_s": -5}, "dedup_s"),
        ({"enabled": "yes"}, "enabled"),
        ({"label_zh": "  "}, "label_zh"),
        ({"label_en": "x" * 201}, "label_en"),
    ],
)
def test_it_names_the_field_of_a_bad_rule(over: dict[str, Any], field: str) -> None:
    with pytest.raises(RuleError) as exc:
        rule_from_dict(base(**over))
    assert exc.value.field == field


def test_a_rule_for_every_class_may_only_use_a_metric_some_class_reports() -> None:
    assert rule_from_dict(base(device_class=None, metric="battery")).device_class is None
    with pytest.raises(RuleError):
        rule_from_dict(base(device_class=None, metric="warp_factor"))


def test_device_rules_override_class_rules_which_override_global_ones() -> None:
    g = rule_from_dict(
        base(code="x.battery", device_class=None, metric="battery", op="<", value=15)
    )
    c = rule_from_dict(base(code="x.battery", metric="battery", op="<", value=20, tier="orange"))
    d = rule_from_dict(
        base(
            code="x.battery",
            device_class=None,
            device="e9",
            metric="battery",
            op="<",
            value=30,
            tier="red",
        )
    )
    book = RuleBook([g, c, d])
    assert book.rules_for(DeviceClass.ENVIRONMENT, "e9") == (d,)
    assert book.rules_for(DeviceClass.ENVIRONMENT, "e1") == (c,)
    assert book.rules_for(DeviceClass.ENERGY_METER, "m1") == (g,)


def test_a_disabled_device_override_switches_a_rule_off_for_that_device() -> None:
    off = rule_from_dict(base(device="e9", enabled=False))
    book = RuleBook([rule_from_dict(base()), off])
    assert book.rules_for(DeviceClass.ENVIRONMENT, "e9") == ()
    assert len(book.rules_for(DeviceClass.ENVIRONMENT, "e1")) == 1


def test_a_rule_defined_twice_for_the_same_scope_is_refused() -> None:
    with pytest.raises(RuleError, match="twice"):
        RuleBook([rule_from_dict(base()), rule_from_dict(base(value=80))])


def test_the_rule_book_returns_only_matched_decisions_unless_asked() -> None:
    book = default_rulebook()
    reading = Telemetry(
        ts=NOW, boot="b", seq=1, metrics={"pm25": 200.0, "co2": 500.0, "battery": 90.0}
    )
    fired = book.evaluate_telemetry(
        device_class=DeviceClass.ENVIRONMENT, device="e1", reading=reading, now=NOW, last_alerts={}
    )
    assert [d.rule.code for d in fired] == ["env.pm25"]
    everything = book.evaluate_telemetry(
        device_class=DeviceClass.ENVIRONMENT,
        device="e1",
        reading=reading,
        now=NOW,
        last_alerts={},
        include_clear=True,
    )
    assert {d.rule.code for d in everything} == {"env.pm25", "env.co2", "device.battery"}
    again = book.evaluate_telemetry(
        device_class=DeviceClass.ENVIRONMENT,
        device="e1",
        reading=reading,
        now=NOW,
        last_alerts={"env.pm25": NOW - timedelta(minutes=5)},
    )
    assert [d.outcome for d in again] == [Outcome.SUPPRESSED]


def test_the_rule_book_passes_history_to_rate_rules() -> None:
    book = default_rulebook()
    reading = Telemetry(ts=NOW, boot="b", seq=2, metrics={"temperature": 40.0})
    history = {"temperature": [(NOW - timedelta(seconds=45), 25.0)]}
    out = book.evaluate_telemetry(
        device_class=DeviceClass.SMOKE_FIRE,
        device="s1",
        reading=reading,
        now=NOW,
        last_alerts={},
        history=history,
    )
    assert [(d.rule.code, d.tier) for d in out] == [("fire.heat_rise", Tier.RED)]


def test_a_video_fight_raises_a_red_alert_with_a_reason() -> None:
    book = default_rulebook()
    ev = Event(ts=NOW, boot="b", seq=3, event="fight", alarm=True, attrs={"confidence": 0.93})
    out = book.evaluate_event(device_class=VIDEO, device="v1", event=ev, now=NOW, last_alerts={})
    assert len(out) == 1 and out[0].fire and out[0].tier is Tier.RED
    assert reason(out[0], zh=True) == "事件：打架斗殴"
    assert (
        book.evaluate_event(
            device_class=VIDEO, device="v1", event=ev, now=NOW, last_alerts={"video.fight": NOW}
        )[0].outcome
        is Outcome.SUPPRESSED
    )


def test_the_rule_book_checks_heartbeats_for_every_class() -> None:
    book = default_rulebook()
    for cls in DeviceClass:
        out = book.evaluate_heartbeat(
            device_class=cls,
            device="d",
            last_seen=NOW - timedelta(hours=1),
            now=NOW,
            last_alerts={},
        )
        assert [d.rule.code for d in out] == ["device.offline"]
    quiet = book.evaluate_heartbeat(
        device_class=VIDEO,
        device="d",
        last_seen=NOW - timedelta(minutes=1),
        now=NOW,
        last_alerts={},
    )
    assert quiet == []


def test_the_heartbeat_horizon_is_the_shortest_enabled_offline_delay() -> None:
    assert default_rulebook().heartbeat_horizon_s() == 900
    hb = base(kind="heartbeat", device_class=None, metric=None, op=None, value=None)
    book = RuleBook(
        [
            rule_from_dict({**hb, "code": "device.offline", "offline_after_s": 900}),
            rule_from_dict(
                {**hb, "code": "device.offline", "device": "cam1", "offline_after_s": 120}
            ),
            rule_from_dict({**hb, "code": "x.off", "offline_after_s": 30, "enabled": False}),
        ]
    )
    assert book.heartbeat_horizon_s() == 120
    assert RuleBook([]).heartbeat_horizon_s() is None
