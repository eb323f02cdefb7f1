"""The map page in a real browser: heat layer, stations, tomorrow's hotspot cells, a cell's
counts and trend, tomorrow's hotspots in words, the backtest chart on the analysts' page; and
a station officer sees only their station, with figures that follow the filters."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, sign_in


def test_the_map_draws_the_heat_layer_and_forecast_cells(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo-director")
    page.goto(f"{live_server.url}/analytics")
    expect(page.locator("h1")).to_have_text("态势图")
    ready = page.locator("#heat-map[data-ready='1']")
    expect(ready).to_have_count(1)
    expect(page.locator("#heat-map canvas.leaflet-heatmap-layer")).to_have_count(1)
    assert int(ready.get_attribute("data-heat-points") or 0) > 100
    cells = page.locator("#heat-map path.forecast-cell")
    assert cells.count() >= 1
    expect(page.locator("#heat-map path.station-boundary")).to_have_count(12)
    cells.first.click()
    expect(page.locator("#cell-body")).to_be_visible()
    expect(page.locator("#cell-counts")).to_contain_text("90")
    expect(page.locator("#cell-risk")).to_contain_text("预测热点")
    expect(page.locator("#cell-trend canvas")).to_have_count(1)
    expect(page.locator("#hotspots-card li").first).to_contain_text("预计明天约")
    page.click("#backtests-link")
    expect(page.locator("#hit-curve canvas")).to_have_count(1)
    expect(page.locator("#pai-table")).to_contain_text("cell_choice")


def test_a_station_officer_sees_only_their_station(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/analytics")
    expect(page.locator("#heat-map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#heat-map path.station-boundary")).to_have_count(1)
    page.select_option("#an-window", "7")
    expect(page.locator("#export-svg")).to_have_attribute("href", "/analytics/map.svg?window=7")
    # the area's figures follow the filter too
    expect(page.locator("#an-incidents")).to_have_attribute("data-window", "7")
    expect(page.locator("#an-incidents")).to_contain_text("近 7 天")
