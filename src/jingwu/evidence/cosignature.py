"""C2SP tlog-cosignature/v1 with Ed25519 (signature type 0x04), and the witness's step.

A cosignature is a signature line on the checkpoint note whose bytes are an 8-byte
big-endian POSIX timestamp followed by an Ed25519 signature of::

    cosignature/v1\\n
    time <timestamp>\\n
    <the whole checkpoint body>

The key id is SHA-256(name || 0x0A || 0x04 || public key)[:4].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from jingwu.evidence.checkpoint import Checkpoint, check_extension, open_checkpoint
from jingwu.evidence.note import (
    Algorithm,
    NoteError,
    Signature,
    Verifier,
    add_signatures,
    check_name,
    ed25519_public,
    ed25519_verify,
    format_signer_key,
    format_verifier_key,
    key_id,
    register,
)

COSIGNATURE_ED25519 = 0x04
MAX_TIMESTAMP = (1 << 63) - 1


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """Return the bytes a v1 cosignature signs for a checkpoint body and a timestamp."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError(f"cosignature timestamp {timestamp} is outside 0 … 2^63−1")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


def cosignature_timestamp(signature: bytes) -> int:
    """Return the timestamp carried in a cosignature's bytes."""
    if len(signature) != 8 + 64:
        raise NoteError("an Ed25519 cosignature is 72 bytes: timestamp and signature")
    return int.from_bytes(signature[:8], "big")


@dataclass(frozen=True)
class CosignatureVerifier:
    """Verifies a witness's Ed25519 v1 cosignatures."""

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
    """A witness's Ed25519 key; cosignatures need the time, passed in by the caller."""

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

    def cosign(self, checkpoint_text: str, timestamp: int) -> Signature:
        """Return the cosignature line for a checkpoint body at ``timestamp``."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        signed = cosigned_message(checkpoint_text, timestamp)
        raw = Ed25519PrivateKey.from_private_bytes(self.seed).sign(signed)
        return Signature(self.name, self.key_id, timestamp.to_bytes(8, "big") + raw)

    def verifier_key(self) -> str:
        """Return the witness's verifier key string (type 0x04)."""
        return format_verifier_key(self.name, COSIGNATURE_ED25519, self.public_key)

    def signer_key(self) -> str:
        """Return the witness's private key string (keep it secret)."""
        return format_signer_key(self.name, COSIGNATURE_ED25519, self.public_key, self.seed)


register(Algorithm(COSIGNATURE_ED25519, "Ed25519 cosignature/v1", CosignatureVerifier))


def parse_cosigner_key(skey: str) -> Cosigner:
    """Parse a witness's ``PRIVATE+KEY+name+keyid+base64(0x04 || seed)`` string."""
    parts = skey.strip().split("+")
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a cosigner key reads PRIVATE+KEY+name+keyid+base64")
    import base64
    import binascii

    try:
        material = base64.b64decode(parts[4], validate=True)
    except binascii.Error:
        raise NoteError("cosigner key material is not valid base64") from None
    if len(material) != 33 or material[0] != COSIGNATURE_ED25519:
        raise NoteError("a cosigner key holds type 0x04 and a 32-byte seed")
    cosigner = Cosigner(parts[2], material[1:])
    if f"{cosigner.key_id:08x}" != parts[3]:
        raise NoteError(f"key id {parts[3]} does not match the key {parts[2]!r}")
    return cosigner


@dataclass(frozen=True)
class WitnessResult:
    """What a witness keeps after cosigning: the new state and the cosigned note."""

    checkpoint: Checkpoint
    note: str
    cosignature: Signature


def witness(
    *,
    note: str,
    origin: str,
    log_verifiers: Sequence[Verifier],
    last: Checkpoint | None,
    proof: Sequence[bytes],
    cosigner: Cosigner,
    timestamp: int,
) -> WitnessResult:
    """Cosign a log's checkpoint if it is signed by the log and extends ``last``.

    Raises CheckpointError (InconsistentCheckpoint for a fork: the caller keeps ``note``
    and ``proof`` as the evidence) or NoteError when the log's signature fails.
    """
    checkpoint, _ = open_checkpoint(note, origin, log_verifiers)
    check_extension(last, checkpoint, proof)
    line = cosigner.cosign(checkpoint.text(), timestamp)
    return WitnessResult(checkpoint, add_signatures(note, [line]), line)
