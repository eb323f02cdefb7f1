"""The log's signing keys: generated in development, required in production, one origin."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from jingwu.config import ConfigError, Settings
from jingwu.evidence import checkpoint, note
from jingwu.evidence.keys import Ed25519Signer
from jingwu.evidence.logkeys import KEY_FILE, build_log_keys, generate_signer_key, load_log_keys


@pytest.fixture(autouse=True)
def _no_evidence_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SIGNER_KEY", "OLD_KEYS", "ORIGIN"):
        monkeypatch.delenv(f"JINGWU_EVIDENCE_{name}", raising=False)


def test_development_generates_a_key_once_into_var_readable_by_the_owner_only(
    tmp_path: Path,
) -> None:
    settings = Settings(var_dir=tmp_path / "dev")
    first = load_log_keys(settings)
    assert first.origin == "jingwu.localhost/evidence"
    path = tmp_path / "dev" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_log_keys(Settings(var_dir=tmp_path / "dev")).verifier_keys == first.verifier_keys


def test_production_refuses_to_start_without_a_configured_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="JINGWU_EVIDENCE_SIGNER_KEY is missing"):
        load_log_keys(Settings(var_dir=tmp_path / "prod", environment="production"))
    assert not (tmp_path / "prod" / KEY_FILE).exists()


def test_production_uses_the_configured_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [generate_signer_key("log.example/evidence") for _ in range(2)]
    monkeypatch.setenv("JINGWU_EVIDENCE_SIGNER_KEY", "\n".join(keys))
    loaded = load_log_keys(Settings(var_dir=tmp_path / "p2", environment="production"))
    assert loaded.origin == "log.example/evidence" and len(loaded.signers) == 2


def test_every_key_signs_so_either_verifier_opens_the_checkpoint() -> None:
    keys = build_log_keys([generate_signer_key("log.example/evidence") for _ in range(2)], [])
    head = checkpoint.Checkpoint("log.example/evidence", 0, checkpoint.EMPTY_ROOT)
    signed = checkpoint.sign_checkpoint(head, list(keys.signers), last_signed=None, proof=[])
    assert len(note.parse_note(signed).signatures) == 2
    for verifier in keys.verifiers:
        checkpoint.open_checkpoint(signed, keys.origin, [verifier])


def test_keys_of_different_origins_or_garbage_are_refused() -> None:
    with pytest.raises(ConfigError, match="same origin"):
        build_log_keys(
            [generate_signer_key("a.example/log"), generate_signer_key("b.example/log")], []
        )
    with pytest.raises(ConfigError, match="is invalid"):
        build_log_keys(["PRIVATE+KEY+nonsense"], [])
    with pytest.raises(ConfigError, match="holds no key"):
        build_log_keys([], [])


def test_a_retired_key_still_opens_what_it_signed() -> None:
    old = Ed25519Signer("log.example/evidence", b"\x01" * 32)
    new = build_log_keys([generate_signer_key("log.example/evidence")], [old.verifier_key()])
    head = checkpoint.Checkpoint("log.example/evidence", 0, checkpoint.EMPTY_ROOT)
    signed = checkpoint.sign_checkpoint(head, [old], last_signed=None, proof=[])
    opened, _ = checkpoint.open_checkpoint(signed, new.origin, new.verifiers)
    assert opened == head
