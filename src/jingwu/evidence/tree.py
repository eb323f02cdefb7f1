"""Incremental Merkle tree over stored complete-subtree hashes, for the storage layer.

The storage keeps one hash per *complete* subtree, keyed by ``(level, index)``: the node
``(level, index)`` is the Merkle tree hash of leaves ``[index·2^level, (index+1)·2^level)``
and exists once the tree has ``(index+1)·2^level`` leaves; level 0 holds the leaf hashes.
Such a node never changes after it is written, so the store is append-only, and level
``8·L`` is exactly the content of C2SP level-``L`` tiles (see `jingwu.evidence.tiles`).

Every hash of an incomplete subtree that a root or proof needs is folded from at most
log2(n) complete ones, so a root or proof costs O(log n) node reads and no leaf scan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from jingwu.evidence.merkle import EMPTY_ROOT, HASH_SIZE, ProofError, node_hash

Key = tuple[int, int]
NodeGetter = Callable[[int, int], bytes]
"""Return the stored hash of the complete subtree ``(level, index)``."""

BulkNodeGetter = Callable[[Sequence[Key]], Mapping[Key, bytes]]
"""Return the stored hashes of many ``(level, index)`` keys at once."""


class TreeError(ValueError):
    """The store returned something that cannot be a node hash, or a batch is malformed."""


@dataclass(frozen=True)
class Plan:
    """The stored nodes a root or proof needs, and how to fold them into its hashes.

    Each group is a run of complete subtrees covering one range of leaves, left to right;
    the range's hash is their right fold (RFC 6962 splits at the largest power of two).
    """

    groups: tuple[tuple[Key, ...], ...]

    @property
    def keys(self) -> tuple[Key, ...]:
        """Return the distinct node keys to read, in a stable order."""
        return tuple(dict.fromkeys(k for group in self.groups for k in group))

    def assemble(self, nodes: Mapping[Key, bytes]) -> list[bytes]:
        """Fold the nodes read for `keys` into the proof (or the one-element root)."""
        return [_fold([_checked(nodes, key) for key in group]) for group in self.groups]

    def resolve(self, get_node: NodeGetter) -> list[bytes]:
        """Read the nodes one by one through ``get_node`` and assemble."""
        return self.assemble({(lv, ix): get_node(lv, ix) for lv, ix in self.keys})


def _checked(nodes: Mapping[Key, bytes], key: Key) -> bytes:
    try:
        value = nodes[key]
    except KeyError:
        raise TreeError(f"node {key} is missing from the store") from None
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise TreeError(f"node {key} in the store is not a 32-byte hash")
    return value


def _fold(hashes: Sequence[bytes]) -> bytes:
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def range_keys(start: int, end: int) -> tuple[Key, ...]:
    """Return the complete subtrees covering leaves ``[start, end)``, left to right.

    ``start`` must be aligned as RFC 6962 trees align their subtrees: a multiple of the
    largest power of two not above ``end - start``.
    """
    keys: list[Key] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start & ((1 << level) - 1):
            raise TreeError(f"range [{start}, {end}) is not a subtree of an RFC 6962 tree")
        keys.append((level, start >> level))
        start += 1 << level
    return tuple(keys)


def root_plan(size: int) -> Plan:
    """Plan the root of the tree of ``size`` leaves (size ≥ 1)."""
    if size < 1:
        raise ProofError(f"tree size {size} is below 1")
    return Plan((range_keys(0, size),))


def inclusion_plan(index: int, size: int) -> Plan:
    """Plan the inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    if size < 1 or not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + (1 << ((hi - lo - 1).bit_length() - 1))
        if index < mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    return Plan(tuple(range_keys(a, b) for a, b in reversed(ranges)))


def consistency_plan(old_size: int, new_size: int) -> Plan:
    """Plan the consistency proof from ``old_size`` to ``new_size`` (1 ≤ old ≤ new)."""
    if not 1 <= old_size <= new_size:
        raise ProofError(f"old size {old_size} is not between 1 and the new size {new_size}")
    ranges: list[tuple[int, int]] = []
    lo, hi, complete = 0, new_size, True
    while old_size != hi:
        mid = lo + (1 << ((hi - lo - 1).bit_length() - 1))
        if old_size <= mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo, complete = mid, False
    if not complete:
        ranges.append((lo, hi))
    return Plan(tuple(range_keys(a, b) for a, b in reversed(ranges)))


