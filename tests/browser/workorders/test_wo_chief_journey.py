"""The station chief on an overdue order held by an auxiliary: sees it red on the board (its
next deadline still ahead) with the auxiliary's name, escalates it to the street station,
raises it to red once three departments are tasked, and hands it to an officer — every
change kept in the timeline."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.accounts import service as accounts
from jingwu.accounts.models import User
from jingwu.workorders import service
from jingwu.workorders.schemas import ActionIn, IntakeIn
from tests.browser.conftest import LiveServer, sign_in

M = dt.timedelta(minutes=1)


def _overdue_order_of_the_auxiliary(server: LiveServer) -> str:
    now = server.runtime.clock()
    start = now - dt.timedelta(hours=5)
    with server.runtime.db.unit_of_work() as session:
        ids = {str(name): int(uid) for name, uid in session.execute(select(User.username, User.id))}
        p = {
            name: accounts.load_principal(session, ids[f"demo-{name}"])
            for name in ("officer", "chief", "auxiliary")
        }
        data = IntakeIn(
            station="BS01",
            channel="walk_in",
            category="noise",
            description="楼下商铺夜间音响扰民（督办测试）",
            address="保俶路 20 号",
        )
        order = service.intake(session, p["officer"], data=data, now=start)

        def act(who: str, action: str, at: dt.datetime, **body: object) -> None:
            principal = p[who]
            assert principal is not None
            service.act(
                session,
                principal,
                code=order.code,
                action=action,
                data=ActionIn.model_validate(body),
                now=at,
            )

        act("officer", "triage", start + M, tier="yellow")
        act("chief", "assign", start + 2 * M, assignee="demo-auxiliary")
        # Accepted half an hour after the four hours a yellow response may take: overdue,
        # while the completion deadline (a day from receipt) is still ahead.
        act("auxiliary", "accept", now - 30 * M)
        act("auxiliary", "start", now - 29 * M)
        assert order.overdue and order.completion_due_at is not None
        assert order.completion_due_at > now
        return order.code


def test_the_chief_takes_charge_of_an_overdue_order(page: Page, live_server: LiveServer) -> None:
    code = _overdue_order_of_the_auxiliary(live_server)
    sign_in(page, live_server, "demo-chief")
    page.goto(f"{live_server.url}/work-orders/board")
    card = page.locator(f"a.board-card[href='/work-orders/{code}']")
    expect(card).to_contain_text("保俶辅警")  # who holds it, by name
    countdown = card.locator(".wo-countdown")
    expect(countdown).to_have_class("wo-countdown over")
    expect(countdown).to_contain_text("已超期")
    assert countdown.evaluate("e => getComputedStyle(e).color") != "rgb(46, 125, 50)"

    card.click()
    for action in ("reassign", "retier", "escalate", "hold", "resolve", "transfer"):
        expect(page.locator(f"#action-{action}")).to_be_visible()
    expect(page.locator("#escalate-to")).to_contain_text("街道服务站")
    page.fill("#escalate-reason", "辅警超期未办，商铺拒不整改")
    page.click("#do-escalate")
    expect(page.locator(".badges")).to_contain_text("街道服务站")

    page.select_option("#retier-tier", "red")
    page.fill("#retier-reason", "商铺人员与居民发生推搡")
    page.click("#do-retier")
    expect(page.locator("#action-error")).to_contain_text("至少向 3 个部门")
    for department in ("110", "street_office", "city_management"):
        page.select_option("#task-department", department)
        page.fill("#task-instructions", "请协同处置")
        page.click("#task-submit")
    page.select_option("#retier-tier", "red")
    page.fill("#retier-reason", "商铺人员与居民发生推搡")
    page.click("#do-retier")
    expect(page.locator(".badges .badge.red")).to_be_visible()

    page.select_option("#reassign-to", "demo-officer")
    page.fill("#reassign-reason", "改由社区民警办理")
    page.click("#do-reassign")
    expect(page.locator("#assignee")).to_have_text("保俶社区民警")
    timeline = page.locator("#timeline")
    expect(timeline.locator("li[data-action='escalate']")).to_have_count(1)
    expect(timeline.locator("li[data-action='retier']")).to_contain_text("黄色")
    expect(timeline.locator("li[data-action='reassign']")).to_contain_text(
        "保俶辅警 → 保俶社区民警"
    )
    expect(timeline.locator("li[data-action='reassign']")).to_contain_text("改由社区民警办理")
