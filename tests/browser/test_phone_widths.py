"""Officers work on police phones: at 390×844 no page scrolls sideways and the header and
tab strips leave the screen to the work.

The officer, the auxiliary and the chief each sign in and follow the links from their
start page (every page route once, path parameters from the demo records they reach), as
do a visitor (the sign-in page) and a citizen (the feedback link). On every page the
document is no wider than the window, the header and the tab strips together are at most
120 px tall, and the text the browser shows (scripts' text included) has no English.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import select

from jingwu.web.app import create_app
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.service_feedback import feedback_token
from tests.browser.conftest import LiveServer, sign_in
from tests.pages import page_patterns, pattern_of
from tests.untranslated import english_text

PHONE = {"width": 390, "height": 844}
MAX_CHROME = 120  # px: the header and the tab strips together

MEASURE = """() => {
  const height = (el) => el.getBoundingClientRect().height;
  const header = document.querySelector('header.topbar');
  const tabs = [...document.querySelectorAll('.tabs')];
  const chrome = (header ? height(header) : 0) + tabs.reduce((sum, t) => sum + height(t), 0);
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map((el) => el.outerHTML.slice(0, 120));
  const data = 'code, pre, kbd, samp, [translate="no"], script, style, noscript, template';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || el.closest(data) || !el.getClientRects().length) continue;
    texts.push(node.data.trim());
  }
  const links = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          chrome, wide, texts, links};
}"""


@dataclass
class Seen:
    url: str
    scroll_width: int
    inner_width: int
    chrome: float
    wide: list[str]
    english: list[str]

    def problems(self) -> list[str]:
        out = []
        if self.scroll_width > self.inner_width:
            out.append(f"{self.url}: {self.scroll_width} px wide, e.g. {self.wide}")
        if self.chrome > MAX_CHROME:
            out.append(f"{self.url}: header and tabs {self.chrome:.0f} px tall")
        if self.english:
            out.append(f"{self.url}: English {self.english[:5]}")
        return out


def _look(page: Page, url: str) -> tuple[Seen, list[str]] | None:
    response = page.goto(url, wait_until="load")
    if response is None or "html" not in (response.headers.get("content-type") or ""):
        return None
    found: dict[str, Any] = page.evaluate(MEASURE)
    seen = Seen(
        url=urlsplit(page.url).path,
        scroll_width=int(found["scrollWidth"]),
        inner_width=int(found["innerWidth"]),
        chrome=float(found["chrome"]),
        wide=list(found["wide"]),
        english=[t for t in found["texts"] if english_text(t)],
    )
    return seen, [str(h) for h in found["links"]]


def _walk(page: Page, server: LiveServer, start: str) -> list[Seen]:
    """Every page route once, reached by following links from ``start``."""
    patterns = page_patterns(create_app(server.runtime))
    done: set[str] = set()
    out: list[Seen] = []
    queue = deque([start])
    while queue:
        path = queue.popleft()
        pattern = pattern_of(patterns, urlsplit(path).path)
        if pattern is None or pattern.path in done:
            continue
        done.add(pattern.path)
        looked = _look(page, server.url + path)
        if looked is None:
            continue
        seen, links = looked
        out.append(seen)
        queue.extend(h.split("#")[0] for h in links if h.startswith("/") and not h.startswith("//"))
    return out


@pytest.fixture
def phone(browser: Browser) -> BrowserContext:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(20_000)
    return ctx


@pytest.mark.parametrize("username", ["demo-officer", "demo-auxiliary", "demo-chief"])
def test_every_page_of_a_field_role_fits_a_phone(
    phone: BrowserContext, live_server: LiveServer, username: str
) -> None:
    page = phone.new_page()
    sign_in(page, live_server, username)
    seen = _walk(page, live_server, "/")
    phone.close()
    assert len(seen) >= 20, [s.url for s in seen]  # the walk reached the role's pages
    problems = [p for s in seen for p in s.problems()]
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_and_the_citizens_feedback_page_fit_a_phone(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    with live_server.runtime.db.unit_of_work(write=False) as session:
        order = session.scalars(
            select(WorkOrder)
            .where(WorkOrder.state == "resolved")
            .order_by(WorkOrder.resolved_at.desc())
            .limit(1)
        ).one()
        link = f"/feedback/{feedback_token(order)}"
    page = phone.new_page()
    problems = []
    for path in ("/login", link):
        looked = _look(page, live_server.url + path)
        assert looked is not None, path
        problems += looked[0].problems()
    phone.close()
    assert not problems, "\n".join(problems)


def test_the_sunshine_open_data_pages_fit_a_phone_and_draw_their_chart_and_map(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    """The public portal, as a visitor on a phone: the figures, the versions and the data
    dictionary, reached by links; the trend chart and the communities' map are drawn."""
    page = phone.new_page()
    seen = _walk(page, live_server, "/sunshine")
    assert {"/sunshine", "/sunshine/versions", "/sunshine/dictionary"} <= {s.url for s in seen}
    page.goto(f"{live_server.url}/sunshine")
    page.wait_for_selector("#sun-trend[data-ready='1']")
    page.wait_for_selector("#sun-map[data-ready='1']")
    assert page.locator("#sun-map .leaflet-interactive").count() > 0
    phone.close()
    problems = [p for s in seen for p in s.problems()]
    assert not problems, "\n".join(problems)


