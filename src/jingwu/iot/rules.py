"""Alert rules: thresholds, rate of change, missing heartbeat, event mappings (pure).

Given a rule, a reading or event (or the time a device was last seen), ``now`` and the time
of the last alert the rule raised for that device, a rule yields a Decision: fire, suppressed
by the dedup window (one incident, one alert), clear, or no data. ``jingwu.iot.explain``
words it in Chinese and English; ``jingwu.iot.ruleset`` parses rules and holds the defaults.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from jingwu.iot.classes import DeviceClass
from jingwu.iot.payload import Event, Telemetry


class Tier(StrEnum):
    """The three-colour triage tier a rule suggests for the work order."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"


class Op(StrEnum):
    """Comparison of a value with a limit (``outside`` uses ``value`` as low, ``high``)."""

    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    OUTSIDE = "outside"


class Outcome(StrEnum):
    """What a rule concluded."""

    FIRE = "fire"  # the condition holds and no alert was raised within the dedup window
    SUPPRESSED = "suppressed"  # the condition holds, but it is the same incident
    CLEAR = "clear"  # the condition does not hold
    NO_DATA = "no_data"  # not enough to decide (no history for a rate, device never seen)


@dataclass(frozen=True, slots=True)
class Limit:
    """A comparison: ``x op value``, or for OUTSIDE ``not value <= x <= high``."""

    op: Op
    value: float
    high: float | None = None

    def holds(self, x: float) -> bool:
        """True when x breaks the limit."""
        op = self.op
        if op is Op.GT:
            return x > self.value
        if op is Op.GE:
            return x >= self.value
        if op is Op.LT:
            return x < self.value
        if op is Op.LE:
            return x <= self.value
        assert self.high is not None
        return not self.value <= x <= self.high


@dataclass(frozen=True, slots=True)
class Threshold:
    """A metric compared with a limit on every reading."""

    metric: str
    limit: Limit


@dataclass(frozen=True, slots=True)
class RateOfChange:
    """The change of a metric since the earliest sample within the window, against a limit."""

    metric: str
    window_s: float
    limit: Limit


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The device counts as offline after this many seconds without any message."""

    offline_after_s: float


@dataclass(frozen=True, slots=True)
class EventMatch:
    """An event type, optionally with a numeric attribute limit (``count`` > 50)."""

    event: str
    attr: str | None = None
    limit: Limit | None = None


Condition = Threshold | RateOfChange | Heartbeat | EventMatch


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule, for every class (device_class None), one class, or one device (an override)."""

    code: str
    tier: Tier
    condition: Condition
    label_zh: str
    label_en: str
    device_class: DeviceClass | None = None
    device: str | None = None  # device code: replaces the class rule with the same code
    dedup_s: float = 600.0
    enabled: bool = True

    def applies_to(self, device_class: DeviceClass, device: str) -> bool:
        """True when the rule covers that device (ignores overrides; see RuleBook)."""
        if not self.enabled:
            return False
        if self.device is not None and self.device != device:
            return False
        return self.device_class is None or self.device_class is device_class


@dataclass(frozen=True, slots=True)
class Decision:
    """A rule's conclusion for one device (``jingwu.iot.explain.reason`` words it)."""

    rule: Rule
    device: str
    device_class: DeviceClass
    outcome: Outcome
    now: datetime
    value: float | None = None  # the reading, change, attribute or silence in seconds
    elapsed_s: float | None = None  # rate rules: seconds between baseline and reading
    last_alert_at: datetime | None = None

    @property
    def fire(self) -> bool:
        """True when an alert should be raised now."""
        return self.outcome is Outcome.FIRE

    @property
    def matched(self) -> bool:
        """True when the condition holds (fired or suppressed)."""
        return self.outcome is Outcome.FIRE or self.outcome is Outcome.SUPPRESSED

    @property
    def tier(self) -> Tier:
        """The tier the rule suggests."""
        return self.rule.tier


