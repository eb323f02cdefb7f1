"""Wording of rule decisions in Chinese and English, for alerts and the rule editor (pure)."""

from __future__ import annotations

import math

from jingwu.iot.classes import CLASSES
from jingwu.iot.rules import (
    Decision,
    EventMatch,
    Heartbeat,
    Limit,
    Op,
    Outcome,
    RateOfChange,
    Threshold,
)

# op -> (holds, does not hold)
_WORDS_EN: dict[Op, tuple[str, str]] = {
    Op.GT: ("above", "not above"),
    Op.GE: ("at or above", "below"),
    Op.LT: ("below", "not below"),
    Op.LE: ("at or below", "above"),
    Op.OUTSIDE: ("outside", "within"),
}
_WORDS_ZH: dict[Op, tuple[str, str]] = {
    Op.GT: ("高于", "未高于"),
    Op.GE: ("不低于", "低于"),
    Op.LT: ("低于", "未低于"),
    Op.LE: ("不高于", "高于"),
    Op.OUTSIDE: ("超出", "未超出"),
}


def number(x: float) -> str:
    """A number as people write it: 75, 9.2, -0.35 (at most two decimals)."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def limit_text(limit: Limit, unit: str, *, zh: bool, holds: bool = True) -> str:
    """'above 75 µg/m³' / '高于 75 µg/m³' (or the negation when the limit does not hold)."""
    u = f" {unit}" if unit else ""
    word = (_WORDS_ZH if zh else _WORDS_EN)[limit.op][0 if holds else 1]
    if limit.op is Op.OUTSIDE:
        rng = f"{number(limit.value)}–{number(limit.high or 0.0)}{u}"
        return f"{word} {rng} 范围" if zh else f"{word} {rng}"
    return f"{word} {number(limit.value)}{u}"


def _metric(d: Decision, metric: str, *, zh: bool) -> tuple[str, str]:
    spec = CLASSES[d.device_class].metrics.get(metric)
    if spec is None:
        return metric, ""
    return (spec.label_zh if zh else spec.label_en), spec.unit


def _threshold(d: Decision, cond: Threshold, *, zh: bool) -> str:
    label, unit = _metric(d, cond.metric, zh=zh)
    lim = limit_text(cond.limit, unit, zh=zh, holds=d.outcome is not Outcome.CLEAR)
    v = number(d.value or 0.0) + (f" {unit}" if unit else "")
    return f"{label}为 {v}，{lim}" if zh else f"{label} = {v}, {lim}"


def _rate(d: Decision, cond: RateOfChange, *, zh: bool) -> str:
    label, unit = _metric(d, cond.metric, zh=zh)
    window = number(cond.window_s)
    if d.outcome is Outcome.NO_DATA:
        return f"{label}在 {window} 秒内无基准读数" if zh else f"{label}: no reading in {window} s"
    lim = limit_text(cond.limit, unit, zh=zh, holds=d.outcome is not Outcome.CLEAR)
    change = d.value or 0.0
    ch = ("+" if change > 0 else "") + number(change) + (f" {unit}" if unit else "")
    el = number(round(d.elapsed_s or 0.0))
    if zh:
        return f"{label} {el} 秒内变化 {ch}，{lim}（窗口 {window} 秒）"
    return f"{label} changed by {ch} in {el} s, {lim} (window {window} s)"


def _heartbeat(d: Decision, cond: Heartbeat, *, zh: bool) -> str:
    if d.outcome is Outcome.NO_DATA:
        return "设备从未上报" if zh else "the device has never reported"
    s, limit = number(round(d.value or 0.0)), number(cond.offline_after_s)
    if zh:
        return f"已 {s} 秒无消息（超过 {limit} 秒视为离线）"
    return f"no message for {s} s (offline after {limit} s)"


def _event(d: Decision, cond: EventMatch, *, zh: bool) -> str:
    spec = CLASSES[d.device_class].events.get(cond.event)
    name = cond.event if spec is None else (spec.label_zh if zh else spec.label_en)
    head = f"事件：{name}" if zh else f"event: {name}"
    if cond.attr is None or cond.limit is None:
        return head
    if d.outcome is Outcome.NO_DATA:
        return f"{head}，缺少数值属性 {cond.attr}" if zh else f"{head}, no numeric {cond.attr!r}"
    lim = limit_text(cond.limit, "", zh=zh, holds=d.outcome is not Outcome.CLEAR)
    v = number(d.value or 0.0)
    return f"{head}，{cond.attr} 为 {v}，{lim}" if zh else f"{head}, {cond.attr} = {v}, {lim}"


def _condition(d: Decision, *, zh: bool) -> str:
    cond = d.rule.condition
    if isinstance(cond, Threshold):
        return _threshold(d, cond, zh=zh)
    if isinstance(cond, RateOfChange):
        return _rate(d, cond, zh=zh)
    if isinstance(cond, Heartbeat):
        return _heartbeat(d, cond, zh=zh)
    return _event(d, cond, zh=zh)


def reason(d: Decision, *, zh: bool) -> str:
    """Why the rule decided as it did, in one sentence (Chinese when ``zh``)."""
    text = _condition(d, zh=zh)
    if d.outcome is not Outcome.SUPPRESSED or d.last_alert_at is None:
        return text
    since = (d.now - d.last_alert_at).total_seconds()
    if isinstance(d.rule.condition, Heartbeat) and since <= (d.value or 0.0):
        return f"{text}；本次离线已告警" if zh else f"{text}; already alerted for this silence"
    ago, win = number(round(since)), number(d.rule.dedup_s)
    if zh:
        return f"{text}；{ago} 秒前已告警，处于 {win} 秒去重窗口内"
    return f"{text}; alerted {ago} s ago, within the {win} s dedup window"


def reasons(d: Decision) -> tuple[str, str]:
    """The reason in Chinese and in English."""
    return reason(d, zh=True), reason(d, zh=False)
