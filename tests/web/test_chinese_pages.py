"""Every page and every error a Chinese reader meets is in Chinese.

The demo district is seeded once; each demo role (and a visitor who is not signed in)
follows every link from its start page (:mod:`tests.pages`), and each page's visible text
is searched for English (:mod:`tests.untranslated`). Then the error paths — 404, 403,
422 from a form and from the API, 409, 401, htmx fragments — are provoked and checked the
same way, JSON messages included.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import compile_path

from jingwu.accounts import service as accounts
from jingwu.accounts.models import User
from jingwu.accounts.roles import allowed
from jingwu.config import Settings
from jingwu.demodata import seed_if_empty
from jingwu.org.models import Unit
from jingwu.runtime import Runtime, start
from jingwu.security import keys
from jingwu.web.app import create_app
from jingwu.web.authz import PUBLIC_ACCESS, SIGNED_IN, route_table
from jingwu.web.deps import SESSION_COOKIE
from jingwu.workorders.demo_text import AGREEMENTS
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.models_cases import Mediation
from jingwu.workorders.service_feedback import feedback_token
from tests.conftest import fresh_database_url, upgrade
from tests.factories.accounts import make_user
from tests.pages import Crawl, Visit, is_page, page_patterns
from tests.untranslated import english, english_text

ROLES = (
    "demo-admin",
    "demo-city",
    "demo-director",
    "demo-street",
    "demo-chief",
    "demo-officer",
    "demo-auxiliary",
    "demo-inspector",
    "demo-partner",
)
# Reached only through a message or a state no demo account is in; visited directly below.
NOT_LINKED = {
    "/feedback/{token}",
    "/account/enrol",
    # The citizen portal (internet zone): reached from outside, checked below.
    "/portal",
    "/portal/submit",
    "/portal/track",
    "/portal/track/{token}",
    "/portal/feedback/{token}",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, keyring: keys.Keyring) -> Iterator[Runtime]:
    tmp = tmp_path_factory.mktemp("zh")
    with fresh_database_url(tmp, "zhpages") as url:
        upgrade(url)
        runtime = start(Settings(database_url=url, var_dir=tmp / "var", demo=True), keyring=keyring)
        seed_if_empty(runtime)
        yield runtime
        runtime.db.engine.dispose()


@pytest.fixture(scope="module")
def app(demo: Runtime) -> FastAPI:
    return create_app(demo)


def _client(app: FastAPI, demo: Runtime, username: str | None) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    if username is not None:
        with demo.db.unit_of_work() as session:
            user = session.scalar(select(User).where(User.username == username))
            assert user is not None
            token, _ = accounts.open_session(
                session, user=user, ip="t", user_agent="t", now=dt.datetime.now(dt.UTC), hours=1
            )
        client.cookies.set(SESSION_COOKIE, token)
    return client


def _crawl(app: FastAPI, client: TestClient, starts: list[str]) -> Crawl:
    def fetch(url: str) -> tuple[int, str, str]:
        r = client.get(url, follow_redirects=True)
        return r.status_code, r.headers.get("content-type", ""), r.text

    crawl = Crawl(page_patterns(app), fetch, per_pattern=3)
    crawl.run(starts)
    return crawl


def _report(visits: list[Visit]) -> list[str]:
    return [f"{v.status} {v.url}: {text!r}" for v in visits for text in english(v.body)]


@pytest.fixture(scope="module")
def crawls(app: FastAPI, demo: Runtime) -> dict[str, Crawl]:
    """Every role's walk through the links of the app (one walk per role, shared)."""
    out = {}
    for username in (None, *ROLES):
        client = _client(app, demo, username)
        out[username or "visitor"] = _crawl(app, client, ["/login"] if username is None else ["/"])
    return out


@pytest.mark.parametrize("who", ["visitor", *ROLES])
def test_every_page_a_role_reaches_is_in_chinese(crawls: dict[str, Crawl], who: str) -> None:
    visits = crawls[who].visits
    assert all(v.status < 500 for v in visits), [v.url for v in visits if v.status >= 500]
    found = _report(visits)
    assert not found, f"English in {len(found)} places:\n" + "\n".join(found[:60])


@pytest.mark.parametrize("who", ["visitor", *ROLES])
def test_every_link_shown_to_a_role_can_be_followed(crawls: dict[str, Crawl], who: str) -> None:
    """A link or fragment a role is shown never answers 403 or 404: what a role may not
    open (another unit's page, a case that does not exist, evidence) is not linked."""
    refused = [f"{v.status} {v.url}" for v in crawls[who].visits if v.status >= 400]
    assert not refused, "\n".join(refused)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and (found.get("method") or "get").lower() == "post":
            self.actions.append(urlsplit(found.get("action") or "").path)


