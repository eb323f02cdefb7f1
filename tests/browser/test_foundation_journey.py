"""A newcomer signs in with password and code, opens a station page, switches language."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.org.models import Unit
from tests.browser.conftest import LiveServer, sign_in


def _unit_id(live_server: LiveServer, code: str) -> int:
    with live_server.runtime.db.unit_of_work(write=False) as session:
        found = session.scalar(select(Unit.id).where(Unit.short_code == code))
    assert found is not None, code
    return int(found)


def test_sign_in_open_a_station_and_switch_to_english(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    expect(page.locator("#demo-panel")).to_contain_text("demo-officer")
    sign_in(page, live_server, "demo-officer", fresh=True)
    expect(page.locator("h1")).to_have_text("工作台")
    page.click("text=组织架构")
    page.click("#org-tree a:has-text('BS01')")
    expect(page.locator("#unit-name")).to_contain_text("保俶社区警务室")
    expect(page.locator("#zones")).to_contain_text("接待服务区")
    expect(page.locator("#unit-map[data-ready='1'] path.leaflet-interactive")).to_have_count(2)
    page.click("#lang-en")
    expect(page.locator("#zones")).to_contain_text("Reception")
    expect(page.locator("#unit-name")).to_contain_text("Baochu Community Police Station")
    expect(page).to_have_url(re.compile(r"/org/units/\d+$"))


def test_a_wrong_code_is_refused_with_the_generic_message(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/login")
    page.fill("#username", "demo-chief")
    page.fill("#password", "jingwu-demo")
    page.fill("#code", "000000")
    page.click("#sign-in")
    expect(page.locator("#login-error")).to_contain_text("登录失败")


def test_an_officer_cannot_open_another_stations_page(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo-auxiliary")
    page.goto(f"{live_server.url}/org")
    expect(page.locator("#org-tree")).not_to_contain_text("BS02")
    other = _unit_id(live_server, "BS02")
    response = page.goto(f"{live_server.url}/org/units/{other}")
    assert response is not None and response.status == 404
