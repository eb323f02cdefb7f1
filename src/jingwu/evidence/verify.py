"""Offline verification of evidence bundles against keys the verifier supplies.

Imports only the pure evidence modules (no database, no web app), so it runs anywhere
the package is installed. A key inside a bundle is never trusted: the log's and the
witnesses' verifier keys come from the caller.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jingwu.evidence.bundle import BUNDLE_FORMAT, ENTRY_MEMBER, FILE_DIR, PROOF_MEMBER
from jingwu.evidence.checkpoint import Checkpoint, CheckpointError, parse_checkpoint
from jingwu.evidence.cosignature import read_cosignatures
from jingwu.evidence.entry import Entry, EntryError, category_label, from_json
from jingwu.evidence.keys import NoteError, Verifier, parse_verifier_key
from jingwu.evidence.merkle import ProofError, verify_inclusion
from jingwu.evidence.note import check_note
from jingwu.evidence.tlogproof import TlogProof, TlogProofError, parse_tlog_proof

MAX_MEMBER = 1 << 20


class Broken(Exception):
    """The bundle is damaged so badly that checking cannot go on."""


@dataclass
class Result:
    """What holds and what does not, with the facts established on the way."""

    holds: list[str] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    entry: Entry | None = None
    index: int | None = None
    checkpoint: Checkpoint | None = None
    witnesses: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return whether everything checked holds."""
        return not self.fails and bool(self.holds)

    @property
    def sentence(self) -> str:
        """Say in one sentence what holds and what does not."""
        if self.ok:
            return "Holds: " + _and(self.holds) + "."
        tail = f"; what holds: {', '.join(self.holds)}" if self.holds else ""
        return "Does not hold: " + "; ".join(self.fails) + tail + "."

    def __str__(self) -> str:
        return self.sentence


def _and(clauses: list[str]) -> str:
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " and " + clauses[-1]


def verify_bundle(
    path: str | Path | IO[bytes],
    keys: Sequence[str | Verifier],
    witness_keys: Sequence[str | Verifier] = (),
    min_witnesses: int | None = None,
) -> Result:
    """Verify a bundle offline. ``min_witnesses`` defaults to all given witnesses.

    Raises OSError when the file cannot be read and ValueError for unusable keys or
    policy; everything wrong inside the bundle is reported in the Result.
    """
    log_keys = [_verifier(k) for k in keys]
    witnesses = [_verifier(k) for k in witness_keys]
    needed = len(witnesses) if min_witnesses is None else min_witnesses
    if not log_keys:
        raise ValueError("at least one log key is needed")
    if not 0 <= needed <= len(witnesses):
        raise ValueError(f"cannot require {needed} witnesses with {len(witnesses)} keys")
    if isinstance(path, str | Path):
        Path(path).stat()  # unreadable or missing: OSError for the caller, not a verdict
    result = Result()
    try:
        with zipfile.ZipFile(path) as archive:
            _check(archive, result, log_keys, witnesses, needed)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        result.fails.append(f"the bundle is not a readable zip archive ({exc})")
    except Broken as exc:
        result.fails.append(str(exc))
    return result


def _verifier(key: str | Verifier) -> Verifier:
    return parse_verifier_key(key) if isinstance(key, str) else key


def _check(
    archive: zipfile.ZipFile,
    result: Result,
    log_keys: list[Verifier],
    witnesses: list[Verifier],
    needed: int,
) -> None:
    manifest = _manifest(archive)
    result.entry = _entry(manifest)
    proof = _proof(archive)
    result.index = proof.index
    checkpoint = _signed_checkpoint(proof.checkpoint, log_keys, result)
    result.checkpoint = checkpoint
    _witnessed(proof.checkpoint, witnesses, needed, result)
    _included(result.entry, proof, checkpoint, result)
    _file(archive, manifest, result.entry, result)


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise Broken(f"the bundle has no {name}") from None
    if info.file_size > MAX_MEMBER:
        raise Broken(f"{name} is larger than 1 MiB")
    return archive.read(info)


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(_read(archive, ENTRY_MEMBER))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Broken(f"{ENTRY_MEMBER} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise Broken(f"{ENTRY_MEMBER} is not a {BUNDLE_FORMAT} manifest")
    return manifest


def _entry(manifest: dict[str, Any]) -> Entry:
    try:
        return from_json(manifest.get("entry"))
    except EntryError as exc:
        raise Broken(f"the entry in {ENTRY_MEMBER} is malformed ({exc})") from None


def _proof(archive: zipfile.ZipFile) -> TlogProof:
    try:
        return parse_tlog_proof(_read(archive, PROOF_MEMBER))
    except TlogProofError as exc:
        raise Broken(f"{PROOF_MEMBER} is malformed ({exc})") from None


def _signed_checkpoint(note: str, log_keys: list[Verifier], result: Result) -> Checkpoint:
    try:
        checked = check_note(note, log_keys)
        checkpoint = parse_checkpoint(checked.text)
    except (NoteError, CheckpointError) as exc:
        raise Broken(f"the checkpoint is malformed ({exc})") from None
    names = {v.name for v in checked.verified}
    if checked.failed:
        result.fails.append("the log's signature on the checkpoint does not verify")
    elif not checked.verified:
        result.fails.append("the checkpoint is not signed by the given log key")
    elif checkpoint.origin not in names:
        result.fails.append(f"the checkpoint's origin {checkpoint.origin!r} is not the key's")
    else:
        result.holds.append(f"the checkpoint is signed by the log key {checkpoint.origin}")
    return checkpoint


def _witnessed(note: str, witnesses: list[Verifier], needed: int, result: Result) -> None:
    if not witnesses:
        return
    seen = read_cosignatures(note, witnesses)
    result.witnesses = seen.verified
    count = f"{len(seen.verified)} of {len(witnesses)} witnesses"
    named = f" ({', '.join(sorted(seen.verified))})" if seen.verified else ""
    if seen.failed:
        result.fails.append(f"the cosignature of {', '.join(seen.failed)} does not verify")
    if len(seen.verified) >= needed:
        result.holds.append(f"cosigned by {count}{named}")
    else:
        result.fails.append(f"cosigned by {count}{named}, fewer than the {needed} required")


def _included(entry: Entry, proof: TlogProof, checkpoint: Checkpoint, result: Result) -> None:
    where = f"entry {proof.index} of a tree of {checkpoint.size}"
    try:
        verify_inclusion(
            entry.leaf_hash(), proof.index, checkpoint.size, proof.proof, checkpoint.root
        )
    except ProofError as exc:
        result.fails.append(f"the entry is not {where} with this root ({exc})")
        return
    label = category_label(entry.category)
    result.holds.append(f"{entry.item} ({label}, order {entry.order}) is {where}")


def _file(archive: zipfile.ZipFile, manifest: dict[str, Any], entry: Entry, result: Result) -> None:
    members = [n for n in archive.namelist() if n.startswith(FILE_DIR) and n != FILE_DIR]
    if not members:
        if manifest.get("hash_only") is True:
            result.holds.append(
                f"the file is not included (hash-only, SHA-256 {entry.sha256.hex()})"
            )
        else:
            result.fails.append("the file is missing from a bundle that is not hash-only")
        return
    if len(members) > 1:
        result.fails.append("the bundle holds more than one file")
        return
    digest, size = hashlib.sha256(), 0
    with archive.open(members[0]) as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    if digest.digest() != entry.sha256 or size != entry.size:
        result.fails.append(
            f"the file {members[0][len(FILE_DIR) :]} does not match the entry's SHA-256 and size"
        )
    else:
        result.holds.append("the file matches the entry's SHA-256 and size")
