"""A process of the internet zone as it is started in production: its own keyring holds no
data key, it does not check the key canaries, and under its PostgreSQL role (exactly
``INTERNET_GRANTS``) the public pages answer while no intranet page is mounted."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from jingwu.config import ConfigError, Settings
from jingwu.portal.pgrole import grant_role
from jingwu.runtime import start
from jingwu.security import keys
from jingwu.web.app import create_app
from tests.conftest import DB_KIND
from tests.web.live import live_world

SECRET = base64.b64encode(b"z" * 32).decode()


def test_the_internet_zone_holds_no_data_key(tmp_path: Path, keyring: keys.Keyring) -> None:
    settings = Settings(
        zone="internet", environment="production", secret_key=SECRET, var_dir=tmp_path
    )
    ring = keys.load_keyring(settings)
    assert ring.secret_key == b"z" * 32
    assert not set(ring.data_keys) & set(keyring.data_keys)
    assert ring.blind_index_key != keyring.blind_index_key
    assert keys.load_keyring(settings).data_keys != ring.data_keys  # throwaway, never stored
    assert not list(tmp_path.iterdir())  # no key file written


def test_the_internet_zone_in_production_needs_its_secret_key(tmp_path: Path) -> None:
    settings = Settings(zone="internet", environment="production", var_dir=tmp_path)
    with pytest.raises(ConfigError, match="JINGWU_SECRET_KEY"):
        keys.load_keyring(settings)


@pytest.fixture
def internet_client(tmp_path: Path, keyring: keys.Keyring) -> Iterator[TestClient]:
    with live_world(tmp_path, keyring, "internet_process") as world:
        name = f"jingwu_web_{uuid.uuid4().hex[:8]}"
        with world.db.engine.begin() as conn:
            grant_role(conn, name, password="zone-pw")
        url = make_url(world.db.engine.url).set(username=name, password="zone-pw")
        settings = Settings(
            zone="internet",
            database_url=url.render_as_string(False),
            secret_key=SECRET,
            var_dir=tmp_path / "var",
            demo=False,
        )
        runtime = start(settings)
        try:
            with TestClient(create_app(runtime)) as client:
                yield client
        finally:
            keys.install(keyring)  # start() installed the zone's keyring process-wide
            runtime.db.engine.dispose()
            with world.db.engine.begin() as admin:
                admin.exec_driver_sql(f'DROP OWNED BY "{name}"')
                admin.exec_driver_sql(f'DROP ROLE "{name}"')


@pytest.mark.skipif(DB_KIND != "postgresql", reason="database roles need PostgreSQL")
def test_the_public_pages_answer_under_the_internet_role(internet_client: TestClient) -> None:
    for path in ("/portal", "/portal/submit", "/portal/track", "/sunshine", "/legal"):
        page = internet_client.get(path)
        assert page.status_code == 200, (path, page.text[:300])
    assert internet_client.get("/portal/track/no-such-token").status_code == 404
    for intranet in ("/work-orders", "/login", "/api/v1/work-orders", "/api/docs"):
        assert internet_client.get(intranet).status_code == 404, intranet
