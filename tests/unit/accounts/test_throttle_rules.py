"""The sign-in throttle's rules (pure): delays grow, are capped, and run out."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jingwu.accounts.throttle import Failures, ThrottlePolicy, retry_after_seconds, strict, wait

T0 = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
POLICY = ThrottlePolicy(free_failures=5, account_ceiling=20, address_ceiling=100)


def test_the_first_failures_cost_nothing_and_then_each_delay_doubles() -> None:
    delays = [POLICY.delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [0, 0, 0, 0, 1, 2, 4, 8, 16]


@given(st.integers(min_value=0, max_value=10_000))
def test_delays_never_shrink_as_failures_grow_and_stop_at_the_window(n: int) -> None:
    assert POLICY.delay(n) <= POLICY.delay(n + 1) <= POLICY.window


@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=0, max_value=3600),
)
def test_the_wait_runs_down_with_time_and_never_goes_negative(n: int, seconds: int) -> None:
    f = Failures(pair=n, pair_last=T0, account=n, address=n)
    now = T0 + dt.timedelta(seconds=seconds)
    left = wait(POLICY, f, now)
    assert dt.timedelta(0) <= left <= POLICY.delay(n)
    assert wait(POLICY, f, now + dt.timedelta(seconds=1)) <= left


def test_an_address_without_failures_never_waits() -> None:
    assert wait(POLICY, Failures(account=10_000, address=10_000), T0) == dt.timedelta(0)


def test_past_either_ceiling_only_both_factors_pass() -> None:
    assert not strict(POLICY, Failures(pair=19, account=19, address=99))
    assert strict(POLICY, Failures(account=20))
    assert strict(POLICY, Failures(address=100))


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_retry_after_is_whole_seconds_and_at_least_one(seconds: float) -> None:
    value = retry_after_seconds(dt.timedelta(seconds=seconds))
    assert value >= 1 and value >= seconds
