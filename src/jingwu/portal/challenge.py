"""The image-free challenge (pure): a proof of work the browser computes.

The server hands out ``{expires}.{nonce}.{bits}.{mac}`` (signed, so it cannot be forged or
made easier); the browser finds a counter such that SHA-256 of ``challenge:counter`` starts
with ``bits`` zero bits (portal/static/pow.js) and sends it with the form. A challenge is
used once (the caller records its nonce) and expires after :data:`VALID_S`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

BITS = 16  # about 65,000 hashes: a second or two on a phone, costly in bulk
VALID_S = 15 * 60


class ChallengeError(ValueError):
    """The answer does not solve a valid challenge."""


def _mac(key: bytes, payload: str) -> str:
    mac_key = hashlib.sha256(b"jingwu.portal.pow\x00" + key).digest()
    return hmac.new(mac_key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def issue(key: bytes, *, now_ts: float, bits: int = BITS) -> str:
    """A new signed challenge."""
    payload = f"{int(now_ts) + VALID_S}.{secrets.token_hex(8)}.{bits}"
    return f"{payload}.{_mac(key, payload)}"


def leading_zero_bits(digest: bytes) -> int:
    n = 0
    for byte in digest:
        if byte == 0:
            n += 8
            continue
        return n + 8 - byte.bit_length()
    return n


def solve(challenge: str, bits: int) -> int:
    """The first counter solving ``challenge`` (what pow.js does; for tests and clients)."""
    counter = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < bits:
        counter += 1
    return counter


def verify(key: bytes, challenge: str, counter: str, *, now_ts: float) -> str:
    """The challenge's nonce when ``counter`` solves it; ChallengeError otherwise."""
    parts = challenge.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
        raise ChallengeError("malformed challenge")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_mac(key, payload), parts[3]):
        raise ChallengeError("forged challenge")
    if now_ts > int(parts[0]):
        raise ChallengeError("expired challenge")
    if not counter.isdigit() or len(counter) > 12:
        raise ChallengeError("malformed answer")
    digest = hashlib.sha256(f"{challenge}:{int(counter)}".encode()).digest()
    if leading_zero_bits(digest) < int(parts[2]):
        raise ChallengeError("wrong answer")
    return parts[1]