def _conclude(
    rule: Rule,
    device_class: DeviceClass,
    device: str,
    *,
    holds: bool | None,
    now: datetime,
    last_alert_at: datetime | None,
    value: float | None = None,
    elapsed_s: float | None = None,
    same_incident: bool = False,
) -> Decision:
    if holds is None:
        outcome = Outcome.NO_DATA
    elif not holds:
        outcome = Outcome.CLEAR
    elif same_incident or (
        last_alert_at is not None and (now - last_alert_at).total_seconds() < rule.dedup_s
    ):
        outcome = Outcome.SUPPRESSED
    else:
        outcome = Outcome.FIRE
    return Decision(rule, device, device_class, outcome, now, value, elapsed_s, last_alert_at)


def evaluate_telemetry(
    rule: Rule,
    *,
    device_class: DeviceClass,
    device: str,
    reading: Telemetry,
    now: datetime,
    last_alert_at: datetime | None,
    history: Sequence[tuple[datetime, float]] = (),
) -> Decision | None:
    """Apply a threshold or rate rule to a reading; None when the rule does not concern it.

    ``history`` holds earlier (time, value) samples of the rule's metric for this device,
    needed by rate-of-change rules only.
    """
    cond = rule.condition
    if not isinstance(cond, Threshold | RateOfChange) or not rule.applies_to(device_class, device):
        return None
    x = reading.metrics.get(cond.metric)
    if x is None:
        return None
    if isinstance(cond, Threshold):
        return _conclude(
            rule,
            device_class,
            device,
            holds=cond.limit.holds(x),
            now=now,
            last_alert_at=last_alert_at,
            value=x,
        )
    base = _baseline(history, reading.ts, cond.window_s)
    if base is None:
        return _conclude(rule, device_class, device, holds=None, now=now, last_alert_at=None)
    change = x - base[1]
    return _conclude(
        rule,
        device_class,
        device,
        holds=cond.limit.holds(change),
        now=now,
        last_alert_at=last_alert_at,
        value=change,
        elapsed_s=(reading.ts - base[0]).total_seconds(),
    )


def _baseline(
    history: Sequence[tuple[datetime, float]], ts: datetime, window_s: float
) -> tuple[datetime, float] | None:
    """The earliest sample within the window before ts (the rate's starting point)."""
    start = ts - timedelta(seconds=window_s)
    return min(((t, v) for t, v in history if start <= t < ts), key=lambda s: s[0], default=None)


def evaluate_event(
    rule: Rule,
    *,
    device_class: DeviceClass,
    device: str,
    event: Event,
    now: datetime,
    last_alert_at: datetime | None,
) -> Decision | None:
    """Apply an event mapping to an event; None when the rule maps another event type."""
    cond = rule.condition
    if not isinstance(cond, EventMatch) or cond.event != event.event:
        return None
    if not rule.applies_to(device_class, device):
        return None
    if cond.attr is None or cond.limit is None:
        return _conclude(
            rule, device_class, device, holds=True, now=now, last_alert_at=last_alert_at
        )
    raw = event.attrs.get(cond.attr)
    if not isinstance(raw, int | float) or isinstance(raw, bool) or not math.isfinite(raw):
        return _conclude(rule, device_class, device, holds=None, now=now, last_alert_at=None)
    x = float(raw)
    return _conclude(
        rule,
        device_class,
        device,
        holds=cond.limit.holds(x),
        now=now,
        last_alert_at=last_alert_at,
        value=x,
    )


def evaluate_heartbeat(
    rule: Rule,
    *,
    device_class: DeviceClass,
    device: str,
    last_seen: datetime | None,
    now: datetime,
    last_alert_at: datetime | None,
) -> Decision | None:
    """Decide whether a device is offline at ``now``.

    Pass the registration time as ``last_seen`` for a device that never reported. An alert
    raised after the last message belongs to the same silence, so it is not repeated.
    """
    cond = rule.condition
    if not isinstance(cond, Heartbeat) or not rule.applies_to(device_class, device):
        return None
    if last_seen is None:
        return _conclude(rule, device_class, device, holds=None, now=now, last_alert_at=None)
    silence = (now - last_seen).total_seconds()
    return _conclude(
        rule,
        device_class,
        device,
        holds=silence > cond.offline_after_s,
        now=now,
        last_alert_at=last_alert_at,
        value=silence,
        same_incident=last_alert_at is not None and last_alert_at >= last_seen,
    )
