"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification over leaf lists.

This is the reference: it recomputes from the leaf hashes it is given. The storage layer
uses `jingwu.evidence.tree`, which must produce exactly the same proofs from stored nodes.
All hashes are raw 32-byte SHA-256 digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof, hash, index or size is wrong; the message says which."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 hash of a leaf: SHA-256(0x00 || data)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 hash of an interior node: SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """Return the largest power of two strictly smaller than ``size`` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle tree hash of the given leaf hashes (SHA-256("") when empty)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    _check_hashes(leaf_hashes, "leaf hash")
    # Pairing neighbours level by level and carrying an odd last node upwards builds the
    # same tree as RFC 6962's split at the largest power of two, in linear time.
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(a, b) for a, b in zip(level[0::2], level[1::2], strict=False)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Return the audit path (RFC 9162 §2.1.3.1) for leaf ``index``, from the leaf upwards."""
    _check_index(index, len(leaf_hashes))
    _check_hashes(leaf_hashes, "leaf hash")
    return _path(index, leaf_hashes)


def _path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = split_point(len(leaves))
    if index < k:
        return [*_path(index, leaves[:k]), root(leaves[k:])]
    return [*_path(index - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """Return the proof (RFC 9162 §2.1.4.1) that the first ``old_size`` leaves are a prefix."""
    new_size = len(leaf_hashes)
    if not 1 <= old_size <= new_size:
        raise ProofError(f"old size {old_size} is not between 1 and the tree size {new_size}")
    _check_hashes(leaf_hashes, "leaf hash")
    return _subproof(old_size, leaf_hashes, complete=True)


def _subproof(m: int, leaves: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), root(leaves[:k])]


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an inclusion proof (RFC 9162 §2.1.3.2); raise ProofError unless it holds."""
    _check_hash(leaf_hash, "leaf hash")
    _check_hash(root, "root")
    _check_hashes(proof, "proof hash")
    _check_index(index, tree_size)
    fn, sn = index, tree_size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof is longer than needed for tree size {tree_size}")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"inclusion proof is shorter than needed for tree size {tree_size}")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check a consistency proof (RFC 9162 §2.1.4.2); raise ProofError unless it holds."""
    _check_hash(old_root, "old root")
    _check_hash(new_root, "new root")
    _check_hashes(proof, "proof hash")
    if old_size < 1:
        raise ProofError(f"old size {old_size} is below 1: nothing to be consistent with")
    if old_size > new_size:
        raise ProofError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("roots differ for the same tree size")
        return
    _fold_consistency(old_size, new_size, old_root, new_root, proof)


def _fold_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # An old tree that is a complete subtree is its own first proof node.
        path.insert(0, old_root)
    if len(path) < 1:
        raise ProofError("consistency proof is empty")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is longer than needed")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof is shorter than needed")
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")


def _check_index(index: int, size: int) -> None:
    if size < 1:
        raise ProofError(f"tree size {size} is below 1")
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} is not a 32-byte hash")


def _check_hashes(values: Sequence[bytes], what: str) -> None:
    for value in values:
        _check_hash(value, what)
