"""Field encryption (AES-256-GCM or SM4-GCM) and HMAC blind indexes.

An encrypted value is one ASCII string carrying its algorithm id and key id beside the
ciphertext, ``v1.<alg>.<kid>.<base64url(nonce || ciphertext || tag)>``, so keys can rotate
and old values stay readable. Associated data binds a value to its column, so a ciphertext
copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jingwu.security.keys import DataKey, Keyring

NONCE_LEN = 12
TAG_LEN = 16
PREFIX = "v1"


class DecryptionError(ValueError):
    """A value cannot be decrypted with the configured keys (wrong key or tampered)."""


def seal(key: DataKey, plaintext: bytes, aad: bytes, nonce: bytes | None = None) -> bytes:
    """Encrypt ``plaintext``; returns nonce || ciphertext || tag."""
    nonce = nonce if nonce is not None else os.urandom(NONCE_LEN)
    if key.alg == "aes":
        return nonce + AESGCM(key.key).encrypt(nonce, plaintext, aad)
    enc = Cipher(algorithms.SM4(key.key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    body = enc.update(plaintext) + enc.finalize()
    return nonce + body + enc.tag


def open_sealed(key: DataKey, blob: bytes, aad: bytes) -> bytes:
    """Inverse of :func:`seal`; raises DecryptionError on a wrong key or tampering."""
    if len(blob) < NONCE_LEN + TAG_LEN:
        raise DecryptionError("ciphertext too short")
    nonce, body = blob[:NONCE_LEN], blob[NONCE_LEN:]
    try:
        if key.alg == "aes":
            return AESGCM(key.key).decrypt(nonce, body, aad)
        dec = Cipher(algorithms.SM4(key.key), modes.GCM(nonce, body[-TAG_LEN:])).decryptor()
        dec.authenticate_additional_data(aad)
        return dec.update(body[:-TAG_LEN]) + dec.finalize()
    except InvalidTag:
        raise DecryptionError(f"key {key.kid!r} cannot decrypt this value") from None


def encrypt_text(keyring: Keyring, plaintext: str, context: str) -> str:
    """Encrypt a string with the active key, bound to ``context`` (e.g. ``"users.phone"``)."""
    key = keyring.active_key
    blob = seal(key, plaintext.encode("utf-8"), context.encode())
    return f"{PREFIX}.{key.alg}.{key.kid}.{base64.urlsafe_b64encode(blob).decode()}"


def parse_token(token: str) -> tuple[str, str, bytes]:
    """Split a stored value into (algorithm, key id, sealed bytes)."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted value")
    try:
        blob = base64.urlsafe_b64decode(parts[3])
    except ValueError:
        raise DecryptionError("encrypted value is not base64") from None
    return parts[1], parts[2], blob


def decrypt_text(keyring: Keyring, token: str, context: str) -> str:
    """Decrypt a value written by :func:`encrypt_text`."""
    alg, kid, blob = parse_token(token)
    key = keyring.get(kid)
    if key.alg != alg:
        raise DecryptionError(f"value says {alg} but key {kid!r} is {key.alg}")
    return open_sealed(key, blob, context.encode()).decode("utf-8")


def key_id_of(token: str) -> str:
    """The key id a stored value was encrypted with."""
    return parse_token(token)[1]


def blind_index(keyring: Keyring, value: str, context: str) -> str:
    """HMAC-SHA256 of a normalised value: equality search without storing the value."""
    msg = context.encode() + b"\x00" + value.strip().upper().encode("utf-8")
    return hmac.new(keyring.blind_index_key, msg, hashlib.sha256).hexdigest()
