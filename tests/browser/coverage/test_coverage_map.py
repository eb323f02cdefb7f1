"""The coverage page in a real browser at phone width: the demo district's circles drawn
over the station boundaries, the share, uncovered places and suggested sites."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, sign_in


def test_the_director_sees_the_demo_circles_on_a_phone(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "demo-director")
    page.goto(f"{live_server.url}/coverage")
    expect(page.locator("h1")).to_have_text("15 分钟服务圈与 8 分钟响应")
    drawn = page.locator("#cov-map[data-features]")
    expect(drawn).to_have_count(1)
    assert drawn.get_attribute("data-circle") == "12"
    assert drawn.get_attribute("data-boundary") == "12"
    expect(page.locator("#cov-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("#share-xh00")).to_contain_text("%")
    expect(page.locator("#cov-summary")).to_contain_text("按路网计算")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.click("#mode-drive")
    expect(page.locator("#mode-drive[aria-current='page']")).to_have_count(1)
    expect(page.locator("#cov-map[data-circle='12']")).to_have_count(1)


def test_an_officer_sees_their_own_stations_circle(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/coverage")
    expect(page.locator("#cov-map[data-circle='1']")).to_have_count(1)
    expect(page.locator("#no-runs")).to_have_count(1)
