"""How thresholds, values and gaps read (pure): English message ids with their parameters.

Pages and the CLI translate the ids and fill the parameters; the API returns the numbers.
"""

from __future__ import annotations

from typing import Any

from jingwu.errors import Gettext, fill, translate
from jingwu.standard.requirements import Requirement
from jingwu.standard.verdicts import Verdict

# The threshold of each query, in words ({…} are the requirement's parameters).
THRESHOLD_LABELS: dict[str, str] = {
    "floor_area": "{min}–{max} m², or a vertical design of at least {vertical_min} m²",
    "zone_shares": "Shares {shares} %, each within {tolerance} points",
    "equipment": "Equipment in each of {count} zones",
    "staffing": "At least {officers} officer, {auxiliaries} auxiliaries, {experts} experts",
    "organisation": "{chiefs} chief and {auxiliaries} auxiliaries",
    "ab_coverage": "At least {min} % of key posts backed up",
    "device_density": "At least {min} devices per km²",
    "device_classes": "All {count} sensor classes",
    "solar": "At least {min} kWh a day (mean of the last {days} days)",
    "module_mix": "Shares {shares} %, each within {tolerance} points (last {days} days)",
    "service_circle": "At least {min} % of residents within {minutes} minutes' walk",
    "response_time": "At least {min} % answered within {minutes} minutes (last {days} days)",
    "self_assessment": "Self-assessed by the chief, verified by an inspector",
}

# How a measured value reads, by the requirement's unit.
VALUE_LABELS: dict[str, str] = {
    "m2": "{value} m²",
    "percent": "{value} %",
    "points": "largest deviation {value} points",
    "count": "{value}",
    "people": "{value} people",
    "per_km2": "{value} per km²",
    "kwh_per_day": "{value} kWh a day",
    "yes_no": "{value}",
}

# How far from the threshold, by the requirement's unit (zone and module shares: points).
GAP_LABELS: dict[str, str] = {
    "m2": "short by {gap} m²",
    "percent": "short by {gap} points",
    "points": "{gap} points beyond the tolerance",
    "count": "short by {gap}",
    "people": "short by {gap} people",
    "per_km2": "short by {gap} per km²",
    "kwh_per_day": "short by {gap} kWh a day",
    "yes_no": "{gap}",
}

STATUS_LABELS: dict[str, str] = {
    "met": "Met",
    "not_met": "Not met",
    "not_measurable": "Not measurable",
}


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def threshold(r: Requirement) -> tuple[str, dict[str, Any]]:
    """The threshold's message id and parameters."""
    if r.self_assessed or r.query is None:
        return THRESHOLD_LABELS["self_assessment"], {}
    params: dict[str, Any] = {}
    for key, _ in r.params:
        value = r.param(key)
        if isinstance(value, dict):
            params[key] = "/".join(_number(v) for v in value.values())
        elif isinstance(value, tuple):
            params["count"] = len(value)
        else:
            params[key] = _number(float(value))
    return THRESHOLD_LABELS[r.query], params


def value(v: Verdict) -> tuple[str, dict[str, Any]] | None:
    """The measured value's message id and parameters (None: nothing measured)."""
    if v.value is None:
        return None
    return VALUE_LABELS.get(v.requirement.unit, "{value}"), {"value": _number(v.value)}


def gap(v: Verdict) -> tuple[str, dict[str, Any]] | None:
    """How far the value is from the threshold (None: met or nothing measured)."""
    if v.gap is None:
        return None
    return GAP_LABELS.get(v.requirement.unit, "{gap}"), {"gap": _number(v.gap)}


def reason(v: Verdict, gettext: Gettext) -> str:
    """Why the verdict is what it is, in the language of ``gettext`` ("" when nothing to say)."""
    return translate(v.reason, v.params, gettext) if v.reason else ""


def reason_en(v: Verdict) -> str:
    """The reason in English (the API's)."""
    return fill(v.reason, dict(v.params)) if v.reason else ""


def say(message: tuple[str, dict[str, Any]] | None, gettext: Gettext) -> str:
    """A (message id, parameters) pair in the language of ``gettext``."""
    return "" if message is None else translate(message[0], message[1], gettext)
