"""Rules as data: parsing and serialising rule dicts, the rule book index, and evaluation.

A rule dict is what the rule editor saves and the database stores (JSON)::

    {"code": "video.fight", "tier": "red", "kind": "event", "event": "fight",
     "device_class": "video_analytics", "device": null, "dedup_s": 300,
     "label_zh": "打架斗殴", "label_en": "Fight", "enabled": true}

Kinds: ``threshold`` (metric, op, value[, high]), ``rate`` (metric, window_s, op, value[, high]),
``heartbeat`` (offline_after_s) and ``event`` (event[, attr, op, value[, high]]).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jingwu.iot.classes import CLASSES, DeviceClass, UnknownDeviceClass, device_class
from jingwu.iot.payload import Event, Telemetry
from jingwu.iot.rules import (
    Condition,
    Decision,
    EventMatch,
    Heartbeat,
    Limit,
    Op,
    RateOfChange,
    Rule,
    Threshold,
    Tier,
    evaluate_event,
    evaluate_heartbeat,
    evaluate_telemetry,
)
from jingwu.iot.topics import is_code

_RULE_CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
KINDS = ("threshold", "rate", "heartbeat", "event")


class RuleError(ValueError):
    """A rule definition that cannot be used; ``field`` names the offending key."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _number(d: Mapping[str, Any], key: str, *, positive: bool = False) -> float:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise RuleError(f"{key!r} must be a finite number", key)
    if positive and v <= 0:
        raise RuleError(f"{key!r} must be greater than 0", key)
    return float(v)


def _limit(d: Mapping[str, Any]) -> Limit:
    try:
        op = Op(str(d.get("op")))
    except ValueError:
        raise RuleError(f"'op' must be one of {', '.join(o.value for o in Op)}", "op") from None
    value = _number(d, "value")
    if op is not Op.OUTSIDE:
        return Limit(op, value)
    high = _number(d, "high")
    if high < value:
        raise RuleError("'high' must not be below 'value' for an 'outside' rule", "high")
    return Limit(op, value, high)


def _scope_classes(cls: DeviceClass | None) -> list[DeviceClass]:
    return list(CLASSES) if cls is None else [cls]


def _metric(d: Mapping[str, Any], cls: DeviceClass | None) -> str:
    name = d.get("metric")
    if not isinstance(name, str) or not any(
        name in CLASSES[c].metrics for c in _scope_classes(cls)
    ):
        where = cls.value if cls else "any"
        raise RuleError(f"'metric' {name!r} is not reported by {where} devices", "metric")
    return name


def _condition(d: Mapping[str, Any], cls: DeviceClass | None) -> Condition:
    kind = d.get("kind")
    if kind == "threshold":
        return Threshold(_metric(d, cls), _limit(d))
    if kind == "rate":
        return RateOfChange(_metric(d, cls), _number(d, "window_s", positive=True), _limit(d))
    if kind == "heartbeat":
        return Heartbeat(_number(d, "offline_after_s", positive=True))
    if kind == "event":
        name = d.get("event")
        if not isinstance(name, str) or not any(
            name in CLASSES[c].events for c in _scope_classes(cls)
        ):
            where = cls.value if cls else "any"
            raise RuleError(f"'event' {name!r} is not emitted by {where} devices", "event")
        attr = d.get("attr")
        if attr is None:
            return EventMatch(name)
        if not isinstance(attr, str) or not attr:
            raise RuleError("'attr' must be an attribute name", "attr")
        return EventMatch(name, attr, _limit(d))
    raise RuleError(f"'kind' must be one of {', '.join(KINDS)}", "kind")


def _text(d: Mapping[str, Any], key: str) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip() or len(v) > 200:
        raise RuleError(f"{key!r} must be a non-empty text of at most 200 characters", key)
    return v.strip()


