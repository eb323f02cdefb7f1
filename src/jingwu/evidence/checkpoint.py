"""C2SP tlog-checkpoint bodies, and the rule that a log never signs a fork of itself.

A checkpoint body is the origin line, the tree size in decimal, the base64 root hash,
and optional non-empty extension lines, each ending in a newline. The log signs it as a
signed note (`jingwu.evidence.note`); witnesses add cosignatures to the same note.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from jingwu.evidence.keys import Signer, Verifier
from jingwu.evidence.merkle import EMPTY_ROOT, HASH_SIZE, ProofError, verify_consistency
from jingwu.evidence.note import NoteCheck, open_note, sign_note

_SIZE = re.compile(r"^(?:0|[1-9]\d{0,19})$")
MAX_SIZE = (1 << 64) - 1


class CheckpointError(ValueError):
    """A checkpoint is malformed, not signed by the log, or inconsistent with another."""


class InconsistentCheckpoint(CheckpointError):
    """Signing or cosigning this checkpoint would fork the log's history."""


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin, size, root hash and optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("checkpoint origin must be one non-empty line")
        if not 0 <= self.size <= MAX_SIZE:
            raise CheckpointError(f"checkpoint size {self.size} is not a uint64")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError("checkpoint root is not a 32-byte hash")
        if self.size == 0 and self.root != EMPTY_ROOT:
            raise CheckpointError("an empty tree's root must be SHA-256 of nothing")
        for line in self.extensions:
            if not line or "\n" in line:
                raise CheckpointError("checkpoint extension lines must be non-empty lines")

    def text(self) -> str:
        """Return the note text (body) of this checkpoint."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (the note text, without signatures) strictly."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs origin, size and root lines")
    origin, size_text, root_text, *extensions = lines
    if not _SIZE.match(size_text) or int(size_text) > MAX_SIZE:
        raise CheckpointError(f"checkpoint size {size_text!r} is not a decimal uint64")
    try:
        root = base64.b64decode(root_text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointError("checkpoint root is not valid base64") from None
    checkpoint = Checkpoint(origin, int(size_text), root, tuple(extensions))
    if checkpoint.text() != text:
        raise CheckpointError("checkpoint text is not in canonical form")
    return checkpoint


def open_checkpoint(
    note: str | bytes, origin: str, verifiers: Sequence[Verifier]
) -> tuple[Checkpoint, NoteCheck]:
    """Verify a signed checkpoint against the log's keys and expected origin."""
    checked = open_note(note, verifiers)
    checkpoint = parse_checkpoint(checked.text)
    if checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint, checked


def check_extension(
    previous: Checkpoint | None, candidate: Checkpoint, proof: Sequence[bytes]
) -> None:
    """Raise InconsistentCheckpoint unless ``candidate`` extends ``previous``.

    ``proof`` is the consistency proof from ``previous.size`` to ``candidate.size``
    (empty when ``previous`` is None, empty or of the same size). The log calls this
    before every signature; a witness calls it before every cosignature.
    """
    if previous is None:
        return
    if previous.origin != candidate.origin:
        raise InconsistentCheckpoint(
            f"origin {candidate.origin!r} differs from the last one {previous.origin!r}"
        )
    if candidate.size < previous.size:
        raise InconsistentCheckpoint(
            f"size {candidate.size} is below the last signed size {previous.size}"
        )
    if previous.size == 0:
        return
    try:
        verify_consistency(previous.size, candidate.size, previous.root, candidate.root, proof)
    except ProofError as exc:
        raise InconsistentCheckpoint(
            f"tree of size {candidate.size} is not consistent with the last signed "
            f"size {previous.size}: {exc}"
        ) from None


def sign_checkpoint(
    candidate: Checkpoint,
    signers: Sequence[Signer],
    *,
    last_signed: Checkpoint | None,
    proof: Sequence[bytes],
) -> str:
    """Sign ``candidate`` after checking it extends the last checkpoint the log signed."""
    check_extension(last_signed, candidate, proof)
    return sign_note(candidate.text(), signers)
