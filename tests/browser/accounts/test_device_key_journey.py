"""A user enrols a device key and signs in with it, in Chromium with a virtual authenticator
(the DevTools protocol's WebAuthn domain stands in for a security key or a phone)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.accounts import service
from jingwu.accounts.models import User
from jingwu.accounts.scope import SYSTEM
from jingwu.org.models import Unit
from jingwu.security import totp
from tests.browser.conftest import LiveServer

USERNAME = "key-officer"
PASSWORD = "jingwu-demo"


def _make_user(server: LiveServer) -> None:
    with server.runtime.db.unit_of_work() as session:
        if session.scalar(select(User.id).where(User.username == USERNAME)):
            return
        unit = session.scalar(select(Unit).where(Unit.short_code == "BS01"))
        assert unit is not None
        service.create_user(
            session,
            SYSTEM,
            username=USERNAME,
            display_name="持钥民警",
            unit_id=unit.id,
            role="officer",
            password=PASSWORD,
            now=dt.datetime.now(dt.UTC),
            totp_secret=totp.new_secret(),
        )


def _virtual_authenticator(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_enrol_a_device_key_and_sign_in_with_it(page: Page, live_server: LiveServer) -> None:
    _make_user(live_server)
    # WebAuthn binds keys to a host name (never an IP address): use localhost.
    base = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{base}/login")
    _virtual_authenticator(page)
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.fill("#code", live_server.code_for(USERNAME))
    page.click("#sign-in")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/account/device-keys")
    page.fill("#device-key-name", "虚拟密钥")
    page.click("#add-device-key")
    expect(page.locator("#device-key-added")).to_be_visible()
    expect(page.locator("#device-key-list")).to_contain_text("虚拟密钥")
    page.set_viewport_size({"width": 390, "height": 844})  # a police phone
    for path in ("/account/device-keys", "/account", "/login"):
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path

    page.context.clear_cookies()  # a new day: signed out
    page.goto(f"{base}/login")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-device-key")
    page.wait_for_url(f"{base}/")
    expect(page.locator("h1")).to_have_text("工作台")
    with live_server.runtime.db.unit_of_work(write=False) as session:
        user = session.scalar(select(User).where(User.username == USERNAME))
        assert user is not None and user.last_login_at is not None


def test_a_device_key_the_server_does_not_know_signs_nobody_in(
    page: Page, live_server: LiveServer
) -> None:
    _make_user(live_server)
    base = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(f"{base}/login")
    _virtual_authenticator(page)  # a fresh authenticator: none of its keys is registered
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-device-key")
    expect(page.locator("#device-key-status")).to_be_visible()
    expect(page).to_have_url(f"{base}/login")
