"""``jingwu evidence`` end to end on a database of its own: add, export, verify, scrub."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jingwu.cli.main import cli
from jingwu.config import get_settings
from jingwu.db import Database
from jingwu.security import keys
from tests.conftest import fresh_database_url, upgrade
from tests.integration.evidence.evidence_world import build_world


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, keyring: keys.Keyring
) -> Iterator[tuple[dict[str, str], str, Path]]:
    tmp = tmp_path_factory.mktemp("evcli")
    with fresh_database_url(tmp, "evcli") as url:
        upgrade(url)
        db = Database.from_url(url)
        with db.unit_of_work() as session:
            order = build_world(session).order
        db.engine.dispose()
        env = {
            "JINGWU_DATABASE_URL": url,
            "JINGWU_VAR_DIR": str(tmp / "var"),
            "JINGWU_SECRET_KEY": base64.b64encode(keyring.secret_key).decode(),
            "JINGWU_BLIND_INDEX_KEY": base64.b64encode(keyring.blind_index_key).decode(),
            "JINGWU_DATA_KEYS": keys.format_data_keys(keyring.data_keys),
            "JINGWU_DATA_KEY_ACTIVE": keyring.active,
        }
        yield env, order, tmp


def run(env: dict[str, str], *args: str) -> Result:
    get_settings.cache_clear()
    saved = keys._current
    try:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
        if saved is not None:
            keys.install(saved)


def test_add_export_and_verify_offline(site: tuple[dict[str, str], str, Path]) -> None:
    env, order, tmp = site
    photo = tmp / "door.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the forced door")
    added = run(
        env,
        "--as-user",
        "officer-sa01",
        "evidence",
        "add",
        str(photo),
        "--order",
        order,
        "--category",
        "scene_photo",
        "--note",
        "east door",
    )
    assert added.exit_code == 0, added.output
    code = added.stdout.strip()
    assert code.startswith(f"{order}-E")
    vkey = run(env, "evidence", "key").stdout.strip()
    assert vkey.startswith("jingwu.localhost/evidence+")
    bundle, thin = tmp / "bundle.zip", tmp / "thin.zip"
    exported = run(env, "evidence", "export", code, "-o", str(bundle))
    assert exported.exit_code == 0 and "log index" in exported.stdout
    assert run(env, "evidence", "export", code, "-o", str(thin), "--hash-only").exit_code == 0
    for path in (bundle, thin):
        verified = run(env, "evidence", "verify", str(path), "--key", vkey)
        assert verified.exit_code == 0 and verified.stdout.startswith("Holds:"), verified.output
    assert b"forced door" in bundle.read_bytes() and b"forced door" not in thin.read_bytes()
    stranger = run(env, "evidence", "key", "--new", "jingwu.localhost/evidence")
    assert stranger.stdout.startswith("PRIVATE+KEY+jingwu.localhost/evidence+")
    other_vkey = stranger.stderr.split("verifier key: ")[1].strip()
    assert run(env, "evidence", "verify", str(bundle), "--key", other_vkey).exit_code == 1


def test_bad_input_and_other_communities_get_one_sentence_and_exit_1(
    site: tuple[dict[str, str], str, Path],
) -> None:
    env, order, tmp = site
    photo = tmp / "same.jpg"
    photo.write_bytes(b"the same content")
    bad = run(env, "evidence", "add", str(photo), "--order", order, "--category", "selfie")
    assert bad.exit_code == 1 and "Unknown evidence category 'selfie'" in bad.stderr
    ok = run(env, "evidence", "add", str(photo), "--order", order, "--category", "audio")
    assert ok.exit_code == 0
    twice = run(env, "evidence", "add", str(photo), "--order", order, "--category", "audio")
    assert twice.exit_code == 1 and "already recorded" in twice.stderr
    code = ok.stdout.strip()
    hidden = run(
        env, "--as-user", "officer-sb01", "evidence", "export", code, "-o", str(tmp / "x.zip")
    )
    assert hidden.exit_code == 1 and f"No evidence item {code!r}" in hidden.stderr
    assert not (tmp / "x.zip").exists()


def test_scrub_is_clean_then_names_a_changed_file(site: tuple[dict[str, str], str, Path]) -> None:
    env, order, tmp = site
    photo = tmp / "scrub.jpg"
    photo.write_bytes(b"scrub me")
    assert (
        run(
            env, "evidence", "add", str(photo), "--order", order, "--category", "scene_photo"
        ).exit_code
        == 0
    )
    clean = run(env, "evidence", "scrub", "--all")
    assert clean.exit_code == 0 and clean.stdout.startswith("Checked")
    import hashlib

    sha = hashlib.sha256(b"scrub me").hexdigest()
    blob = Path(env["JINGWU_VAR_DIR"]) / "blobs" / sha[:2] / sha[2:4] / sha
    raw = bytearray(blob.read_bytes())
    raw[-1] ^= 1
    blob.write_bytes(bytes(raw))
    dirty = run(env, "evidence", "scrub", "--all")
    assert dirty.exit_code == 1 and f"(sha256 {sha}) is missing or does not match" in dirty.stderr
