"""The staffing check of the tiers above the station (pure).

A district's guidance centre: 1 director + 3 experts; a street's service station: 1 head +
5 full-time staff. Key posts of these tiers need a named backup (A/B) like a station's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from jingwu.org.standard import PostFact

# tier → (lead post kind, leads needed, staff post kind, staff needed)
TIER_STANDARD: dict[str, tuple[str, int, str, int]] = {
    "district": ("director", 1, "expert", 3),
    "street": ("head", 1, "full_time", 5),
}
# The post kinds each tier may hold.
TIER_POSTS: dict[str, tuple[str, ...]] = {
    "city": ("city_head", "expert"),
    "district": ("director", "expert"),
    "street": ("head", "full_time", "expert"),
    "community": ("chief", "community_officer", "auxiliary", "expert"),
}


@dataclass(frozen=True)
class TierResult:
    """The staffing of a district or street unit against its standard."""

    kind: str
    lead_kind: str
    leads: int
    leads_needed: int
    staff_kind: str
    staff: int
    staff_needed: int
    key_posts: int
    key_posts_backed: int
    problems: list[str] = field(default_factory=list)

    @property
    def meets_standard(self) -> bool:
        return self.leads >= self.leads_needed and self.staff >= self.staff_needed

    @property
    def ab_coverage(self) -> float:
        return 1.0 if self.key_posts == 0 else self.key_posts_backed / self.key_posts

    @property
    def ab_complete(self) -> bool:
        return self.key_posts_backed == self.key_posts


def check_tier(kind: str, posts: Iterable[PostFact]) -> TierResult:
    """Measure a district's or street's filled posts against its standard and A/B."""
    lead_kind, leads_needed, staff_kind, staff_needed = TIER_STANDARD[kind]
    posts = list(posts)
    filled = Counter(p.kind for p in posts if p.holder_id is not None)
    key = [p for p in posts if p.is_key]
    backed = [
        p
        for p in key
        if p.holder_id is not None and p.backup_id is not None and p.backup_id != p.holder_id
    ]
    problems: list[str] = []
    if filled[lead_kind] < leads_needed:
        problems.append(f"no_{lead_kind}")
    if filled[staff_kind] < staff_needed:
        problems.append(f"{staff_kind}_below_standard")
    if len(backed) < len(key):
        problems.append("key_post_without_backup")
    return TierResult(
        kind=kind,
        lead_kind=lead_kind,
        leads=filled[lead_kind],
        leads_needed=leads_needed,
        staff_kind=staff_kind,
        staff=filled[staff_kind],
        staff_needed=staff_needed,
        key_posts=len(key),
        key_posts_backed=len(backed),
        problems=problems,
    )
