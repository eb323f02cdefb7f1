"""A red order from intake to closed, in the browser: intake → triage red → three tasks →
accept → start → resolve → feedback → closed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, sign_in


def _state(page: Page, state: str) -> None:
    expect(page.locator("#order-state")).to_have_attribute("data-state", state)


def test_a_red_order_from_intake_to_closed(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/work-orders/new")
    expect(page.locator("#station")).to_have_value("BS01")
    page.click("#intake-submit")  # empty: every required field is named
    expect(page.locator("#err-category")).to_be_visible()
    expect(page.locator("#err-description")).to_be_visible()
    page.select_option("#channel", "phone")
    page.select_option("#category", "fight")
    page.fill("#description", "小区门口两人持刀打架，有人受伤")
    page.fill("#address", "保俶路 18 号")
    page.fill("#reporter_phone", "13912345678")
    page.click("#intake-submit")
    expect(page).to_have_url(re.compile(r"/work-orders/BS01-\d{8}-\d{4}$"))
    _state(page, "received")
    expect(page.locator("#reporter-phone")).to_have_text("139****5678")
    expect(page.locator("#triage-tier")).to_have_value("red")
    page.click("#do-triage")
    _state(page, "triaged")
    page.click("#do-assign")
    _state(page, "assigned")
    page.click("#do-accept")  # a red order needs three departments first
    expect(page.locator("#action-error")).to_contain_text("3")
    _state(page, "assigned")
    for department in ("110", "health", "street_office"):
        page.select_option("#task-department", department)
        page.fill("#task-instructions", "请协同处置")
        page.click("#task-submit")
    expect(page.locator("#task-list tbody tr, #task-list tr")).to_have_count(4)
    page.click("#do-accept")
    _state(page, "accepted")
    page.click("#do-start")
    _state(page, "in_progress")
    page.fill("#resolve-summary", "已会同110和卫生部门处置，伤者送医")
    page.check("#resolve-confirmed")
    page.click("#do-resolve")
    _state(page, "resolved")
    page.select_option("#feedback-rating", "5")
    page.select_option("#feedback-resolved", "yes")
    page.click("#feedback-submit")
    _state(page, "closed")
    expect(page.locator("#timeline li[data-action='close']")).to_have_count(1)
    expect(page.locator("#no-actions")).to_be_visible()


def test_my_queue_counts_down_and_the_badge_polls(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "demo-officer")
    page.goto(f"{live_server.url}/work-orders")
    expect(page.locator("#queue")).to_be_visible()
    counters = page.locator(".wo-countdown")
    if counters.count():
        first = counters.first.inner_text()
        expect(counters.first).not_to_have_text(first)  # it ticks (polled, not slept)
    expect(page.locator("#notif-badge .count")).to_be_visible()
