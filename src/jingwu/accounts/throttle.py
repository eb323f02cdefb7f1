"""Sign-in throttling rules (pure): who must wait, how long, and when only both factors pass.

Failures are counted per (account, address), per account and per address over a window:

- **per (account, address)**: the first ``free_failures`` cost nothing; after that each
  attempt from that address for that account waits ``base_delay`` × 2^(failures − free),
  at most ``max_delay``, and is refused (429) without looking at the password until then;
- **per account** (from any address) and **per address** (for any account): past their
  ceilings, a wrong attempt is refused (429) whatever was wrong, so the answer no longer
  tells whether the password was right; the right password with a valid second factor
  still signs in.

So an attacker slows down only themselves: the owner, at another address, is never made
to wait, and signs in with password and code however many failures the account has.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

MAX_EXPONENT = 30  # 2^30 s is decades: past any window, and the arithmetic stays finite


@dataclass(frozen=True)
class ThrottlePolicy:
    """The throttle's numbers (``JINGWU_LOGIN_*``)."""

    free_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    base_delay: dt.timedelta = dt.timedelta(seconds=1)
    account_ceiling: int = 20
    address_ceiling: int = 100

    @property
    def max_delay(self) -> dt.timedelta:
        return self.window

    def delay(self, failures: int) -> dt.timedelta:
        """How long a pair waits after its ``failures``-th failure in the window."""
        if failures < self.free_failures:
            return dt.timedelta(0)
        exponent = min(failures - self.free_failures, MAX_EXPONENT)
        grown: dt.timedelta = self.base_delay * 2**exponent
        return min(self.max_delay, grown)


@dataclass(frozen=True)
class Failures:
    """Failed sign-ins in the window: of the pair (with its latest), the account, the address."""

    pair: int = 0
    pair_last: dt.datetime | None = None
    account: int = 0
    address: int = 0


def wait(policy: ThrottlePolicy, failures: Failures, now: dt.datetime) -> dt.timedelta:
    """How long the pair must still wait before its next attempt (zero: it may try now)."""
    if failures.pair_last is None:
        return dt.timedelta(0)
    left = failures.pair_last + policy.delay(failures.pair) - now
    return max(left, dt.timedelta(0))


def strict(policy: ThrottlePolicy, failures: Failures) -> bool:
    """True when only the right password with a valid second factor may pass."""
    return failures.account >= policy.account_ceiling or failures.address >= policy.address_ceiling


def retry_after_seconds(delay: dt.timedelta) -> int:
    """The ``Retry-After`` value of a delay: whole seconds, at least one."""
    return max(1, math.ceil(delay.total_seconds()))
