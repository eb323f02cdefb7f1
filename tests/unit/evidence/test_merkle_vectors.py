"""The Merkle core agrees with the published RFC 6962 / RFC 9162 test vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jingwu.evidence import merkle

DATA = Path(__file__).parents[2] / "data" / "merkle"
STRICT_32_BYTES = "sizes-are-equal-one-and-proof-is-empty"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def _h(text: str) -> bytes:
    return bytes.fromhex(text)


INCLUSION = _load("inclusion.json")
CONSISTENCY = _load("consistency.json")
TREE8 = _load("tree8.json")
LEAVES8 = [merkle.leaf_hash(_h(x)) for x in TREE8["leaves"]]


@pytest.mark.parametrize("case", _load("hasher_kat.json")["cases"], ids=lambda c: c["desc"])
def test_it_matches_the_hasher_known_answers(case: dict[str, str]) -> None:
    if case["kind"] == "empty_root":
        got = merkle.root([])
    elif case["kind"] == "leaf":
        got = merkle.leaf_hash(_h(case["data"]))
    else:
        got = merkle.node_hash(_h(case["left"]), _h(case["right"]))
    assert got.hex() == case["expected"]


@pytest.mark.parametrize("size", range(9))
def test_it_computes_the_published_root_of_every_prefix_of_the_8_leaf_tree(size: int) -> None:
    assert merkle.root(LEAVES8[:size]).hex() == TREE8["roots_by_size"][size]


def test_it_agrees_with_the_published_complete_subtree_hashes() -> None:
    for level, hashes in enumerate(TREE8["node_hashes_by_level"]):
        for index, expected in enumerate(hashes):
            width = 1 << level
            assert merkle.root(LEAVES8[index * width : (index + 1) * width]).hex() == expected


@pytest.mark.parametrize("probe", INCLUSION, ids=lambda p: p["source"].split("testdata/")[-1])
def test_it_follows_every_inclusion_probe(probe: dict[str, Any]) -> None:
    args = (
        _h(probe["leaf_hash"]),
        probe["leaf_index"],
        probe["tree_size"],
        [_h(x) for x in probe["proof"]],
        _h(probe["root"]),
    )
    if probe["want_error"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


def _consistency_args(probe: dict[str, Any]) -> tuple[int, int, bytes, bytes, list[bytes]]:
    return (
        probe["size1"],
        probe["size2"],
        _h(probe["root1"]),
        _h(probe["root2"]),
        [_h(x) for x in probe["proof"]],
    )


@pytest.mark.parametrize(
    "probe",
    [p for p in CONSISTENCY if STRICT_32_BYTES not in p["source"]],
    ids=lambda p: p["source"].split("testdata/")[-1],
)
def test_it_follows_every_consistency_probe(probe: dict[str, Any]) -> None:
    if probe["want_error"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*_consistency_args(probe))
    else:
        merkle.verify_consistency(*_consistency_args(probe))


def test_it_rejects_equal_sizes_with_12_byte_roots_because_hashes_must_be_32_bytes() -> None:
    # The Go library accepts this probe (equal sizes, equal roots, empty proof) without
    # looking at the hash length. We reject every hash that is not 32 bytes, which the
    # vectors' README allows: a 12-byte "root" can never be a SHA-256 tree head.
    (probe,) = [p for p in CONSISTENCY if STRICT_32_BYTES in p["source"]]
    assert probe["want_error"] is False
    assert len(_h(probe["root1"])) == 12
    with pytest.raises(merkle.ProofError, match="32-byte"):
        merkle.verify_consistency(*_consistency_args(probe))
    same = merkle.leaf_hash(b"x")
    merkle.verify_consistency(1, 1, same, same, [])


OVER_TREE8 = [
    p
    for p in INCLUSION
    if not p["want_error"] and _h(p["root"]) == merkle.root(LEAVES8[: p["tree_size"]])
]


def test_most_valid_inclusion_probes_are_over_the_8_leaf_tree() -> None:
    assert len(OVER_TREE8) == 5


@pytest.mark.parametrize("probe", OVER_TREE8)
def test_it_produces_the_published_inclusion_proofs(probe: dict[str, Any]) -> None:
    assert _h(probe["leaf_hash"]) == LEAVES8[probe["leaf_index"]]
    proof = merkle.inclusion_proof(LEAVES8[: probe["tree_size"]], probe["leaf_index"])
    assert [p.hex() for p in proof] == probe["proof"]


@pytest.mark.parametrize(
    "probe", [p for p in CONSISTENCY if not p["want_error"] and STRICT_32_BYTES not in p["source"]]
)
def test_it_produces_the_published_consistency_proofs(probe: dict[str, Any]) -> None:
    assert _h(probe["root2"]) == merkle.root(LEAVES8[: probe["size2"]])
    proof = merkle.consistency_proof(LEAVES8[: probe["size2"]], probe["size1"])
    assert [p.hex() for p in proof] == probe["proof"]
