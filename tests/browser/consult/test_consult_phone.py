"""A citizen on a phone consults an expert: opens a consultation, writes, and reads the
expert's answer as it arrives (the page's script on the server-sent-events stream, under the
app's CSP); the expert answers from the desk on a phone too. Every page fits 390 px."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_phone_widths import PHONE, _look, _walk


def _phone(browser: Browser) -> BrowserContext:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(20_000)
    return ctx


def test_a_citizen_and_an_expert_talk_on_phones(browser: Browser, live_server: LiveServer) -> None:
    citizen_ctx, expert_ctx = _phone(browser), _phone(browser)
    errors: list[str] = []
    citizen = citizen_ctx.new_page()
    citizen.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    problems = []
    looked = _look(citizen, f"{live_server.url}/consult")
    assert looked is not None
    problems += looked[0].problems()
    citizen.select_option("select[name=station]", "BS01")
    citizen.select_option("select[name=topic]", "consumer")
    citizen.fill("input[name=display_name]", "周先生")
    citizen.click("#consult-open button[type=submit]")
    citizen.wait_for_url(f"{live_server.url}/consult/*")
    expect(citizen.locator("#lines li.cs-system")).to_have_count(1)  # queued
    citizen.fill("#send-body", "网购商品有质量问题，商家拒绝退货怎么办？")
    citizen.click("#send-form button")
    expect(citizen.locator("#lines li.cs-citizen")).to_contain_text("商家拒绝退货")
    token_url = citizen.url

    expert = expert_ctx.new_page()
    sign_in(expert, live_server, "demo-expert")
    expert.goto(f"{live_server.url}/consult/desk")
    row = expert.locator("#queue tr", has_text="周先生")
    row.locator("a").click()
    expert.click("#claim")
    expect(expert.locator("#lines")).to_contain_text("商家拒绝退货")
    expert.fill("#send-body", "可依据消费者权益保护法要求退货，也可拨打12315投诉。")
    expert.click("#send-form button")
    expect(citizen.locator("#lines li.cs-expert")).to_contain_text("12315")
    looked = _look(citizen, token_url)  # reloaded: the history comes back by the stream
    assert looked is not None
    problems += looked[0].problems()
    expect(citizen.locator("#lines li.cs-expert")).to_contain_text("12315")
    expert.click("#close")  # the open page learns it by the stream: no box, no end button
    expect(citizen.locator("#send-form")).to_be_hidden()
    expect(citizen.locator("form.cs-end")).to_be_hidden()
    expect(citizen.locator("#lines li.cs-system", has_text="本次咨询已结束。")).to_have_count(1)
    expect(citizen.locator("#chat-status")).to_have_text("")  # said once, by the line
    problems += [p for s in _walk(expert, live_server, "/consult/desk") for p in s.problems()]
    citizen_ctx.close()
    expert_ctx.close()
    assert not problems, "\n".join(problems)
    assert not errors, errors  # no CSP refusal, no script error
