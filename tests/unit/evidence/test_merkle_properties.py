"""Property tests: every proof the Merkle core produces verifies; any bit flip breaks it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.evidence import merkle

MAX_LEAVES = 80


def leaves(n: int, salt: int = 0) -> list[bytes]:
    """Return n distinct leaf hashes (distinct leaves make every position unique)."""
    return [merkle.leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


def flip(value: bytes, bit: int) -> bytes:
    """Return ``value`` with one bit inverted."""
    bit %= len(value) * 8
    out = bytearray(value)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def path_shape(index: int, size: int) -> list[bool]:
    """Which side each audit-path sibling is on, by RFC 6962's recursion (True: right)."""
    if size <= 1:
        return []
    k = merkle.split_point(size)
    if index < k:
        return [*path_shape(index, k), True]
    return [*path_shape(index - k, size - k), False]


def consistency_shape(m: int, n: int, complete: bool = True) -> list[object]:
    """The SUBPROOF recursion trace of RFC 6962 for old size m, new size n."""
    if m == n:
        return [complete]
    k = merkle.split_point(n)
    if m <= k:
        return [*consistency_shape(m, k, complete), "right"]
    return [*consistency_shape(m - k, n - k, False), "left"]


def fails(call: object, *args: object) -> bool:
    try:
        call(*args)  # type: ignore[operator]
    except merkle.ProofError:
        return True
    return False


sizes = st.integers(min_value=1, max_value=MAX_LEAVES)


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[list[bytes], int]:
    n = draw(sizes)
    return leaves(n, draw(st.integers(0, 3))), draw(st.integers(0, n - 1))


@st.composite
def tree_and_old_size(draw: st.DrawFn) -> tuple[list[bytes], int]:
    n = draw(sizes)
    return leaves(n, draw(st.integers(0, 3))), draw(st.integers(1, n))


@given(tree_and_index())
def test_every_inclusion_proof_it_produces_verifies(case: tuple[list[bytes], int]) -> None:
    tree, index = case
    proof = merkle.inclusion_proof(tree, index)
    merkle.verify_inclusion(tree[index], index, len(tree), proof, merkle.root(tree))


@given(tree_and_old_size())
def test_every_consistency_proof_it_produces_verifies(case: tuple[list[bytes], int]) -> None:
    tree, old = case
    proof = merkle.consistency_proof(tree, old)
    old_root, new_root = merkle.root(tree[:old]), merkle.root(tree)
    merkle.verify_consistency(old, len(tree), old_root, new_root, proof)


@given(tree_and_index(), st.integers(min_value=0))
def test_a_flipped_bit_in_an_inclusion_proof_root_or_leaf_fails(
    case: tuple[list[bytes], int], bit: int
) -> None:
    tree, index = case
    proof, root, leaf = merkle.inclusion_proof(tree, index), merkle.root(tree), tree[index]
    n = len(tree)
    assert fails(merkle.verify_inclusion, flip(leaf, bit), index, n, proof, root)
    assert fails(merkle.verify_inclusion, leaf, index, n, proof, flip(root, bit))
    for k in range(len(proof)):
        bad = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        assert fails(merkle.verify_inclusion, leaf, index, n, bad, root)


@given(tree_and_index(), st.integers(min_value=0, max_value=40))
def test_a_flipped_bit_in_the_leaf_index_fails(case: tuple[list[bytes], int], bit: int) -> None:
    tree, index = case
    proof, root = merkle.inclusion_proof(tree, index), merkle.root(tree)
    other = index ^ (1 << bit)
    assert fails(merkle.verify_inclusion, tree[index], other, len(tree), proof, root)


@given(tree_and_index(), st.integers(min_value=0, max_value=40))
def test_a_flipped_bit_in_the_tree_size_fails_unless_the_audit_path_has_the_same_shape(
    case: tuple[list[bytes], int], bit: int
) -> None:
    # RFC 9162 inclusion proofs bind the size only through the shape of the audit path:
    # e.g. leaf 0 has the same path in trees of 5 and 6 leaves. The size is bound by the
    # signed checkpoint, which the bundle verifier checks; here we pin down exactly when.
    tree, index = case
    proof, root, n = merkle.inclusion_proof(tree, index), merkle.root(tree), len(tree)
    other = n ^ (1 << bit)
    same_shape = index < other and path_shape(index, other) == path_shape(index, n)
    assert fails(merkle.verify_inclusion, tree[index], index, other, proof, root) != same_shape


@given(tree_and_old_size(), st.integers(min_value=0))
def test_a_flipped_bit_in_a_consistency_proof_or_either_root_fails(
    case: tuple[list[bytes], int], bit: int
) -> None:
    tree, old = case
    n = len(tree)
    proof = merkle.consistency_proof(tree, old)
    old_root, new_root = merkle.root(tree[:old]), merkle.root(tree)
    assert fails(merkle.verify_consistency, old, n, flip(old_root, bit), new_root, proof)
    assert fails(merkle.verify_consistency, old, n, old_root, flip(new_root, bit), proof)
    for k in range(len(proof)):
        bad = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        assert fails(merkle.verify_consistency, old, n, old_root, new_root, bad)


@given(tree_and_old_size(), st.integers(min_value=0, max_value=40))
def test_a_flipped_bit_in_a_consistency_size_fails_unless_the_proof_has_the_same_shape(
    case: tuple[list[bytes], int], bit: int
) -> None:
    tree, old = case
    n = len(tree)
    proof = merkle.consistency_proof(tree, old)
    old_root, new_root = merkle.root(tree[:old]), merkle.root(tree)
    assert fails(merkle.verify_consistency, old ^ (1 << bit), n, old_root, new_root, proof)
    other = n ^ (1 << bit)
    same = old <= other and consistency_shape(old, other) == consistency_shape(old, n)
    assert fails(merkle.verify_consistency, old, other, old_root, new_root, proof) != same


@settings(max_examples=50)
@given(tree_and_index())
def test_a_proof_with_an_extra_or_missing_hash_fails(case: tuple[list[bytes], int]) -> None:
    tree, index = case
    proof, root, n = merkle.inclusion_proof(tree, index), merkle.root(tree), len(tree)
    assert fails(merkle.verify_inclusion, tree[index], index, n, [*proof, root], root)
    if proof:
        assert fails(merkle.verify_inclusion, tree[index], index, n, proof[:-1], root)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 4), (9, 4)])
def test_it_refuses_to_prove_inclusion_out_of_range(index: int, size: int) -> None:
    with pytest.raises(merkle.ProofError, match=r"outside|below 1"):
        merkle.inclusion_proof(leaves(size), index)


@pytest.mark.parametrize(("old", "size"), [(0, 4), (5, 4), (-1, 4), (0, 0)])
def test_it_refuses_to_prove_consistency_from_a_size_out_of_range(old: int, size: int) -> None:
    with pytest.raises(merkle.ProofError, match="old size"):
        merkle.consistency_proof(leaves(size), old)


def test_equal_sizes_give_an_empty_consistency_proof() -> None:
    assert merkle.consistency_proof(leaves(7), 7) == []


def test_a_proof_error_is_a_value_error() -> None:
    assert issubclass(merkle.ProofError, ValueError)
