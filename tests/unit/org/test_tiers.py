"""The staffing check of streets (1 head + 5 full-time) and the district (1 director + 3
experts), against a count by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jingwu.org.standard import PostFact
from jingwu.org.tiers import TIER_POSTS, TIER_STANDARD, check_tier

posts = st.lists(
    st.builds(
        PostFact,
        kind=st.sampled_from(["director", "expert", "head", "full_time"]),
        is_key=st.booleans(),
        holder_id=st.one_of(st.none(), st.integers(1, 9)),
        backup_id=st.one_of(st.none(), st.integers(1, 9)),
    ),
    max_size=12,
)


@given(st.sampled_from(["district", "street"]), posts)
def test_the_tier_check_agrees_with_a_count_by_hand(kind: str, facts: list[PostFact]) -> None:
    lead, leads, staff, staffs = TIER_STANDARD[kind]
    r = check_tier(kind, facts)
    held = [p.kind for p in facts if p.holder_id is not None]
    assert r.leads == held.count(lead) and r.staff == held.count(staff)
    assert r.meets_standard == (held.count(lead) >= leads and held.count(staff) >= staffs)
    key = [p for p in facts if p.is_key]
    backed = [p for p in key if p.holder_id and p.backup_id and p.holder_id != p.backup_id]
    assert r.ab_complete == (len(backed) == len(key))
    assert 0.0 <= r.ab_coverage <= 1.0
    assert ("key_post_without_backup" in r.problems) == (not r.ab_complete)


def test_a_full_street_meets_its_standard_and_each_tier_names_its_posts() -> None:
    street = [PostFact("head", True, 1, 2)] + [
        PostFact("full_time", False, n, None) for n in range(2, 7)
    ]
    assert check_tier("street", street).meets_standard
    assert check_tier("street", street[:-1]).problems == ["full_time_below_standard"]
    assert "director" in TIER_POSTS["district"] and "director" not in TIER_POSTS["community"]
