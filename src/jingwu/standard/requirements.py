"""The construction standard as versioned data: requirements, thresholds, versions (pure).

A *requirement* is an indicator (what is measured: ``quantity`` and ``unit``, like the
evaluation catalogue's measures), a threshold (the ``params`` of its measurement) and the
version it belongs to. It is measured either by a *query* over platform data (one of
:data:`QUERIES`) or by the station chief's *self-assessment* with evidence, verified by an
inspector. Each names the evidence a rectification of it must bring.

Versions ship as ``data/standard-<version>.json``; administrators load others through the
same :func:`parse_version`, which checks every threshold before anything is kept: a minimum
above its maximum, shares that do not add up to 100 %, a threshold outside its quantity's
range each raise :class:`jingwu.errors.Invalid` naming the requirement.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jingwu.errors import Invalid, Term
from jingwu.iot.classes import DeviceClass
from jingwu.workorders.vocab import Module

DATA = Path(__file__).parent / "data"
SHIPPED = ("1.0", "2.0")
DEFAULT_VERSION = "1.0"
MAX_FILE_BYTES = 1024**2  # a version file; the shipped ones are about 11 kB
METHODS = ("query", "self_assessment")
_VERSION_RE = re.compile(r"\d{1,2}\.\d{1,2}")
_ID_RE = re.compile(r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+")
_TOP = {"version", "zh", "en", "source_zh", "source_en", "requirements"}
_REQ = {"id", "ref", "zh", "en", "quantity", "unit", "measure", "evidence"}

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


@dataclass(frozen=True, slots=True)
class EvidenceKind:
    """A kind of evidence a requirement names (a floor plan, a staff roster, photos …)."""

    id: str
    name_zh: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    def term(self) -> Term:
        """The kind as an error parameter (shown by its translated English name)."""
        return Term(self.id, self.name_en)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of one version: clause, quantity, threshold, how it is measured."""

    id: str
    ref: str  # the SPEC requirement id (ORG-4, IOT-1 …)
    clause_zh: str
    clause_en: str
    quantity: str
    unit: str
    method: str  # query | self_assessment
    query: str | None
    params: tuple[tuple[str, ParamValue], ...]
    evidence: tuple[EvidenceKind, ...]
    version: str
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # the thresholds by name, shares as a dict: read for every station's verdict
        values = {
            k: dict(v) if isinstance(v, tuple) and v and isinstance(v[0], tuple) else v
            for k, v in self.params
        }
        object.__setattr__(self, "values", MappingProxyType(values))

    def clause(self, language: str) -> str:
        return self.clause_en if language == "en" else self.clause_zh

    def param(self, key: str) -> Any:
        """One threshold parameter (shares as a dict), or None."""
        return self.values.get(key)

    @property
    def self_assessed(self) -> bool:
        return self.method == "self_assessment"


@dataclass(frozen=True, slots=True)
class StandardVersion:
    """A version of the standard: its requirements in order."""

    version: str
    name_zh: str
    name_en: str
    source_zh: str
    source_en: str
    requirements: tuple[Requirement, ...]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    def requirement(self, requirement_id: str) -> Requirement:
        for r in self.requirements:
            if r.id == requirement_id:
                return r
        raise Invalid(
            "Standard {version} has no requirement {id}.",
            params={"version": self.version, "id": requirement_id},
            fields={"requirement": "unknown"},
        )


@cache
def shipped(version: str) -> StandardVersion:
    """A version shipped with the package (``data/standard-<version>.json``)."""
    if version not in SHIPPED:
        raise Invalid("There is no standard version {version}.", params={"version": version})
    return load_version((DATA / f"standard-{version}.json").read_bytes())


def load_version(text: str | bytes) -> StandardVersion:
    """Parse and check a version given as JSON text."""
    if len(text) > MAX_FILE_BYTES:
        raise Invalid(
            "A standard file may hold at most {limit} MB.",
            params={"limit": MAX_FILE_BYTES // 1024**2},
            fields={"file": "too large"},
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            "The standard file is not valid JSON: line {line}, column {column}.",
            params={"line": exc.lineno, "column": exc.colno},
        ) from None
    except UnicodeDecodeError:
        raise Invalid("The standard file is not UTF-8 text.") from None
    return parse_version(data)


def _fail(where: str, message: str, **params: Any) -> Invalid:
    return Invalid(message, params={"where": where, **params}, fields={where: "inconsistent"})


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, "The field {field} of {where} must be a non-empty text.", field=key)
    return value.strip()


