"""The evidence API and the public log endpoints through the ASGI app."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.evidence import merkle, sequencer, tiles, tree
from jingwu.evidence.checkpoint import open_checkpoint
from jingwu.evidence.logkeys import load_log_keys
from jingwu.evidence.verify import verify_bundle
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.evidence.evidence_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def upload(
    client: TestClient, content: bytes, *, order: str, category: str = "scene_photo", note: str = ""
):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/evidence",
        data={"order": order, "category": category, "note": note},
        files={"file": ("door.jpg", io.BytesIO(content), "image/jpeg")},
        headers={"X-CSRF-Token": csrf(client), "Accept-Language": "en"},
    )


def sequence(runtime: Runtime) -> None:
    sequencer.sequence_once(runtime.db, load_log_keys(runtime.settings), clock=runtime.clock)


def signed_in(client: TestClient, world: World, clock: FrozenClock) -> TestClient:
    assert sign_in(client, world.officer_user, clock.now).status_code == 303
    return client


def test_an_upload_is_queued_then_sequenced_and_its_proof_verifies(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    signed_in(client, world, clock)
    r = upload(client, b"broken door, east side", order=world.order, note="east door\nlock forced")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["item"] == f"{world.order}-E01"
    # The log was free, so the upload got its index at once; a signed checkpoint follows.
    assert (body["status"], body["log_index"]) == ("sequenced", 0)
    assert body["sha256"] == hashlib.sha256(b"broken door, east side").hexdigest()
    listed = client.get("/api/v1/evidence", params={"order": world.order}).json()
    # Queued on PostgreSQL, already sequenced (awaiting its checkpoint) on SQLite.
    assert [(i["code"], i["status"]) for i in listed] in (
        [(body["item"], "queued")],
        [(body["item"], "sequenced")],
    )
    assert client.get(f"/api/v1/evidence/items/{body['item']}").status_code == 409
    sequence(runtime)
    listed = client.get("/api/v1/evidence", params={"order": world.order}).json()
    assert listed[0]["status"] == "verified" and listed[0]["log_index"] == 0
    assert listed[0]["note"] == "east door\nlock forced"
    proof = client.get(f"/api/v1/evidence/items/{body['item']}").json()
    leaf = bytes.fromhex(proof["leaf_hash"])
    merkle.verify_inclusion(
        leaf,
        proof["log_index"],
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(proof["root"]),
    )
    assert (
        proof["entry"]["sha256"] == body["sha256"] and proof["entry"]["category"] == "scene_photo"
    )


def test_the_bundle_downloads_and_verifies_offline_with_the_log_key(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    signed_in(client, world, clock)
    code = upload(client, b"interview, page 1", order=world.order).json()["item"]
    sequence(runtime)
    vkey = load_log_keys(runtime.settings).verifier_keys[0]
    for hash_only in (False, True):
        r = client.get(f"/api/v1/evidence/items/{code}/bundle", params={"hash_only": hash_only})
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        assert code in r.headers["content-disposition"]
        result = verify_bundle(io.BytesIO(r.content), [vkey])
        assert result.ok, result.sentence
        assert (b"interview, page 1" in r.content) is not hash_only


def test_unknown_category_oversized_note_and_duplicate_content_are_clear_errors(
    client: TestClient, world: World
) -> None:
    signed_in(client, world, FrozenClock())
    r = upload(client, b"x", order=world.order, category="selfie")
    assert (
        r.status_code == 422
        and "Unknown evidence category 'selfie'" in r.json()["error"]["message"]
    )
    r = upload(client, b"x", order=world.order, note="n" * 2001)
    assert r.status_code == 422 and r.json()["error"]["fields"] == {
        "note": "at most 2000 characters"
    }
    assert upload(client, b"same file", order=world.order).status_code == 201
    r = upload(client, b"same file", order=world.order, category="audio")
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_content"
    assert f"{world.order}-E01" in r.json()["error"]["message"]


def test_an_officer_cannot_see_or_add_to_another_communitys_evidence(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    other = world.record(
        runtime.blobs, b"their photo", now=clock.now, order=world.other_order, who=world.other
    )
    sequence(runtime)
    signed_in(client, world, clock)
    assert client.get("/api/v1/evidence", params={"order": world.other_order}).status_code == 404
    assert client.get(f"/api/v1/evidence/items/{other.code}").status_code == 404
    assert client.get(f"/api/v1/evidence/items/{other.code}/bundle").status_code == 404
    assert upload(client, b"mine", order=world.other_order).status_code == 404
    assert client.get(f"/evidence/orders/{world.other_order}").status_code == 404
    assert other.code not in client.get(f"/evidence/orders/{world.order}").text


def test_the_api_needs_a_login_but_the_checkpoint_and_tiles_do_not(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    assert client.get("/evidence/checkpoint").status_code == 404  # nothing signed yet
    for i in range(3):
        world.record(runtime.blobs, f"photo {i}".encode(), now=clock.now)
    sequence(runtime)
    assert client.get("/api/v1/evidence", params={"order": world.order}).status_code == 401
    r = client.get("/evidence/checkpoint")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    keys = load_log_keys(runtime.settings)
    head, _ = open_checkpoint(r.text, keys.origin, keys.verifiers)
    assert head.size == 3

    def get_tile(t: tiles.Tile) -> bytes:
        got = client.get(f"/evidence/{t.path()}")
        assert got.status_code == 200 and "immutable" in got.headers["cache-control"]
        return got.content

    assert tree.root(3, tiles.tile_node_getter(3, get_tile)) == head.root


def test_tiles_beyond_the_checkpoint_entry_bundles_and_bad_paths_are_not_found(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    world.record(runtime.blobs, b"one", now=clock.now)
    sequence(runtime)
    assert client.get("/evidence/tile/0/000.p/1").status_code == 200
    assert client.get("/evidence/tile/0/000.p/2").status_code == 404
    assert client.get("/evidence/tile/0/000").status_code == 404
    assert client.get("/evidence/tile/entries/000.p/1").status_code == 404
    assert client.get("/evidence/tile/0/0001").status_code == 404


def test_consistency_proofs_link_two_sizes(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    signed_in(client, world, clock)
    for i in range(3):
        world.record(runtime.blobs, f"first {i}".encode(), now=clock.now)
    sequence(runtime)
    for i in range(4):
        world.record(runtime.blobs, f"second {i}".encode(), now=clock.now)
    sequence(runtime)
    body = client.get("/api/v1/evidence/consistency", params={"old": 3}).json()
    assert (body["old_size"], body["new_size"]) == (3, 7)
    merkle.verify_consistency(
        3,
        7,
        bytes.fromhex(body["old_root"]),
        bytes.fromhex(body["new_root"]),
        [bytes.fromhex(h) for h in body["proof"]],
    )
    r = client.get("/api/v1/evidence/consistency", params={"old": 8})
    assert r.status_code == 422


def test_the_internet_zone_serves_the_public_log_only(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    from jingwu.web.app import create_app

    world.record(runtime.blobs, b"public hashes", now=clock.now)
    sequence(runtime)
    runtime.settings = runtime.settings.model_copy(update={"zone": "internet"})
    with TestClient(create_app(runtime)) as internet:
        assert internet.get("/evidence/checkpoint").status_code == 200
        leaf = internet.get("/evidence/tile/0/000.p/1").content
        assert len(leaf) == 32 and base64.b64encode(leaf)
        assert internet.get("/api/v1/evidence", params={"order": world.order}).status_code == 404
        assert internet.get("/evidence/log").status_code == 404
