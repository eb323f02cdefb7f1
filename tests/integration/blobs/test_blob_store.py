from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from jingwu.blobs.store import CHUNK, BlobError, DirectoryBlobStore
from jingwu.security import keys
from tests.conftest import make_keyring


@pytest.fixture
def store(tmp_path: Path, keyring: keys.Keyring) -> DirectoryBlobStore:
    return DirectoryBlobStore(tmp_path / "blobs", keyring)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 17])
def test_content_round_trips_and_is_addressed_by_its_sha256(
    store: DirectoryBlobStore, size: int
) -> None:
    data = os.urandom(size)
    stored = store.put(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == size
    assert b"".join(store.read(stored.sha256)) == data
    assert store.verify(stored.sha256)


def test_files_are_encrypted_at_rest(store: DirectoryBlobStore) -> None:
    data = b"interview transcript " * 1000
    stored = store.put(io.BytesIO(data))
    on_disk = store.path_of(stored.sha256).read_bytes()
    assert b"interview transcript" not in on_disk


def test_identical_content_is_stored_once(store: DirectoryBlobStore) -> None:
    a = store.put(io.BytesIO(b"same"))
    b = store.put(io.BytesIO(b"same"))
    assert a == b
    assert len([p for p in (store.root).rglob("*") if p.is_file()]) == 1


def test_tampering_and_truncation_are_detected(store: DirectoryBlobStore) -> None:
    data = os.urandom(2 * CHUNK + 5)
    stored = store.put(io.BytesIO(data))
    path = store.path_of(stored.sha256)
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert not store.verify(stored.sha256)
    with pytest.raises(BlobError, match="integrity"):
        b"".join(store.read(stored.sha256))
    raw[-3] ^= 0xFF
    header = len(raw) - (2 * (CHUNK + 16) + 5 + 16)
    path.write_bytes(bytes(raw[: header + 2 * (CHUNK + 16)]))  # drop the last chunk exactly
    assert not store.verify(stored.sha256)


def test_an_oversized_upload_leaves_nothing_behind(store: DirectoryBlobStore) -> None:
    with pytest.raises(BlobError, match="larger than"):
        store.put(io.BytesIO(os.urandom(CHUNK + 10)), max_bytes=CHUNK)
    assert not [p for p in store.root.rglob("*") if p.is_file()]


def test_reencryption_moves_a_blob_to_the_active_key(tmp_path: Path) -> None:
    old = make_keyring(kid="k1")
    store = DirectoryBlobStore(tmp_path, old)
    stored = store.put(io.BytesIO(b"photo bytes"))
    new_key = keys.new_data_key("k2", "sm4")
    both = keys.Keyring(
        secret_key=old.secret_key,
        blind_index_key=old.blind_index_key,
        data_keys={**old.data_keys, "k2": new_key},
        active="k2",
    )
    store2 = DirectoryBlobStore(tmp_path, both)
    assert store2.reencrypt(stored.sha256)
    assert store2.key_id(stored.sha256) == "k2"
    assert not store2.reencrypt(stored.sha256)
    assert b"".join(store2.read(stored.sha256)) == b"photo bytes"
