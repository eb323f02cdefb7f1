"""C2SP signed notes and keys: the published vectors, key strings, the algorithm registry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jingwu.evidence import keys, note

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[2] / "data" / "merkle" / "signed_note.json").read_text()
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["source"])
def test_it_opens_exactly_the_valid_published_notes(case: dict[str, Any]) -> None:
    verifier = keys.parse_verifier_key(case["vkey"])
    if case["want_valid"]:
        assert note.open_note(case["note"], [verifier]).verified == (verifier,)
    else:
        with pytest.raises(keys.NoteError, match="does not verify"):
            note.open_note(case["note"], [verifier])


@pytest.mark.parametrize("case", [c for c in CASES if "skey" in c])
def test_it_re_signs_the_published_note_byte_for_byte(case: dict[str, Any]) -> None:
    signer = keys.parse_signer_key(case["skey"])
    text = note.parse_note(case["note"]).text
    assert note.sign_note(text, [signer]) == case["note"]
    assert signer.verifier_key() == case["vkey"]  # type: ignore[attr-defined]


def test_the_key_id_is_the_first_four_bytes_of_the_hash_of_name_newline_type_key() -> None:
    vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    verifier = keys.parse_verifier_key(vkey)
    assert verifier.key_id == 0x530D903A
    assert keys.format_verifier_key("example.com/foo", 1, verifier.public_key) == vkey  # type: ignore[attr-defined]


def _signer(name: str, n: int) -> keys.Ed25519Signer:
    return keys.Ed25519Signer(name, bytes([n]) * 32)


def test_a_note_may_carry_several_signatures_and_any_known_one_opens_it() -> None:
    old, new = _signer("log.example/ev", 1), _signer("log.example/ev", 2)
    signed = note.sign_note("hello\n", [old, new])
    assert len(note.parse_note(signed).signatures) == 2
    for key in (old, new):
        verifier = keys.parse_verifier_key(key.verifier_key())
        assert note.open_note(signed, [verifier]).text == "hello\n"


def test_signatures_of_unknown_keys_are_ignored() -> None:
    known, stranger = _signer("a.example", 1), _signer("b.example", 2)
    signed = note.sign_note("text\n", [stranger, known])
    forged = signed.replace(note.parse_note(signed).signatures[0].line(), "— b.example AAAAAAAA\n")
    opened = note.open_note(forged, [keys.parse_verifier_key(known.verifier_key())])
    assert [v.name for v in opened.verified] == ["a.example"]


def test_a_same_name_with_another_key_id_is_an_unknown_key() -> None:
    signed = note.sign_note("text\n", [_signer("a.example", 1)])
    other = keys.parse_verifier_key(_signer("a.example", 2).verifier_key())
    with pytest.raises(keys.NoteError, match="not signed by any"):
        note.open_note(signed, [other])


def test_a_changed_text_fails_the_known_signature() -> None:
    signer = _signer("a.example", 1)
    signed = note.sign_note("pay 10\n", [signer]).replace("pay 10", "pay 99")
    with pytest.raises(keys.NoteError, match="does not verify"):
        note.open_note(signed, [keys.parse_verifier_key(signer.verifier_key())])


@pytest.mark.parametrize(
    "bad",
    [
        "no newline",
        "text\n",
        "text\n\n",
        "text\n\n— a.example not-base64!\n",
        "text\n\n- a.example AAAAAAAA\n",
        "text\n\n— a.example AAAA\n",
        "te\x01xt\n\n— a.example AAAAAAAA\n",
        "text\n\n— a+b AAAAAAAA\n",
    ],
)
def test_it_rejects_malformed_notes(bad: str) -> None:
    with pytest.raises(keys.NoteError):
        note.parse_note(bad)


def test_it_rejects_a_note_that_is_not_utf8() -> None:
    with pytest.raises(keys.NoteError, match="UTF-8"):
        note.parse_note(b"\xff\n\n\xe2\x80\x94 a AAAAAAAA\n")


@pytest.mark.parametrize(
    "bad",
    [
        "example.com/foo+530d903a",
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+!!!",
        "example.com/foo+530d903a+B+kyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "bad name+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    ],
)
def test_it_rejects_malformed_verifier_keys(bad: str) -> None:
    with pytest.raises(keys.NoteError):
        keys.parse_verifier_key(bad)


def test_signer_key_strings_round_trip() -> None:
    signer = _signer("log.example/ev", 7)
    again = keys.parse_signer_key(signer.signer_key())
    assert again.key_id == signer.key_id and again.sign(b"m") == signer.sign(b"m")


@dataclass(frozen=True)
class ToyVerifier:
    """A stand-in second algorithm: 'signature' is SHA-256 of key and message."""

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_id", keys.key_id(self.name, 0xFD, self.public_key))

    def verify(self, message: bytes, signature: bytes) -> bool:
        import hashlib

        return signature == hashlib.sha256(self.public_key + message).digest()


def test_a_second_algorithm_plugs_in_through_the_registry() -> None:
    import hashlib

    try:
        keys.algorithm(0xFD)
    except keys.NoteError:
        keys.register(keys.Algorithm(0xFD, "toy", ToyVerifier))
    vkey = keys.format_verifier_key("pq.example", 0xFD, b"k" * 16)
    verifier = keys.parse_verifier_key(vkey)
    ed = _signer("log.example", 3)
    signed = note.sign_note("cp\n", [ed])
    extra = note.Signature(
        "pq.example", verifier.key_id, hashlib.sha256(b"k" * 16 + b"cp\n").digest()
    )
    both = note.add_signatures(signed, [extra])
    ed_verifier = keys.parse_verifier_key(ed.verifier_key())
    assert {v.name for v in note.open_note(both, [verifier, ed_verifier]).verified} == {
        "pq.example",
        "log.example",
    }
    with pytest.raises(keys.NoteError, match="already registered"):
        keys.register(keys.Algorithm(0xFD, "toy", ToyVerifier))


def test_an_unregistered_signature_type_is_refused() -> None:
    vkey = keys.format_verifier_key("x.example", 0xFA, b"k")
    with pytest.raises(keys.NoteError, match="not supported"):
        keys.parse_verifier_key(vkey)
