"""Open311 served through the internet zone's own PostgreSQL role (exactly
``INTERNET_GRANTS``): services, a keyed post, its token and the published list all work
with the grants Open311 declared, and nothing else (JINGWU_TEST_DB=postgresql)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from jingwu.accounts.scope import SYSTEM
from jingwu.db import Database
from jingwu.open311 import service
from jingwu.portal import intake
from jingwu.portal.pgrole import grant_role
from jingwu.runtime import utcnow
from jingwu.security import keys
from jingwu.web.app import create_app
from tests.conftest import DB_KIND
from tests.web.live import Live, live_world, make_runtime

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="database roles need PostgreSQL")


@pytest.fixture
def zone(tmp_path: Path, keyring: keys.Keyring) -> Iterator[tuple[TestClient, Live, str]]:
    with live_world(tmp_path, keyring, "open311_role") as world:
        name = f"jingwu_o311_{uuid.uuid4().hex[:8]}"
        with world.db.engine.begin() as conn:
            missing = grant_role(conn, name, password="zone-pw")
        assert not {"open311_keys", "open311_key_uses", "categories"} & set(missing)
        url = make_url(world.db.engine.url).set(username=name, password="zone-pw")
        db = Database.from_url(url.render_as_string(False))
        runtime = make_runtime(db, keyring, tmp_path, zone="internet")
        try:
            with TestClient(create_app(runtime)) as client:
                yield client, world, name
        finally:
            db.engine.dispose()
            with world.db.engine.begin() as admin:
                admin.exec_driver_sql(f'DROP OWNED BY "{name}"')
                admin.exec_driver_sql(f'DROP ROLE "{name}"')


FORM = {"service_code": "noise", "lat": "30.2051", "long": "120.1152",
        "description": "楼上深夜装修噪音", "phone": "13812345678"}  # fmt: skip


def _issue(world: Live) -> str:
    with world.db.unit_of_work() as session:
        return service.issue_key(session, SYSTEM, unit="D000", name="App", now=utcnow()).secret


def test_open311_reads_and_counts_keys_within_the_internet_role(
    zone: tuple[TestClient, Live, str],
) -> None:
    client, world, name = zone
    secret = _issue(world)
    assert client.get("/open311/v2/services.json").status_code == 200
    assert client.get("/open311/v2/services/fight.xml").status_code == 200
    assert client.get("/open311/v2/requests.xml").status_code == 200
    assert client.get("/open311/v2/tokens/none.json").status_code == 404
    bad = client.post("/open311/v2/requests.json", data={**FORM, "api_key": "o311_nope"})
    assert bad.status_code == 403
    role_db = client.app.state.db  # type: ignore[attr-defined]
    with role_db.unit_of_work() as session:  # the key check reads the key, counts a use
        assert service.check_key(session, api_key=secret, now=utcnow()).name == "App"
    url = make_url(world.db.engine.url).set(
        drivername="postgresql", username=name, password="zone-pw"
    )
    with psycopg.connect(url.render_as_string(False), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM open311_key_uses").fetchone() == (1,)
        for statement in (
            "UPDATE open311_keys SET revoked_at = NULL",
            "INSERT INTO open311_keys (id) VALUES (99)",
            "DELETE FROM open311_key_uses",
            "UPDATE categories SET active = false",
            "SELECT * FROM work_orders LIMIT 1",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_a_keyed_post_within_the_internet_role(zone: tuple[TestClient, Live, str]) -> None:
    client, world, _ = zone
    posted = client.post("/open311/v2/requests.json", data={**FORM, "api_key": _issue(world)})
    assert posted.status_code == 201, posted.text
    token = posted.json()[0]["token"]
    assert client.get(f"/open311/v2/tokens/{token}.json").status_code == 200
    with world.db.unit_of_work() as session:  # the intranet's intake, as the owner
        assert intake.intake_pending(session, blobs=world.runtime.blobs, now=utcnow()).done == 1
    listed = client.get("/open311/v2/requests.xml")
    assert listed.status_code == 200 and b"<service_request_id>" in listed.content
