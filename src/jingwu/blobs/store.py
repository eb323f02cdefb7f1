"""Content-addressed, encrypted-at-rest file storage.

A file is addressed by the SHA-256 of its plaintext, computed while streaming, so files of
several GB are never held in memory. On disk it is sealed in 1 MiB chunks with the active
field-encryption key (AES-256-GCM or SM4-GCM): chunk ``i`` uses nonce ``prefix || i || last``
so chunks cannot be reordered, dropped or truncated unnoticed (the STREAM construction).
Any store implementing :class:`BlobStore` (for example an S3-compatible one) can replace it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from jingwu.security.crypto import DecryptionError, open_sealed, seal
from jingwu.security.keys import DataKey, Keyring, following

CHUNK = 1 << 20
TAG = 16
MAGIC = b"JWB1"
_ALG_IDS = {"aes": 1, "sm4": 2}
_ALG_NAMES = {v: k for k, v in _ALG_IDS.items()}


class BlobError(ValueError):
    """A blob is missing, too large, or fails its integrity check."""


@dataclass(frozen=True)
class StoredBlob:
    """What a put returns: the content address and size of the plaintext."""

    sha256: str
    size: int


class Readable(Protocol):
    """Anything with ``read(n) -> bytes`` (files, upload streams, our chunk reader)."""

    def read(self, n: int = -1, /) -> bytes: ...


class BlobStore(Protocol):
    """The interface every blob store implements."""

    def put(
        self, stream: Readable, *, max_bytes: int | None = None, replace: bool = False
    ) -> StoredBlob: ...

    def read(self, sha256: str) -> Iterator[bytes]: ...

    def exists(self, sha256: str) -> bool: ...

    def key_id(self, sha256: str) -> str: ...

    def reencrypt(self, sha256: str) -> bool: ...


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def _header(key: DataKey, prefix: bytes) -> bytes:
    kid = key.kid.encode()
    return MAGIC + bytes([_ALG_IDS[key.alg], len(kid)]) + kid + prefix


class DirectoryBlobStore:
    """Blobs as files under ``root/ab/cd/<sha256>``, written atomically with fsync."""

    def __init__(self, root: Path, keyring: Keyring) -> None:
        self.root = root
        self._keyring = keyring

    @property
    def keyring(self) -> Keyring:
        """The keys, as reloaded after a rotation by another process (see security.keys)."""
        return following(self._keyring)

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise BlobError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def put(
        self, stream: Readable, *, max_bytes: int | None = None, replace: bool = False
    ) -> StoredBlob:
        """Store a stream; identical content is stored once. Raises BlobError if too large."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / secrets.token_hex(16)
        try:
            digest, size = self._write_sealed(stream, tmp, max_bytes)
            final = self.path_of(digest)
            if final.exists() and not replace:
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                tmp.replace(final)
                _fsync_dir(final.parent)
            return StoredBlob(sha256=digest, size=size)
        finally:
            tmp.unlink(missing_ok=True)

    def _write_sealed(self, stream: Readable, tmp: Path, max_bytes: int | None) -> tuple[str, int]:
        key = self.keyring.active_key
        prefix = secrets.token_bytes(7)
        header = _header(key, prefix)
        hasher = hashlib.sha256()
        size = 0
        with tmp.open("wb") as out:
            out.write(header)
            index = 0
            chunk = _read_full(stream, CHUNK)
            while True:
                nxt = _read_full(stream, CHUNK) if len(chunk) == CHUNK else b""
                last = not nxt
                hasher.update(chunk)
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise BlobError(f"file is larger than the limit of {max_bytes} bytes")
                sealed = seal(key, chunk, header, _nonce(prefix, index, last))
                out.write(sealed[12:])  # the nonce is derived, not stored
                if last:
                    break
                chunk, index = nxt, index + 1
            out.flush()
            os.fsync(out.fileno())
        return hasher.hexdigest(), size

    def _open_header(self, fh: BinaryIO, sha256: str) -> tuple[DataKey, bytes, bytes]:
        head = fh.read(6)
        if len(head) != 6 or head[:4] != MAGIC or head[4] not in _ALG_NAMES:
            raise BlobError(f"blob {sha256} has no valid header")
        kid = fh.read(head[5]).decode()
        prefix = fh.read(7)
        key = self.keyring.get(kid)
        return key, prefix, head + kid.encode() + prefix

    def read(self, sha256: str) -> Iterator[bytes]:
        """Yield the plaintext in chunks; raise BlobError if it was altered or truncated."""
        path = self.path_of(sha256)
        if not path.exists():
            raise BlobError(f"blob {sha256} is not stored")
        with path.open("rb") as fh:
            key, prefix, header = self._open_header(fh, sha256)
            index = 0
            body = fh.read(CHUNK + TAG)
            while True:
                nxt = fh.read(CHUNK + TAG) if len(body) == CHUNK + TAG else b""
                last = not nxt
                try:
                    yield open_sealed(key, _nonce(prefix, index, last) + body, header)
                except DecryptionError:
                    raise BlobError(f"blob {sha256} fails its integrity check") from None
                if last:
                    return
                body, index = nxt, index + 1

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored plaintext against its address (integrity scrubbing)."""
        hasher = hashlib.sha256()
        try:
            for chunk in self.read(sha256):
                hasher.update(chunk)
        except BlobError:
            return False
        return hasher.hexdigest() == sha256

    def key_id(self, sha256: str) -> str:
        with self.path_of(sha256).open("rb") as fh:
            return self._open_header(fh, sha256)[0].kid

    def reencrypt(self, sha256: str) -> bool:
        """Re-seal a blob under the active key; False when it already uses it."""
        if self.key_id(sha256) == self.keyring.active:
            return False
        # Verified plaintext in, a fresh sealed file atomically replacing the old one out.
        stored = self.put(_IterReader(self.read(sha256)), max_bytes=None, replace=True)
        if stored.sha256 != sha256:
            raise BlobError(f"blob {sha256} changed while re-encrypting")
        return True


class _IterReader:
    """A minimal binary reader over an iterator of chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            try:
                self._buf += next(self._chunks)
            except StopIteration:
                break
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out


def _read_full(stream: Readable, n: int) -> bytes:
    parts: list[bytes] = []
    remaining = n
    while remaining > 0:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
