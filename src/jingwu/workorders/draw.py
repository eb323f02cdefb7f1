"""The reproducible quota draw of orange orders for re-inspection and home visits (pure).

The guide's "double random" check (双随机): of the orange orders a station completed in a
month, at least 30 % are re-inspected and at least 20 % visited at home. Nobody may choose
which, and anyone must be able to check the choice afterwards. So:

1. Before the month starts, the drawing unit picks a secret seed (e.g. ``secrets.token_hex(32)``)
   and publishes only its commitment ``SHA-256(seed)`` (:func:`commit`). The set of orders is
   not known yet and the seed is not known to the stations, so neither side can steer the draw.
2. After the month, it publishes the seed; anyone checks it against the commitment
   (:func:`verify_reveal`) and repeats the draw from the list of order codes.

The draw, in full (a few lines in any language)::

    score(purpose, code) = HMAC-SHA256(key = UTF-8(seed), message = UTF-8(purpose + ":" + code))
    rank the distinct codes by score (hex, ascending; ties, impossible in practice, by code)
    take the first ceil(share × n)      purpose "reinspection": share 3/10
                                        purpose "home_visit":   share 1/5

The two draws are *independent*: each ranks all the codes under its own purpose, so an order
may be drawn for both. Each is then a uniform random sample on its own — the visit sample says
nothing about the re-inspection sample — and each share is met exactly. (Disjoint draws would
cover more orders but make the visit sample depend on the re-inspection one.) The order of the
input list does not matter; shares are exact fractions, so ``ceil`` never suffers rounding.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

REINSPECTION = "reinspection"
HOME_VISIT = "home_visit"
REINSPECTION_SHARE = Fraction(3, 10)
HOME_VISIT_SHARE = Fraction(1, 5)
MIN_SEED_LENGTH = 16


class DrawError(ValueError):
    """A seed, commitment or list of codes is unusable."""


@dataclass(frozen=True, slots=True)
class DrawResult:
    """The codes drawn for each purpose, in rank order."""

    population: int
    reinspection: tuple[str, ...]
    home_visit: tuple[str, ...]


def _check_seed(seed: str) -> bytes:
    if len(seed) < MIN_SEED_LENGTH:
        raise DrawError(f"a seed must have at least {MIN_SEED_LENGTH} characters")
    return seed.encode()


def commit(seed: str) -> str:
    """The commitment to publish before the draw: SHA-256 of the seed, hex."""
    return hashlib.sha256(_check_seed(seed)).hexdigest()


def verify_reveal(seed: str, commitment: str) -> None:
    """Raise DrawError unless ``seed`` is the one ``commitment`` was published for."""
    if not hmac.compare_digest(commit(seed), commitment.strip().lower()):
        raise DrawError("the revealed seed does not match the published commitment")


def score(seed: str, purpose: str, code: str) -> str:
    """The HMAC-SHA256 score (hex) of ``code`` in the draw for ``purpose``."""
    message = f"{purpose}:{code}".encode()
    return hmac.new(_check_seed(seed), message, hashlib.sha256).hexdigest()


def quota(population: int, share: Fraction) -> int:
    """How many of ``population`` must be drawn: ceil(share × population)."""
    if population < 0 or not 0 <= share <= 1:
        raise DrawError("population must be non-negative and share between 0 and 1")
    return math.ceil(share * population)


def rank(seed: str, purpose: str, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes in draw order for ``purpose``."""
    distinct = _distinct(codes)
    return tuple(sorted(distinct, key=lambda code: (score(seed, purpose, code), code)))


def draw(
    seed: str,
    codes: Iterable[str],
    *,
    reinspection_share: Fraction = REINSPECTION_SHARE,
    home_visit_share: Fraction = HOME_VISIT_SHARE,
) -> DrawResult:
    """Draw the re-inspection and home-visit samples from one station-month's codes."""
    distinct = _distinct(codes)
    n = len(distinct)
    return DrawResult(
        population=n,
        reinspection=rank(seed, REINSPECTION, distinct)[: quota(n, reinspection_share)],
        home_visit=rank(seed, HOME_VISIT, distinct)[: quota(n, home_visit_share)],
    )


def _distinct(codes: Iterable[str]) -> list[str]:
    result = list(codes)
    if len(set(result)) != len(result):
        raise DrawError("each order code may appear only once in a draw")
    if any(not code or code != code.strip() for code in result):
        raise DrawError("order codes must be non-empty and without surrounding spaces")
    return result
