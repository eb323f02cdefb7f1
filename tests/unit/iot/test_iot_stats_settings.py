"""Latency histograms, MQTT URLs and the work-order categories of alerts (pure)."""

from __future__ import annotations

import pytest

from jingwu.config import ConfigError
from jingwu.iot.ingest_stats import Histogram
from jingwu.iot.service_alerts import CATEGORIES, category_for
from jingwu.iot.settings import parse_mqtt_url
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE


def test_percentiles_are_exact_to_the_millisecond_and_histograms_merge() -> None:
    h = Histogram()
    for ms in range(1, 101):
        h.add(ms)
    assert (h.percentile(0.5), h.percentile(0.99), h.percentile(1.0)) == (50, 99, 100)
    other = Histogram()
    other.merge(h.buckets())
    other.add(-5)  # clock skew counts as 0
    assert other.n == 101 and other.percentile(0.0) == 0 and other.summary()["max_ms"] == 100


def test_mqtt_urls_give_host_port_login_and_tls() -> None:
    t = parse_mqtt_url("mqtt://ingest:p%40ss@broker.local:18830")
    assert (t.host, t.port, t.username, t.password, t.tls) == (
        "broker.local",
        18830,
        "ingest",
        "p@ss",
        False,
    )
    assert parse_mqtt_url("mqtts://b").port == 8883 and parse_mqtt_url("mqtts://b").tls
    with pytest.raises(ConfigError, match="JINGWU_MQTT_URL"):
        parse_mqtt_url("http://broker")


def test_every_alert_category_is_in_the_work_order_catalogue() -> None:
    for _, code in CATEGORIES:
        assert code in DEFAULT_CATALOGUE
    assert category_for("smoke.alarm") == "fire_hazard"
    assert category_for("video.fight") == "fight"
    assert category_for("device.offline") == "sensor_alert" in DEFAULT_CATALOGUE
