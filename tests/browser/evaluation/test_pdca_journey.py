"""The station chief keeps the improvement list and adds a case, in the browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.evaluation.improvement.models import Case, PdcaItem, PdcaList
from jingwu.org.models import Unit
from jingwu.workorders.models import WorkOrder
from tests.browser.conftest import LiveServer, sign_in


def _open_item(server: LiveServer) -> int:
    """An open item of the chief's station on its latest list."""
    with server.runtime.db.unit_of_work() as session:
        latest = session.scalar(
            select(PdcaList.id)
            .join(Unit, Unit.id == PdcaList.unit_id)
            .where(Unit.short_code == "BS01")
            .order_by(PdcaList.quarter.desc())
            .limit(1)
        )
        item = session.scalar(
            select(PdcaItem.id)
            .where(PdcaItem.list_id == latest, PdcaItem.done_at.is_(None))
            .order_by(PdcaItem.id)
            .limit(1)
        )
        assert item is not None
        return item


def _closed_order(server: LiveServer) -> str:
    with server.runtime.db.unit_of_work() as session:
        promoted = select(Case.source_code)
        code = session.scalar(
            select(WorkOrder.code)
            .where(
                WorkOrder.state == "closed",
                WorkOrder.code.startswith("BS01-"),
                WorkOrder.code.not_in(promoted),
            )
            .limit(1)
        )
        assert code is not None
        return code


def test_the_chief_moves_an_item_attaches_evidence_and_adds_a_case(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/evaluation/pdca")
    expect(page.locator("#completion-rate")).to_be_visible()
    expect(page.locator("#pdca-items .pdca-row")).not_to_have_count(0)
    item = _open_item(live_server)
    page.goto(f"{live_server.url}/evaluation/pdca/items/{item}")
    before = page.locator("#stage").inner_text()
    page.locator("form.pdca-move textarea[name=note]").fill("召开专题会，明确分工")
    page.locator("form.pdca-move button[type=submit]").click()
    expect(page.locator("#moves")).to_contain_text("召开专题会，明确分工")
    expect(page.locator("#stage")).not_to_have_text(before)
    page.locator("#evidence-form input[type=file]").set_input_files(
        files=[{"name": "会议纪要.txt", "mimeType": "text/plain", "buffer": "纪要".encode()}]
    )
    page.locator("#evidence-form button[type=submit]").click()
    expect(page.locator("#evidence")).to_contain_text("会议纪要.txt")
    code = _closed_order(live_server)
    page.goto(f"{live_server.url}/evaluation/cases")
    expect(page.locator("#cases-figure")).to_be_visible()
    page.fill("#promote-form input[name=code]", code)
    page.fill("#promote-form input[name=tags]", "典型经验")
    page.click("#promote")
    expect(page).to_have_url(re.compile(r"/evaluation/cases/BS01-AL\d{9}$"))
    expect(page.locator("#case-tags")).to_contain_text("典型经验")
    expect(page.locator("#case-text")).not_to_have_text(re.compile(r"\d{7}"))
