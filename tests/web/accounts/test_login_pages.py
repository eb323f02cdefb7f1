from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.config import Settings
from jingwu.security import totp
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, make_user, sign_in
from tests.factories.org import make_tree


def test_signing_in_with_password_and_code_opens_the_dashboard(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    r = sign_in(client, tu, clock.now)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "jingwu_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/")
    assert page.status_code == 200 and tu.username in page.text


def test_a_wrong_code_shows_the_generic_message_and_no_session(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    good = totp.code_at(tu.secret, clock.now.timestamp())
    r = sign_in(client, tu, clock.now, code="000000" if good != "000000" else "111111")
    assert r.status_code == 401
    assert "登录失败" in r.text
    assert "jingwu_session" not in client.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_redirect_anonymous_visitors_to_sign_in(client: TestClient) -> None:
    r = client.get("/org", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/org"


def test_a_form_post_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    csrf(client)
    r = client.post(
        "/login",
        data={
            "username": tu.username,
            "password": tu.password,
            "code": totp.code_at(tu.secret, clock.now.timestamp()),
        },
    )
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/login", data={"username": tu.username, "csrf_token": "forged.token"})
    assert r.status_code == 403


def test_every_form_route_demands_the_csrf_token(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    csrf(client)
    from jingwu.web.app import all_routes

    posts = [p for p, methods in all_routes(app) if "POST" in methods and not p.startswith("/api/")]
    assert "/login" in posts and "/logout" in posts
    for path in posts:
        url = path.replace("{username}", "someone").replace("{unit_id}", "1")
        for key in ("{code}", "{action}", "{id}", "{item}", "{order_code}", "{device}"):
            url = url.replace(key, "x")
        # Open311 posts carry no cookie and no CSRF token: the api_key is refused instead (403)
        url = url.replace("{fmt}", "json")
        assert client.post(url, data={"x": "1"}).status_code == 403, path


def test_a_user_without_a_second_factor_must_enrol_first(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer", enrolled=False)
    r = sign_in(client, tu, clock.now, code="")
    assert r.status_code == 303 and r.headers["location"] == "/account/enrol"
    assert (
        client.get("/org", follow_redirects=False).headers["location"].startswith("/account/enrol")
    )
    page = client.get("/account/enrol")
    assert "<svg" in page.text
    secret = tu.user.totp_secret
    assert secret is not None and secret in page.text
    done = client.post(
        "/account/enrol",
        data={"code": totp.code_at(secret, clock.now.timestamp()), "csrf_token": csrf(client)},
    )
    assert done.status_code == 200 and done.text.count("<code>") == 10
    assert client.get("/org").status_code == 200


def test_demo_mode_shows_each_demo_accounts_code_until_it_is_used(
    client: TestClient, session: Session, clock: FrozenClock, settings: Settings
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer", username="demo-officer")
    settings.demo = True
    code = totp.code_at(tu.secret, clock.now.timestamp())
    assert f'data-code="{code}"' in client.get("/login").text
    assert sign_in(client, tu, clock.now).status_code == 303
    fragment = client.get("/login/demo-codes").text
    assert code not in fragment and "demo-officer" in fragment
    clock.advance(seconds=30)
    assert totp.code_at(tu.secret, clock.now.timestamp()) in client.get("/login/demo-codes").text


def test_signing_out_ends_the_session(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    tu = make_user(session, t["SA01"], "officer")
    sign_in(client, tu, clock.now)
    token = client.cookies.get("jingwu_session")
    client.post("/logout", data={"csrf_token": csrf(client)})
    client.cookies.set("jingwu_session", token or "")
    assert client.get("/", follow_redirects=False).status_code == 303
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "auth.sign_in"))
