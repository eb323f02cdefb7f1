"""The audit log fits a 1366 px office screen and a 390 px phone without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, sign_in


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_audit_log_fits_the_screen(
    browser: Browser, live_server: LiveServer, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, live_server, "demo-inspector")
        page.goto(f"{live_server.url}/audit")
        expect(page.locator("#audit tbody tr").first).to_be_visible()
        expect(page.locator("#audit")).to_contain_text("新建")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{scroll} px wide at {inner} px"
        page.select_option("select[name=action]", "*.create")
        page.click("#audit-filters button[type=submit]")
        expect(page).to_have_url(re.compile(r"/audit\?.*action=(%2A|\*)\.create"))
        href = page.locator("#audit-export").get_attribute("href")
        assert href == "/audit.csv?action=%2A.create"
    finally:
        context.close()
