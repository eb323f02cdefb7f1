"""The incremental tree over stored nodes matches the reference Merkle functions exactly."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.evidence import merkle, tiles, tree
from jingwu.evidence.tree import Key


class Store:
    """A dict standing in for the database table of (level, index) → hash."""

    def __init__(self) -> None:
        self.nodes: dict[Key, bytes] = {}
        self.size = 0
        self.reads = 0

    def get(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self.nodes[(level, index)]

    def append(self, leaf_hashes: list[bytes]) -> tree.Appended:
        result = tree.append(self.size, leaf_hashes, self.get)
        for level, index, h in result.nodes():
            assert (level, index) not in self.nodes, "stored nodes are never rewritten"
            self.nodes[(level, index)] = h
        self.size = result.size
        return result


def leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def build(batches: list[int]) -> tuple[Store, list[bytes]]:
    all_leaves = leaves(sum(batches))
    store = Store()
    for b in batches:
        store.append(all_leaves[store.size : store.size + b])
    return store, all_leaves


batches = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8)


@given(batches)
def test_appending_in_any_batches_gives_the_reference_root_after_each_batch(
    sizes: list[int],
) -> None:
    all_leaves = leaves(sum(sizes))
    store = Store()
    for b in sizes:
        result = store.append(all_leaves[store.size : store.size + b])
        assert result.root == merkle.root(all_leaves[: store.size])


@given(batches)
def test_the_store_holds_exactly_the_complete_subtrees(sizes: list[int]) -> None:
    store, all_leaves = build(sizes)
    n = store.size
    expected = {(lv, ix) for lv in range(max(n, 1).bit_length()) for ix in range(n >> lv)}
    assert set(store.nodes) == expected
    for (lv, ix), h in store.nodes.items():
        assert h == merkle.root(all_leaves[ix << lv : (ix + 1) << lv])


@settings(max_examples=60)
@given(batches, st.data())
def test_proofs_from_stored_nodes_equal_the_reference_proofs(
    sizes: list[int], data: st.DataObject
) -> None:
    store, all_leaves = build(sizes)
    if store.size == 0:
        return
    size = data.draw(st.integers(1, store.size))
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    prefix = all_leaves[:size]
    assert tree.root(size, store.get) == merkle.root(prefix)
    assert tree.inclusion_proof(index, size, store.get) == merkle.inclusion_proof(prefix, index)
    assert tree.consistency_proof(old, size, store.get) == merkle.consistency_proof(prefix, old)


def test_every_proof_of_a_small_tree_matches_the_reference() -> None:
    store, all_leaves = build([5, 1, 17, 2, 33])
    for size in range(1, store.size + 1):
        prefix = all_leaves[:size]
        for i in range(size):
            assert tree.inclusion_proof(i, size, store.get) == merkle.inclusion_proof(prefix, i)
        for old in range(1, size + 1):
            got = tree.consistency_proof(old, size, store.get)
            assert got == merkle.consistency_proof(prefix, old)


@given(st.integers(min_value=1, max_value=1 << 40), st.data())
def test_a_proof_needs_only_logarithmically_many_node_reads(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    bound = 2 * math.ceil(math.log2(size + 1)) + 1
    assert len(tree.inclusion_plan(index, size).keys) <= bound
    assert len(tree.consistency_plan(old, size).keys) <= bound
    assert len(tree.root_plan(size).keys) <= size.bit_length()


def test_an_append_reads_at_most_two_stored_nodes_per_level() -> None:
    store, _ = build([1000])
    store.reads = 0
    store.append(leaves(1001)[1000:])
    assert 0 < store.reads <= 2 * 11
    before = store.reads
    store.append([])
    assert store.reads - before <= 11


def test_a_bulk_getter_gives_the_same_proof_in_one_read() -> None:
    store, all_leaves = build([300])
    plan = tree.inclusion_plan(123, 300)
    nodes = {key: store.nodes[key] for key in plan.keys}
    assert plan.assemble(nodes) == merkle.inclusion_proof(all_leaves, 123)


def test_it_names_a_node_missing_from_the_store() -> None:
    store, _ = build([10])
    del store.nodes[(1, 4)]
    with pytest.raises(tree.TreeError, match=r"\(1, 4\)"):
        tree.inclusion_proof(0, 10, lambda lv, ix: store.nodes.get((lv, ix), b""))


def test_a_tampered_stored_node_changes_the_roots_that_read_it() -> None:
    store, all_leaves = build([60])
    assert (3, 6) in tree.root_plan(60).keys
    store.nodes[(3, 6)] = merkle.leaf_hash(b"forged")
    assert tree.root(60, store.get) != merkle.root(all_leaves)


def test_a_scrub_names_exactly_the_tampered_interior_nodes() -> None:
    store, _ = build([60])
    store.nodes[(3, 2)] = merkle.leaf_hash(b"forged")
    interior = [key for key in store.nodes if key[0] > 0]
    # The forged node fails against its children, and its parent fails against it.
    assert sorted(tree.mismatched_nodes(interior, store.get)) == [(3, 2), (4, 1)]


def test_it_rejects_leaf_hashes_that_are_not_32_bytes() -> None:
    with pytest.raises(tree.TreeError, match="32 bytes"):
        tree.append(0, [b"short"], Store().get)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (5, 5), (-1, 3)])
def test_it_refuses_inclusion_out_of_range(index: int, size: int) -> None:
    with pytest.raises(merkle.ProofError):
        tree.inclusion_plan(index, size)


def test_the_empty_tree_has_the_empty_root() -> None:
    assert tree.append(0, [], Store().get).root == merkle.EMPTY_ROOT
    assert tree.root(0, Store().get) == merkle.EMPTY_ROOT


@settings(max_examples=25)
@given(st.integers(min_value=1, max_value=3000), st.data())
def test_proofs_read_from_c2sp_tiles_equal_the_stored_node_proofs(
    size: int, data: st.DataObject
) -> None:
    store, all_leaves = build([size])
    served = {t.path(): tiles.tile_data(t, store.get) for t in tiles.tiles_for_size(size)}
    from_tiles = tiles.tile_node_getter(size, lambda t: served[t.path()])
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    assert tree.root(size, from_tiles) == merkle.root(all_leaves)
    assert tree.inclusion_proof(index, size, from_tiles) == tree.inclusion_proof(
        index, size, store.get
    )
    assert tree.consistency_proof(old, size, from_tiles) == tree.consistency_proof(
        old, size, store.get
    )
