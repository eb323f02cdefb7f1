"""The chief self-assesses with evidence and the inspector verifies, on a phone, in Chinese."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, sign_in

PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px"


def test_the_chief_self_assesses_a_requirement_with_an_evidence_file(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/standard")
    expect(page.locator("h1")).to_have_text("警务室对标达标情况")
    _fits_the_phone(page)
    page.locator("#station-bs01 a").click()
    expect(page.locator("#summary")).to_contain_text("达标")
    _fits_the_phone(page)
    req = page.locator("#req-zone-mediation_room")
    expect(req.locator(".badge").first).to_have_text("未达标")  # rejected in the demo
    expect(req).to_contain_text("缺少平面图")
    req.locator("summary").first.click()
    form = req.locator("form.assess-form")
    form.locator("textarea[name=note]").fill("调解室已按平面图改建，面积20㎡")
    form.locator("select[name=evidence_kind]").select_option("floor_plan")
    form.locator("input[type=file]").set_input_files(
        files=[
            {"name": "调解室平面图.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 plan"}
        ]
    )
    form.locator("button[type=submit]").click()
    req = page.locator("#req-zone-mediation_room")
    expect(req.locator(".std-assessment")).to_contain_text("待核验")
    expect(req.locator(".std-files")).to_contain_text("调解室平面图.pdf")
    expect(req.locator(".badge").first).to_have_text("无法测量")  # awaiting the inspector
    _fits_the_phone(page)


def test_the_inspector_rejects_without_a_reason_in_vain_then_accepts(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "demo-inspector")
    page.goto(f"{live_server.url}/standard/stations/BS01")
    _fits_the_phone(page)
    req = page.locator("#req-zone-accessibility")
    expect(req.locator(".std-assessment")).to_contain_text("待核验")
    req.locator("form.verify-form button[value=reject]").click()
    expect(page.locator("#error")).to_contain_text("请说明退回自评的理由")
    _fits_the_phone(page)
    req = page.locator("#req-zone-accessibility")
    req.locator("form.verify-form input[name=reason]").fill("现场核实，翻译机可用")
    req.locator("form.verify-form button[value=accept]").click()
    req = page.locator("#req-zone-accessibility")
    expect(req.locator(".badge").first).to_have_text("达标")
    expect(req.locator(".std-assessment")).to_contain_text("已通过")
