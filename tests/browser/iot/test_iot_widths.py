"""The alert queue and the energy report on a police phone (390 px): no sideways scrolling,
the confirm form usable; and the chief's badge counts the red alerts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, sign_in


@pytest.mark.parametrize("path", ["/iot/alerts", "/iot/energy"])
def test_the_page_fits_a_phone(browser: Browser, live_server: LiveServer, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, live_server, "demo-chief")
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("table.iot-cards tbody tr").first).to_be_visible()
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{path}: {scroll} px wide at {inner} px"
        if path == "/iot/alerts":
            expect(page.locator("#alerts input[name=reason]").first).to_be_visible()
            badge = page.locator("#notif-badge .count")
            assert int(badge.get_attribute("data-unread") or "0") >= 2  # smoke and fight
    finally:
        context.close()
