"""Exporting evidence bundles: the entry, its tlog-proof, and the file unless hash-only."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.blobs.store import BlobError, BlobStore
from jingwu.errors import Conflict
from jingwu.evidence import proofs, service
from jingwu.evidence.bundle import write_bundle
from jingwu.evidence.tlogproof import make_proof

SPOOL_BYTES = 8 << 20


class _ChunkReader:
    """A binary reader over the blob store's decrypted chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buffer) < n:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if n < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out


@dataclass(frozen=True)
class Exported:
    """What went into a bundle."""

    item_code: str
    version: int
    index: int
    size: int
    hash_only: bool
    file_name: str


def export_bundle(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    item_code: str,
    out: IO[bytes],
    version: int | None = None,
    hash_only: bool = False,
    now: dt.datetime,
) -> Exported:
    """Write an item's bundle to ``out`` (a seekable binary stream) and audit the export."""
    found = proofs.inclusion(session, principal, item_code=item_code, version=version)
    problem = proofs.verify_inclusion(found)
    if problem is not None:
        raise Conflict(
            "Evidence item {item_code} fails verification: {problem}.",
            params={"item_code": item_code, "problem": problem},
        )
    entry = found.entry
    proof = make_proof(found.index, found.proof, found.checkpoint_note)
    if not hash_only and not found.content_held:
        raise Conflict(
            "The file of evidence item {item_code} is not held here; export it hash-only.",
            params={"item_code": item_code},
            code="content_not_held",
        )
    content = None if hash_only else _ChunkReader(blobs.read(entry.sha256.hex()))
    try:
        write_bundle(out, entry=entry, proof=proof, content=content, file_name=found.filename)
    except BlobError as exc:
        raise Conflict(
            "The stored file of evidence item {item_code} is damaged: {why}.",
            params={"item_code": item_code, "why": str(exc)},
        ) from None
    item = service.get_item(session, principal, code=item_code)
    audit.record(
        session,
        principal=principal,
        action="evidence.export",
        object_type="evidence_item",
        object_id=item_code,
        unit_id=item.unit_id,
        detail={"version": found.version, "hash_only": hash_only, "size": found.size},
        now=now,
    )
    return Exported(item_code, found.version, found.index, found.size, hash_only, found.filename)


def bundle_file(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    item_code: str,
    version: int | None = None,
    hash_only: bool = False,
    now: dt.datetime,
) -> tuple[IO[bytes], Exported]:
    """Write a bundle into a temporary file (memory up to 8 MiB) rewound for reading."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        done = export_bundle(
            session,
            principal,
            blobs,
            item_code=item_code,
            out=spool,
            version=version,
            hash_only=hash_only,
            now=now,
        )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, done
