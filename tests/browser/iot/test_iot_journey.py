"""The sensing network in the browser: the officer's live map, a device chart, and a smoke
alarm confirmed into a work order."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, sign_in


def test_the_map_clusters_the_stations_devices_and_a_device_chart_draws(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo-officer")
    page.click("nav.mainnav >> text=感知设备")
    page.click("text=设备地图")
    # the device map is the situational map with the device layers on
    device_map = page.locator("#heat-map[data-ready='1']")
    expect(device_map).to_have_count(1)
    expect(page.locator("#layer-devices")).to_be_checked()
    count = int(device_map.get_attribute("data-layer-devices") or "0")
    assert count >= 30  # BS01's devices only, about 25 per km²
    expect(
        page.locator("#heat-map .device-cluster, #heat-map path.device-point").first
    ).to_be_visible()
    page.goto(f"{live_server.url}/iot/devices?station=BS01&device_class=environment")
    page.click("#devices tbody tr:first-child a")
    expect(page.locator("#device-code")).to_contain_text("BS01-ENV-")
    expect(page.locator("#device-chart[data-points]")).to_have_count(1)
    assert int(page.locator("#device-chart").get_attribute("data-points") or "0") > 0
    expect(page.locator("#device-chart canvas")).to_have_count(1)


def test_an_officer_confirms_the_smoke_alarm_into_a_work_order(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/iot/alerts")
    row = page.locator("#alerts tr", has_text="烟雾报警")
    expect(row).to_have_count(1)
    row.locator("button:has-text('确认为工单')").click()
    expect(row.locator(".alert-state")).to_contain_text(re.compile(r"BS01-\d{8}-\d{4}"))
    row.locator(".alert-state a").click()
    expect(page).to_have_url(re.compile(r"/work-orders/BS01-\d{8}-\d{4}$"))


def test_a_device_charts_time_axis_reads_in_the_sites_zone_on_a_phone_set_to_utc(
    browser: Browser, live_server: LiveServer
) -> None:
    """The axis shows JINGWU_TIME_ZONE's wall time (Asia/Shanghai, UTC+8) even when the
    browser's own zone is another: each point is drawn 8 hours after its UTC instant."""
    ctx = browser.new_context(locale="zh-CN", timezone_id="UTC")
    page = ctx.new_page()
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/iot/devices?station=BS01&device_class=environment")
    page.click("#devices tbody tr:first-child a")
    expect(page.locator("#device-chart[data-points]")).to_have_count(1)
    shift = page.evaluate(
        """async () => {
          const el = document.getElementById('device-chart');
          const metric = document.getElementById('chart-metric').value;
          const hours = document.getElementById('chart-hours').value;
          const url = el.dataset.url + '?metric=' + encodeURIComponent(metric) + '&hours=' + hours;
          const first = (await (await fetch(url)).json()).points[0][0];
          const option = echarts.getInstanceByDom(el).getOption();
          return [option.useUTC, option.series[2].data[0][0] - first];
        }"""
    )
    ctx.close()
    assert shift == [True, 8 * 3600 * 1000]
