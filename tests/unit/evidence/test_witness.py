"""The witness's rounds against in-memory logs: cosign growth, refuse and keep forks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from jingwu.evidence import cosignature, keys, tiles
from jingwu.evidence.note import parse_note
from jingwu.evidence.witness import (
    FORKS_DIR,
    HttpLogClient,
    Witness,
    WitnessError,
    witness_once,
)
from tests.unit.evidence.evidence_log import ORIGIN, TestLog


class FakeLog:
    """Serves a TestLog's checkpoint and tiles; records what witnesses post."""

    def __init__(self, log: TestLog) -> None:
        self.log = log
        self.posted: list[str] = []
        self.tile_paths: list[str] = []

    def checkpoint(self) -> str:
        note = self.log.checkpoint_note(cosign=False)
        current = parse_note(note).text
        for posted in self.posted:  # the log publishes the cosignatures it stored for it
            parsed = parse_note(posted)
            if parsed.text == current:
                extra = [s for s in parsed.signatures if s.name != ORIGIN]
                note = note + "".join(s.line() for s in extra if s.line() not in note)
        return note

    def tile(self, path: str) -> bytes:
        self.tile_paths.append(path)
        return tiles.tile_data(tiles.parse_tile_path(path), self.log.get)

    def submit(self, note: str) -> None:
        self.posted.append(note)


def grow(log: TestLog, *contents: bytes) -> None:
    for content in contents:
        log.record(content)


@pytest.fixture
def me(tmp_path: Path) -> Witness:
    log = TestLog(witnesses=0)
    cosigner = keys.Cosigner("court.example/witness", hashlib.sha256(b"court").digest())
    return Witness(ORIGIN, (keys.parse_verifier_key(log.log_key),), cosigner, tmp_path / "state")


def test_a_witness_cosigns_a_growing_log_and_posts_valid_cosignatures(me: Witness) -> None:
    log = TestLog(witnesses=0)
    grow(log, b"a", b"b", b"c")
    served = FakeLog(log)
    first = witness_once(me, served, timestamp=1_800_000_000)
    assert (first.status, first.size) == ("cosigned", 3)
    grow(log, b"d", b"e")
    second = witness_once(me, served, timestamp=1_800_000_060)
    assert (second.status, second.size) == ("cosigned", 5)
    assert served.tile_paths, "the consistency proof came from the log's tiles"
    read = cosignature.read_cosignatures(
        served.posted[-1], [keys.parse_verifier_key(me.cosigner.verifier_key())]
    )
    assert read.verified == {me.cosigner.name: 1_800_000_060} and not read.failed
    assert witness_once(me, served, timestamp=1_800_000_120).status == "unchanged"


def test_a_witness_resubmits_a_cosignature_the_log_lost(me: Witness) -> None:
    log = TestLog(witnesses=0)
    grow(log, b"a")
    served = FakeLog(log)
    witness_once(me, served, timestamp=1_800_000_000)
    served.posted.clear()  # the log never stored it
    assert witness_once(me, served, timestamp=1_800_000_001).status == "resubmitted"
    assert me.cosigner.name in {s.name for s in parse_note(served.posted[0]).signatures}


def test_a_witness_refuses_a_fork_keeps_the_evidence_and_keeps_refusing(me: Witness) -> None:
    honest = TestLog(witnesses=0)
    grow(honest, b"a", b"b", b"c")
    witness_once(me, FakeLog(honest), timestamp=1_800_000_000)
    forked = TestLog(witnesses=0)  # same log key, rewritten history
    grow(forked, b"a", b"B", b"c", b"d")
    outcome = witness_once(me, FakeLog(forked), timestamp=1_800_000_060)
    assert outcome.status == "fork" and "not consistent" in outcome.detail
    kept = list((me.state_dir / FORKS_DIR).glob("*.json"))
    assert len(kept) == 1
    record = json.loads(kept[0].read_text())
    assert record["last_cosigned"].startswith(f"{ORIGIN}\n3\n")
    assert record["offered"].startswith(f"{ORIGIN}\n4\n") and record["consistency_proof"]
    last = me.last()
    assert last is not None and last[1].size == 3
    assert witness_once(me, FakeLog(forked), timestamp=1_800_000_120).status == "fork"


def test_a_stale_line_under_the_witness_name_does_not_hide_its_new_cosignature(
    me: Witness,
) -> None:
    log = TestLog(witnesses=0)
    grow(log, b"a")
    stale = cosignature.cosign("other text\n", me.cosigner, 1).line()

    class Stale(FakeLog):
        def checkpoint(self) -> str:
            return super().checkpoint() + stale

    served = Stale(log)
    assert witness_once(me, served, timestamp=1_800_000_000).status == "cosigned"
    read = cosignature.read_cosignatures(
        served.posted[0], [keys.parse_verifier_key(me.cosigner.verifier_key())]
    )
    assert read.verified == {me.cosigner.name: 1_800_000_000}


def test_a_smaller_tree_is_a_fork_too(me: Witness) -> None:
    log = TestLog(witnesses=0)
    grow(log, b"a", b"b", b"c")
    witness_once(me, FakeLog(log), timestamp=1_800_000_000)
    shrunk = TestLog(witnesses=0)
    grow(shrunk, b"a", b"b")
    outcome = witness_once(me, FakeLog(shrunk), timestamp=1_800_000_060)
    assert outcome.status == "fork" and "below the last signed size 3" in outcome.detail


def test_a_checkpoint_signed_by_another_key_is_refused_without_state_change(me: Witness) -> None:
    impostor = keys.Ed25519Signer(ORIGIN, hashlib.sha256(b"impostor").digest())
    log = TestLog(witnesses=0)
    log.log = impostor
    grow(log, b"a")
    with pytest.raises(keys.NoteError, match="not signed by any of the given keys"):
        witness_once(me, FakeLog(log), timestamp=1_800_000_000)
    assert me.last() is None


def test_the_http_client_refuses_non_http_urls_and_unreachable_logs() -> None:
    with pytest.raises(WitnessError, match="not http"):
        HttpLogClient("file:///etc/passwd")
    client = HttpLogClient("http://127.0.0.1:9/evidence", timeout=0.5)
    with pytest.raises(WitnessError, match="cannot be reached"):
        client.checkpoint()
