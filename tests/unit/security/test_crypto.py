from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.security import crypto, keys


def ring(alg: keys.Algorithm = "aes", kid: str = "k1") -> keys.Keyring:
    return keys.Keyring(
        secret_key=b"s" * 32,
        blind_index_key=b"b" * 32,
        data_keys={kid: keys.new_data_key(kid, alg)},
        active=kid,
    )


@pytest.mark.parametrize("alg", ["aes", "sm4"])
@settings(max_examples=30)
@given(text=st.text(max_size=200))
def test_values_round_trip_and_carry_algorithm_and_key_id(alg: keys.Algorithm, text: str) -> None:
    r = ring(alg)
    token = crypto.encrypt_text(r, text, "users.phone")
    assert token.startswith(f"v1.{alg}.k1.")
    assert crypto.decrypt_text(r, token, "users.phone") == text


def test_a_value_does_not_decrypt_in_another_column() -> None:
    r = ring()
    token = crypto.encrypt_text(r, "13812345678", "users.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(r, token, "staff.phone")


def test_a_wrong_key_or_a_flipped_bit_is_detected() -> None:
    r = ring()
    token = crypto.encrypt_text(r, "secret", "c")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(ring(), token, "c")
    alg, kid, blob = crypto.parse_token(token)
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    import base64

    bad = f"v1.{alg}.{kid}.{base64.urlsafe_b64encode(bytes(flipped)).decode()}"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(r, bad, "c")


def test_the_same_value_encrypts_differently_each_time() -> None:
    r = ring()
    assert crypto.encrypt_text(r, "x", "c") != crypto.encrypt_text(r, "x", "c")


def test_blind_indexes_match_equal_values_only() -> None:
    r = ring()
    a = crypto.blind_index(r, " 13812345678 ", "phone")
    assert a == crypto.blind_index(r, "13812345678", "phone")
    assert a != crypto.blind_index(r, "13812345679", "phone")
    assert a != crypto.blind_index(r, "13812345678", "id_number")
