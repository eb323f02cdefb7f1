"""Double-random spot checks (双随机一公开), generalised: any target pool × any inspector pool.

"Double random" means both the checked (the targets) and the checkers (the inspectors) are
drawn at random from published lists; "one public" means the result is published. The
drawing unit commits to a secret seed first (its SHA-256 goes into the evidence log), and
only then draws, so nobody can try seeds until one gives a welcome result; once the seed is
revealed anyone can repeat the draw from the published inputs. Everything here is pure.

The draw, in full (a few lines in any language)::

    score(purpose, code) = HMAC-SHA256(key = UTF-8(seed), message = UTF-8(purpose + ":" + code))
    eligible   = the target pool minus the targets already checked this year (distinct codes)
    chosen     = eligible ranked by score(purpose, ·) (hex ascending, ties by code),
                 the first quota(len(eligible)) of them
    inspectors = the inspector pool ranked by score("inspector:" + purpose, ·)
    the i-th chosen target (0-based) is checked by inspectors[(i·team + j) mod m], j < team

so every chosen target gets ``team`` distinct inspectors (``team`` ≤ m, the pool's size) and
the work is spread evenly: no inspector gets more than one check more than another. A quota
is a count (at most the eligible number) or a share (``ceil(share × eligible)``, an exact
fraction, so there is no rounding). The order of the pools does not matter.

With the purpose ``reinspection`` or ``home_visit`` and the shares 3/10 and 1/5 the chosen
targets are exactly the orange-order quota draw of :mod:`jingwu.workorders.draw`, which is
therefore a special case (no inspectors, no exclusions).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from jingwu.errors import Invalid

TARGET = "target"
INSPECTOR = "inspector"
MIN_SEED_LENGTH = 16
MAX_TEAM = 5
_QUOTA = re.compile(r"^(?:(\d{1,6})|(\d{1,6})/(\d{1,6}))$")


@dataclass(frozen=True, slots=True)
class Quota:
    """How many eligible targets to draw: a count, or a share of the eligible ones."""

    count: int | None = None
    share: Fraction | None = None

    def __post_init__(self) -> None:
        if (self.count is None) == (self.share is None):
            raise Invalid("A quota is either a number of targets or a share of them.")
        if self.count is not None and self.count < 0:
            raise Invalid("A quota cannot be negative.")
        if self.share is not None and not 0 <= self.share <= 1:
            raise Invalid("A share must lie between 0 and 1.")

    def size(self, eligible: int) -> int:
        """How many of ``eligible`` targets this quota draws."""
        if self.count is not None:
            return min(self.count, eligible)
        assert self.share is not None
        return math.ceil(self.share * eligible)

    def text(self) -> str:
        """The quota as published: ``"3"`` or ``"3/10"``."""
        if self.count is not None:
            return str(self.count)
        assert self.share is not None
        return f"{self.share.numerator}/{self.share.denominator}"

    @classmethod
    def parse(cls, text: str) -> Quota:
        """Read ``"3"`` (a count) or ``"3/10"`` (a share)."""
        match = _QUOTA.match(text.strip())
        if match is None:
            raise Invalid("Write the quota as a number (3) or a share (3/10).")
        count, top, bottom = match.groups()
        if count is not None:
            return cls(count=int(count))
        if int(bottom) == 0:
            raise Invalid("Write the quota as a number (3) or a share (3/10).")
        return cls(share=Fraction(int(top), int(bottom)))


@dataclass(frozen=True, slots=True)
class Pair:
    """One drawn target and the inspectors drawn to check it."""

    target: str
    inspectors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrawResult:
    """What a draw gives: the eligible targets and the drawn pairs, in draw order."""

    eligible: tuple[str, ...]
    pairs: tuple[Pair, ...]

    @property
    def targets(self) -> tuple[str, ...]:
        """The drawn targets in draw order."""
        return tuple(p.target for p in self.pairs)


def _seed_bytes(seed: str) -> bytes:
    if len(seed) < MIN_SEED_LENGTH:
        raise Invalid("A seed needs at least {n} characters.", params={"n": MIN_SEED_LENGTH})
    return seed.encode()


def commit(seed: str) -> str:
    """The commitment published before the draw: SHA-256 of the seed, lower-case hex."""
    return hashlib.sha256(_seed_bytes(seed)).hexdigest()


def seed_matches(seed: str, commitment: str) -> bool:
    """Whether ``seed`` is the one ``commitment`` was published for."""
    return hmac.compare_digest(commit(seed), commitment.strip().lower())


def score(seed: str, purpose: str, code: str) -> str:
    """The HMAC-SHA256 score (hex) of ``code`` in the draw for ``purpose``."""
    return hmac.new(_seed_bytes(seed), f"{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def rank(seed: str, purpose: str, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes in draw order for ``purpose``."""
    return tuple(sorted(distinct(codes), key=lambda c: (score(seed, purpose, c), c)))


