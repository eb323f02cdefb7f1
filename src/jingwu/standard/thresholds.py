"""The thresholds of the standard's queries and their checks (pure).

Each query of :data:`QUERIES` takes named thresholds of a kind (a number, a percentage, a
whole count, shares adding up to 100 %, a list of names); :func:`check_params` reads and
checks them, raising :class:`jingwu.errors.Invalid` naming the requirement at fault.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from jingwu.errors import Invalid
from jingwu.iot.classes import DeviceClass
from jingwu.workorders.vocab import Module

ZONE_KINDS = (
    "reception",
    "security_control",
    "professional_services",
    "technical_support",
    "circulation",
)
# The names a query's shares or lists may hold.
_NAMES: dict[tuple[str, str], frozenset[str]] = {
    ("zone_shares", "shares"): frozenset(ZONE_KINDS),
    ("equipment", "zones"): frozenset(ZONE_KINDS),
    ("device_classes", "classes"): frozenset(str(c) for c in DeviceClass),
    ("module_mix", "shares"): frozenset(str(m) for m in Module),
}

ParamValue = float | str | tuple[str, ...] | tuple[tuple[str, float], ...]

# Every query and the parameters it takes: name → kind (number, percent, shares, texts).
QUERIES: dict[str, dict[str, str]] = {
    "floor_area": {"min": "number", "max": "number", "vertical_min": "number"},
    "zone_shares": {"shares": "shares", "tolerance": "percent"},
    "equipment": {"zones": "texts"},
    "staffing": {"officers": "count", "auxiliaries": "count", "experts": "count"},
    "organisation": {"chiefs": "count", "auxiliaries": "count"},
    "ab_coverage": {"min": "percent"},
    "device_density": {"min": "number"},
    "device_classes": {"classes": "texts"},
    "solar": {"min": "number", "days": "days"},
    "module_mix": {
        "shares": "shares",
        "tolerance": "percent",
        "days": "days",
        "min_orders": "count",
    },
    "service_circle": {"min": "percent", "minutes": "minutes"},
    "response_time": {
        "minutes": "minutes",
        "min": "percent",
        "days": "days",
        "min_requests": "count",
    },
}


def fail(where: str, message: str, **params: Any) -> Invalid:
    return Invalid(message, params={"where": where, **params}, fields={where: "inconsistent"})


def _number(rid: str, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(rid, "The threshold {field} of {where} must be a number.", field=key)
    if value < 0:
        raise fail(rid, "The threshold {field} of {where} cannot be negative.", field=key)
    return float(value)


def check_params(
    rid: str, query: str, raw: Mapping[str, Any]
) -> tuple[tuple[str, ParamValue], ...]:
    spec = QUERIES[query]
    missing = sorted(set(spec) - set(raw))
    extra = sorted(set(raw) - set(spec))
    if missing or extra:
        raise fail(
            rid,
            "The thresholds of {where} are {expected}.",
            expected=", ".join(sorted(spec)),
        )
    out: list[tuple[str, ParamValue]] = []
    for key, kind in sorted(spec.items()):
        value = _param(rid, key, kind, raw[key])
        known = _NAMES.get((query, key))
        names = (
            [v[0] if isinstance(v, tuple) else v for v in value] if isinstance(value, tuple) else []
        )
        wrong = sorted(str(n) for n in names if known is not None and n not in known)
        if wrong:
            raise fail(
                rid,
                "The threshold {field} of {where} names an unknown {name}.",
                field=key,
                name=wrong[0],
            )
        out.append((key, value))
    values = dict(out)
    _consistent(rid, values)
    return tuple(out)


def _param(rid: str, key: str, kind: str, value: object) -> ParamValue:
    if kind == "texts":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v for v in value)
        ):
            raise fail(rid, "The threshold {field} of {where} must be a list of names.", field=key)
        if len(set(value)) != len(value):
            raise fail(rid, "The threshold {field} of {where} names something twice.", field=key)
        return tuple(value)
    if kind == "shares":
        return _shares(rid, key, value)
    number = _number(rid, key, value)
    if kind == "percent" and number > 100:
        raise fail(rid, "The threshold {field} of {where} is a percentage above 100.", field=key)
    if kind in {"count", "days", "minutes"} and number != int(number):
        raise fail(rid, "The threshold {field} of {where} must be a whole number.", field=key)
    if kind in {"days", "minutes"} and number < 1:
        raise fail(rid, "The threshold {field} of {where} must be at least 1.", field=key)
    return number


def _shares(rid: str, key: str, value: object) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict) or not value:
        raise fail(rid, "The threshold {field} of {where} must name shares.", field=key)
    shares = tuple((str(k), _number(rid, key, v)) for k, v in value.items())
    if any(v > 100 for _, v in shares):
        raise fail(rid, "The threshold {field} of {where} is a percentage above 100.", field=key)
    total = sum(v for _, v in shares)
    if abs(total - 100) > 1e-6:
        raise fail(
            rid,
            "The shares of {where} add up to {total} %, not 100 %.",
            total=f"{total:g}",
        )
    return shares


def _consistent(rid: str, values: Mapping[str, ParamValue]) -> None:
    low, high = values.get("min"), values.get("max")
    if isinstance(low, float) and isinstance(high, float) and low > high:
        raise fail(
            rid,
            "The minimum {low} of {where} is above its maximum {high}.",
            low=f"{low:g}",
            high=f"{high:g}",
        )
    vertical = values.get("vertical_min")
    if isinstance(vertical, float) and isinstance(low, float) and vertical < low:
        raise fail(
            rid,
            "The vertical design's minimum {vertical} of {where} is below the traditional "
            "minimum {low}.",
            vertical=f"{vertical:g}",
            low=f"{low:g}",
        )
