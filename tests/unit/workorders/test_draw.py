"""The reproducible quota draw and its commit-reveal seed."""

from __future__ import annotations

import hashlib
import hmac
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.workorders.draw import (
    DrawError,
    commit,
    draw,
    quota,
    rank,
    verify_reveal,
)

SEED = "5f0c9e1ad3b2477e8a61c0d4e9b3f2a7"
OTHER_SEED = "0d6b7c41f38e4a2c9b15e07aa3d8c6f1"


def codes(n: int) -> list[str]:
    return [f"GS03-202611{1 + i // 100:02d}-{1 + i % 100:04d}" for i in range(n)]


def test_it_follows_the_published_recipe() -> None:
    # The recipe of the module docstring, re-implemented here with hashlib alone.
    population = codes(10)

    def recipe(purpose: str) -> list[str]:
        def score(code: str) -> str:
            message = f"{purpose}:{code}".encode()
            return hmac.new(SEED.encode(), message, hashlib.sha256).hexdigest()

        return sorted(population, key=score)

    result = draw(SEED, population)
    assert list(result.reinspection) == recipe("reinspection")[:3]
    assert list(result.home_visit) == recipe("home_visit")[:2]


@pytest.mark.parametrize("n", range(0, 121))
def test_it_meets_both_shares_for_every_size(n: int) -> None:
    result = draw(SEED, codes(n))
    assert result.population == n
    assert len(result.reinspection) * 10 >= 3 * n
    assert len(result.home_visit) * 5 >= n
    assert len(result.reinspection) == math.ceil(3 * n / 10)  # and no more than needed
    assert len(result.home_visit) == math.ceil(n / 5)
    assert set(result.reinspection) <= set(codes(n))
    assert len(set(result.reinspection)) == len(result.reinspection)


def test_it_is_reproducible() -> None:
    assert draw(SEED, codes(57)) == draw(SEED, codes(57))


@given(st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(rnd: random.Random) -> None:
    shuffled = codes(40)
    rnd.shuffle(shuffled)
    assert draw(SEED, shuffled) == draw(SEED, codes(40))


def test_another_seed_draws_other_orders() -> None:
    assert draw(SEED, codes(50)).reinspection != draw(OTHER_SEED, codes(50)).reinspection
    assert draw(SEED, codes(50)).home_visit != draw(OTHER_SEED, codes(50)).home_visit


def test_the_two_draws_are_independent_rankings() -> None:
    population = codes(100)
    assert rank(SEED, "reinspection", population) != rank(SEED, "home_visit", population)
    # Changing one share leaves the other sample untouched.
    wider = draw(SEED, population, reinspection_share=Fraction(1, 2))
    assert wider.home_visit == draw(SEED, population).home_visit


def test_a_larger_share_extends_the_sample() -> None:
    small = draw(SEED, codes(80)).reinspection
    large = draw(SEED, codes(80), reinspection_share=Fraction(6, 10)).reinspection
    assert large[: len(small)] == small


@given(st.integers(min_value=0, max_value=5000), st.fractions(min_value=0, max_value=1))
def test_the_quota_is_the_exact_ceiling(n: int, share: Fraction) -> None:
    k = quota(n, share)
    assert k >= share * n > k - 1


def test_commit_and_reveal() -> None:
    commitment = commit(SEED)
    assert commitment == hashlib.sha256(SEED.encode()).hexdigest()
    verify_reveal(SEED, commitment.upper())
    with pytest.raises(DrawError, match="does not match"):
        verify_reveal(OTHER_SEED, commitment)


def test_it_refuses_a_short_seed() -> None:
    with pytest.raises(DrawError, match="at least 16"):
        draw("1234", codes(3))


@pytest.mark.parametrize("population", [["A-1", "A-1"], ["", "B"], [" GS03-20261101-0001"]])
def test_it_refuses_duplicate_or_blank_codes(population: list[str]) -> None:
    with pytest.raises(DrawError):
        draw(SEED, population)


def test_it_refuses_a_share_outside_zero_to_one() -> None:
    with pytest.raises(DrawError):
        quota(10, Fraction(3, 2))