def distinct(codes: Iterable[str]) -> list[str]:
    """The codes, refused when one repeats, is empty or has surrounding spaces."""
    result = list(codes)
    if len(set(result)) != len(result):
        raise Invalid("Each code may appear only once in a pool.")
    if any(not code or code != code.strip() for code in result):
        raise Invalid("Codes in a pool must be non-empty and without surrounding spaces.")
    return result


def eligible(targets: Iterable[str], checked: Iterable[str]) -> tuple[str, ...]:
    """The targets not yet checked, sorted (the order of the inputs does not matter)."""
    done = set(checked)
    return tuple(sorted(code for code in distinct(targets) if code not in done))


def assign(
    seed: str, chosen: Sequence[str], inspectors: Iterable[str], *, team: int, purpose: str
) -> tuple[Pair, ...]:
    """Pair each chosen target (in draw order) with ``team`` drawn inspectors."""
    order = rank(seed, f"{INSPECTOR}:{purpose}", inspectors)
    m = len(order)
    if chosen:
        check_team(team, m)
    return tuple(
        Pair(target, tuple(order[(i * team + j) % m] for j in range(team)))
        for i, target in enumerate(chosen)
    )


def check_team(team: int, pool: int) -> None:
    """Refuse a team size outside 1–5 or larger than the inspector pool."""
    if not 1 <= team <= MAX_TEAM:
        raise Invalid("A team has 1 to {n} inspectors.", params={"n": MAX_TEAM})
    if pool < team:
        raise Invalid(
            "The inspector pool has {m} people; a team needs {team}.",
            params={"m": pool, "team": team},
        )


def choose(
    seed: str, pool: Iterable[str], quota: Quota, *, purpose: str = TARGET
) -> tuple[str, ...]:
    """The first quota-many of ``pool`` in draw order for ``purpose`` (targets only)."""
    ranked = rank(seed, purpose, pool)
    return ranked[: quota.size(len(ranked))]


def draw(
    seed: str,
    *,
    targets: Iterable[str],
    inspectors: Iterable[str],
    quota: Quota,
    team: int,
    checked: Iterable[str] = (),
    purpose: str = TARGET,
) -> DrawResult:
    """Draw targets not yet checked and pair each with drawn inspectors."""
    pool = eligible(targets, checked)
    chosen = choose(seed, pool, quota, purpose=purpose)
    return DrawResult(
        eligible=pool, pairs=assign(seed, chosen, inspectors, team=team, purpose=purpose)
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a pool has been checked: the checked part and its share."""

    checked: int
    pool: int

    @property
    def share(self) -> float | None:
        """The checked share (0–1), or None for an empty pool."""
        return None if self.pool == 0 else self.checked / self.pool


def coverage(pool: Iterable[str], checked: Iterable[str]) -> Coverage:
    """The part of ``pool`` found in ``checked``."""
    members = set(pool)
    return Coverage(checked=len(members & set(checked)), pool=len(members))


def suggested_quota(unchecked: int, periods_left: int) -> int:
    """The count per period that checks every remaining target by the year's end."""
    if unchecked < 0 or periods_left < 1:
        raise Invalid("A plan needs at least one period left.")
    return math.ceil(unchecked / periods_left)
