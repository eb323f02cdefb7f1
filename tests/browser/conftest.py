"""Browser journeys: the real app on a seeded SQLite database, driven in Debian's chromium.

One server is shared by all browser tests (they run on one xdist worker:
``xdist_group("browser")``); one browser per test module, and each test gets a fresh context
(no cookies). The browser is module-scoped because Playwright's sync API keeps an asyncio
loop running in the main thread while it is open, which would break later tests of the same
worker that call ``asyncio.run``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select

from jingwu.accounts.models import User
from jingwu.config import Settings
from jingwu.demodata import seed_if_empty
from jingwu.runtime import Runtime, start
from jingwu.security import keys, totp
from jingwu.web.app import create_app
from tests.conftest import upgrade

CHROMIUM = os.environ.get("JINGWU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@dataclass
class LiveServer:
    url: str
    runtime: Runtime
    sessions: dict[str, list[Any]] = field(default_factory=dict)

    def code_for(self, username: str) -> str:
        """A one-time code the server will accept now for a demo account.

        The server accepts the previous, current and next step (clock drift) but never a
        step at or before the last one used; when this step's code is spent we present the
        next step's, as an authenticator whose clock runs a little fast would.
        """
        while True:
            with self.runtime.db.unit_of_work(write=False) as session:
                user = session.scalar(select(User).where(User.username == username))
                assert user is not None and user.totp_secret
                now = time.time()
                step = totp.step_at(now)
                last = user.totp_last_step
                if last is None or last < step:
                    return totp.code_at(user.totp_secret, now)
                if last == step:
                    return totp.code_at(user.totp_secret, now + totp.STEP_SECONDS)
            time.sleep(totp.seconds_left(time.time()) + 0.2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, keyring: keys.Keyring
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{tmp / 'live.db'}"
    upgrade(url)
    # The process has one installed keyring: the server shares the tests' one.
    runtime = start(Settings(database_url=url, var_dir=tmp / "var", demo=True), keyring=keyring)
    seed_if_empty(runtime)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 120
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "the live server did not start"
    yield LiveServer(f"http://127.0.0.1:{port}", runtime)
    server.should_exit = True
    thread.join(timeout=60)
    runtime.db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(60_000)  # generous: waits end as soon as the page is ready
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(
    page: Page,
    server: LiveServer,
    username: str,
    password: str = "jingwu-demo",
    *,
    fresh: bool = False,
) -> None:
    """Sign in through the form with password and the current one-time code.

    A one-time code works once per 30-second step, so after the first real sign-in of a
    user the session cookies are reused by later tests (unless ``fresh``), instead of
    waiting for the next code.
    """
    saved = server.sessions.get(username)
    if saved and not fresh:
        page.context.add_cookies(saved)
        page.goto(f"{server.url}/")
        if page.url == f"{server.url}/":
            return
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#code", server.code_for(username))
    page.click("#sign-in")
    page.wait_for_url(f"{server.url}/")
    server.sessions[username] = [
        c for c in page.context.cookies() if c.get("name") == "jingwu_session"
    ]
