"""The default rule set, as data (the form the rule editor stores); stations tune it per device.

Figures: a rate-of-rise heat detector alarms at about 8 °C per minute; 4 people per m² is the
usual crowd-safety warning level; 150 µg/m³ of PM2.5 is heavy pollution in China's air
quality index; supply voltage is 220 V ± 10 %; occupational noise limit 85 dB(A).
"""

from __future__ import annotations

from typing import Any

from jingwu.iot.rules import Rule
from jingwu.iot.ruleset import RuleBook, rule_from_dict


def _ev(
    code: str, cls: str | None, event: str, tier: str, zh: str, en: str, dedup: float = 600.0
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "event",
        "device_class": cls,
        "event": event,
        "tier": tier,
        "label_zh": zh,
        "label_en": en,
        "dedup_s": dedup,
    }


def _th(
    code: str,
    cls: str | None,
    metric: str,
    op: str,
    value: float,
    tier: str,
    zh: str,
    en: str,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "threshold",
        "device_class": cls,
        "metric": metric,
        "op": op,
        "value": value,
        "tier": tier,
        "label_zh": zh,
        "label_en": en,
        **extra,
    }


DEFAULT_RULE_DATA: tuple[dict[str, Any], ...] = (
    # every class
    {
        "code": "device.offline",
        "kind": "heartbeat",
        "offline_after_s": 900,
        "tier": "yellow",
        "label_zh": "设备离线",
        "label_en": "Device offline",
        "dedup_s": 3600,
    },
    _ev("device.tamper", None, "tamper", "orange", "设备被破坏", "Device tampered with"),
    _ev("device.fault", None, "fault", "yellow", "设备故障", "Device fault", 3600),
    _ev("device.low_battery", None, "low_battery", "yellow", "电量低", "Low battery", 86400),
    _th(
        "device.battery",
        None,
        "battery",
        "<",
        15,
        "yellow",
        "电量不足",
        "Battery low",
        dedup_s=86400,
    ),
    # smoke and fire
    _ev("smoke.alarm", "smoke_fire", "smoke_alarm", "red", "烟雾报警", "Smoke alarm", 300),
    _ev("fire.alarm", "smoke_fire", "fire_alarm", "red", "火警", "Fire alarm", 300),
    _ev("fire.heat_alarm", "smoke_fire", "heat_alarm", "red", "温度异常报警", "Heat alarm", 300),
    {
        "code": "fire.heat_rise",
        "kind": "rate",
        "device_class": "smoke_fire",
        "metric": "temperature",
        "window_s": 60,
        "op": ">",
        "value": 8,
        "tier": "red",
        "label_zh": "温度快速上升",
        "label_en": "Rapid temperature rise",
        "dedup_s": 300,
    },
    _th("fire.co", "smoke_fire", "co", ">=", 50, "orange", "一氧化碳超标", "Carbon monoxide high"),
    # video analytics
    _ev("video.fight", "video_analytics", "fight", "red", "打架斗殴", "Fight", 300),
    _ev("video.fall", "video_analytics", "fall", "orange", "人员倒地", "Person fallen", 300),
    _ev(
        "video.crowd", "video_analytics", "crowd_gathering", "orange", "人员聚集", "Crowd gathering"
    ),
    _ev("video.intrusion", "video_analytics", "intrusion", "orange", "区域入侵", "Intrusion"),
    _ev("video.loitering", "video_analytics", "loitering", "yellow", "徘徊逗留", "Loitering"),
    _ev("video.wrong_way", "video_analytics", "wrong_way", "yellow", "逆行", "Wrong-way movement"),
    _ev(
        "video.abandoned",
        "video_analytics",
        "abandoned_object",
        "orange",
        "遗留物品",
        "Abandoned object",
    ),
    _th(
        "video.density",
        "video_analytics",
        "crowd_density",
        ">",
        4,
        "orange",
        "人员密度过高",
        "Crowd density high",
    ),
    # people flow
    _th(
        "flow.density",
        "people_flow",
        "density",
        ">",
        4,
        "orange",
        "人员密度过高",
        "Crowd density high",
    ),
    _ev("flow.over_capacity", "people_flow", "over_capacity", "orange", "超员", "Over capacity"),
    # access control
    _ev(
        "access.forced",
        "access_control",
        "access_forced",
        "red",
        "强行开门",
        "Door forced open",
        300,
    ),
    _ev("access.panic", "access_control", "panic", "red", "紧急求助", "Panic button", 300),
    _ev(
        "access.door_held",
        "access_control",
        "door_held",
        "yellow",
        "门长时间未关",
        "Door held open",
    ),
    # perimeter radar
    _ev(
        "radar.intrusion",
        "perimeter_radar",
        "intrusion",
        "orange",
        "周界入侵",
        "Perimeter intrusion",
        300,
    ),
    _ev(
        "radar.loitering",
        "perimeter_radar",
        "loitering",
        "yellow",
        "周界徘徊",
        "Loitering at the perimeter",
    ),
    # vehicle checkpoint
    _ev(
        "vehicle.watchlist",
        "vehicle_checkpoint",
        "blacklist_plate",
        "red",
        "布控车辆",
        "Watch-listed vehicle",
        300,
    ),
    _ev(
        "vehicle.wrong_way",
        "vehicle_checkpoint",
        "wrong_way",
        "yellow",
        "车辆逆行",
        "Vehicle wrong way",
    ),
    # environment
    _th(
        "env.pm25",
        "environment",
        "pm25",
        ">",
        150,
        "yellow",
        "PM2.5 重度污染",
        "PM2.5 heavy pollution",
        dedup_s=3600,
    ),
    _th(
        "env.co2",
        "environment",
        "co2",
        ">",
        2000,
        "yellow",
        "二氧化碳过高",
        "CO₂ high",
        dedup_s=3600,
    ),
    _th(
        "env.noise",
        "environment",
        "noise",
        ">",
        85,
        "yellow",
        "噪声超标",
        "Noise high",
        dedup_s=1800,
    ),
    _th(
        "env.temperature",
        "environment",
        "temperature",
        "outside",
        -25,
        "yellow",
        "温度异常",
        "Temperature abnormal",
        high=42,
        dedup_s=3600,
    ),
    _ev("env.water_leak", "environment", "water_leak", "orange", "水浸", "Water leak"),
    # energy
    _th(
        "energy.voltage",
        "energy_meter",
        "voltage",
        "outside",
        198,
        "yellow",
        "电压异常",
        "Voltage out of range",
        high=242,
        dedup_s=3600,
    ),
    _ev("energy.outage", "energy_meter", "power_outage", "orange", "停电", "Power outage"),
    _ev("energy.overload", "energy_meter", "overload", "yellow", "用电过载", "Overload"),
)

DEFAULT_RULES: tuple[Rule, ...] = tuple(rule_from_dict(d) for d in DEFAULT_RULE_DATA)


def default_rulebook() -> RuleBook:
    """A rule book holding the default rules."""
    return RuleBook(DEFAULT_RULES)
