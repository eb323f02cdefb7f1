"""docs/iot.md documents every class, metric, event, refusal reason and default rule."""

from __future__ import annotations

from pathlib import Path

from jingwu.iot.classes import CLASSES
from jingwu.iot.default_rules import DEFAULT_RULES
from jingwu.iot.payload import RejectReason
from jingwu.iot.topics import SHARED_SUBSCRIPTION

REPO = Path(__file__).resolve().parents[3]
DOC = (REPO / "docs" / "iot.md").read_text()
TEMPLATE = (REPO / "deploy" / "mosquitto" / "mosquitto.conf").read_text()


def test_every_class_metric_and_event_is_documented() -> None:
    for cls, spec in CLASSES.items():
        assert f"`{cls.value}`" in DOC
        for name in [*spec.metrics, *spec.events]:
            assert f"`{name}`" in DOC, name


def test_every_refusal_reason_and_default_rule_is_documented() -> None:
    for reason in RejectReason:
        assert f"`{reason.value}`" in DOC
    for rule in DEFAULT_RULES:
        assert f"`{rule.code}`" in DOC


def test_the_shared_subscription_is_documented() -> None:
    assert SHARED_SUBSCRIPTION in DOC


def test_the_documented_broker_limits_are_those_of_the_template() -> None:
    settings = dict(
        line.split(" ", 1) for line in TEMPLATE.splitlines() if line and not line.startswith("#")
    )
    assert settings["persistence"] == "true"
    assert settings["allow_anonymous"] == "false"
    assert settings["max_queued_messages"] == "3000000"
    assert settings["max_queued_bytes"] == "1073741824"
    assert settings["max_inflight_messages"] == "1000"
    assert settings["autosave_interval"] == "60"
    assert "3,000,000" in DOC and "1 GiB" in DOC and "60 s" in DOC
