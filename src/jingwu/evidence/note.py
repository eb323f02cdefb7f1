"""C2SP signed notes: verifier and signer keys, signing, and opening notes.

A note is text ending in a newline, a blank line, then lines ``— <name> base64(keyid ||
signature)``. Keys are identified by (name, 4-byte key id), the id being
SHA-256(name || 0x0A || type || public key)[:4]. Algorithms live in a registry keyed by
the signature-type byte, so a second algorithm (ML-DSA, SM2, …) is one `register` call
away; Ed25519 note signatures (type 0x01) are built in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 1 << 20
_DASH = "\u2014 "
_NAME = re.compile(r"^[^\s+]+$")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A key or note is malformed, or a note's signatures do not verify."""


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
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def verifier_key(self) -> str:
        """Return the ``name+keyid+base64`` verifier key matching this signer."""
        return format_verifier_key(self.name, ED25519, self.public_key)

    def signer_key(self) -> str:
        """Return the ``PRIVATE+KEY+…`` string holding this signer (keep it secret)."""
        return format_signer_key(self.name, ED25519, self.public_key, self.seed)


def ed25519_public(seed: bytes) -> bytes:
    """Return the raw public key of an Ed25519 seed."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Return whether an Ed25519 signature verifies."""
    if len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


register(Algorithm(ED25519, "Ed25519", Ed25519Verifier, Ed25519Signer))


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
    material = _b64(material_b64, "key")
    if not material:
        raise NoteError("key material is empty")
    return name, int(kid_hex, 16), material[0], material[1:]


def parse_verifier_key(vkey: str) -> Verifier:
    """Parse a verifier key string into a verifier, checking its key id."""
    parts = vkey.strip().split("+")
    if len(parts) != 3:
        raise NoteError("a verifier key has three parts: name+keyid+base64")
    name, kid, type_byte, public = _split_key(*parts)
    verifier = algorithm(type_byte).verifier(name, public)
    if verifier.key_id != kid:
        raise NoteError(f"key id {parts[1]} does not match the key {name!r}")
    return verifier


def parse_signer_key(skey: str) -> Signer:
    """Parse a ``PRIVATE+KEY+…`` string into a signer, checking its key id."""
    parts = skey.strip().split("+")
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("a signer key reads PRIVATE+KEY+name+keyid+base64")
    name, kid, type_byte, private = _split_key(*parts[2:])
    make = algorithm(type_byte).signer
    if make is None:
        raise NoteError(f"signature type 0x{type_byte:02x} cannot sign here")
    signer = make(name, private)
    if signer.key_id != kid:
        raise NoteError(f"key id {parts[3]} does not match the key {name!r}")
    return signer


def new_ed25519_signer(name: str, seed: bytes) -> Ed25519Signer:
    """Return an Ed25519 signer from 32 random bytes the caller draws (e.g. os.urandom)."""
    return Ed25519Signer(name, seed)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not valid base64") from None


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """Return the signature line, newline included."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{_DASH}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class Note:
    """A parsed note: its text (final newline included) and its signature lines."""

    text: str
    signatures: tuple[Signature, ...]

    def render(self) -> str:
        """Return the note in its wire form."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def check_text(text: str) -> None:
    """Check that ``text`` may be a note's text."""
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if _CONTROL.search(text):
        raise NoteError("note text holds a control character other than newline")


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """Return ``text`` signed by every signer, in the order given."""
    check_text(text)
    if not signers:
        raise NoteError("a note needs at least one signer")
    message = text.encode()
    sigs = [Signature(s.name, s.key_id, s.sign(message)) for s in signers]
    return Note(text, tuple(sigs)).render()


def add_signatures(note: str, signatures: Iterable[Signature]) -> str:
    """Return ``note`` with extra signature lines appended (e.g. witness cosignatures)."""
    parsed = parse_note(note)
    seen = {(s.name, s.key_id) for s in parsed.signatures}
    extra = [s for s in signatures if (s.name, s.key_id) not in seen]
    return Note(parsed.text, parsed.signatures + tuple(extra)).render()


def parse_note(note: str | bytes) -> Note:
    """Split a signed note into text and signatures, checking the format strictly."""
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise NoteError("note is larger than 1 MiB")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("note is not valid UTF-8") from None
    if len(note) > MAX_NOTE_BYTES or _CONTROL.search(note):
        raise NoteError("note is too large or holds a control character")
    if not note.endswith("\n"):
        raise NoteError("note does not end with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("note has no blank line before its signatures")
    text, sig_block = note[: cut + 1], note[cut + 2 :]
    lines = sig_block.split("\n")[:-1]
    if not lines:
        raise NoteError("note has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(_DASH):
        raise NoteError("a signature line must start with an em dash and a space")
    name, space, blob_b64 = line[len(_DASH) :].partition(" ")
    if not space or " " in blob_b64:
        raise NoteError("a signature line reads: em dash, name, base64 signature")
    check_name(name)
    blob = _b64(blob_b64, "signature")
    if len(blob) < 5:
        raise NoteError("a signature is shorter than its 4-byte key id")
    return Signature(name, int.from_bytes(blob[:4], "big"), blob[4:])


@dataclass(frozen=True)
class NoteCheck:
    """Which known keys' signatures verified and which failed; unknown ones are ignored."""

    text: str
    verified: tuple[Verifier, ...]
    failed: tuple[Verifier, ...]
    signatures: dict[tuple[str, int], bytes]


def check_note(note: str | bytes, verifiers: Sequence[Verifier]) -> NoteCheck:
    """Verify the signatures of known keys without deciding acceptance."""
    parsed = parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    message = parsed.text.encode()
    verified: dict[tuple[str, int], Verifier] = {}
    failed: dict[tuple[str, int], Verifier] = {}
    sigs: dict[tuple[str, int], bytes] = {}
    for sig in parsed.signatures:
        ident = (sig.name, sig.key_id)
        verifier = known.get(ident)
        if verifier is None:
            continue  # C2SP: signatures from unknown keys are ignored
        if verifier.verify(message, sig.signature) and ident not in failed:
            verified[ident] = verifier
            sigs[ident] = sig.signature
        else:
            verified.pop(ident, None)
            failed[ident] = verifier
    return NoteCheck(parsed.text, tuple(verified.values()), tuple(failed.values()), sigs)


def open_note(note: str | bytes, verifiers: Sequence[Verifier]) -> NoteCheck:
    """Return the checked note if a known key signed it and no known key's signature fails."""
    checked = check_note(note, verifiers)
    if checked.failed:
        names = ", ".join(v.name for v in checked.failed)
        raise NoteError(f"a signature by a known key does not verify ({names})")
    if not checked.verified:
        raise NoteError("note is not signed by any of the given keys")
    return checked
