"""Signing keys for C2SP signed notes: key ids, key strings and an algorithm registry.

A key is identified by (name, 4-byte key id), the id being
SHA-256(name || 0x0A || type || public key)[:4]. Verifier keys read
``name+hex(keyid)+base64(type || public key)``; signer keys
``PRIVATE+KEY+name+hex(keyid)+base64(type || private key)``. Algorithms live in a registry
keyed by the signature-type byte, so a second algorithm (ML-DSA, SM2, …) is one `register`
call away. Built in: Ed25519 note signatures (0x01) and Ed25519 tlog cosignatures (0x04).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
COSIGNATURE_ED25519 = 0x04
MAX_TIMESTAMP = (1 << 63) - 1
_NAME = re.compile(r"^[^\s+]+$")


class NoteError(ValueError):
    """A signed-note key or note is malformed, or a note's signatures do not verify."""


class Verifier(Protocol):
    """Checks signatures of one key; ``name`` and ``key_id`` pick its signature lines."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, message: bytes, signature: bytes) -> bool: ...


class Signer(Protocol):
    """Produces signatures of one key."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class Algorithm:
    """A registered signature type: how to build verifiers and signers from key bytes."""

    type_byte: int
    label: str
    verifier: Callable[[str, bytes], Verifier]
    signer: Callable[[str, bytes], Signer] | None = None


_REGISTRY: dict[int, Algorithm] = {}


def register(algorithm: Algorithm) -> None:
    """Register a signature algorithm under its type byte (replacing none)."""
    if algorithm.type_byte in _REGISTRY:
        raise NoteError(f"signature type 0x{algorithm.type_byte:02x} is already registered")
    _REGISTRY[algorithm.type_byte] = algorithm


def algorithm(type_byte: int) -> Algorithm:
    """Return the registered algorithm for a signature-type byte."""
    try:
        return _REGISTRY[type_byte]
    except KeyError:
        raise NoteError(f"signature type 0x{type_byte:02x} is not supported") from None


def key_id(name: str, type_byte: int, public_key: bytes) -> int:
    """Return the C2SP key id: the first 4 bytes of SHA-256(name || LF || type || key)."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([type_byte]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid key name (non-empty, no spaces, no plus)."""
    if not _NAME.match(name):
        raise NoteError(f"key name {name!r} is empty or holds a space or a plus")
    return name


@dataclass(frozen=True)
class Ed25519Verifier:
    """Verifies Ed25519 note signatures (type 0x01) over the note text."""

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.public_key) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")
        object.__setattr__(self, "key_id", key_id(self.name, ED25519, self.public_key))

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` is this key's signature of ``message``."""
        return ed25519_verify(self.public_key, message, signature)


@dataclass(frozen=True)
class Ed25519Signer:
    """Signs note text with an Ed25519 key given by its 32-byte seed."""

    name: str
    seed: bytes = field(repr=False)
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.seed) != 32:
            raise NoteError("an Ed25519 private key seed is 32 bytes")
        object.__setattr__(self, "key_id", key_id(self.name, ED25519, self.public_key))

    @property
    def public_key(self) -> bytes:
        """Return the raw 32-byte public key."""
        return ed25519_public(self.seed)

    def sign(self, message: bytes) -> bytes:
        """Return the Ed25519 signature of ``message``."""
        return ed25519_sign(self.seed, message)

    def verifier_key(self) -> str:
        """Return the ``name+keyid+base64`` verifier key matching this signer."""
        return format_verifier_key(self.name, ED25519, self.public_key)

    def signer_key(self) -> str:
        """Return the ``PRIVATE+KEY+…`` string holding this signer (keep it secret)."""
        return format_signer_key(self.name, ED25519, self.public_key, self.seed)


def ed25519_public(seed: bytes) -> bytes:
    """Return the raw public key of an Ed25519 seed."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """Return the (deterministic) Ed25519 signature of ``message``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Return whether an Ed25519 signature verifies."""
    if len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """Return what a tlog-cosignature/v1 signs: header, time line, checkpoint body."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError(f"cosignature timestamp {timestamp} is outside 0 … 2^63−1")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """Verifies a witness's Ed25519 tlog-cosignature/v1 (type 0x04).

    The signature bytes are an 8-byte big-endian timestamp and a 64-byte Ed25519
    signature of `cosigned_message` for the note text and that timestamp.
    """

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.public_key) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")
        kid = key_id(self.name, COSIGNATURE_ED25519, self.public_key)
        object.__setattr__(self, "key_id", kid)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` cosigns the checkpoint body ``message``."""
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        signed = cosigned_message(message.decode(), timestamp)
        return ed25519_verify(self.public_key, signed, signature[8:])


@dataclass(frozen=True)
class Cosigner:
    """A witness's Ed25519 key. Cosignatures carry the time, so `at` binds one."""

    name: str
    seed: bytes = field(repr=False)
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.seed) != 32:
            raise NoteError("an Ed25519 private key seed is 32 bytes")
        kid = key_id(self.name, COSIGNATURE_ED25519, self.public_key)
        object.__setattr__(self, "key_id", kid)

    @property
    def public_key(self) -> bytes:
        """Return the raw 32-byte public key."""
        return ed25519_public(self.seed)

    def at(self, timestamp: int) -> TimedCosigner:
        """Return a signer that cosigns as of ``timestamp`` (POSIX seconds)."""
        return TimedCosigner(self, timestamp)

    def verifier_key(self) -> str:
        """Return the witness's verifier key string (type 0x04)."""
        return format_verifier_key(self.name, COSIGNATURE_ED25519, self.public_key)

    def signer_key(self) -> str:
        """Return the witness's private key string (keep it secret)."""
        return format_signer_key(self.name, COSIGNATURE_ED25519, self.public_key, self.seed)


