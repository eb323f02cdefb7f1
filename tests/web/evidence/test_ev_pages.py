"""Evidence pages: an order's panel, the form upload, the log page; witnesses via HTTP."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.evidence import keys, sequencer, witnesses
from jingwu.evidence.logkeys import load_log_keys
from jingwu.evidence.models import Cosignature
from jingwu.evidence.witness import Witness, WitnessError, witness_once
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.evidence.evidence_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def sequence(runtime: Runtime) -> None:
    sequencer.sequence_once(runtime.db, load_log_keys(runtime.settings), clock=runtime.clock)


def test_the_panel_shows_index_time_status_and_bundle_links_in_both_languages(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    item = world.record(runtime.blobs, b"scene", now=clock.now, note="north gate")
    queued_item = None
    sequence(runtime)
    queued_item = world.record(runtime.blobs, b"later", now=clock.now, category="audio")
    assert sign_in(client, world.officer_user, clock.now).status_code == 303
    zh = client.get(f"/evidence/orders/{world.order}")
    assert zh.status_code == 200
    assert "现场照片" in zh.text and "已验证" in zh.text
    assert "排队中" in zh.text or "等待检查点" in zh.text
    assert f"/api/v1/evidence/items/{item.code}/bundle" in zh.text
    assert "north gate" in zh.text and "2026-11-29 10:00:00" in zh.text  # Shanghai time
    assert 'hx-trigger="every 2s"' in zh.text  # it refreshes while an item waits
    client.get("/lang/en")
    en = client.get(f"/evidence/orders/{world.order}", headers={"HX-Request": "true"})
    assert "scene photo" in en.text and "Verified" in en.text
    assert "Queued" in en.text or "Awaiting checkpoint" in en.text
    assert "<html" not in en.text  # htmx gets the fragment only
    assert queued_item.code in en.text


def test_the_form_upload_without_javascript_records_and_redirects(
    client: TestClient, world: World
) -> None:
    assert sign_in(client, world.officer_user, FrozenClock().now).status_code == 303
    token = csrf(client)
    r = client.post(
        f"/evidence/orders/{world.order}?csrf_token={token}",
        data={"category": "documentary_evidence", "note": "receipt"},
        files={"file": ("receipt.pdf", io.BytesIO(b"%PDF-1.4 receipt"), "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/evidence/orders/{world.order}"
    page = client.get(r.headers["location"]).text
    assert "receipt.pdf" in page and f"{world.order}-E01" in page


def test_the_log_page_shows_checkpoint_witnesses_and_checks_consistency(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    for i in range(3):
        world.record(runtime.blobs, f"a{i}".encode(), now=clock.now)
    sequence(runtime)
    for i in range(2):
        world.record(runtime.blobs, f"b{i}".encode(), now=clock.now)
    sequence(runtime)
    cosigner = keys.Cosigner("court.example/w", hashlib.sha256(b"court").digest())
    witnesses.add_witness(
        world.session, SYSTEM, vkey=cosigner.verifier_key(), label="区法院", now=clock.now
    )
    assert sign_in(client, world.inspector_user, clock.now).status_code == 303
    page = client.get("/evidence/log", params={"lang": "en"}).text
    assert 'id="log-size">5<' in page and "court.example/w" in page and "区法院" in page
    assert load_log_keys(runtime.settings).verifier_keys[0] in page
    ok = client.get("/evidence/log", params={"old": 3, "lang": "en"}).text
    assert "Consistent" in ok and "size 3 is a prefix of the latest of size 5" in ok
    missing = client.get("/evidence/log", params={"old": 4, "lang": "en"}).text
    assert "Not consistent" in missing and "signed no checkpoint of size 4" in missing


class AppLog:
    """The witness's view of the log, through the ASGI test client (cookies included)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def checkpoint(self) -> str:
        r = self.client.get("/evidence/checkpoint")
        if r.status_code != 200:
            raise WitnessError(r.text)
        return r.text

    def tile(self, path: str) -> bytes:
        return self.client.get(f"/evidence/{path}").content

    def submit(self, note: str) -> None:
        token = self.client.cookies.get("jingwu_csrf") or ""
        r = self.client.post(
            "/evidence/cosignature",
            content=note.encode(),
            headers={"X-CSRF-Token": token, "Accept-Language": "en"},  # a program, in English
        )
        if r.status_code != 200:
            raise WitnessError(r.text)


def test_a_registered_witness_cosigns_over_http_and_the_log_publishes_it(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock, tmp_path: Path
) -> None:
    log_keys = load_log_keys(runtime.settings)
    cosigner = keys.Cosigner("procuratorate.example/w", hashlib.sha256(b"p").digest())
    me = Witness(log_keys.origin, tuple(log_keys.verifiers), cosigner, tmp_path / "w")
    for i in range(2):
        world.record(runtime.blobs, f"c{i}".encode(), now=clock.now)
    sequence(runtime)
    with pytest.raises(WitnessError, match="No registered witness"):
        witness_once(me, AppLog(client), timestamp=1_800_000_000)
    witnesses.add_witness(world.session, SYSTEM, vkey=cosigner.verifier_key(), now=clock.now)
    me.state_dir.joinpath("checkpoint").unlink()
    assert witness_once(me, AppLog(client), timestamp=1_800_000_000).status == "cosigned"
    world.record(runtime.blobs, b"c2", now=clock.now)
    sequence(runtime)
    assert witness_once(me, AppLog(client), timestamp=1_800_000_010).status == "cosigned"
    published = client.get("/evidence/checkpoint").text
    assert "— procuratorate.example/w " in published
    stored = world.session.scalars(select(Cosignature.timestamp)).all()
    assert sorted(stored) == [1_800_000_000, 1_800_000_010]
    assert witness_once(me, AppLog(client), timestamp=1_800_000_020).status == "unchanged"


def test_the_log_refuses_cosignatures_that_do_not_verify_or_of_unknown_checkpoints(
    client: TestClient, world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    world.record(runtime.blobs, b"d", now=clock.now)
    sequence(runtime)
    cosigner = keys.Cosigner("court.example/w", hashlib.sha256(b"court").digest())
    witnesses.add_witness(world.session, SYSTEM, vkey=cosigner.verifier_key(), now=clock.now)
    note = client.get("/evidence/checkpoint").text
    text = note.split("\n\n")[0] + "\n"
    from jingwu.evidence import cosignature

    good = cosignature.cosign(text, cosigner, 5).line()
    bad = cosignature.cosign("elsewhere\n1\n" + text.split("\n")[2] + "\n", cosigner, 5).line()
    headers = {"X-CSRF-Token": client.cookies.get("jingwu_csrf") or ""}
    r = client.post("/evidence/cosignature", content=(note + bad).encode(), headers=headers)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "bad_cosignature"
    forged = note.replace(text.split("\n")[1] + "\n", "99\n", 1)
    r = client.post("/evidence/cosignature", content=(forged + good).encode(), headers=headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_checkpoint"
    r = client.post("/evidence/cosignature", content=(note + good).encode(), headers=headers)
    assert r.status_code == 200 and r.json()["stored"] == ["court.example/w"]
