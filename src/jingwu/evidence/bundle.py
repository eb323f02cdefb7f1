"""Evidence bundles: a zip holding an entry, its tlog-proof and (unless hash-only) the file.

Members, in this order:

- ``entry.json``: ``{"format": "jingwu-evidence-bundle/v1", "entry": {…},
  "hash_only": bool, "file": "file/<name>" | null}``
- ``proof.tlog-proof``: C2SP tlog-proof: index, inclusion proof, and the checkpoint note
  signed by the log with the witnesses' cosignatures
- ``file/<name>``: the evidence file itself, stored uncompressed (absent when hash-only)
- ``README.txt``: how to verify, for people (never read by the verifier)

The archive is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import IO, Protocol

from jingwu.evidence.entry import Entry
from jingwu.evidence.tlogproof import TlogProof

BUNDLE_FORMAT = "jingwu-evidence-bundle/v1"
ENTRY_MEMBER = "entry.json"
PROOF_MEMBER = "proof.tlog-proof"
FILE_DIR = "file/"
README_MEMBER = "README.txt"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")

README = """Jingwu evidence bundle ({format})

entry.json         the log entry of this evidence item (category, codes, SHA-256, size, ...)
proof.tlog-proof   C2SP tlog-proof: the entry's index, its Merkle inclusion proof, and the
                   log checkpoint signed by the log and cosigned by witnesses
file/              the evidence file (absent in a hash-only bundle)

Verify offline with keys obtained independently of this bundle:
    jingwu evidence verify BUNDLE.zip --key LOG_VKEY --witness WITNESS_VKEY ...
The encoding of entries is documented in docs/evidence.md of the Jingwu sources.
"""


class Readable(Protocol):
    """Anything with ``read(n) -> bytes``: a file, an upload, a decrypting reader."""

    def read(self, n: int = -1, /) -> bytes: ...


def safe_file_name(name: str) -> str:
    """Return a file name safe inside the zip and on any file system."""
    cleaned = _UNSAFE.sub("_", name.strip()).strip(". ")
    return cleaned[:200] or "content"


def write_bundle(
    out: Path | IO[bytes],
    *,
    entry: Entry,
    proof: TlogProof,
    content: bytes | Readable | None,
    file_name: str = "content",
) -> None:
    """Write a bundle to a path or binary stream; ``content`` None makes it hash-only."""
    member = None if content is None else FILE_DIR + safe_file_name(file_name)
    manifest = {
        "format": BUNDLE_FORMAT,
        "entry": entry.to_json(),
        "hash_only": content is None,
        "file": member,
    }
    with zipfile.ZipFile(out, "w") as archive:
        _put(archive, ENTRY_MEMBER, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        _put(archive, PROOF_MEMBER, proof.render())
        if member is not None and content is not None:
            info = zipfile.ZipInfo(member, _EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            source: Readable = io.BytesIO(content) if isinstance(content, bytes) else content
            with archive.open(info, "w", force_zip64=True) as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
        _put(archive, README_MEMBER, README.format(format=BUNDLE_FORMAT))


def bundle_bytes(
    *, entry: Entry, proof: TlogProof, content: bytes | None, file_name: str = "content"
) -> bytes:
    """Return a bundle as bytes (see `write_bundle`)."""
    buffer = io.BytesIO()
    write_bundle(buffer, entry=entry, proof=proof, content=content, file_name=file_name)
    return buffer.getvalue()


def _put(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, _EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode())
