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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jingwu.errors import Invalid, NamedTerm, Term, Terms
from jingwu.standard.thresholds import (
    QUERIES,
    ParamValue,
    check_params,
    fail,
)

DATA = Path(__file__).parent / "data"
SHIPPED = ("1.0", "2.0")
DEFAULT_VERSION = "1.0"
MAX_FILE_BYTES = 1024**2  # a version file; the shipped ones are about 11 kB
METHODS = ("query", "self_assessment")
_VERSION_RE = re.compile(r"\d{1,2}\.\d{1,2}")
_ID_RE = re.compile(r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+")
_TOP = {"version", "zh", "en", "source_zh", "source_en", "requirements"}
_REQ = {"id", "ref", "zh", "en", "quantity", "unit", "measure", "evidence"}


@dataclass(frozen=True, slots=True)
class EvidenceKind:
    """A kind of evidence a requirement names (a floor plan, a staff roster, photos …)."""

    id: str
    name_zh: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    def term(self) -> Term:
        """The kind as an error parameter, named in the sentence's language by the version's
        own names (a loaded version's kinds have no message ids)."""
        return NamedTerm(self.id, {"zh_CN": self.name_zh, "en": self.name_en})


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

    def evidence_kind(self, kind: str) -> EvidenceKind:
        """The kind of evidence ``kind`` names, if this requirement names it (Invalid if not:
        a file is attached only as a kind the requirement asks for)."""
        for evidence in self.evidence:
            if evidence.id == kind:
                return evidence
        raise Invalid(
            "Requirement {id} asks for: {kinds}.",
            params={"id": self.id, "kinds": Terms(e.term() for e in self.evidence)},
            fields={"evidence_kind": "not named by the requirement"},
        )


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


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(where, "The field {field} of {where} must be a non-empty text.", field=key)
    return value.strip()


def _obj(data: object, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise fail(where, "{where} must be an object.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise fail(where, "{where} has an unknown field {field}.", field=unknown[0])
    return data


def parse_version(data: object) -> StandardVersion:
    """Check a decoded version (dicts and lists) and build it; Invalid at the first fault."""
    top = _obj(data, "standard", _TOP)
    version = _text(top, "version", "standard")
    if not _VERSION_RE.fullmatch(version):
        raise fail(
            "version", "The standard version {version} is not of the form 1.0.", version=version
        )
    items = top.get("requirements")
    if not isinstance(items, list) or not items:
        raise fail("requirements", "A standard version needs at least one requirement.")
    requirements = tuple(_requirement(x, n, version) for n, x in enumerate(items))
    seen: set[str] = set()
    for r in requirements:
        if r.id in seen:
            raise fail(r.id, "The requirement {where} appears twice.")
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
        raise fail(rid, "The requirement id {where} is not a dotted lower-case id.")
    measure = _obj(raw.get("measure"), rid, {"method", "query", "params"})
    method = measure.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise fail(rid, "Requirement {where} is measured by query or self_assessment.")
    query = measure.get("query")
    params = measure.get("params", {})
    if not isinstance(params, dict):
        raise fail(rid, "The thresholds of {where} must be an object.")
    if method == "query":
        if not isinstance(query, str) or query not in QUERIES:
            raise fail(rid, "Requirement {where} names an unknown query {query}.", query=str(query))
        checked = check_params(rid, query, params)
    else:
        if query is not None or params:
            raise fail(rid, "A self-assessed requirement {where} has no query or thresholds.")
        checked = ()
    named = raw.get("evidence") or []
    if not isinstance(named, list):
        raise fail(rid, "Requirement {where} must name the evidence that shows it is met.")
    evidence = tuple(_evidence(rid, x) for x in named)
    if not evidence:
        raise fail(rid, "Requirement {where} must name the evidence that shows it is met.")
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
