"""Evidence bundles and their offline verification: every way one can fail."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jingwu.evidence import bundle, tlogproof
from jingwu.evidence import keys as ev_keys
from jingwu.evidence.verify import Result, verify_bundle
from tests.unit.evidence.evidence_log import filled_log

LOG = filled_log(7)
GOOD = LOG.bundle(3)


def write(tmp_path: Path, data: bytes, name: str = "b.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rebuild(data: bytes, replace: dict[str, bytes]) -> bytes:
    """Return the zip with some members' bytes replaced (CRCs recomputed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info)))
    return out.getvalue()


def check(
    tmp_path: Path,
    data: bytes,
    keys: list[str] | None = None,
    witness_keys: list[str] | None = None,
    min_witnesses: int | None = None,
) -> Result:
    return verify_bundle(
        write(tmp_path, data),
        keys or [LOG.log_key],
        LOG.witness_keys if witness_keys is None else witness_keys,
        min_witnesses,
    )


def test_a_good_bundle_holds_and_says_so_in_one_sentence(tmp_path: Path) -> None:
    result = check(tmp_path, GOOD)
    assert result.ok
    sentence = result.sentence
    assert sentence.startswith("Holds:") and sentence.endswith(".") and "\n" not in sentence
    assert "entry 3 of a tree of 7" in sentence and "2 of 2 witnesses" in sentence
    assert "file matches" in sentence


def test_the_bundle_is_deterministic_and_lays_out_the_documented_members() -> None:
    assert LOG.bundle(3) == GOOD
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("entry.json"))
        proof = tlogproof.parse_tlog_proof(archive.read("proof.tlog-proof"))
    assert names == ["entry.json", "proof.tlog-proof", "file/photo-3.jpg", "README.txt"]
    assert manifest["format"] == bundle.BUNDLE_FORMAT and manifest["hash_only"] is False
    assert proof.index == 3 and proof.checkpoint.startswith("jingwu.example/evidence\n7\n")


def test_a_hash_only_bundle_holds_without_the_file(tmp_path: Path) -> None:
    result = check(tmp_path, LOG.bundle(2, hash_only=True))
    assert result.ok
    assert "hash-only" in result.sentence


def test_a_tampered_file_does_not_hold(tmp_path: Path) -> None:
    data = rebuild(GOOD, {"file/photo-3.jpg": b"photoshopped"})
    result = check(tmp_path, data)
    assert not result.ok
    assert "photo-3.jpg does not match" in result.sentence
    assert "signed by the log key" in result.sentence


def test_a_file_edited_in_place_fails_the_zip_crc(tmp_path: Path) -> None:
    data = GOOD.replace(b"photo 3photo 3", b"photo 3photo X", 1)
    assert data != GOOD
    result = check(tmp_path, data)
    assert not result.ok


def test_a_tampered_entry_is_not_in_the_signed_tree(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(GOOD)) as archive:
        manifest = json.loads(archive.read("entry.json"))
    manifest["entry"]["category"] = "expert_opinion"
    data = rebuild(GOOD, {"entry.json": json.dumps(manifest).encode()})
    result = check(tmp_path, data)
    assert not result.ok
    assert "the entry is not entry 3" in result.sentence


def test_a_wrong_proof_does_not_hold(tmp_path: Path) -> None:
    wrong = LOG.proof(4).render().replace("index 4", "index 3")
    result = check(tmp_path, rebuild(GOOD, {"proof.tlog-proof": wrong.encode()}))
    assert not result.ok
    assert "inclusion proof does not lead to the root" in result.sentence


def test_a_wrong_log_key_does_not_hold(tmp_path: Path) -> None:
    stranger = ev_keys.Ed25519Signer("jingwu.example/evidence", b"\x07" * 32)
    result = check(tmp_path, GOOD, keys=[stranger.verifier_key()])
    assert not result.ok
    assert "not signed by the given log key" in result.sentence


def test_a_forged_log_signature_does_not_hold(tmp_path: Path) -> None:
    text = LOG.proof(3).render()
    sig_line = next(ln for ln in text.split("\n") if ln.startswith("— jingwu.example"))
    name, blob = sig_line.rsplit(" ", 1)
    forged = text.replace(sig_line, f"{name} {blob[:8]}{'A' * (len(blob) - 9)}=")
    result = check(tmp_path, rebuild(GOOD, {"proof.tlog-proof": forged.encode()}))
    assert "log's signature on the checkpoint does not verify" in result.sentence


def test_missing_witnesses_do_not_hold(tmp_path: Path) -> None:
    bare = LOG.proof(3, cosign=False).render().encode()
    result = check(tmp_path, rebuild(GOOD, {"proof.tlog-proof": bare}))
    assert not result.ok
    assert "0 of 2 witnesses" in result.sentence
    assert "fewer than the 2 required" in result.sentence


def test_one_of_two_witnesses_is_enough_when_the_policy_says_one(tmp_path: Path) -> None:
    other = ev_keys.Cosigner("w9.example", b"\x09" * 32).verifier_key()
    keys_given = [LOG.witness_keys[0], other]
    assert check(tmp_path, GOOD, witness_keys=keys_given, min_witnesses=1).ok
    assert not check(tmp_path, GOOD, witness_keys=keys_given).ok


def test_a_corrupt_zip_does_not_hold(tmp_path: Path) -> None:
    result = check(tmp_path, GOOD[: len(GOOD) // 2])
    assert not result.ok
    assert "not a readable zip" in result.sentence


@pytest.mark.parametrize(
    ("member", "payload", "says"),
    [
        ("entry.json", b"{", "not valid JSON"),
        ("entry.json", b'{"format": "other"}', "manifest"),
        ("proof.tlog-proof", b"c2sp.org/tlog-proof@v1\nindex x\n\nx\n", "malformed"),
    ],
)
def test_damaged_members_are_named(tmp_path: Path, member: str, payload: bytes, says: str) -> None:
    result = check(tmp_path, rebuild(GOOD, {member: payload}))
    assert not result.ok and says in result.sentence


def test_a_missing_file_in_a_full_bundle_does_not_hold(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(GOOD)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if not info.filename.startswith("file/"):
                dst.writestr(info, src.read(info))
    result = check(tmp_path, out.getvalue())
    assert "file is missing" in result.sentence


def test_an_unreadable_path_raises_rather_than_judging(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        verify_bundle(tmp_path / "absent.zip", [LOG.log_key])


def test_an_impossible_witness_policy_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot require 3"):
        check(tmp_path, GOOD, min_witnesses=3)


def test_the_verifier_imports_neither_the_database_nor_the_web_app() -> None:
    code = (
        "import sys, jingwu.evidence.verify, jingwu.evidence.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'fastapi', "
        "'starlette', 'alembic', 'psycopg') or m in ('jingwu.db', 'jingwu.config')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
