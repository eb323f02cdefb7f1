"""An order drafted on a phone without signal is kept on the phone and sent once when the
signal returns; the server takes the same draft again without making a second order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from jingwu.workorders.models import WorkOrder
from tests.browser.conftest import LiveServer, sign_in

DESCRIPTION = "无信号时起草：小区东门路灯损坏，夜间无照明"


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


def _orders(server: LiveServer) -> list[tuple[str, str | None]]:
    with server.runtime.db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(WorkOrder.code, WorkOrder.draft_id).where(WorkOrder.description == DESCRIPTION)
        )
        return [(code, draft) for code, draft in rows]


def _controlled(page: Page, server: LiveServer) -> None:
    """Wait until the service worker controls the form (a first visit installs it)."""
    page.goto(f"{server.url}/work-orders/new")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_a_draft_made_offline_is_kept_and_sent_once_when_back_online(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    page = phone.new_page()
    sign_in(page, live_server, "demo-officer")
    _controlled(page, live_server)
    phone.set_offline(True)
    page.select_option("#category", "public_facility")
    page.fill("#description", DESCRIPTION)
    page.fill("#address", "保俶路 18 号东门")
    draft_id = page.input_value("#draft_id")
    assert len(draft_id) >= 8
    page.click("#intake-submit")
    expect(page.locator("#drafts-pending")).to_have_attribute("data-count", "1")
    expect(page.locator("#description")).to_have_value("")  # the form is free for the next
    assert page.input_value("#draft_id") != draft_id
    assert _orders(live_server) == []  # nothing reached the server
    # Still without signal, the phone is reloaded: the form comes from the service worker
    # and the draft is still there.
    page.reload()
    expect(page.locator("#drafts-pending")).to_have_attribute("data-count", "1")
    assert _orders(live_server) == []

    phone.set_offline(False)  # the signal returns: the page sends what it kept
    sent = page.locator("#drafts-sent a.draft-order")
    expect(sent).to_have_count(1)
    expect(page.locator("#drafts-pending")).to_have_count(0)
    (code, stored_draft), *rest = _orders(live_server)
    assert rest == [] and stored_draft == draft_id
    expect(sent).to_have_text(code)

    # The same draft sent again (a lost answer, a second tab) is the same order.
    replay = page.evaluate(
        """async (draft) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const r = await fetch('/api/v1/work-orders', {method: 'POST',
              headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
              body: JSON.stringify({station: 'BS01', channel: 'walk_in',
                category: 'public_facility', description: draft.description,
                draft_id: draft.id})});
            return [r.status, (await r.json()).code];
        }""",
        {"id": draft_id, "description": DESCRIPTION},
    )
    assert replay == [200, code]
    assert len(_orders(live_server)) == 1
    page.reload()
    expect(page.locator("#drafts-pending")).to_have_count(0)


def test_a_draft_made_offline_on_the_first_visit_is_kept(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    """The visit that installs the service worker loaded the form before the worker existed;
    the worker keeps the form at once, so the form reloads without signal with the draft."""
    page = phone.new_page()
    sign_in(page, live_server, "demo-auxiliary")
    page.goto(f"{live_server.url}/work-orders/new")
    page.evaluate(  # the worker takes charge of this very page (no reload)
        """() => new Promise((resolve) => {
          if (navigator.serviceWorker.controller) { resolve(true); }
          navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
        })"""
    )
    phone.set_offline(True)
    page.select_option("#category", "public_facility")
    page.fill("#description", "首次访问时无信号起草：路灯损坏")
    page.click("#intake-submit")
    expect(page.locator("#drafts-pending")).to_have_attribute("data-count", "1")
    page.reload()  # still without signal: the form comes from the worker's copy
    expect(page.locator("#drafts-pending")).to_have_attribute("data-count", "1")
    phone.set_offline(False)


def test_a_role_that_receives_no_orders_installs_no_service_worker(
    phone: BrowserContext, live_server: LiveServer
) -> None:
    """The worker fetches the intake form to keep it: a street head, who may not open the
    form, gets no worker (and no refused request in the audit log)."""
    page = phone.new_page()
    sign_in(page, live_server, "demo-street")
    page.goto(f"{live_server.url}/work-orders/board", wait_until="load")
    page.wait_for_timeout(1500)
    registrations = page.evaluate(
        "() => navigator.serviceWorker.getRegistrations().then((r) => r.length)"
    )
    assert registrations == 0
