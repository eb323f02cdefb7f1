"""Device classes: the eight classes, their metrics, events and alarm flags."""

from __future__ import annotations

import pytest

from jingwu.iot.classes import (
    CLASSES,
    COMMON_EVENTS,
    COMMON_METRICS,
    DeviceClass,
    UnknownDeviceClass,
    class_spec,
    device_class,
    event_spec,
    is_alarm,
    metric_spec,
)


def test_there_are_exactly_eight_classes_with_stable_identifiers() -> None:
    assert [c.value for c in DeviceClass] == [
        "environment",
        "people_flow",
        "smoke_fire",
        "access_control",
        "video_analytics",
        "perimeter_radar",
        "vehicle_checkpoint",
        "energy_meter",
    ]
    assert set(CLASSES) == set(DeviceClass)


def test_every_class_has_labels_in_both_languages_and_at_least_one_own_metric() -> None:
    for cls, spec in CLASSES.items():
        assert spec.device_class is cls
        assert spec.label_zh and spec.label_en
        assert set(spec.metrics) - set(COMMON_METRICS), cls
        for m in spec.metrics.values():
            assert m.low < m.high and m.label_zh and m.label_en


def test_common_metrics_and_events_belong_to_every_class() -> None:
    for spec in CLASSES.values():
        assert set(COMMON_METRICS) <= set(spec.metrics)
        assert set(COMMON_EVENTS) <= set(spec.events)


@pytest.mark.parametrize(
    ("cls", "event"),
    [
        ("smoke_fire", "smoke_alarm"),
        ("smoke_fire", "fire_alarm"),
        ("access_control", "access_forced"),
        ("access_control", "panic"),
        ("video_analytics", "fight"),
        ("video_analytics", "fall"),
        ("video_analytics", "crowd_gathering"),
        ("video_analytics", "wrong_way"),
        ("perimeter_radar", "intrusion"),
        ("vehicle_checkpoint", "blacklist_plate"),
    ],
)
def test_it_marks_the_urgent_events_as_alarm_class(cls: str, event: str) -> None:
    assert is_alarm(cls, event)
    assert event in class_spec(cls).alarm_events


@pytest.mark.parametrize(
    ("cls", "event"),
    [
        ("access_control", "door_held"),
        ("vehicle_checkpoint", "wrong_way"),
        ("environment", "low_battery"),
        ("energy_meter", "tamper"),
    ],
)
def test_routine_events_do_not_take_the_fast_path(cls: str, event: str) -> None:
    assert event_spec(cls, event) is not None
    assert not is_alarm(cls, event)


def test_an_event_of_another_class_is_unknown_and_not_alarm() -> None:
    assert event_spec("environment", "fight") is None
    assert not is_alarm("environment", "fight")


def test_metric_ranges_reject_implausible_and_non_finite_values() -> None:
    pm25 = metric_spec(DeviceClass.ENVIRONMENT, "pm25")
    assert pm25 is not None and pm25.unit == "µg/m³"
    assert pm25.plausible(35.0)
    assert not pm25.plausible(-1.0)
    assert not pm25.plausible(float("nan"))
    assert not pm25.plausible(float("inf"))
    assert metric_spec("environment", "vehicles") is None


def test_an_unknown_class_is_refused_with_the_choices() -> None:
    with pytest.raises(UnknownDeviceClass, match="expected one of environment"):
        device_class("toaster")
    with pytest.raises(UnknownDeviceClass):
        class_spec("toaster")
