"""Device keys through the pages: enrol, sign in, and a role that requires a key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import devicekeys
from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from tests.conftest import FrozenClock
from tests.factories import accounts as fa
from tests.factories.accounts import csrf, make_user, sign_in
from tests.factories.authenticator import SoftAuthenticator
from tests.factories.org import make_tree


def soft() -> SoftAuthenticator:
    return SoftAuthenticator(rp_id="testserver", origin="http://testserver")


def enrol_through_pages(client: TestClient, key: SoftAuthenticator) -> None:
    token = csrf(client)
    options = client.post("/account/device-keys/options", headers={"X-CSRF-Token": token})
    assert options.status_code == 200 and options.json()["rp"]["id"] == "testserver"
    done = client.post(
        "/account/device-keys",
        data={"credential": key.create(options.text), "name": "工作手机", "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303


def sign_in_with_key(client: TestClient, tu: fa.TestUser, key: SoftAuthenticator):  # type: ignore[no-untyped-def]
    token = csrf(client)
    options = client.post(
        "/login/device-key", data={"username": tu.username}, headers={"X-CSRF-Token": token}
    )
    assert options.status_code == 200
    return client.post(
        "/login",
        data={
            "username": tu.username,
            "password": tu.password,
            "device_key": key.get(options.text),
            "csrf_token": token,
        },
        follow_redirects=False,
    )


def test_a_user_enrols_a_key_and_signs_in_with_it(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    tu = make_user(session, make_tree(session)["SA01"], "officer")
    sign_in(client, tu, clock.now)
    key = soft()
    enrol_through_pages(client, key)
    page = client.get("/account/device-keys")
    assert "工作手机" in page.text and "设备密钥已添加" not in page.text
    client.post("/logout", data={"csrf_token": csrf(client)})
    r = sign_in_with_key(client, tu, key)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert client.get("/org").status_code == 200


def test_a_wrong_key_answer_shows_the_generic_failure(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    tu = make_user(session, make_tree(session)["SA01"], "officer")
    r = sign_in_with_key(client, tu, soft())  # a key the server has never seen
    assert r.status_code == 401 and "登录失败" in r.text


def test_a_role_that_requires_a_key_enrols_one_before_anything_else(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    tu = make_user(session, make_tree(session)["SA01"], "officer")
    devicekeys.set_required_roles(session, SYSTEM, roles={"officer"})
    r = sign_in(client, tu, clock.now)
    assert r.status_code == 303 and r.headers["location"] == "/account/device-keys"
    blocked = client.get("/org", follow_redirects=True)
    assert blocked.url.path == "/account/device-keys" and "必须使用设备密钥" in blocked.text
    enrol_through_pages(client, soft())
    assert client.get("/org").status_code == 200


def test_the_administrator_sets_the_roles_that_require_a_key(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    admin = make_user(session, make_tree(session)["D000"], "admin")
    sign_in(client, admin, clock.now)
    r = client.post(
        "/admin/roles/device-keys",
        data={"roles": ["chief", "director"], "csrf_token": csrf(client)},
    )
    assert r.status_code == 200 and "设备密钥要求已保存" in r.text
    assert devicekeys.required_roles(session) == {"chief", "director"}


def test_the_configured_origin_names_the_relying_party(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.webauthn_origin = "https://jingwu.example"
    options = client.post(
        "/login/device-key", data={"username": "x"}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert options.json()["rpId"] == "jingwu.example"