@pytest.mark.parametrize("who", ROLES)
def test_every_form_shown_to_a_role_posts_to_a_route_the_role_may_use(
    app: FastAPI, crawls: dict[str, Crawl], who: str
) -> None:
    """A form is offered only to the roles whose permission its route requires."""
    role = who.removeprefix("demo-")
    routes = [
        (re.compile(compile_path(r.path)[0].pattern), r)
        for r in route_table(app)
        if "POST" in r.methods
    ]
    refused = set()
    for visit in crawls[who].visits:
        forms = _Forms()
        forms.feed(visit.body)
        for action in forms.actions:
            route = next((r for rx, r in routes if action and rx.fullmatch(action)), None)
            needs = route.permissions - {SIGNED_IN, PUBLIC_ACCESS} if route else set()
            if any(not allowed(role, p) for p in needs):
                refused.add(f"{visit.pattern}: {action} needs {sorted(needs)}")
    assert not refused, "\n".join(sorted(refused))


def test_the_walks_reach_every_page_route(app: FastAPI, crawls: dict[str, Crawl]) -> None:
    seen = {v.pattern for crawl in crawls.values() for v in crawl.visits} | NOT_LINKED
    missed = sorted({p.path for p in page_patterns(app)} - seen)
    assert not missed, f"no link leads to {missed}: add them to NOT_LINKED and visit them"


def test_the_pages_only_a_message_leads_to_are_in_chinese(app: FastAPI, demo: Runtime) -> None:
    with demo.db.unit_of_work() as session:
        resolved = session.scalars(  # the latest: its feedback window is still open
            select(WorkOrder)
            .where(WorkOrder.state == "resolved")
            .order_by(WorkOrder.resolved_at.desc())
            .limit(1)
        ).one()
        link = f"/feedback/{feedback_token(resolved)}"
        station = session.scalars(select(Unit).where(Unit.short_code == "BS01")).one()
        newcomer = make_user(session, station, "officer", "zh-newcomer", enrolled=False)
        newcomer.user.display_name = "新来的民警"
    pages = [_client(app, demo, None).get(link)]
    citizen = _client(app, demo, None)
    for path in ("/portal", "/portal/submit", "/portal/track", link.replace("/", "/portal/", 1)):
        pages.append(citizen.get(path))
    for token in ("demo-track-received", "demo-track-handled", "demo-track-closed1"):
        pages.append(citizen.get(f"/portal/track/{token}"))
    pages.append(_client(app, demo, newcomer.username).get("/account/enrol"))
    for r in pages:
        assert r.status_code == 200, r.url
        assert not english(r.text), (r.url, english(r.text))


# ---- error paths ------------------------------------------------------------------------


def _order_in(demo: Runtime, station: str, state: str) -> str:
    with demo.db.unit_of_work() as session:
        return str(
            session.scalars(
                select(WorkOrder.code)
                .where(WorkOrder.state == state, WorkOrder.code.startswith(station))
                .limit(1)
            ).one()
        )


def _json_english(body: dict[str, Any]) -> list[str]:
    error = body["error"]
    texts = [error["message"], *error.get("fields", {}).values()]
    return [t for t in texts if english_text(str(t))]


def _csrf(client: TestClient) -> str:
    client.get("/login")
    return str(client.cookies.get("jingwu_csrf"))


def test_error_pages_and_fragments_are_in_chinese(app: FastAPI, demo: Runtime) -> None:
    received = _order_in(demo, "BS01", "received")
    officer, partner = _client(app, demo, "demo-officer"), _client(app, demo, "demo-partner")
    chief = _client(app, demo, "demo-chief")
    htmx = {"HX-Request": "true"}
    token = _csrf(officer)
    cases = [
        (404, _client(app, demo, None).get("/no-such-page")),
        (404, officer.get("/no-such-page")),
        (404, officer.get("/work-orders/XX99-20260101-0001")),
        (404, officer.get("/work-orders/XX99-20260101-0001", headers=htmx)),
        (403, partner.get("/admin/users")),
        (403, partner.get("/admin/users", headers=htmx)),
        (422, officer.post("/work-orders/new", data={"csrf_token": token, "station": "BS01"})),
        (422, officer.get("/iot/devices?page=many")),
        (403, officer.post("/work-orders/new", data={"station": "BS01"})),  # no CSRF token
        (405, officer.delete("/", headers={"X-CSRF-Token": token})),
    ]
    token = _csrf(chief)
    cases.append(
        (409, chief.post(f"/work-orders/{received}/actions/start", data={"csrf_token": token}))
    )
    cases.append(
        (
            422,
            chief.post(
                f"/work-orders/{received}/actions/triage",
                data={"csrf_token": token, "tier": "purple"},
            ),
        )
    )
    problems = []
    for status, r in cases:
        assert r.status_code == status, (r.request.url, r.status_code)
        problems += [f"{r.request.method} {r.request.url}: {t!r}" for t in english(r.text)]
    assert not problems, "\n".join(problems)


