"""Programs signed in with a bearer token get no CSRF cookie and are never refused for one."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from tests.integration.workorders.wo_factory import NOW, make_world
from tests.web.workorders.test_wo_api import BODY


def _token(session: Session) -> str:
    world = make_world(session)
    username = world.users["officer"].username
    return accounts.create_token(session, SYSTEM, username=username, name="t", now=NOW)


def test_a_bearer_call_sets_no_csrf_cookie(client: TestClient, session: Session) -> None:
    headers = {"Authorization": f"Bearer {_token(session)}"}
    r = client.get("/api/v1/notifications", headers=headers)
    assert r.status_code == 200
    assert "set-cookie" not in r.headers


def test_a_client_keeping_cookies_is_never_refused_a_bearer_write(
    client: TestClient, session: Session
) -> None:
    headers = {"Authorization": f"Bearer {_token(session)}"}
    client.get("/login")  # the client also holds a (browser) CSRF cookie it never echoes
    assert client.cookies.get("jingwu_csrf")
    for _ in range(5):
        r = client.post("/api/v1/work-orders", json=BODY, headers=headers)
        assert r.status_code == 201, r.text
        assert "set-cookie" not in r.headers


def test_a_cookie_write_without_the_token_is_still_refused(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/api/v1/work-orders", json=BODY)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
