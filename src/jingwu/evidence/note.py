"""C2SP signed notes: signing, parsing and opening notes.

A note is text ending in a newline, a blank line, then one or more lines
``— <key name> base64(key id || signature)``. Signatures of unknown keys are ignored; a
note opens only if a known key signed it and no known key's signature fails.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jingwu.evidence.keys import NoteError, Signer, Verifier, check_name, decode_base64

MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 1 << 20
_DASH = "\u2014 "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


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
    blob = decode_base64(blob_b64, "signature")
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
