"""Every page works under the Content-Security-Policy: no violation, no script error, as
the administrator and as an officer, including the map, chart and evidence pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer, sign_in

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""
DETAIL_LINKS = (
    r"^/work-orders/[A-Z0-9]+-\d{8}-\d{4}$",
    r"^/iot/devices/\d+$",
    r"^/org/units/\d+$",
)


def _links(page: Page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if isinstance(h, str) and h.startswith("/")]


def _pages(page: Page, server: LiveServer) -> list[str]:
    page.goto(f"{server.url}/")
    found = ["/", *_links(page, "nav.mainnav a"), "/account", "/notifications"]
    for start in ("/work-orders", "/iot/devices", "/org"):
        page.goto(f"{server.url}{start}")
        links = _links(page, "main a")
        for pattern in DETAIL_LINKS:
            found += [h for h in links if re.match(pattern, h)][:1]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("user", ["demo-admin", "demo-officer"])
def test_no_page_breaks_the_content_security_policy(
    page: Page, live_server: LiveServer, user: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.context.add_init_script(WATCH)
    sign_in(page, live_server, user)
    visited = _pages(page, live_server)
    assert {"/work-orders", "/iot", "/analytics", "/account"} <= set(visited), visited
    assert any(re.match(DETAIL_LINKS[1], p) for p in visited), visited
    problems: dict[str, list[str]] = {}
    for path in visited:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__csp") + errors
        errors.clear()
        if found:
            problems[path] = found
    assert not problems, problems


def test_the_public_sunshine_pages_keep_the_content_security_policy(
    page: Page, live_server: LiveServer
) -> None:
    """The open-data pages, as a visitor: the chart, the map and the filters run from
    static files, with no violation and no script error."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.context.add_init_script(WATCH)
    problems: dict[str, list[str]] = {}
    for path in ("/sunshine", "/sunshine/versions", "/sunshine/dictionary"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__csp") + errors
        errors.clear()
        if found:
            problems[path] = found
    # the month filter applies on change (no button press needed)
    page.goto(f"{live_server.url}/sunshine")
    months = page.eval_on_selector_all("#sun-month option", "els => els.map(e => e.value)")
    if len(months) > 1:
        with page.expect_navigation():
            page.select_option("#sun-month", months[1])
        assert f"month={months[1]}" in page.url
    assert not problems, problems
