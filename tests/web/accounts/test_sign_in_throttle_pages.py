"""The sign-in page's throttle: 429 with Retry-After, and who the client is behind proxies."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.models import LoginFailure
from jingwu.config import Settings
from jingwu.security import totp
from tests.conftest import FrozenClock
from tests.factories import accounts as fa
from tests.factories.accounts import csrf, make_user
from tests.factories.org import make_tree


def post_login(
    client: TestClient, tu: fa.TestUser, *, password: str, code: str = "", via: str = ""
):  # type: ignore[no-untyped-def]
    headers = {"X-Forwarded-For": via} if via else {}
    return client.post(
        "/login",
        data={
            "username": tu.username,
            "password": password,
            "code": code,
            "csrf_token": csrf(client),
        },
        headers=headers,
        follow_redirects=False,
    )


def test_five_wrong_passwords_through_a_proxy_do_not_lock_out_the_owner_elsewhere(
    app: FastAPI, session: Session, clock: FrozenClock, settings: Settings
) -> None:
    settings.trusted_proxies = ["10.0.0.0/24"]
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "street", username="demo-street")
    with TestClient(app, client=("10.0.0.2", 40000)) as proxy:
        for _ in range(5):
            assert post_login(proxy, tu, password="wrong!", via="198.51.100.66").status_code == 401
        refused = post_login(proxy, tu, password="wrong!", via="198.51.100.66")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "秒后再试" in refused.text
        code = totp.code_at(tu.secret, clock.now.timestamp())
        owner = post_login(proxy, tu, password=tu.password, code=code, via="10.20.30.40")
        assert owner.status_code == 303 and owner.headers["location"] == "/"
    stored = set(session.scalars(select(LoginFailure.ip)))
    assert stored == {"198.51.100.66"}


def test_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(
    app: FastAPI, session: Session
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    with TestClient(app, client=("203.0.113.9", 40000)) as attacker:
        for i in range(5):
            r = post_login(attacker, tu, password="wrong!", via=f"192.0.2.{i}")
            assert r.status_code == 401
        r = post_login(attacker, tu, password="wrong!", via="192.0.2.200")
        assert r.status_code == 429 and "retry-after" in r.headers
    assert set(session.scalars(select(LoginFailure.ip))) == {"203.0.113.9"}


def test_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(
    app: FastAPI, session: Session, settings: Settings
) -> None:
    settings.trusted_proxies = ["10.0.0.0/24"]
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    with TestClient(app, client=("203.0.113.9", 40000)) as attacker:
        post_login(attacker, tu, password="wrong!", via="10.0.0.7")
    assert set(session.scalars(select(LoginFailure.ip))) == {"203.0.113.9"}


def test_the_login_page_labels_the_code_field_in_chinese(client: TestClient) -> None:
    page = client.get("/login").text
    assert "动态口令" in page and "设备密钥" in page
