"""C2SP tlog-tiles paths, tile sets and entry bundles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.evidence import merkle, tiles, tree


@pytest.mark.parametrize(
    ("index", "text"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_it_encodes_tile_indices_as_three_digit_elements(index: int, text: str) -> None:
    assert tiles.format_index(index) == text


@given(
    st.one_of(st.integers(0, 63), st.just("entries")),
    st.integers(0, 10**12),
    st.integers(1, 256),
)
def test_tile_paths_parse_back_to_the_same_tile(level: int | str, index: int, width: int) -> None:
    tile = tiles.Tile(level, index, width)
    assert tiles.parse_tile_path(tile.path()) == tile


def test_a_partial_tile_path_carries_its_width() -> None:
    assert tiles.Tile(0, 1234067, 7).path() == "tile/0/x001/x234/067.p/7"
    assert tiles.Tile("entries", 3).path() == "tile/entries/003"


@pytest.mark.parametrize(
    "path",
    [
        "tile/64/000",
        "tile/01/000",
        "tile/0/0",
        "tile/0/x000/001",
        "tile/0/001/002",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/07",
        "tiles/0/000",
        "tile/data/000",
    ],
)
def test_it_rejects_malformed_tile_paths(path: str) -> None:
    with pytest.raises(tiles.TileError):
        tiles.parse_tile_path(path)


def test_a_tree_of_70000_has_the_tiles_the_spec_lists() -> None:
    got = tiles.tiles_for_size(70_000)
    level0 = [t for t in got if t.level == 0]
    level1 = [t for t in got if t.level == 1]
    assert len(level0) == 274 and level0[-1] == tiles.Tile(0, 273, 112)
    assert level1 == [tiles.Tile(1, 0), tiles.Tile(1, 1, 17)]
    assert [t for t in got if t.level == 2] == [tiles.Tile(2, 0, 1)]


def test_a_tree_of_256_has_one_full_tile_and_a_level_one_tile_of_width_one() -> None:
    assert tiles.tiles_for_size(256) == [tiles.Tile(0, 0), tiles.Tile(1, 0, 1)]


def test_a_level_one_tile_holds_the_roots_of_full_level_zero_tiles() -> None:
    all_leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(600)]
    nodes: dict[tuple[int, int], bytes] = {}
    result = tree.append(0, all_leaves, lambda lv, ix: nodes[(lv, ix)])
    nodes.update(((lv, ix), h) for lv, ix, h in result.nodes())
    data = tiles.tile_data(tiles.Tile(1, 0, 2), lambda lv, ix: nodes[(lv, ix)])
    assert data == merkle.root(all_leaves[:256]) + merkle.root(all_leaves[256:512])


@given(st.lists(st.binary(max_size=300), max_size=256))
def test_entry_bundles_round_trip(entries: list[bytes]) -> None:
    assert tiles.parse_entry_bundle(tiles.entry_bundle(entries)) == entries


def test_an_entry_bundle_prefixes_each_entry_with_its_big_endian_length() -> None:
    assert tiles.entry_bundle([b"ab", b""]) == b"\x00\x02ab\x00\x00"


def test_it_rejects_a_truncated_entry_bundle_and_an_oversized_entry() -> None:
    with pytest.raises(tiles.TileError, match="inside an entry"):
        tiles.parse_entry_bundle(b"\x00\x05ab")
    with pytest.raises(tiles.TileError, match="65,535"):
        tiles.entry_bundle([bytes(70_000)])


def test_a_tile_of_the_wrong_length_is_refused_by_the_tile_reader() -> None:
    get = tiles.tile_node_getter(10, lambda t: b"\x00" * 32)
    with pytest.raises(tiles.TileError, match="10 hashes"):
        get(0, 3)
