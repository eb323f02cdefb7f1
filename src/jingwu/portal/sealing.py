"""Sealing to the intranet's public key: X25519 + HKDF-SHA256 + AES-256-GCM (pure).

A sealed value is ``x1.<base64url(ephemeral public key || nonce || ciphertext+tag)>``. The
sender needs only the recipient's public key; only the holder of the private key (the
intranet) can open it. The context (e.g. ``"public_inbox.sealed"``) is bound in as
associated data, so a value moved to another column does not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "x1"
_RAW = serialization.Encoding.Raw
_PUB = serialization.PublicFormat.Raw
NONCE_LEN = 12


class SealError(ValueError):
    """A sealed value cannot be opened (wrong key, wrong context or tampered)."""


def public_bytes(key: X25519PublicKey) -> bytes:
    return key.public_bytes(_RAW, _PUB)


def private_from_seed(seed: bytes) -> X25519PrivateKey:
    """A private key derived from 32+ bytes of secret material (development keys)."""
    okm = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jingwu.portal.x25519")
    return X25519PrivateKey.from_private_bytes(okm.derive(seed))


def load_public(b64: str) -> X25519PublicKey:
    raw = base64.b64decode(b64.strip(), validate=True)
    return X25519PublicKey.from_public_bytes(raw)


def load_private(b64: str) -> X25519PrivateKey:
    raw = base64.b64decode(b64.strip(), validate=True)
    return X25519PrivateKey.from_private_bytes(raw)


def new_pair() -> tuple[str, str]:
    """A fresh (private, public) pair, base64, for ``jingwu portal keygen``."""
    key = X25519PrivateKey.generate()
    priv = key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(priv).decode(), base64.b64encode(
        public_bytes(key.public_key())
    ).decode()


def _key(shared: bytes, eph: bytes, recipient: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=eph + recipient, info=b"jingwu.seal")
    return hkdf.derive(shared)


def seal(recipient: X25519PublicKey, plaintext: bytes, context: str) -> str:
    """Encrypt ``plaintext`` so that only ``recipient``'s private key opens it."""
    eph = X25519PrivateKey.generate()
    eph_pub = public_bytes(eph.public_key())
    key = _key(eph.exchange(recipient), eph_pub, public_bytes(recipient))
    nonce = os.urandom(NONCE_LEN)
    body = AESGCM(key).encrypt(nonce, plaintext, context.encode())
    return f"{PREFIX}.{base64.urlsafe_b64encode(eph_pub + nonce + body).decode()}"


def open_sealed(private: X25519PrivateKey, value: str, context: str) -> bytes:
    """Inverse of :func:`seal`; SealError on a wrong key, context or tampering."""
    prefix, _, b64 = value.partition(".")
    if prefix != PREFIX:
        raise SealError("not a sealed value")
    try:
        blob = base64.urlsafe_b64decode(b64)
    except ValueError:
        raise SealError("sealed value is not base64") from None
    if len(blob) < 32 + NONCE_LEN + 16:
        raise SealError("sealed value too short")
    eph_pub, nonce, body = blob[:32], blob[32 : 32 + NONCE_LEN], blob[32 + NONCE_LEN :]
    mine = public_bytes(private.public_key())
    key = _key(private.exchange(X25519PublicKey.from_public_bytes(eph_pub)), eph_pub, mine)
    try:
        return AESGCM(key).decrypt(nonce, body, context.encode())
    except InvalidTag:
        raise SealError("this key cannot open the sealed value") from None
