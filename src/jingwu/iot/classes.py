"""The eight device classes of the sensing network: metrics, event types, alarm flags (pure data).

Identifiers here are stable: they are stored in the database, used in payloads and rules,
and must never be renamed (add new ones instead).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class DeviceClass(StrEnum):
    """The eight sensor classes the construction guide asks for (IOT-1)."""

    ENVIRONMENT = "environment"
    PEOPLE_FLOW = "people_flow"
    SMOKE_FIRE = "smoke_fire"
    ACCESS_CONTROL = "access_control"
    VIDEO_ANALYTICS = "video_analytics"
    PERIMETER_RADAR = "perimeter_radar"
    VEHICLE_CHECKPOINT = "vehicle_checkpoint"
    ENERGY_METER = "energy_meter"


class UnknownDeviceClass(ValueError):
    """A device class identifier that is not one of the eight."""


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A numeric metric a class reports, with its unit and physically plausible range."""

    name: str
    unit: str
    low: float
    high: float
    label_zh: str
    label_en: str

    def plausible(self, value: float) -> bool:
        """True when the value is finite and within the sensor's plausible range."""
        return math.isfinite(value) and self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class EventSpec:
    """An event type a class emits; alarm-class events take the ingester's fast path."""

    name: str
    label_zh: str
    label_en: str
    alarm: bool


@dataclass(frozen=True, slots=True, eq=False)
class ClassSpec:
    """Everything the platform knows about one device class."""

    device_class: DeviceClass
    label_zh: str
    label_en: str
    metrics: Mapping[str, MetricSpec]
    events: Mapping[str, EventSpec]

    @property
    def alarm_events(self) -> frozenset[str]:
        """Names of the alarm-class events of this class."""
        return frozenset(name for name, ev in self.events.items() if ev.alarm)


# name -> (zh, en); alarm flags are set per class below, since the same name can be
# urgent for one class (wrong_way on a video-analytics camera) and routine for another.
_EVENT_LABELS: dict[str, tuple[str, str]] = {
    "smoke_alarm": ("烟雾报警", "Smoke alarm"),
    "fire_alarm": ("火警", "Fire alarm"),
    "heat_alarm": ("温度异常报警", "Heat alarm"),
    "access_forced": ("强行开门", "Door forced open"),
    "door_held": ("门长时间未关", "Door held open"),
    "access_denied": ("通行被拒", "Access denied"),
    "panic": ("紧急求助", "Panic button"),
    "fight": ("打架斗殴", "Fight"),
    "fall": ("人员倒地", "Person fallen"),
    "crowd_gathering": ("人员聚集", "Crowd gathering"),
    "intrusion": ("区域入侵", "Intrusion"),
    "loitering": ("徘徊逗留", "Loitering"),
    "wrong_way": ("逆行", "Wrong-way movement"),
    "abandoned_object": ("遗留物品", "Abandoned object"),
    "blacklist_plate": ("布控车辆", "Watch-listed plate"),
    "speeding": ("超速", "Speeding"),
    "over_capacity": ("超员", "Over capacity"),
    "water_leak": ("水浸", "Water leak"),
    "power_outage": ("停电", "Power outage"),
    "overload": ("过载", "Overload"),
    "tamper": ("设备被破坏", "Tamper"),
    "low_battery": ("电量低", "Low battery"),
    "fault": ("设备故障", "Device fault"),
}

# name -> (unit, low, high, zh, en)
_METRIC_DATA: dict[str, tuple[str, float, float, str, str]] = {
    "temperature": ("°C", -40.0, 150.0, "温度", "Temperature"),
    "humidity": ("%RH", 0.0, 100.0, "湿度", "Humidity"),
    "pm25": ("µg/m³", 0.0, 1000.0, "PM2.5", "PM2.5"),
    "pm10": ("µg/m³", 0.0, 2000.0, "PM10", "PM10"),
    "co2": ("ppm", 0.0, 10000.0, "二氧化碳", "CO₂"),
    "noise": ("dB(A)", 20.0, 140.0, "噪声", "Noise"),
    "count_in": ("人", 0.0, 10000.0, "进入人数", "People in"),
    "count_out": ("人", 0.0, 10000.0, "离开人数", "People out"),
    "occupancy": ("人", 0.0, 100000.0, "在场人数", "Occupancy"),
    "density": ("人/m²", 0.0, 10.0, "人员密度", "Crowd density"),
    "smoke": ("%obs/m", 0.0, 100.0, "烟雾浓度", "Smoke obscuration"),
    "co": ("ppm", 0.0, 2000.0, "一氧化碳", "CO"),
    "door_open": ("", 0.0, 1.0, "门状态", "Door open"),
    "crowd_count": ("人", 0.0, 10000.0, "画面人数", "People in view"),
    "crowd_density": ("人/m²", 0.0, 10.0, "画面人员密度", "Crowd density in view"),
    "targets": ("个", 0.0, 256.0, "目标数", "Targets"),
    "nearest": ("m", 0.0, 1000.0, "最近目标距离", "Nearest target"),
    "vehicles": ("辆", 0.0, 10000.0, "过车数", "Vehicles"),
    "speed_avg": ("km/h", 0.0, 300.0, "平均车速", "Average speed"),
    "power": ("kW", -10000.0, 10000.0, "有功功率", "Active power"),
    "energy_import": ("kWh", 0.0, 1e9, "累计用电", "Energy imported"),
    "energy_export": ("kWh", 0.0, 1e9, "累计上网电量", "Energy exported"),
    "pv_power": ("kW", 0.0, 10000.0, "光伏功率", "Solar power"),
    "pv_energy": ("kWh", 0.0, 1e9, "累计光伏发电", "Solar energy"),
    "heat_recovery": ("kWh", 0.0, 1e9, "累计余热回收", "Heat recovered"),
    "voltage": ("V", 0.0, 1000.0, "电压", "Voltage"),
    "current": ("A", 0.0, 10000.0, "电流", "Current"),
    "battery": ("%", 0.0, 100.0, "电量", "Battery"),
    "rssi": ("dBm", -140.0, 0.0, "信号强度", "Signal strength"),
}

