"""Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps).

Pure: the time is passed in. :func:`match_step` returns the matched time step so the caller
can store it and refuse a replay of that code (or an older one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and next step too (clock drift)


def new_secret() -> str:
    """A random 160-bit secret, base32 without padding (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret_b32: str) -> bytes:
    padded = secret_b32.upper() + "=" * (-len(secret_b32) % 8)
    return base64.b32decode(padded)


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 HOTP value for ``counter``."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def step_at(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def code_at(secret_b32: str, unix_time: float) -> str:
    """The code an authenticator shows at ``unix_time``."""
    return hotp(_key(secret_b32), step_at(unix_time))


def seconds_left(unix_time: float) -> int:
    """Seconds until the current code changes."""
    return STEP_SECONDS - int(unix_time) % STEP_SECONDS


def match_step(
    secret_b32: str, code: str, unix_time: float, last_used_step: int | None
) -> int | None:
    """The step ``code`` matches within ±1 step, or None; steps ≤ last_used_step are refused."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = _key(secret_b32)
    now_step = step_at(unix_time)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret_b32: str, account: str, issuer: str = "Jingwu") -> str:
    """The otpauth:// URI encoded in the enrolment QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret_b32, "issuer": issuer, "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = 10) -> list[str]:
    """One-time recovery codes, ``xxxx-xxxx`` in an unambiguous alphabet."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "".join(secrets.choice(alphabet) for _ in range(4))
        + "-"
        + "".join(secrets.choice(alphabet) for _ in range(4))
        for _ in range(count)
    ]


def hash_recovery_code(code: str) -> str:
    """Recovery codes are stored as SHA-256 (they are random, so no slow hash is needed)."""
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()
