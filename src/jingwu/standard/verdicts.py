"""A station's facts measured against a version's requirements: the scorecard (pure).

Each requirement gets a :class:`Verdict`: ``met``, ``not_met`` (with the gap: how far the
value is from the threshold, in the requirement's unit) or ``not_measurable`` (with the
reason: no data, no boundary, not self-assessed yet …). Nothing unknown is ever ``met``.
Reasons and details are English message ids with parameters, translated at the edge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jingwu.org.standard import OFFICER_POSTS, PostFact
from jingwu.standard.requirements import Requirement, StandardVersion
from jingwu.standard.vocab import term

MET, NOT_MET, NOT_MEASURABLE = "met", "not_met", "not_measurable"
STATUSES = (MET, NOT_MET, NOT_MEASURABLE)
__all__ = ["MET", "NOT_MEASURABLE", "NOT_MET", "PostFact", "StationFacts", "Verdict", "scorecard"]


@dataclass(frozen=True, slots=True)
class AssessmentFact:
    """The chief's self-assessment of a requirement and the inspector's verification."""

    claims_met: bool
    status: str  # submitted | accepted | rejected
    reason: str = ""


@dataclass(frozen=True)
class StationFacts:
    """What the platform knows about one station (None: not recorded)."""

    unit_id: int
    floor_area_m2: float | None = None
    design: str = "traditional"
    zones: Mapping[str, float] = field(default_factory=dict)
    equipped_zones: frozenset[str] = frozenset()
    posts: Sequence[PostFact] = ()
    experts: int = 0
    area_km2: float | None = None  # of the station's boundary
    devices_by_class: Mapping[str, int] = field(default_factory=dict)
    solar_days: Sequence[float] = ()  # pv kWh of recent local days with meter data
    modules: Mapping[str, int] = field(default_factory=dict)  # work orders per module
    circle: tuple[int, int] | None = None  # residents covered, residents in all
    help_requests: tuple[int, int] | None = None  # within the limit, all
    assessments: Mapping[str, AssessmentFact] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One requirement's verdict for one station."""

    requirement: Requirement
    status: str
    value: float | None = None
    gap: float | None = None  # how far from the threshold (not met)
    reason: str = ""  # English message id: why not measurable, or what falls short
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.status == MET


def _measured(r: Requirement, value: float, gap: float, reason: str = "", **params: Any) -> Verdict:
    gap = round(max(gap, 0.0), 2)
    status = MET if gap == 0 else NOT_MET
    return Verdict(r, status, round(value, 2), None if gap == 0 else gap, reason, params)


def _unknown(r: Requirement, reason: str, **params: Any) -> Verdict:
    return Verdict(r, NOT_MEASURABLE, None, None, reason, params)


def _floor_area(r: Requirement, f: StationFacts) -> Verdict:
    if f.floor_area_m2 is None:
        return _unknown(r, "No floor area recorded.")
    low, high = r.param("min"), r.param("max")
    area = f.floor_area_m2
    if f.design == "vertical":
        return _measured(r, area, r.param("vertical_min") - area, "Vertical design")
    return _measured(r, area, max(low - area, area - high, 0.0))


def _zone_shares(r: Requirement, f: StationFacts) -> Verdict:
    if not f.floor_area_m2:
        return _unknown(r, "No floor area recorded.")
    shares: dict[str, float] = r.param("shares")
    tolerance = r.param("tolerance")
    recorded = dict(f.zones)
    if not recorded:
        return _unknown(r, "No zones recorded.")
    recorded.setdefault("circulation", max(f.floor_area_m2 - sum(recorded.values()), 0.0))
    worst, at = 0.0, ""
    for kind, expected in shares.items():
        actual = 100 * recorded.get(kind, 0.0) / f.floor_area_m2
        off = abs(actual - expected)
        if off > worst:
            worst, at = off, kind
    return _measured(r, worst, worst - tolerance, "Largest deviation: {zone}", zone=term(at))


def _equipment(r: Requirement, f: StationFacts) -> Verdict:
    zones: tuple[str, ...] = r.param("zones")
    missing = [z for z in zones if z not in f.equipped_zones]
    done = len(zones) - len(missing)
    if missing:
        return _measured(r, done, len(missing), "Without equipment: {zone}", zone=term(missing[0]))
    return _measured(r, done, 0)


def _filled(f: StationFacts) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in f.posts:
        if p.holder_id is not None:
            out[p.kind] = out.get(p.kind, 0) + 1
    return out


def _staffing(r: Requirement, f: StationFacts) -> Verdict:
    filled = _filled(f)
    officers = sum(filled.get(k, 0) for k in OFFICER_POSTS)
    needs = {
        "officers": (officers, r.param("officers")),
        "auxiliaries": (filled.get("auxiliary", 0), r.param("auxiliaries")),
        "experts": (max(f.experts, filled.get("expert", 0)), r.param("experts")),
    }
    return _people(r, needs)


def _organisation(r: Requirement, f: StationFacts) -> Verdict:
    filled = _filled(f)
    needs = {
        "chiefs": (filled.get("chief", 0), r.param("chiefs")),
        "auxiliaries": (filled.get("auxiliary", 0), r.param("auxiliaries")),
    }
    return _people(r, needs)