def test_api_errors_answer_in_chinese_by_default(app: FastAPI, demo: Runtime) -> None:
    officer = _client(app, demo, "demo-officer")
    token = _csrf(officer)
    headers = {"X-CSRF-Token": token}
    cases = [
        (401, _client(app, demo, None).get("/api/v1/work-orders")),
        (404, officer.get("/api/v1/work-orders/XX99-20260101-0001")),
        (403, _client(app, demo, "demo-partner").get("/api/v1/iot/devices")),
        (422, officer.get("/api/v1/work-orders?page=abc")),
        (422, officer.post("/api/v1/work-orders", json={"station": "BS01"}, headers=headers)),
        (422, officer.post("/api/v1/work-orders", content=b"{", headers=headers)),
    ]
    chief = _client(app, demo, "demo-chief")
    start = f"/api/v1/work-orders/{_order_in(demo, 'BS01', 'received')}/actions/start"
    cases.append((409, chief.post(start, json={}, headers={"X-CSRF-Token": _csrf(chief)})))
    problems = []
    for status, r in cases:
        assert r.status_code == status, (r.request.url, r.status_code, r.text)
        problems += [f"{r.request.url}: {t!r}" for t in _json_english(r.json())]
    assert not problems, "\n".join(problems)


def test_the_api_answers_in_the_requested_language(app: FastAPI, demo: Runtime) -> None:
    officer = _client(app, demo, "demo-officer")
    path = "/api/v1/work-orders/XX99-20260101-0001"

    def message(**kw: Any) -> str:
        return str(officer.get(path, **kw).json()["error"]["message"])

    assert message() == "没有工单 XX99-20260101-0001。"
    assert message(headers={"Accept-Language": "en-US,en;q=0.9"}) == (
        "No work order XX99-20260101-0001."
    )
    assert message(headers={"Accept-Language": "en;q=0.5, zh-CN"}).startswith("没有")
    assert message(params={"lang": "en"}, headers={"Accept-Language": "zh"}).startswith("No ")
    officer.cookies.set("jingwu_lang", "en")
    assert message(headers={"Accept-Language": "zh-CN"}).startswith("No ")


def test_pages_stay_chinese_whatever_the_browser_accepts(app: FastAPI, demo: Runtime) -> None:
    officer = _client(app, demo, "demo-officer")
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "en-US"}
    page = officer.get("/", headers=browser)
    assert "工作台" in page.text and not english(page.text)
    htmx = {"HX-Request": "true", "Accept": "*/*", "Accept-Language": "en-US"}
    fragment = officer.get("/work-orders/XX99-20260101-0001", headers=htmx)
    assert fragment.status_code == 404 and "没有工单" in fragment.text


def test_is_page_keeps_files_and_machine_endpoints_out() -> None:
    assert not is_page("/healthz") and not is_page("/iot/static/{name}")
    assert is_page("/work-orders/{code}")


def test_the_demos_mediation_agreements_fit_their_disputes_and_read_as_chinese(
    app: FastAPI, demo: Runtime
) -> None:
    """Each agreed case's terms are of its order's kind of dispute (not a debt settled for a
    noise complaint), and the printable agreement uses Chinese punctuation."""
    with demo.db.unit_of_work(write=False) as session:
        agreed = session.execute(
            select(WorkOrder.code, WorkOrder.category, Mediation.agreement_text)
            .join(Mediation, Mediation.order_id == WorkOrder.id)
            .where(Mediation.status == "agreed")
        ).all()
    assert agreed
    for code, category, terms in agreed:
        assert terms in AGREEMENTS[category], (code, category, terms)
    page = _client(app, demo, "demo-chief").get(f"/work-orders/{agreed[0][0]}/mediation/agreement")
    assert page.status_code == 200
    assert "签名（" in page.text and "）：" in page.text and "): " not in page.text
