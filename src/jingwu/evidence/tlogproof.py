"""C2SP tlog-proof@v1: an offline inclusion proof with its signed, cosigned checkpoint.

c2sp.org/tlog-proof@v1
[extra <base64>]
index <decimal>
<base64 proof hash, one per line, leaf sibling first>
<blank line>
<the checkpoint note verbatim, signatures and cosignatures included>
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass

from jingwu.evidence.keys import NoteError, decode_base64
from jingwu.evidence.merkle import HASH_SIZE

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_BYTES = 1 << 20
MAX_PROOF_HASHES = 64
_INDEX = re.compile(r"^index (0|[1-9]\d{0,19})$")


class TlogProofError(ValueError):
    """A tlog-proof is malformed."""


@dataclass(frozen=True)
class TlogProof:
    """An entry's index, its inclusion proof and the checkpoint note it leads to."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def render(self) -> str:
        """Return the proof in its text form."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode()}")
        lines.append(f"index {self.index}")
        lines.extend(base64.b64encode(h).decode() for h in self.proof)
        return "\n".join(lines) + "\n\n" + self.checkpoint


def make_proof(
    index: int, proof: Sequence[bytes], checkpoint_note: str, extra: bytes | None = None
) -> TlogProof:
    """Return a TlogProof after checking its parts are well formed."""
    if index < 0:
        raise TlogProofError(f"index {index} is negative")
    if any(len(h) != HASH_SIZE for h in proof) or len(proof) > MAX_PROOF_HASHES:
        raise TlogProofError("proof hashes must be 32 bytes, at most 64 of them")
    if not checkpoint_note.endswith("\n"):
        raise TlogProofError("the checkpoint note must end with a newline")
    return TlogProof(index, tuple(proof), checkpoint_note, extra)


def parse_tlog_proof(text: str | bytes) -> TlogProof:
    """Parse a tlog-proof strictly (the checkpoint note is kept verbatim, unverified)."""
    if isinstance(text, bytes):
        if len(text) > MAX_PROOF_BYTES:
            raise TlogProofError("tlog-proof is larger than 1 MiB")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise TlogProofError("tlog-proof is not valid UTF-8") from None
    head, sep, checkpoint = text.partition("\n\n")
    if not sep or not checkpoint:
        raise TlogProofError("tlog-proof has no blank line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(f"tlog-proof does not start with {HEADER}")
    lines = lines[1:]
    extra = None
    if lines and lines[0].startswith("extra "):
        extra = _b64(lines.pop(0)[len("extra ") :], "extra data")
    match = _INDEX.match(lines[0]) if lines else None
    if match is None:
        raise TlogProofError("tlog-proof lacks an 'index N' line")
    proof = tuple(_b64(line, "a proof hash") for line in lines[1:])
    return make_proof(int(match.group(1)), proof, checkpoint, extra)


def _b64(text: str, what: str) -> bytes:
    try:
        return decode_base64(text, what)
    except NoteError as exc:
        raise TlogProofError(str(exc)) from None