def _obj(data: object, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _fail(where, "{where} must be an object.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(where, "{where} has an unknown field {field}.", field=unknown[0])
    return data


def parse_version(data: object) -> StandardVersion:
    """Check a decoded version (dicts and lists) and build it; Invalid at the first fault."""
    top = _obj(data, "standard", _TOP)
    version = _text(top, "version", "standard")
    if not _VERSION_RE.fullmatch(version):
        raise _fail(
            "version", "The standard version {version} is not of the form 1.0.", version=version
        )
    items = top.get("requirements")
    if not isinstance(items, list) or not items:
        raise _fail("requirements", "A standard version needs at least one requirement.")
    requirements = tuple(_requirement(x, n, version) for n, x in enumerate(items))
    seen: set[str] = set()
    for r in requirements:
        if r.id in seen:
            raise _fail(r.id, "The requirement {where} appears twice.")
        seen.add(r.id)
    return StandardVersion(
        version,
        _text(top, "zh", "standard"),
        _text(top, "en", "standard"),
        _text(top, "source_zh", "standard"),
        _text(top, "source_en", "standard"),
        requirements,
    )


def _requirement(data: object, n: int, version: str) -> Requirement:
    raw = _obj(data, f"requirements[{n}]", _REQ)
    rid = _text(raw, "id", f"requirements[{n}]")
    if not _ID_RE.fullmatch(rid):
        raise _fail(rid, "The requirement id {where} is not a dotted lower-case id.")
    measure = _obj(raw.get("measure"), rid, {"method", "query", "params"})
    method = measure.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise _fail(rid, "Requirement {where} is measured by query or self_assessment.")
    query = measure.get("query")
    params = measure.get("params", {})
    if not isinstance(params, dict):
        raise _fail(rid, "The thresholds of {where} must be an object.")
    if method == "query":
        if not isinstance(query, str) or query not in QUERIES:
            raise _fail(
                rid, "Requirement {where} names an unknown query {query}.", query=str(query)
            )
        checked = _params(rid, str(query), params)
    else:
        if query is not None or params:
            raise _fail(rid, "A self-assessed requirement {where} has no query or thresholds.")
        checked = ()
    named = raw.get("evidence") or []
    if not isinstance(named, list):
        raise _fail(rid, "Requirement {where} must name the evidence that shows it is met.")
    evidence = tuple(_evidence(rid, x) for x in named)
    if not evidence:
        raise _fail(rid, "Requirement {where} must name the evidence that shows it is met.")
    return Requirement(
        rid,
        _text(raw, "ref", rid),
        _text(raw, "zh", rid),
        _text(raw, "en", rid),
        _text(raw, "quantity", rid),
        _text(raw, "unit", rid),
        str(method),
        str(query) if method == "query" else None,
        checked,
        evidence,
        version,
    )


def _evidence(rid: str, data: object) -> EvidenceKind:
    raw = _obj(data, rid, {"id", "zh", "en"})
    return EvidenceKind(_text(raw, "id", rid), _text(raw, "zh", rid), _text(raw, "en", rid))


def _number(rid: str, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(rid, "The threshold {field} of {where} must be a number.", field=key)
    if value < 0:
        raise _fail(rid, "The threshold {field} of {where} cannot be negative.", field=key)
    return float(value)


def _params(rid: str, query: str, raw: Mapping[str, Any]) -> tuple[tuple[str, ParamValue], ...]:
    spec = QUERIES[query]
    missing = sorted(set(spec) - set(raw))
    extra = sorted(set(raw) - set(spec))
    if missing or extra:
        raise _fail(
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
            raise _fail(
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
            raise _fail(rid, "The threshold {field} of {where} must be a list of names.", field=key)
        if len(set(value)) != len(value):
            raise _fail(rid, "The threshold {field} of {where} names something twice.", field=key)
        return tuple(value)
    if kind == "shares":
        return _shares(rid, key, value)
    number = _number(rid, key, value)
    if kind == "percent" and number > 100:
        raise _fail(rid, "The threshold {field} of {where} is a percentage above 100.", field=key)
    if kind in {"count", "days", "minutes"} and number != int(number):
        raise _fail(rid, "The threshold {field} of {where} must be a whole number.", field=key)
    if kind in {"days", "minutes"} and number < 1:
        raise _fail(rid, "The threshold {field} of {where} must be at least 1.", field=key)
    return number


def _shares(rid: str, key: str, value: object) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict) or not value:
        raise _fail(rid, "The threshold {field} of {where} must name shares.", field=key)
    shares = tuple((str(k), _number(rid, key, v)) for k, v in value.items())
    if any(v > 100 for _, v in shares):
        raise _fail(rid, "The threshold {field} of {where} is a percentage above 100.", field=key)
    total = sum(v for _, v in shares)
    if abs(total - 100) > 1e-6:
        raise _fail(
            rid,
            "The shares of {where} add up to {total} %, not 100 %.",
            total=f"{total:g}",
        )
    return shares


def _consistent(rid: str, values: Mapping[str, ParamValue]) -> None:
    low, high = values.get("min"), values.get("max")
    if isinstance(low, float) and isinstance(high, float) and low > high:
        raise _fail(
            rid,
            "The minimum {low} of {where} is above its maximum {high}.",
            low=f"{low:g}",
            high=f"{high:g}",
        )
    vertical = values.get("vertical_min")
    if isinstance(vertical, float) and isinstance(low, float) and vertical < low:
        raise _fail(
            rid,
            "The vertical design's minimum {vertical} of {where} is below the traditional "
            "minimum {low}.",
            vertical=f"{vertical:g}",
            low=f"{low:g}",
        )


def version_to_data(v: StandardVersion) -> dict[str, Any]:
    """The version as JSON-ready data; :func:`parse_version` reads it back unchanged."""

    def value(x: ParamValue) -> Any:
        if isinstance(x, tuple) and x and isinstance(x[0], tuple):
            return dict(x)
        return list(x) if isinstance(x, tuple) else x

    return {
        "version": v.version,
        "zh": v.name_zh,
        "en": v.name_en,
        "source_zh": v.source_zh,
        "source_en": v.source_en,
        "requirements": [
            {
                "id": r.id,
                "ref": r.ref,
                "zh": r.clause_zh,
                "en": r.clause_en,
                "quantity": r.quantity,
                "unit": r.unit,
                "measure": {
                    "method": r.method,
                    "query": r.query,
                    "params": {k: value(x) for k, x in r.params},
                }
                if r.method == "query"
                else {"method": r.method, "params": {}},
                "evidence": [{"id": e.id, "zh": e.name_zh, "en": e.name_en} for e in r.evidence],
            }
            for r in v.requirements
        ],
    }
