"""The generalised double-random draw (pure): reproducible, order-free, exact, never twice."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.evaluation.checks import draws as core
from jingwu.workorders import draw as wo_draw

SEED = "a" * 32
codes = st.lists(
    st.from_regex(r"[A-Z]{2}[0-9]{2}(-[0-9]{4})?", fullmatch=True), unique=True, max_size=40
)
people = st.lists(st.from_regex(r"[a-z]{3,8}", fullmatch=True), unique=True, min_size=2, max_size=9)
seeds = st.text(alphabet="0123456789abcdef", min_size=16, max_size=64)
quotas = st.one_of(
    st.builds(lambda n: core.Quota(count=n), st.integers(0, 50)),
    st.builds(
        lambda a, b: core.Quota(share=Fraction(min(a, b), b)), st.integers(0, 9), st.integers(1, 9)
    ),
)


@settings(max_examples=150)
@given(seeds, codes, people, quotas, st.integers(1, 2), st.data())
def test_the_same_inputs_give_the_same_draw_whatever_the_order_of_the_pools(
    seed: str,
    targets: list[str],
    inspectors: list[str],
    quota: core.Quota,
    team: int,
    data: st.DataObject,
) -> None:
    checked = data.draw(st.lists(st.sampled_from(targets), unique=True) if targets else st.just([]))
    first = core.draw(
        seed, targets=targets, inspectors=inspectors, quota=quota, team=team, checked=checked
    )
    shuffled = random.Random(data.draw(st.integers())).sample
    again = core.draw(
        seed,
        targets=shuffled(targets, len(targets)),
        inspectors=shuffled(inspectors, len(inspectors)),
        quota=quota,
        team=team,
        checked=shuffled(checked, len(checked)),
    )
    assert first == again


@settings(max_examples=150)
@given(seeds, codes, people, quotas, st.integers(1, 2), st.data())
def test_quotas_are_exact_and_no_target_checked_earlier_is_drawn(
    seed: str,
    targets: list[str],
    inspectors: list[str],
    quota: core.Quota,
    team: int,
    data: st.DataObject,
) -> None:
    checked = data.draw(st.lists(st.sampled_from(targets), unique=True) if targets else st.just([]))
    result = core.draw(
        seed, targets=targets, inspectors=inspectors, quota=quota, team=team, checked=checked
    )
    eligible = len(targets) - len(checked)
    expected = (
        min(quota.count, eligible)
        if quota.count is not None
        else -(-quota.share.numerator * eligible // quota.share.denominator)  # type: ignore[union-attr]
    )
    assert len(result.pairs) == expected
    assert not set(result.targets) & set(checked)
    assert set(result.targets) <= set(targets)
    assert len(set(result.targets)) == len(result.targets)


@settings(max_examples=150)
@given(seeds, codes, people, st.integers(1, 3))
def test_every_target_gets_a_team_of_distinct_inspectors_and_the_work_is_even(
    seed: str, targets: list[str], inspectors: list[str], team: int
) -> None:
    team = min(team, len(inspectors))
    result = core.draw(
        seed, targets=targets, inspectors=inspectors, quota=core.Quota(count=99), team=team
    )
    load: Counter[str] = Counter()
    for pair in result.pairs:
        assert len(pair.inspectors) == team == len(set(pair.inspectors))
        assert set(pair.inspectors) <= set(inspectors)
        load.update(pair.inspectors)
    if result.pairs:
        counts = [load.get(name, 0) for name in inspectors]
        assert max(counts) - min(counts) <= 1


@settings(max_examples=100)
@given(seeds, codes)
def test_the_orange_quota_draw_is_a_special_case(seed: str, targets: list[str]) -> None:
    old = wo_draw.draw(seed, targets)
    for purpose, share, expected in (
        ("reinspection", Fraction(3, 10), old.reinspection),
        ("home_visit", Fraction(1, 5), old.home_visit),
    ):
        assert core.choose(seed, targets, core.Quota(share=share), purpose=purpose) == expected


def test_a_seed_matches_only_its_commitment() -> None:
    commitment = core.commit(SEED)
    assert core.seed_matches(SEED, commitment)
    assert core.seed_matches(SEED, commitment.upper())
    assert not core.seed_matches("b" * 32, commitment)
    with pytest.raises(Invalid):
        core.commit("short")


def test_quotas_read_as_counts_or_shares() -> None:
    assert core.Quota.parse("3") == core.Quota(count=3)
    assert core.Quota.parse(" 3/10 ").share == Fraction(3, 10)
    assert core.Quota.parse("3/10").text() == "3/10"
    assert core.Quota(count=5).size(3) == 3
    assert core.Quota(share=Fraction(3, 10)).size(7) == 3
    for bad in ("", "x", "-1", "3/0", "11/10", "1.5"):
        with pytest.raises(Invalid):
            core.Quota.parse(bad)


def test_a_pool_with_a_repeated_or_blank_code_is_refused() -> None:
    with pytest.raises(Invalid):
        core.draw(SEED, targets=["A", "A"], inspectors=["x"], quota=core.Quota(count=1), team=1)
    with pytest.raises(Invalid):
        core.draw(SEED, targets=[" A"], inspectors=["x"], quota=core.Quota(count=1), team=1)


def test_a_team_larger_than_the_pool_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        core.draw(SEED, targets=["A"], inspectors=["x"], quota=core.Quota(count=1), team=2)
    assert caught.value.params == {"m": 1, "team": 2}
    with pytest.raises(Invalid):
        core.check_team(6, 10)


def test_coverage_and_the_plan_to_reach_every_target_by_december() -> None:
    cover = core.coverage(["A", "B", "C", "D"], ["A", "C", "Z"])
    assert (cover.checked, cover.pool, cover.share) == (2, 4, 0.5)
    assert core.coverage([], []).share is None
    assert core.suggested_quota(12, 12) == 1
    assert core.suggested_quota(5, 2) == 3
    with pytest.raises(Invalid):
        core.suggested_quota(3, 0)