@dataclass(frozen=True)
class TimedCosigner:
    """A `Signer` producing cosignatures of a checkpoint body at a fixed time."""

    cosigner: Cosigner
    timestamp: int

    @property
    def name(self) -> str:
        """Return the witness's key name."""
        return self.cosigner.name

    @property
    def key_id(self) -> int:
        """Return the witness's key id."""
        return self.cosigner.key_id

    def sign(self, message: bytes) -> bytes:
        """Return timestamp || Ed25519 signature of the cosigned message."""
        signed = cosigned_message(message.decode(), self.timestamp)
        return self.timestamp.to_bytes(8, "big") + ed25519_sign(self.cosigner.seed, signed)


def cosignature_timestamp(signature: bytes) -> int:
    """Return the timestamp carried by a cosignature's bytes."""
    if len(signature) != 72:
        raise NoteError("an Ed25519 cosignature is 72 bytes: timestamp and signature")
    return int.from_bytes(signature[:8], "big")


register(Algorithm(ED25519, "Ed25519", Ed25519Verifier, Ed25519Signer))
register(Algorithm(COSIGNATURE_ED25519, "Ed25519 tlog-cosignature/v1", CosignatureVerifier))


def format_verifier_key(name: str, type_byte: int, public_key: bytes) -> str:
    """Return ``name+hex(keyid)+base64(type || public key)``."""
    kid = key_id(check_name(name), type_byte, public_key)
    material = base64.b64encode(bytes([type_byte]) + public_key).decode()
    return f"{name}+{kid:08x}+{material}"


def format_signer_key(name: str, type_byte: int, public_key: bytes, private_key: bytes) -> str:
    """Return ``PRIVATE+KEY+name+hex(keyid)+base64(type || private key)``."""
    kid = key_id(check_name(name), type_byte, public_key)
    material = base64.b64encode(bytes([type_byte]) + private_key).decode()
    return f"PRIVATE+KEY+{name}+{kid:08x}+{material}"


def _split_key(name: str, kid_hex: str, material_b64: str) -> tuple[str, int, int, bytes]:
    check_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", kid_hex):
        raise NoteError(f"key id {kid_hex!r} is not 8 lowercase hex digits")
    material = decode_base64(material_b64, "key")
    if not material:
        raise NoteError("key material is empty")
    return name, int(kid_hex, 16), material[0], material[1:]


def parse_verifier_key(vkey: str) -> Verifier:
    """Parse a verifier key string into a verifier, checking its key id."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key has three parts: name+keyid+base64")
    name, kid, type_byte, public = _split_key(*parts)
    verifier = algorithm(type_byte).verifier(name, public)
    if verifier.key_id != kid:
        raise NoteError(f"key id {parts[1]} does not match the key {name!r}")
    return verifier


def _split_signer_key(skey: str) -> tuple[str, int, int, bytes]:
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a signer key reads PRIVATE+KEY+name+keyid+base64")
    return _split_key(*parts[2:])


def parse_signer_key(skey: str) -> Signer:
    """Parse a ``PRIVATE+KEY+…`` string into a note signer, checking its key id."""
    name, kid, type_byte, private = _split_signer_key(skey)
    make = algorithm(type_byte).signer
    if make is None:
        raise NoteError(f"signature type 0x{type_byte:02x} cannot sign here")
    signer = make(name, private)
    if signer.key_id != kid:
        raise NoteError(f"key id {kid:08x} does not match the key {name!r}")
    return signer


def parse_cosigner_key(skey: str) -> Cosigner:
    """Parse a witness's ``PRIVATE+KEY+name+keyid+base64(0x04 || seed)`` string."""
    name, kid, type_byte, seed = _split_signer_key(skey)
    if type_byte != COSIGNATURE_ED25519:
        raise NoteError(f"a cosigner key has type 0x04, not 0x{type_byte:02x}")
    cosigner = Cosigner(name, seed)
    if cosigner.key_id != kid:
        raise NoteError(f"key id {kid:08x} does not match the key {name!r}")
    return cosigner


def decode_base64(text: str, what: str) -> bytes:
    """Decode strict standard base64, naming ``what`` in the error."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not valid base64") from None