COMMON_METRICS: tuple[str, ...] = ("battery", "rssi")
COMMON_EVENTS: tuple[str, ...] = ("tamper", "low_battery", "fault")

# class -> (zh, en, metrics, alarm events, routine events)
_CLASS_DATA: dict[
    DeviceClass, tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
] = {
    DeviceClass.ENVIRONMENT: (
        "环境监测",
        "Environment monitor",
        ("temperature", "humidity", "pm25", "pm10", "co2", "noise"),
        (),
        ("water_leak",),
    ),
    DeviceClass.PEOPLE_FLOW: (
        "人流计数",
        "People-flow counter",
        ("count_in", "count_out", "occupancy", "density"),
        (),
        ("over_capacity",),
    ),
    DeviceClass.SMOKE_FIRE: (
        "烟感火警",
        "Smoke/fire detector",
        ("smoke", "temperature", "co"),
        ("smoke_alarm", "fire_alarm", "heat_alarm"),
        (),
    ),
    DeviceClass.ACCESS_CONTROL: (
        "门禁",
        "Access control",
        ("door_open",),
        ("access_forced", "panic"),
        ("door_held", "access_denied"),
    ),
    DeviceClass.VIDEO_ANALYTICS: (
        "视频智能分析",
        "Video-analytics camera",
        ("crowd_count", "crowd_density"),
        (
            "fight",
            "fall",
            "crowd_gathering",
            "intrusion",
            "loitering",
            "wrong_way",
            "abandoned_object",
        ),
        (),
    ),
    DeviceClass.PERIMETER_RADAR: (
        "周界雷达",
        "Perimeter radar",
        ("targets", "nearest"),
        ("intrusion", "loitering"),
        (),
    ),
    DeviceClass.VEHICLE_CHECKPOINT: (
        "车辆卡口",
        "Vehicle checkpoint",
        ("vehicles", "speed_avg"),
        ("blacklist_plate",),
        ("wrong_way", "speeding"),
    ),
    DeviceClass.ENERGY_METER: (
        "能源计量",
        "Energy meter",
        (
            "power",
            "energy_import",
            "energy_export",
            "pv_power",
            "pv_energy",
            "heat_recovery",
            "voltage",
            "current",
        ),
        (),
        ("power_outage", "overload"),
    ),
}


def _metric(name: str) -> MetricSpec:
    unit, low, high, zh, en = _METRIC_DATA[name]
    return MetricSpec(name=name, unit=unit, low=low, high=high, label_zh=zh, label_en=en)


def _event(name: str, *, alarm: bool) -> EventSpec:
    zh, en = _EVENT_LABELS[name]
    return EventSpec(name=name, label_zh=zh, label_en=en, alarm=alarm)


def _build() -> Mapping[DeviceClass, ClassSpec]:
    specs: dict[DeviceClass, ClassSpec] = {}
    for cls, (zh, en, metrics, alarms, routine) in _CLASS_DATA.items():
        m = {name: _metric(name) for name in (*metrics, *COMMON_METRICS)}
        ev = {name: _event(name, alarm=True) for name in alarms}
        ev.update({name: _event(name, alarm=False) for name in (*routine, *COMMON_EVENTS)})
        specs[cls] = ClassSpec(
            device_class=cls,
            label_zh=zh,
            label_en=en,
            metrics=MappingProxyType(m),
            events=MappingProxyType(ev),
        )
    return MappingProxyType(specs)


CLASSES: Mapping[DeviceClass, ClassSpec] = _build()
ALL_CLASSES: frozenset[DeviceClass] = frozenset(DeviceClass)


def device_class(value: str) -> DeviceClass:
    """Parse a class identifier, raising UnknownDeviceClass with the valid choices."""
    try:
        return DeviceClass(value)
    except ValueError:
        choices = ", ".join(c.value for c in DeviceClass)
        raise UnknownDeviceClass(
            f"unknown device class {value!r}; expected one of {choices}"
        ) from None


def class_spec(cls: DeviceClass | str) -> ClassSpec:
    """The specification of a class (accepts the enum or its identifier)."""
    return CLASSES[cls if isinstance(cls, DeviceClass) else device_class(cls)]


def metric_spec(cls: DeviceClass | str, name: str) -> MetricSpec | None:
    """The metric of that name for the class, or None if the class does not report it."""
    return class_spec(cls).metrics.get(name)


def event_spec(cls: DeviceClass | str, name: str) -> EventSpec | None:
    """The event type of that name for the class, or None if the class does not emit it."""
    return class_spec(cls).events.get(name)


def is_alarm(cls: DeviceClass | str, event: str) -> bool:
    """True when the event is alarm-class for that device class (fast path)."""
    spec = event_spec(cls, event)
    return spec is not None and spec.alarm
