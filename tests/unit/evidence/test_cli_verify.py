"""``jingwu evidence verify``: exit 0 when a bundle holds, 1 when not, 2 when unreadable."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from jingwu.evidence import keys
from jingwu.evidence.cli import cli
from tests.unit.evidence.evidence_log import filled_log

LOG = filled_log(5)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["verify", *args])
    return result.exit_code, result.output


def bundle_path(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.zip"
    path.write_bytes(LOG.bundle(1))
    return path


def witness_args() -> list[str]:
    return [arg for key in LOG.witness_keys for arg in ("--witness", key)]


def test_it_exits_0_and_prints_one_sentence_when_the_bundle_holds(tmp_path: Path) -> None:
    code, out = run(str(bundle_path(tmp_path)), "--key", LOG.log_key, *witness_args())
    assert code == 0
    assert out.startswith("Holds:") and out.count("\n") == 1


def test_it_reads_keys_from_files(tmp_path: Path) -> None:
    key_file = tmp_path / "log.vkey"
    key_file.write_text(f"# the log's key\n{LOG.log_key}\n")
    code, _ = run(str(bundle_path(tmp_path)), "--key", str(key_file))
    assert code == 0


def test_it_exits_1_with_a_wrong_key(tmp_path: Path) -> None:
    wrong = keys.Ed25519Signer("jingwu.example/evidence", b"\x05" * 32).verifier_key()
    code, out = run(str(bundle_path(tmp_path)), "--key", wrong)
    assert code == 1 and out.startswith("Does not hold:")


def test_it_exits_1_when_too_few_witnesses_cosigned(tmp_path: Path) -> None:
    stranger = keys.Cosigner("w7.example", b"\x07" * 32).verifier_key()
    code, out = run(str(bundle_path(tmp_path)), "--key", LOG.log_key, "--witness", stranger)
    assert code == 1 and "fewer than the 1 required" in out


def test_it_exits_1_for_a_corrupt_bundle(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, _ = run(str(path), "--key", LOG.log_key)
    assert code == 1


def test_it_exits_2_when_the_file_is_missing(tmp_path: Path) -> None:
    code, out = run(str(tmp_path / "absent.zip"), "--key", LOG.log_key)
    assert code == 2 and "Cannot read" in out


def test_it_exits_2_when_a_key_is_unreadable(tmp_path: Path) -> None:
    code, out = run(str(bundle_path(tmp_path)), "--key", "not-a-key")
    assert code == 2 and "Cannot read a key" in out
    empty = tmp_path / "empty.vkey"
    empty.write_text("# nothing\n")
    code, _ = run(str(bundle_path(tmp_path)), "--key", str(empty))
    assert code == 2


def test_it_exits_2_without_a_key_or_with_an_impossible_witness_count(tmp_path: Path) -> None:
    assert run(str(bundle_path(tmp_path)))[0] == 2
    code, out = run(str(bundle_path(tmp_path)), "--key", LOG.log_key, "--min-witnesses", "1")
    assert code == 2 and "cannot require 1" in out
