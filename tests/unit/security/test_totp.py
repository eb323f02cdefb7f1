from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from jingwu.security import totp

# RFC 6238 appendix B, SHA-1 with the 20-byte ASCII secret "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


def test_it_matches_the_rfc_6238_sha1_vectors() -> None:
    key = base64.b32decode(RFC_SECRET)
    for t, want in RFC_VECTORS:
        assert totp.hotp(key, totp.step_at(t), digits=8) == want


def test_it_accepts_the_current_previous_and_next_step_only() -> None:
    secret = totp.new_secret()
    t = 1_800_000_000.0
    for offset, ok in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        code = totp.code_at(secret, t + offset)
        assert (totp.match_step(secret, code, t, None) is not None) is ok, offset


def test_it_refuses_a_code_that_was_already_used() -> None:
    secret = totp.new_secret()
    t = 1_800_000_000.0
    code = totp.code_at(secret, t)
    step = totp.match_step(secret, code, t, None)
    assert step == totp.step_at(t)
    assert totp.match_step(secret, code, t + 1, step) is None
    older = totp.code_at(secret, t - 30)
    assert totp.match_step(secret, older, t, step) is None


@given(st.text(max_size=8))
def test_it_never_accepts_malformed_codes(code: str) -> None:
    secret = totp.new_secret()
    if not (len(code.strip()) == 6 and code.strip().isdigit()):
        assert totp.match_step(secret, code, 1_800_000_000.0, None) is None


def test_the_provisioning_uri_names_issuer_account_and_secret() -> None:
    uri = totp.provisioning_uri("ABCDEF", "demo-officer")
    assert uri.startswith("otpauth://totp/Jingwu%3Ademo-officer?")
    assert "secret=ABCDEF" in uri and "issuer=Jingwu" in uri


def test_recovery_codes_are_distinct_and_hash_case_insensitively() -> None:
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    assert totp.hash_recovery_code(codes[0].upper()) == totp.hash_recovery_code(codes[0])