def test_the_menu_button_opens_the_navigation_on_a_phone(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    page = phone.new_page()
    sign_in(page, live_server, "demo-officer")
    nav = page.locator("nav.mainnav")
    assert not nav.is_visible()
    page.click("#menu-toggle")
    assert nav.is_visible() and page.get_attribute("#menu-toggle", "aria-expanded") == "true"
    page.click("nav.mainnav a[href='/work-orders']")
    page.wait_for_url(f"{live_server.url}/work-orders")
    phone.close()


def test_chinese_is_drawn_with_a_cjk_font_not_boxes(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server.url}/login")
    cdp = phone.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    phone.close()
    # `make test` installs Debian's fonts-noto-cjk (the Makefile's chromium target)
    assert any("CJK" in f["familyName"] for f in fonts), fonts


LABELS_OVERFLOWING = """() => [...document.querySelectorAll('td[data-label]')]
  .filter((td) => td.getBoundingClientRect().height > 0)
  .map((td) => [td.getAttribute('data-label'),
                parseFloat(getComputedStyle(td, '::before').height),
                td.getBoundingClientRect().height])
  .filter(([, label, cell]) => label > cell + 1)"""


def test_a_cards_column_labels_stay_inside_their_cells_on_a_phone(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    """On a phone a table's rows become cards, each cell labelled with its column; a long
    label wraps onto two lines and the cell grows with it instead of running into the next."""
    page = phone.new_page()
    sign_in(page, live_server, "demo-director")
    problems = {}
    for path in ("/iot/energy", "/work-orders/dashboard", "/work-orders/draws"):
        page.goto(live_server.url + path)
        assert page.locator("td[data-label]").count() > 0, path
        found = page.evaluate(LABELS_OVERFLOWING)
        if found:
            problems[path] = found[:3]
    phone.close()
    assert not problems, problems


TABLE_FITS = """(sel) => { const t = document.querySelector(sel); const box = t.parentElement;
  return {table: t.getBoundingClientRect().right, box: box.clientWidth, scroll: box.scrollWidth,
          rows: t.tBodies[0].rows.length, window: window.innerWidth}; }"""


@pytest.mark.parametrize("username", ["demo-director", "demo-city"])
def test_the_evaluation_ranking_fits_a_phone_without_scrolling_sideways(
    phone: BrowserContext, live_server: LiveServer, username: str
) -> None:
    """The rankings table: its columns fit 390 px (the trend, also on the unit's page, is
    left out), so neither the page nor the table's own box scrolls sideways."""
    page = phone.new_page()
    sign_in(page, live_server, username)
    page.goto(live_server.url + "/evaluation", wait_until="load")
    found = page.evaluate(TABLE_FITS, "#ranking")
    width = page.evaluate("document.documentElement.scrollWidth")
    trend_shown = page.locator("#ranking th.ev-secondary").is_visible()
    phone.close()
    assert found["rows"] >= 1, found
    assert found["scroll"] <= found["box"], found  # the table's box does not scroll
    assert found["table"] <= found["window"], found
    assert width <= PHONE["width"]
    assert not trend_shown


def test_a_tab_strip_that_scrolls_shows_there_is_more_and_its_current_tab(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    """The work-order tabs are wider than a phone: the strip fades at the edge with more tabs
    behind it, and a tab far along the strip is scrolled into view when it is current."""
    page = phone.new_page()
    sign_in(page, live_server, "demo-chief")
    page.goto(live_server.url + "/work-orders")
    strip = page.locator("nav.wo-tabs")
    assert strip.get_attribute("data-more") == "right"
    page.goto(live_server.url + "/work-orders/dashboard")
    strip = page.locator("nav.wo-tabs")
    assert strip.get_attribute("data-more") in ("left", "both")
    inside = page.evaluate(
        """() => { const s = document.querySelector('nav.wo-tabs').getBoundingClientRect();
        const c = document.querySelector('nav.wo-tabs [aria-current="page"]')
          .getBoundingClientRect();
        return c.left >= s.left - 1 && c.right <= s.right + 1; }"""
    )
    phone.close()
    assert inside


def test_the_maps_zoom_buttons_are_named_in_chinese(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    page = phone.new_page()
    sign_in(page, live_server, "demo-officer")
    names = {}
    for path in ("/analytics", "/iot/map"):
        page.goto(live_server.url + path, wait_until="load")
        for which in ("in", "out"):
            button = page.locator(f".leaflet-control-zoom-{which}").first
            names[path, which] = (button.get_attribute("title"), button.get_attribute("aria-label"))
    phone.close()
    for (path, which), found in names.items():
        assert found == (("放大",) * 2 if which == "in" else ("缩小",) * 2), (path, found)


def test_the_citizen_portal_fits_a_phone(phone: BrowserContext, live_server: LiveServer) -> None:
    """The internet zone's pages (the demo serves both zones): home, submit, track."""
    page = phone.new_page()
    problems = []
    paths = ["/portal", "/portal/submit", "/portal/track"]
    paths += [f"/portal/track/demo-track-{t}" for t in ("received", "handled", "closed1")]
    # the other public pages share its layout (public_base.html), and so does its 404
    paths += ["/consult", "/legal", "/legal?q=邻居噪音", "/portal/track/no-such-reference"]
    for path in paths:
        looked = _look(page, live_server.url + path)
        assert looked is not None, path
        problems += looked[0].problems()
        assert page.locator("#public-nav a").count() == 4, path
        assert page.locator("#menu-toggle").count() == 0, path
    phone.close()
    assert not problems, "\n".join(problems)
