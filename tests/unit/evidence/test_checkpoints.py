"""C2SP checkpoints, the no-fork rule, and witness cosignatures (tlog-cosignature/v1)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.evidence import checkpoint as cp
from jingwu.evidence import cosignature, keys, merkle, note

ORIGIN = "jingwu.example/evidence"
LOG = keys.Ed25519Signer(ORIGIN, b"\x01" * 32)
LOG_V = keys.parse_verifier_key(LOG.verifier_key())
WITNESS = keys.Cosigner("court.example/w1", b"\x02" * 32)
WITNESS_V = keys.parse_verifier_key(WITNESS.verifier_key())
LEAVES = [merkle.leaf_hash(bytes([i])) for i in range(20)]


def head(size: int, leaves: list[bytes] = LEAVES) -> cp.Checkpoint:
    return cp.Checkpoint(ORIGIN, size, merkle.root(leaves[:size]))


def test_a_checkpoint_body_is_origin_size_and_base64_root() -> None:
    body = head(3).text()
    assert body == f"{ORIGIN}\n3\n{base64.b64encode(merkle.root(LEAVES[:3])).decode()}\n"
    assert cp.parse_checkpoint(body) == head(3)


@given(st.integers(0, 2**64 - 1), st.lists(st.text("abc xyz", min_size=1), max_size=3))
def test_checkpoints_round_trip(size: int, extensions: list[str]) -> None:
    root = merkle.EMPTY_ROOT if size == 0 else hashlib.sha256(str(size).encode()).digest()
    point = cp.Checkpoint("o.example", size, root, tuple(extensions))
    assert cp.parse_checkpoint(point.text()) == point


@pytest.mark.parametrize(
    "body",
    [
        "o\n3\n",
        "o\n03\nAAAA\n",
        "o\n-1\nAAAA\n",
        "o\n18446744073709551616\n" + "A" * 43 + "=\n",
        "o\n3\n" + "A" * 43 + "=",
        "o\n3\nnot base64\n",
        "o\n3\nAAAA\n",
        "\n3\n" + "A" * 43 + "=\n",
        "o\n3\n" + "A" * 43 + "=\n\n",
        "o\n0\n" + "A" * 43 + "=\n",
    ],
)
def test_it_rejects_malformed_checkpoints(body: str) -> None:
    with pytest.raises(cp.CheckpointError):
        cp.parse_checkpoint(body)


def test_the_log_signs_a_checkpoint_that_extends_the_last_one() -> None:
    proof = merkle.consistency_proof(LEAVES[:9], 4)
    signed = cp.sign_checkpoint(head(9), [LOG], last_signed=head(4), proof=proof)
    opened, _ = cp.open_checkpoint(signed, ORIGIN, [LOG_V])
    assert opened == head(9)


def test_the_log_refuses_to_sign_a_fork() -> None:
    forked = [*LEAVES[:3], merkle.leaf_hash(b"rewritten"), *LEAVES[4:]]
    fork = head(9, forked)
    proof = merkle.consistency_proof(forked[:9], 5)
    with pytest.raises(cp.InconsistentCheckpoint, match="not consistent"):
        cp.sign_checkpoint(fork, [LOG], last_signed=head(5), proof=proof)


def test_the_log_refuses_to_shrink_or_change_origin_or_root_at_the_same_size() -> None:
    with pytest.raises(cp.InconsistentCheckpoint, match="below"):
        cp.check_extension(head(6), head(5), [])
    with pytest.raises(cp.InconsistentCheckpoint, match="origin"):
        cp.check_extension(cp.Checkpoint("other.example", 4, head(4).root), head(4), [])
    with pytest.raises(cp.InconsistentCheckpoint, match="roots differ"):
        cp.check_extension(head(4), cp.Checkpoint(ORIGIN, 4, head(5).root), [])


def test_the_first_checkpoint_and_the_one_after_an_empty_log_need_no_proof() -> None:
    cp.check_extension(None, head(3), [])
    cp.check_extension(head(0), head(3), [])


def test_it_refuses_a_checkpoint_from_another_origin() -> None:
    signed = note.sign_note(cp.Checkpoint("evil.example", 1, LEAVES[0]).text(), [LOG])
    with pytest.raises(cp.CheckpointError, match="origin"):
        cp.open_checkpoint(signed, ORIGIN, [LOG_V])


def test_a_cosignature_signs_the_header_the_time_and_the_checkpoint() -> None:
    body = head(5).text()
    line = cosignature.cosign(body, WITNESS, 1_700_000_000)
    assert line.signature[:8] == (1_700_000_000).to_bytes(8, "big")
    message = b"cosignature/v1\ntime 1700000000\n" + body.encode()
    assert keys.ed25519_verify(WITNESS.public_key, message, line.signature[8:])
    assert WITNESS_V.verify(body.encode(), line.signature)
    assert not WITNESS_V.verify(head(6).text().encode(), line.signature)


def test_a_cosigner_key_id_uses_type_byte_four() -> None:
    digest = hashlib.sha256(WITNESS.name.encode() + b"\n\x04" + WITNESS.public_key).digest()
    assert WITNESS.key_id == int.from_bytes(digest[:4], "big") == WITNESS_V.key_id
    assert base64.b64decode(WITNESS.verifier_key().split("+")[2])[0] == 4


def test_cosigner_key_strings_round_trip_and_reject_a_note_key() -> None:
    again = keys.parse_cosigner_key(WITNESS.signer_key())
    assert again.public_key == WITNESS.public_key
    with pytest.raises(keys.NoteError, match="type 0x04"):
        keys.parse_cosigner_key(LOG.signer_key())


def test_a_witness_cosigns_a_consistent_checkpoint_and_keeps_it() -> None:
    signed = cp.sign_checkpoint(head(9), [LOG], last_signed=None, proof=[])
    result = cosignature.witness(
        note=signed,
        origin=ORIGIN,
        log_verifiers=[LOG_V],
        last=head(4),
        proof=merkle.consistency_proof(LEAVES[:9], 4),
        cosigner=WITNESS,
        timestamp=1_800_000_000,
    )
    assert result.checkpoint == head(9)
    seen = cosignature.read_cosignatures(result.note, [WITNESS_V])
    assert seen.verified == {WITNESS.name: 1_800_000_000} and seen.failed == ()
    assert note.open_note(result.note, [LOG_V]).verified == (LOG_V,)


def test_a_witness_refuses_a_fork_of_what_it_cosigned() -> None:
    forked = [merkle.leaf_hash(b"x"), *LEAVES[1:]]
    signed = note.sign_note(head(9, forked).text(), [LOG])
    with pytest.raises(cp.InconsistentCheckpoint):
        cosignature.witness(
            note=signed,
            origin=ORIGIN,
            log_verifiers=[LOG_V],
            last=head(4),
            proof=merkle.consistency_proof(forked[:9], 4),
            cosigner=WITNESS,
            timestamp=1,
        )


def test_a_witness_refuses_a_checkpoint_the_log_did_not_sign() -> None:
    impostor = keys.Ed25519Signer(ORIGIN, b"\x09" * 32)
    signed = note.sign_note(head(9).text(), [impostor])
    with pytest.raises(keys.NoteError, match="not signed"):
        cosignature.witness(
            note=signed,
            origin=ORIGIN,
            log_verifiers=[LOG_V],
            last=None,
            proof=[],
            cosigner=WITNESS,
            timestamp=1,
        )


def test_a_tampered_cosignature_is_reported_as_failed() -> None:
    signed = note.sign_note(head(3).text(), [LOG])
    line = cosignature.cosign(head(3).text(), WITNESS, 5)
    bad = note.Signature(line.name, line.key_id, line.signature[:8] + bytes(64))
    seen = cosignature.read_cosignatures(note.add_signatures(signed, [bad]), [WITNESS_V])
    assert seen.verified == {} and seen.failed == (WITNESS.name,)


def test_a_cosignature_timestamp_must_fit_in_63_bits() -> None:
    with pytest.raises(keys.NoteError, match="2\\^63"):
        keys.cosigned_message("x\n", 1 << 63)