def rule_from_dict(d: Mapping[str, Any]) -> Rule:
    """Build a rule from its stored/edited form, raising RuleError naming the bad field."""
    code = d.get("code")
    if not isinstance(code, str) or not _RULE_CODE.fullmatch(code):
        raise RuleError("'code' must be 1-64 lowercase letters, digits, '_', '.' or '-'", "code")
    try:
        tier = Tier(str(d.get("tier")))
    except ValueError:
        raise RuleError("'tier' must be red, orange or yellow", "tier") from None
    cls_raw = d.get("device_class")
    try:
        cls = None if cls_raw is None else device_class(str(cls_raw))
    except UnknownDeviceClass as exc:
        raise RuleError(str(exc), "device_class") from None
    device = d.get("device")
    if device is not None and not (isinstance(device, str) and is_code(device)):
        raise RuleError("'device' must be a device code", "device")
    dedup = _number({"dedup_s": d.get("dedup_s", 600.0)}, "dedup_s")
    if dedup < 0:
        raise RuleError("'dedup_s' must not be negative", "dedup_s")
    enabled = d.get("enabled", True)
    if not isinstance(enabled, bool):
        raise RuleError("'enabled' must be true or false", "enabled")
    return Rule(
        code=code,
        tier=tier,
        condition=_condition(d, cls),
        label_zh=_text(d, "label_zh"),
        label_en=_text(d, "label_en"),
        device_class=cls,
        device=device,
        dedup_s=dedup,
        enabled=enabled,
    )


