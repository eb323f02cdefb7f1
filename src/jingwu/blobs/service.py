"""Use cases of the blob store: store a stream and register it, read it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy.orm import Session

from jingwu.blobs.models import Blob
from jingwu.blobs.store import BlobError, BlobStore, Readable
from jingwu.errors import Invalid, NotFound

MAX_UPLOAD_BYTES = 8 * 1024**3  # 8 GiB: long body-camera videos


def store(
    session: Session,
    blobs: BlobStore,
    *,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Blob:
    """Store the stream's content and register it (once per distinct content)."""
    stored = blobs.put(stream, max_bytes=max_bytes)
    blob = session.get(Blob, stored.sha256)
    if blob is None:
        blob = Blob(
            sha256=stored.sha256,
            size=stored.size,
            media_type=media_type or "application/octet-stream",
            filename=filename[:255],
            created_at=now,
        )
        session.add(blob)
        session.flush()
    return blob


def store_upload(
    session: Session,
    blobs: BlobStore,
    *,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
    max_bytes: int,
) -> Blob:
    """An uploaded file (evidence of a PDCA item, a self-assessment …): it needs a name and
    may hold at most ``max_bytes``, else it is refused (Invalid, naming the field ``file``)
    and nothing is registered."""
    if not filename.strip():
        raise Invalid("The file needs a name.", fields={"file": "required"})
    try:
        return store(
            session,
            blobs,
            stream=stream,
            filename=filename,
            media_type=media_type,
            now=now,
            max_bytes=max_bytes,
        )
    except BlobError as exc:
        raise Invalid(
            "A file may hold at most {limit} MB.",
            params={"limit": max_bytes // 1024**2},
            fields={"file": "too large"},
        ) from exc


def read(session: Session, blobs: BlobStore, *, sha256: str) -> tuple[Blob, Iterator[bytes]]:
    """The blob's metadata and a plaintext chunk iterator."""
    blob = session.get(Blob, sha256)
    if blob is None or not blobs.exists(sha256):
        raise NotFound("No such file.")
    return blob, blobs.read(sha256)
