"""A small in-memory evidence log for tests: tree store, log key, witnesses, bundles."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from jingwu.evidence import bundle, checkpoint, cosignature, entry, keys, note, tree
from jingwu.evidence.tlogproof import TlogProof, make_proof

ORIGIN = "jingwu.example/evidence"


class TestLog:
    """Entries appended through the incremental tree, checkpoints signed and cosigned."""

    __test__ = False

    def __init__(self, witnesses: int = 2) -> None:
        self.log = keys.Ed25519Signer(ORIGIN, hashlib.sha256(b"log").digest())
        self.witnesses = [
            keys.Cosigner(f"w{i}.example", hashlib.sha256(f"w{i}".encode()).digest())
            for i in range(witnesses)
        ]
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.entries: list[entry.Entry] = []
        self.contents: list[bytes] = []
        self.size = 0

    def get(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]

    def record(self, content: bytes, category: str = "scene_photo") -> entry.Entry:
        n = len(self.entries)
        item = entry.Entry(
            category=category,
            item=f"GS03-20261129-0042-E{n:02d}",
            order="GS03-20261129-0042",
            sha256=hashlib.sha256(content).digest(),
            size=len(content),
            media_type="image/jpeg",
            recorded_by="PC-031245",
            recorded_at=datetime(2026, 11, 29, 5, 0, n, tzinfo=UTC),
        )
        result = tree.append(self.size, [item.leaf_hash()], self.get)
        self.nodes.update(((lv, ix), h) for lv, ix, h in result.nodes())
        self.size = result.size
        self.entries.append(item)
        self.contents.append(content)
        return item

    def checkpoint_note(self, cosign: bool = True) -> str:
        head = checkpoint.Checkpoint(ORIGIN, self.size, tree.root(self.size, self.get))
        signed = note.sign_note(head.text(), [self.log])
        if not cosign:
            return signed
        lines = [cosignature.cosign(head.text(), w, 1_800_000_000) for w in self.witnesses]
        return note.add_signatures(signed, lines)

    def proof(self, index: int, cosign: bool = True) -> TlogProof:
        path = tree.inclusion_proof(index, self.size, self.get)
        return make_proof(index, path, self.checkpoint_note(cosign))

    def bundle(self, index: int, hash_only: bool = False) -> bytes:
        return bundle.bundle_bytes(
            entry=self.entries[index],
            proof=self.proof(index),
            content=None if hash_only else self.contents[index],
            file_name=f"photo-{index}.jpg",
        )

    @property
    def log_key(self) -> str:
        return self.log.verifier_key()

    @property
    def witness_keys(self) -> list[str]:
        return [w.verifier_key() for w in self.witnesses]


def filled_log(count: int = 7) -> TestLog:
    log = TestLog()
    for i in range(count):
        log.record(f"photo {i}".encode() * 100)
    return log
