"""The inspector runs a double-random draw in the browser: commit, draw, record, verify."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from jingwu.evidence import sequencer
from jingwu.evidence.logkeys import load_log_keys
from tests.browser.conftest import LiveServer, sign_in


def _sign_the_log(server: LiveServer) -> None:
    """What the worker's sequencer does within a second: sign a checkpoint of the log."""
    runtime = server.runtime
    with runtime.db.unit_of_work() as session:
        sequencer.integrate(session, now=runtime.clock())
        sequencer.sign_head(session, load_log_keys(runtime.settings), now=runtime.clock())


def test_the_inspector_commits_draws_and_verifies_a_draw(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo-inspector")
    page.goto(f"{live_server.url}/evaluation/checks")
    expect(page.locator("#coverage-card")).not_to_contain_text("100.0%")
    expect(page.locator("#draw-unit")).to_have_value("XH00")
    page.click("#commit-draw")
    expect(page).to_have_url(re.compile(r"/evaluation/checks/XH00-\d{6}-S$"))
    expect(page.locator("#commitment")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#commit-index")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#seed")).to_have_count(0)
    page.click("#run-draw")
    expect(page.locator("#seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    cards = page.locator("#assignments .ev-card")
    expect(cards).not_to_have_count(0)
    first = cards.first
    expect(first.locator(".inspectors")).to_contain_text("、")  # a team of two
    first.locator("summary").click()
    first.locator("select[name=status]").select_option("found")
    first.locator("input[name=finding]").fill("消防器材检查记录缺失")
    first.locator("button[type=submit]").click()
    expect(page.locator("#assignments .ev-card").first).to_contain_text("消防器材检查记录缺失")
    _sign_the_log(live_server)
    page.click("#verify-draw")
    expect(page.locator("#verdict-text")).to_have_attribute("data-ok", "yes")
    expect(page.locator("#verdict-text")).to_contain_text("核验通过")
    page.goto(f"{live_server.url}/evaluation/checks/coverage")
    expect(page.locator("#coverage-share")).to_have_text("100.0%")