def root(size: int, get_node: NodeGetter) -> bytes:
    """Return the root of the tree of ``size`` leaves (SHA-256("") when 0)."""
    return EMPTY_ROOT if size == 0 else root_plan(size).resolve(get_node)[0]


def inclusion_proof(index: int, size: int, get_node: NodeGetter) -> list[bytes]:
    """Return the inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    return inclusion_plan(index, size).resolve(get_node)


def consistency_proof(old_size: int, new_size: int, get_node: NodeGetter) -> list[bytes]:
    """Return the consistency proof from ``old_size`` to ``new_size``."""
    return consistency_plan(old_size, new_size).resolve(get_node)


@dataclass(frozen=True)
class Appended:
    """The outcome of appending a batch: new complete nodes, new size and root.

    ``runs`` holds one ``(level, first_index, hashes)`` per level, the hashes of nodes
    ``first_index, first_index + 1, …`` at that level, ready for a bulk insert.
    """

    size: int
    root: bytes
    runs: tuple[tuple[int, int, list[bytes]], ...]

    def nodes(self) -> Iterator[tuple[int, int, bytes]]:
        """Yield every new node as ``(level, index, hash)``."""
        for level, first, hashes in self.runs:
            for offset, h in enumerate(hashes):
                yield level, first + offset, h

    def node_count(self) -> int:
        """Return how many nodes the batch adds to the store."""
        return sum(len(hashes) for _, _, hashes in self.runs)


def append(size: int, leaf_hashes: Sequence[bytes], get_node: NodeGetter) -> Appended:
    """Append leaf hashes to a stored tree of ``size`` leaves.

    Hashes ``len(leaf_hashes) + O(log n)`` nodes and reads at most two stored nodes per
    level: the left neighbour of the first new node, and the old parts of the new root.
    """
    if size < 0:
        raise TreeError(f"tree size {size} is negative")
    for h in leaf_hashes:
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise TreeError("a leaf hash in the batch is not 32 bytes")
    new_size = size + len(leaf_hashes)
    runs = _build_runs(size, list(leaf_hashes), get_node)
    if new_size == 0:
        return Appended(0, EMPTY_ROOT, runs)
    first = {level: start for level, start, _ in runs}

    def lookup(level: int, index: int) -> bytes:
        start = first.get(level)
        if start is not None and index >= start:
            return runs[level][2][index - start]
        return get_node(level, index)

    return Appended(new_size, root_plan(new_size).resolve(lookup)[0], runs)


def _build_runs(
    size: int, leaves: list[bytes], get_node: NodeGetter
) -> tuple[tuple[int, int, list[bytes]], ...]:
    runs: list[tuple[int, int, list[bytes]]] = []
    level, start, current = 0, size, leaves
    sha = hashlib.sha256
    while current:
        runs.append((level, start, current))
        if start & 1:
            # The first new node's left sibling is already stored: fetch it to pair.
            current = [_stored(get_node, level, start - 1), *current]
            start -= 1
        # The hot loop of a bulk append: inline node_hash to save a call per node.
        current = [
            sha(b"\x01" + a + b).digest()
            for a, b in zip(current[0::2], current[1::2], strict=False)
        ]
        level, start = level + 1, start >> 1
    return tuple(runs)


def _stored(get_node: NodeGetter, level: int, index: int) -> bytes:
    value = get_node(level, index)
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise TreeError(f"node {(level, index)} in the store is not a 32-byte hash")
    return value


def mismatched_nodes(keys: Iterable[Key], get_node: NodeGetter) -> list[Key]:
    """Return the interior nodes among ``keys`` that are not the hash of their children.

    A scrub job walks the store with this to find and name tampered nodes; leaves
    (level 0) are checked against their entries instead.
    """
    bad: list[Key] = []
    for level, index in keys:
        if level < 1:
            raise TreeError("leaf nodes have no children to check against")
        left = _stored(get_node, level - 1, 2 * index)
        right = _stored(get_node, level - 1, 2 * index + 1)
        if _stored(get_node, level, index) != node_hash(left, right):
            bad.append((level, index))
    return bad
