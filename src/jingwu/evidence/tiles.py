"""C2SP tlog-tiles: tile paths, tile contents from stored nodes, entry bundles.

A tile at tile level ``L`` and index ``N`` is the concatenation of the hashes of the
complete subtrees ``(8·L, N·256 + i)`` for i < width: exactly the nodes the tree store
keeps at level ``8·L`` (see `jingwu.evidence.tree`), so tiles need no extra storage.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jingwu.evidence.merkle import HASH_SIZE
from jingwu.evidence.tree import Key, NodeGetter, TreeError

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_TILE_LEVEL = 63
MAX_INDEX_TEXT = 6 * len("x000/") + 3  # 7 elements: 21 digits, past any index below 2^64
MAX_BUNDLE_ENTRY = 0xFFFF
ENTRIES = "entries"

_INDEX_PART = re.compile(r"^(?:x\d{3}/)*\d{3}$")
_LEVEL = re.compile(r"^(?:0|[1-9]\d?)$")
_WIDTH = re.compile(r"^[1-9]\d{0,2}$")


class TileError(ValueError):
    """A tile path or tile content is malformed."""


@dataclass(frozen=True)
class Tile:
    """A tile: ``level`` is a tile level (0–63) or ``"entries"``; ``width`` 1–256."""

    level: int | str
    index: int
    width: int = TILE_WIDTH

    @property
    def partial(self) -> bool:
        """Return whether the tile holds fewer than 256 hashes (or entries)."""
        return self.width < TILE_WIDTH

    def path(self) -> str:
        """Return the tile's path below the log prefix, e.g. ``tile/0/x001/234.p/7``."""
        suffix = f".p/{self.width}" if self.partial else ""
        return f"tile/{self.level}/{format_index(self.index)}{suffix}"

    def node_keys(self) -> list[Key]:
        """Return the tree-store keys whose hashes make up this (hash) tile."""
        if not isinstance(self.level, int):
            raise TileError("an entry bundle is not made of tree nodes")
        level = TILE_HEIGHT * self.level
        first = self.index * TILE_WIDTH
        return [(level, first + i) for i in range(self.width)]


def format_index(index: int) -> str:
    """Encode a tile index as 3-digit path elements, all but the last prefixed by ``x``."""
    if index < 0:
        raise TileError(f"tile index {index} is negative")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{p}" for p in parts[:-1]), parts[-1]])


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/<L>/<N>[.p/<W>]`` (L a level or ``entries``) strictly."""
    if not path.startswith("tile/"):
        raise TileError(f"tile path {path!r} does not start with tile/")
    level_text, _, rest = path[len("tile/") :].partition("/")
    index_text, dot_p, width_text = rest.partition(".p/")
    if len(index_text) > MAX_INDEX_TEXT:
        raise TileError("tile index is longer than any tree's")
    if level_text == ENTRIES:
        level: int | str = ENTRIES
    elif _LEVEL.match(level_text) and int(level_text) <= MAX_TILE_LEVEL:
        level = int(level_text)
    else:
        raise TileError(f"tile level {level_text!r} is not 0–63 or entries")
    if not _INDEX_PART.match(index_text):
        raise TileError(f"tile index {index_text!r} is not 3-digit x-prefixed elements")
    index = int(index_text.replace("x", "").replace("/", ""))
    if format_index(index) != index_text:
        raise TileError(f"tile index {index_text!r} has extra leading zero elements")
    width = TILE_WIDTH
    if dot_p:
        if not _WIDTH.match(width_text) or int(width_text) >= TILE_WIDTH:
            raise TileError(f"partial tile width {width_text!r} is not 1–255")
        width = int(width_text)
    return Tile(level, index, width)


def tiles_for_size(size: int) -> list[Tile]:
    """Return the hash tiles a checkpoint of ``size`` leaves makes available, bottom up."""
    tiles: list[Tile] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        hashes = size >> (TILE_HEIGHT * level)
        tiles.extend(Tile(level, n) for n in range(hashes // TILE_WIDTH))
        if hashes % TILE_WIDTH:
            tiles.append(Tile(level, hashes // TILE_WIDTH, hashes % TILE_WIDTH))
        level += 1
    return tiles


def tile_width(level: int, index: int, size: int) -> int:
    """Return the width of hash tile ``(level, index)`` in a tree of ``size`` leaves (0: none)."""
    hashes = size >> (TILE_HEIGHT * level)
    return max(0, min(TILE_WIDTH, hashes - index * TILE_WIDTH))


def tile_data(tile: Tile, get_node: NodeGetter) -> bytes:
    """Return the bytes of a hash tile read from the tree store."""
    return b"".join(get_node(level, index) for level, index in tile.node_keys())


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Encode entries as an entry bundle: each prefixed by its big-endian uint16 length."""
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_BUNDLE_ENTRY:
            raise TileError(f"an entry of {len(entry)} bytes exceeds the 65,535 of a bundle")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """Decode an entry bundle into its entries."""
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + length > len(data):
            raise TileError("entry bundle ends inside an entry")
        entries.append(data[pos + 2 : pos + 2 + length])
        pos += 2 + length
    if len(entries) > TILE_WIDTH:
        raise TileError(f"entry bundle holds {len(entries)} entries, more than 256")
    return entries


def tile_node_getter(size: int, get_tile: Callable[[Tile], bytes]) -> NodeGetter:
    """Return a node getter that reads complete-subtree hashes out of hash tiles.

    Lets a client holding only tiles (fetched from ``/evidence/tile/...``) use the same
    root and proof functions as the server; nodes between tile levels are rehashed.
    """

    def get_node(level: int, index: int) -> bytes:
        tile_level, rise = divmod(level, TILE_HEIGHT)
        first = index << rise
        tile_index, offset = divmod(first, TILE_WIDTH)
        width = tile_width(tile_level, tile_index, size)
        if offset + (1 << rise) > width:
            raise TreeError(f"node {(level, index)} is not complete at size {size}")
        data = get_tile(Tile(tile_level, tile_index, width))
        if len(data) != width * HASH_SIZE:
            raise TileError(f"tile {tile_level}/{tile_index} is not {width} hashes long")
        hashes = [
            data[i * HASH_SIZE : (i + 1) * HASH_SIZE] for i in range(offset, offset + (1 << rise))
        ]
        sha = hashlib.sha256
        while len(hashes) > 1:
            hashes = [
                sha(b"\x01" + a + b).digest()
                for a, b in zip(hashes[0::2], hashes[1::2], strict=True)
            ]
        return hashes[0]

    return get_node