def _people(r: Requirement, needs: Mapping[str, tuple[int, float]]) -> Verdict:
    short = {k: int(need - have) for k, (have, need) in needs.items() if have < need}
    total = sum(have for have, _ in needs.values())
    if not short:
        return _measured(r, total, 0)
    first = next(iter(short))
    return _measured(r, total, sum(short.values()), "Short of {who}", who=term(first))


def _ab(r: Requirement, f: StationFacts) -> Verdict:
    key = [p for p in f.posts if p.is_key]
    if not key:
        return _unknown(r, "No key posts recorded.")
    backed = sum(
        1
        for p in key
        if p.holder_id is not None and p.backup_id is not None and p.backup_id != p.holder_id
    )
    share = 100 * backed / len(key)
    return _measured(r, share, r.param("min") - share)


def _density(r: Requirement, f: StationFacts) -> Verdict:
    if not f.area_km2:
        return _unknown(r, "The station has no boundary to measure an area.")
    per_km2 = sum(f.devices_by_class.values()) / f.area_km2
    return _measured(r, per_km2, r.param("min") - per_km2)


def _classes(r: Requirement, f: StationFacts) -> Verdict:
    wanted: tuple[str, ...] = r.param("classes")
    missing = [c for c in wanted if not f.devices_by_class.get(c)]
    present = len(wanted) - len(missing)
    if missing:
        return _measured(
            r, present, len(missing), "Missing class: {device_class}", device_class=term(missing[0])
        )
    return _measured(r, present, 0)


def _solar(r: Requirement, f: StationFacts) -> Verdict:
    if not f.solar_days:
        return _unknown(
            r, "No solar meter readings in the last {days} days.", days=int(r.param("days"))
        )
    mean = sum(f.solar_days) / len(f.solar_days)
    return _measured(r, mean, r.param("min") - mean)


def _modules(r: Requirement, f: StationFacts) -> Verdict:
    total = sum(f.modules.values())
    need = int(r.param("min_orders"))
    if total < need:
        return _unknown(
            r,
            "Only {count} work orders in the last {days} days; {need} needed.",
            count=total,
            days=int(r.param("days")),
            need=need,
        )
    shares: dict[str, float] = r.param("shares")
    worst, at = 0.0, ""
    for module, expected in shares.items():
        off = abs(100 * f.modules.get(module, 0) / total - expected)
        if off > worst:
            worst, at = off, module
    return _measured(
        r, worst, worst - r.param("tolerance"), "Largest deviation: {module}", module=term(at)
    )


def _circle(r: Requirement, f: StationFacts) -> Verdict:
    if f.circle is None or f.circle[1] == 0:
        return _unknown(r, "No service circle computed (road network and residents).")
    share = 100 * f.circle[0] / f.circle[1]
    return _measured(r, share, r.param("min") - share)


def _response(r: Requirement, f: StationFacts) -> Verdict:
    need = int(r.param("min_requests"))
    if f.help_requests is None or f.help_requests[1] < need:
        count = 0 if f.help_requests is None else f.help_requests[1]
        return _unknown(
            r,
            "Only {count} help requests in the last {days} days; {need} needed.",
            count=count,
            days=int(r.param("days")),
            need=need,
        )
    share = 100 * f.help_requests[0] / f.help_requests[1]
    return _measured(r, share, r.param("min") - share)


def _self_assessed(r: Requirement, f: StationFacts) -> Verdict:
    a = f.assessments.get(r.id)
    if a is None:
        return _unknown(r, "Not self-assessed yet.")
    if a.status == "rejected":
        return Verdict(
            r, NOT_MET, None, None, "Rejected by the inspector: {why}", {"why": a.reason}
        )
    if not a.claims_met:
        return Verdict(r, NOT_MET, None, None, "The chief assessed it as not met.")
    if a.status != "accepted":
        return _unknown(r, "Awaiting the inspector's verification.")
    return Verdict(r, MET, None, None, "Verified by the inspector.")


RULES: dict[str, Callable[[Requirement, StationFacts], Verdict]] = {
    "floor_area": _floor_area,
    "zone_shares": _zone_shares,
    "equipment": _equipment,
    "staffing": _staffing,
    "organisation": _organisation,
    "ab_coverage": _ab,
    "device_density": _density,
    "device_classes": _classes,
    "solar": _solar,
    "module_mix": _modules,
    "service_circle": _circle,
    "response_time": _response,
}


def verdict(r: Requirement, facts: StationFacts) -> Verdict:
    """The verdict of one requirement for one station."""
    if r.self_assessed:
        return _self_assessed(r, facts)
    assert r.query is not None
    return RULES[r.query](r, facts)


@dataclass(frozen=True)
class Scorecard:
    """A station's verdicts for one version, and the counts."""

    unit_id: int
    version: str
    verdicts: tuple[Verdict, ...]

    def count(self, status: str) -> int:
        return sum(1 for v in self.verdicts if v.status == status)

    @property
    def score(self) -> float:
        """The share of requirements met (0–100)."""
        return round(100 * self.count(MET) / len(self.verdicts), 1) if self.verdicts else 0.0

    @property
    def unmet(self) -> tuple[str, ...]:
        """The ids of requirements not met or not measurable."""
        return tuple(v.requirement.id for v in self.verdicts if v.status != MET)


def scorecard(version: StandardVersion, facts: StationFacts) -> Scorecard:
    """Every requirement of ``version`` for the station of ``facts``."""
    return Scorecard(
        facts.unit_id, version.version, tuple(verdict(r, facts) for r in version.requirements)
    )
