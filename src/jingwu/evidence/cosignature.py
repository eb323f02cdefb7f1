"""C2SP tlog-cosignature/v1: witnesses cosigning checkpoints, and reading cosignatures.

The key type and byte format live in `jingwu.evidence.keys` (`Cosigner`,
`CosignatureVerifier`, type 0x04); this module is the witness's step and the reader's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jingwu.evidence.checkpoint import Checkpoint, check_extension, open_checkpoint
from jingwu.evidence.keys import Cosigner, NoteError, Verifier, cosignature_timestamp
from jingwu.evidence.note import Signature, add_signatures, check_note


def cosign(checkpoint_text: str, cosigner: Cosigner, timestamp: int) -> Signature:
    """Return the cosignature line of ``cosigner`` for a checkpoint body at ``timestamp``."""
    signer = cosigner.at(timestamp)
    return Signature(signer.name, signer.key_id, signer.sign(checkpoint_text.encode()))


@dataclass(frozen=True)
class WitnessResult:
    """What a witness keeps after cosigning: its new state and the cosigned note."""

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
    """Cosign a log's checkpoint if the log signed it and it extends ``last``.

    Raises NoteError when the log's signature fails, CheckpointError for a malformed
    checkpoint and InconsistentCheckpoint for a fork (keep ``note`` and ``proof``: they
    are the evidence of it).
    """
    checkpoint, _ = open_checkpoint(note, origin, log_verifiers)
    check_extension(last, checkpoint, proof)
    line = cosign(checkpoint.text(), cosigner, timestamp)
    return WitnessResult(checkpoint, add_signatures(note, [line]), line)


@dataclass(frozen=True)
class Cosignatures:
    """Which witnesses' cosignatures on a note verify (with their times) and which fail."""

    verified: dict[str, int]
    failed: tuple[str, ...]


def read_cosignatures(note: str | bytes, witnesses: Sequence[Verifier]) -> Cosignatures:
    """Check the cosignatures of the given witnesses on a checkpoint note."""
    if not witnesses:
        return Cosignatures({}, ())
    checked = check_note(note, witnesses)
    times: dict[str, int] = {}
    for verifier in checked.verified:
        try:
            times[verifier.name] = cosignature_timestamp(
                checked.signatures[(verifier.name, verifier.key_id)]
            )
        except NoteError:
            times[verifier.name] = -1  # a verifier of another type: no timestamp
    return Cosignatures(times, tuple(v.name for v in checked.failed))
