"""The situational map on a phone in Chinese: the layer panel folds, layers toggle on and
draw their features, the URL keeps them, nothing scrolls sideways; the device map opens it
with the device layers on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import LiveServer, sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_a_director_toggles_layers_on_a_phone_and_sees_them_drawn(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    page = phone.new_page()
    sign_in(page, live_server, "demo-director")
    page.goto(f"{live_server.url}/analytics")
    expect(page.locator("h1")).to_have_text("态势图")
    ready = page.locator("#heat-map[data-ready='1']")
    expect(ready).to_have_count(1)
    panel = page.locator("#layer-panel")
    assert panel.get_attribute("open") is None  # folded on a phone: the map first
    expect(page.locator("#heat-map path.station-boundary").first).to_be_attached()
    _no_sideways_scroll(page)

    page.click("#layer-panel summary")
    expect(page.locator("#layer-devices")).to_be_visible()
    page.check("#layer-devices")
    expect(page.locator("#heat-map[data-layer-devices]")).to_have_count(1)
    assert int(page.locator("#heat-map").get_attribute("data-layer-devices") or "0") > 0
    expect(
        page.locator("#heat-map .device-cluster, #heat-map path.device-point").first
    ).to_be_visible()
    page.check("#layer-patrols")
    expect(page.locator("#heat-map path.patrol-route").first).to_be_attached()
    expect(page.locator("#patrol-share")).to_contain_text("热点网格")
    page.uncheck("#layer-incidents")
    expect(page.locator("#heat-map canvas.leaflet-heatmap-layer")).to_have_count(0)
    assert "devices" in page.url and "patrols" in page.url and "incidents" not in page.url
    _no_sideways_scroll(page)

    # the URL brings the same layers back
    page.goto(page.url)
    expect(page.locator("#heat-map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#layer-devices")).to_be_checked()
    expect(page.locator("#layer-incidents")).not_to_be_checked()


def test_the_device_map_is_the_situational_map_with_device_layers(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    page = phone.new_page()
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/iot/map")
    expect(page.locator("#heat-map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#layer-devices")).to_be_checked()
    expect(page.locator("#layer-alerts")).to_be_checked()
    assert int(page.locator("#heat-map").get_attribute("data-layer-devices") or "0") >= 30
    expect(
        page.locator("#heat-map .device-cluster, #heat-map path.device-point").first
    ).to_be_visible()
    _no_sideways_scroll(page)