def _limit_dict(limit: Limit) -> dict[str, Any]:
    out: dict[str, Any] = {"op": limit.op.value, "value": limit.value}
    if limit.high is not None:
        out["high"] = limit.high
    return out


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The stored form of a rule (inverse of rule_from_dict)."""
    out: dict[str, Any] = {
        "code": rule.code,
        "tier": rule.tier.value,
        "device_class": rule.device_class.value if rule.device_class else None,
        "device": rule.device,
        "dedup_s": rule.dedup_s,
        "label_zh": rule.label_zh,
        "label_en": rule.label_en,
        "enabled": rule.enabled,
    }
    c = rule.condition
    if isinstance(c, Threshold):
        out.update(kind="threshold", metric=c.metric, **_limit_dict(c.limit))
    elif isinstance(c, RateOfChange):
        out.update(kind="rate", metric=c.metric, window_s=c.window_s, **_limit_dict(c.limit))
    elif isinstance(c, Heartbeat):
        out.update(kind="heartbeat", offline_after_s=c.offline_after_s)
    else:
        out.update(kind="event", event=c.event)
        if c.attr is not None and c.limit is not None:
            out.update(attr=c.attr, **_limit_dict(c.limit))
    return out


@dataclass(frozen=True, slots=True)
class _Plan:
    by_metric: Mapping[str, tuple[Rule, ...]]
    by_event: Mapping[str, tuple[Rule, ...]]
    heartbeat: tuple[Rule, ...]


def _plan(rules: Iterable[Rule]) -> _Plan:
    by_metric: dict[str, list[Rule]] = {}
    by_event: dict[str, list[Rule]] = {}
    heartbeat: list[Rule] = []
    for r in rules:
        c = r.condition
        if isinstance(c, Threshold | RateOfChange):
            by_metric.setdefault(c.metric, []).append(r)
        elif isinstance(c, EventMatch):
            by_event.setdefault(c.event, []).append(r)
        else:
            heartbeat.append(r)
    return _Plan(
        {k: tuple(v) for k, v in by_metric.items()},
        {k: tuple(v) for k, v in by_event.items()},
        tuple(heartbeat),
    )


class RuleBook:
    """Rules indexed for the ingester: which rules concern this device, metric or event.

    Precedence by rule code: a rule for every class < a rule for the device's class < a rule
    for the device itself. A disabled override switches a rule off for its scope.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._global: dict[str, Rule] = {}
        self._by_class: dict[DeviceClass, dict[str, Rule]] = {}
        self._by_device: dict[str, dict[str, Rule]] = {}
        for r in rules:
            if r.device is not None:
                slot = self._by_device.setdefault(r.device, {})
            elif r.device_class is not None:
                slot = self._by_class.setdefault(r.device_class, {})
            else:
                slot = self._global
            if r.code in slot:
                raise RuleError(f"rule {r.code!r} is defined twice for the same scope", "code")
            slot[r.code] = r
        self._plans: dict[tuple[DeviceClass, str | None], _Plan] = {}

    def rules_for(self, device_class: DeviceClass, device: str) -> tuple[Rule, ...]:
        """The enabled rules that apply to one device, overrides resolved."""
        merged = {**self._global, **self._by_class.get(device_class, {})}
        for code, r in self._by_device.get(device, {}).items():
            if r.device_class is None or r.device_class is device_class:
                merged[code] = r
        return tuple(r for r in merged.values() if r.applies_to(device_class, device))

    def heartbeat_horizon_s(self) -> float | None:
        """The shortest offline delay of any enabled heartbeat rule (None without any)."""
        # Devices silent for less cannot be offline: the heartbeat job skips them.
        scopes = [self._global, *self._by_class.values(), *self._by_device.values()]
        delays = [
            r.condition.offline_after_s
            for scope in scopes
            for r in scope.values()
            if r.enabled and isinstance(r.condition, Heartbeat)
        ]
        return min(delays, default=None)

    def _plan_for(self, device_class: DeviceClass, device: str) -> _Plan:
        key = (device_class, device if device in self._by_device else None)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _plan(self.rules_for(device_class, device))
        return plan

    def evaluate_telemetry(
        self,
        *,
        device_class: DeviceClass,
        device: str,
        reading: Telemetry,
        now: datetime,
        last_alerts: Mapping[str, datetime],
        history: Mapping[str, Sequence[tuple[datetime, float]]] | None = None,
        include_clear: bool = False,
    ) -> list[Decision]:
        """Decisions of every threshold and rate rule on the reading's metrics.

        ``last_alerts`` maps rule code to the last alert time for this device; ``history``
        maps metric to earlier samples (rate rules). Only matched decisions unless asked.
        """
        plan = self._plan_for(device_class, device)
        out: list[Decision] = []
        for metric, x in reading.metrics.items():
            for rule in plan.by_metric.get(metric, ()):
                c = rule.condition
                if not include_clear and type(c) is Threshold and not c.limit.holds(x):
                    continue  # the common case: skip building a decision nobody reads
                d = evaluate_telemetry(
                    rule,
                    device_class=device_class,
                    device=device,
                    reading=reading,
                    now=now,
                    last_alert_at=last_alerts.get(rule.code),
                    history=(history or {}).get(metric, ()),
                )
                if d is not None and (include_clear or d.matched):
                    out.append(d)
        return out

    def evaluate_event(
        self,
        *,
        device_class: DeviceClass,
        device: str,
        event: Event,
        now: datetime,
        last_alerts: Mapping[str, datetime],
        include_clear: bool = False,
    ) -> list[Decision]:
        """Decisions of the event mappings for this event type."""
        out: list[Decision] = []
        for rule in self._plan_for(device_class, device).by_event.get(event.event, ()):
            d = evaluate_event(
                rule,
                device_class=device_class,
                device=device,
                event=event,
                now=now,
                last_alert_at=last_alerts.get(rule.code),
            )
            if d is not None and (include_clear or d.matched):
                out.append(d)
        return out

    def evaluate_heartbeat(
        self,
        *,
        device_class: DeviceClass,
        device: str,
        last_seen: datetime | None,
        now: datetime,
        last_alerts: Mapping[str, datetime],
    ) -> list[Decision]:
        """Decisions of the heartbeat rules for one device at ``now`` (matched only)."""
        out: list[Decision] = []
        for rule in self._plan_for(device_class, device).heartbeat:
            d = evaluate_heartbeat(
                rule,
                device_class=device_class,
                device=device,
                last_seen=last_seen,
                now=now,
                last_alert_at=last_alerts.get(rule.code),
            )
            if d is not None and d.matched:
                out.append(d)
        return out
