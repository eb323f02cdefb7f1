"""The directors' key API: issue (the key shown once), list (never the key), revoke; a
chief is refused; the internet zone does not mount it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.reference import service as reference
from jingwu.runtime import Runtime
from jingwu.web.app import create_app
from tests.conftest import FrozenClock
from tests.integration.workorders.wo_factory import NOW, make_world

BASE = "/api/v1/open311/keys"


class Client:
    def __init__(self, client: TestClient, session: Session) -> None:
        self.client = client
        self.tokens = {
            who: accounts.create_token(session, SYSTEM, username=who, name="t", now=NOW)
            for who in ("director", "chief")
        }

    def __call__(self, who: str, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": "en"}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture
def c(client: TestClient, session: Session, clock: FrozenClock) -> Client:
    clock.now = NOW
    make_world(session)
    return Client(client, session)


def test_a_director_issues_lists_and_revokes(c: Client) -> None:
    r = c("director", "POST", BASE, json={"unit": "D000", "name": "App", "per_hour": 30})
    assert r.status_code == 201, r.text
    issued = r.json()
    assert issued["key"].startswith("o311_") and issued["per_hour"] == 30
    listed = c("director", "GET", BASE)
    assert listed.status_code == 200
    assert [k["name"] for k in listed.json()] == ["App"]
    assert issued["key"] not in listed.text
    post = c.client.post(
        "/open311/v2/requests.json",
        data={"api_key": issued["key"], "service_code": "noise", "lat": "30.2", "long": "120.1",
              "description": "噪音扰民"},
    )  # fmt: skip
    assert post.status_code == 201, post.text
    revoked = c("director", "POST", f"{BASE}/{issued['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    again = c.client.post(
        "/open311/v2/requests.json",
        data={"api_key": issued["key"], "service_code": "noise", "lat": "30.2", "long": "120.1"},
    )
    assert again.status_code == 403


def test_a_chief_may_not_and_bad_input_is_refused(c: Client) -> None:
    assert c("chief", "GET", BASE).status_code == 403
    assert c("chief", "POST", BASE, json={"unit": "D000", "name": "App"}).status_code == 403
    assert c("director", "POST", BASE, json={"unit": "SA00", "name": "App"}).status_code == 404
    assert c("director", "POST", BASE, json={"unit": "D000", "name": ""}).status_code == 422
    assert c("director", "POST", f"{BASE}/999999/revoke").status_code == 404


def test_the_internet_zone_does_not_mount_the_key_api(runtime: Runtime, session: Session) -> None:
    reference.seed_defaults(session)
    runtime.settings.zone = "internet"
    with TestClient(create_app(runtime)) as client:
        assert client.get(BASE).status_code == 404
        assert client.get("/open311/v2/services.json").status_code == 200
