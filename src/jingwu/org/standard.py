"""The guide's numbers for organisation, staffing and space, and checks against them (pure).

The numbers are the data of "standard 1.0" (:mod:`jingwu.standard.requirements`,
``standard/data/standard-1.0.json``); this module reads them from there.

ORG-1: community station = 1 chief + 3 auxiliaries (organisational standard).
ORG-2: "3+X" = 1 community officer + 2 auxiliaries as the minimum, X = flexible experts.
ORG-3: every key post has a named backup (A/B, 100 % coverage).
ORG-4: zones share the floor area: reception 30 %, security control 25 %, professional
services 20 %, technical support 15 %; the remaining 10 % is circulation and shared space.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jingwu.standard.requirements import DEFAULT_VERSION, shipped

_V1 = shipped(DEFAULT_VERSION)
_SHARES: dict[str, float] = _V1.requirement("org4.zone_shares").param("shares")
_3X = _V1.requirement("org2.staffing")
_ORG = _V1.requirement("org1.organisation")
_AREA = _V1.requirement("org4.floor_area")
UNIT_KINDS = ("city", "district", "street", "community")
# The kind of unit each kind belongs under; a city has none, a district a city or none (a
# deployment of one district keeps its district at the root).
PARENT_KIND = {"city": None, "district": "city", "street": "district", "community": "street"}
ROOT_KINDS = frozenset({"city", "district"})

ZONE_SHARES: dict[str, float] = {k: v / 100 for k, v in _SHARES.items() if k != "circulation"}
CIRCULATION_SHARE = _SHARES["circulation"] / 100
ZONE_TOLERANCE = _V1.requirement("org4.zone_shares").param("tolerance") / 100
MIN_OFFICERS = int(_3X.param("officers"))
MIN_AUXILIARIES = int(_3X.param("auxiliaries"))
STANDARD_CHIEFS = int(_ORG.param("chiefs"))
STANDARD_AUXILIARIES = int(_ORG.param("auxiliaries"))
# English message ids of the zone and post names (the catalogues translate them).
ZONE_LABELS: dict[str, str] = {
    "reception": "Reception",
    "security_control": "Security control",
    "professional_services": "Professional services",
    "technical_support": "Technical support",
    "circulation": "Circulation and shared space",
}
TRADITIONAL_AREA_M2 = (float(_AREA.param("min")), float(_AREA.param("max")))

POST_KINDS: dict[str, str] = {
    "chief": "Station chief",
    "community_officer": "Community officer",
    "auxiliary": "Auxiliary officer",
    "expert": "Expert (X)",
    "head": "Street station head",
    "full_time": "Full-time staff",
    "director": "Centre director",
    "city_head": "City bureau head",
}
OFFICER_POSTS = {"chief", "community_officer"}


@dataclass(frozen=True)
class PostFact:
    """A post as the checks see it: kind, whether key, holder and backup staff ids."""

    kind: str
    is_key: bool
    holder_id: int | None
    backup_id: int | None


@dataclass(frozen=True)
class StaffingResult:
    """The staffing of one community station measured against the guide."""

    officers: int
    chiefs: int
    auxiliaries: int
    experts: int
    key_posts: int
    key_posts_backed: int
    meets_minimum: bool  # 3+X
    meets_standard: bool  # 1 chief + 3 auxiliaries
    problems: list[str] = field(default_factory=list)

    @property
    def ab_coverage(self) -> float:
        return 1.0 if self.key_posts == 0 else self.key_posts_backed / self.key_posts

    @property
    def ab_complete(self) -> bool:
        return self.key_posts_backed == self.key_posts


def check_staffing(posts: Iterable[PostFact]) -> StaffingResult:
    """Measure a community station's filled posts against "3+X", the standard and A/B."""
    posts = list(posts)
    filled = Counter(p.kind for p in posts if p.holder_id is not None)
    officers = sum(filled[k] for k in OFFICER_POSTS)
    key = [p for p in posts if p.is_key]
    backed = [
        p
        for p in key
        if p.holder_id is not None and p.backup_id is not None and p.backup_id != p.holder_id
    ]
    problems: list[str] = []
    if officers < MIN_OFFICERS:
        problems.append("no_officer")
    if filled["auxiliary"] < MIN_AUXILIARIES:
        problems.append("auxiliaries_below_minimum")
    if filled["chief"] < STANDARD_CHIEFS:
        problems.append("no_chief")
    if filled["auxiliary"] < STANDARD_AUXILIARIES:
        problems.append("auxiliaries_below_standard")
    if len(backed) < len(key):
        problems.append("key_post_without_backup")
    return StaffingResult(
        officers=officers,
        chiefs=filled["chief"],
        auxiliaries=filled["auxiliary"],
        experts=filled["expert"],
        key_posts=len(key),
        key_posts_backed=len(backed),
        meets_minimum=officers >= MIN_OFFICERS and filled["auxiliary"] >= MIN_AUXILIARIES,
        meets_standard=(
            filled["chief"] >= STANDARD_CHIEFS and filled["auxiliary"] >= STANDARD_AUXILIARIES
        ),
        problems=problems,
    )


@dataclass(frozen=True)
class ZoneShare:
    """A zone's actual and expected share of the floor area."""

    kind: str
    area_m2: float
    share: float
    expected: float | None

    @property
    def deviation(self) -> float | None:
        return None if self.expected is None else self.share - self.expected


def zone_shares(floor_area_m2: float, zones: Sequence[tuple[str, float]]) -> list[ZoneShare]:
    """Each zone's share of the floor area next to the guide's share for it."""
    if floor_area_m2 <= 0:
        raise ValueError("floor area must be positive")
    out = [
        ZoneShare(kind, area, area / floor_area_m2, ZONE_SHARES.get(kind)) for kind, area in zones
    ]
    return sorted(
        out, key=lambda z: list(ZONE_LABELS).index(z.kind) if z.kind in ZONE_LABELS else 9
    )


def check_zones(
    floor_area_m2: float, zones: Sequence[tuple[str, float]], tolerance: float = ZONE_TOLERANCE
) -> list[str]:
    """Problems with a station's zoning: zones missing, shares off by more than ``tolerance``."""
    present = {kind for kind, _ in zones}
    problems = [f"missing_zone:{k}" for k in ZONE_SHARES if k not in present]
    total = sum(area for _, area in zones)
    if total > floor_area_m2 * 1.0001:
        problems.append("zones_exceed_floor_area")
    for z in zone_shares(floor_area_m2, zones):
        if z.deviation is not None and abs(z.deviation) > tolerance:
            problems.append(f"share_off:{z.kind}")
    return problems


def standard_zone_areas(floor_area_m2: float) -> dict[str, float]:
    """The guide's areas for a given floor area, circulation included."""
    areas = {k: round(floor_area_m2 * s, 1) for k, s in ZONE_SHARES.items()}
    areas["circulation"] = round(floor_area_m2 * CIRCULATION_SHARE, 1)
    return areas
