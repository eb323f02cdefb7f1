"""Every number on the analytics page follows the filters and the reader's scope; officers
get tomorrow's hotspots in words; the backtest tables are on the analysts' page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, in_scope
from jingwu.analytics import queries
from jingwu.analytics.models import Incident, IncidentCategory
from jingwu.analytics.service_backtests import store_backtest
from jingwu.analytics.service_forecast import latest_forecast, make_forecast
from jingwu.analytics.service_heat import refresh
from jingwu.org.models import Unit
from tests.conftest import FrozenClock
from tests.factories.accounts import TestUser as Account
from tests.factories.accounts import make_user, principal, sign_in
from tests.integration.analytics.an_world import NOW, World, make_world, scatter
from tests.unit.analytics.test_analytics_backtestdoc import document

TZ = ZoneInfo("Asia/Shanghai")
ROLES = {
    "officer": ("SA01", "officer"),
    "street": ("SA00", "street"),
    "director": ("D000", "director"),
    "inspector": ("D000", "inspector"),
}


@pytest.fixture
def world(session: Session) -> tuple[World, dict[str, Account]]:
    w = make_world(session)
    users = {n: make_user(session, w.units[u], role, n) for n, (u, role) in ROLES.items()}
    # incidents over the last 80 days, and a dense spot in SA01 over the last week
    scatter(session, 600, days=80, seed=5)
    scatter(session, 60, days=7, seed=6, west=120.104, east=120.106)
    refresh(session, now=NOW, tz=TZ)
    store_backtest(session, SYSTEM, document=document(), source="bt.json", now=NOW)
    make_forecast(session, now=NOW, tz=TZ)
    session.flush()
    return w, users


def _counts(
    session: Session, user: Account, window: int, category: str | None
) -> tuple[int, dict[str, int]]:
    """Incidents in the user's scope over the window's local days, from the stored rows."""
    start_day = NOW.astimezone(TZ).date() - dt.timedelta(days=window - 1)
    start = dt.datetime.combine(start_day, dt.time(), tzinfo=TZ)
    stmt = (
        select(Unit.short_code, func.count())
        .select_from(Incident)
        .join(Unit, Unit.id == Incident.unit_id)
        .join(IncidentCategory, IncidentCategory.id == Incident.category_id)
        .where(Incident.occurred_at >= start, Incident.occurred_at <= NOW)
        .where(in_scope(principal(session, user), Incident.unit_id))
        .group_by(Unit.short_code)
    )
    if category:
        stmt = stmt.where(IncidentCategory.name == category)
    per_unit = {code: int(n) for code, n in session.execute(stmt)}
    return sum(per_unit.values()), per_unit


def _figures(html: str) -> str:
    """The text of the page's figures (status line and the area's summary)."""
    status = html.split('id="an-status"', 1)[1].split("</p>", 1)[0]
    summary = html.split('id="an-summary"', 1)[1].split('<div class="an-layout">', 1)[0]
    return re.sub(r"<[^>]+>", " ", status + summary)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![A-Za-z\d])\d[\d,]*(?:\.\d+)?", text))


FILTERS = [(7, None), (30, "theft"), (90, None)]


@pytest.mark.parametrize("who", list(ROLES))
def test_every_number_on_the_page_follows_the_filters_and_the_scope(
    client: TestClient,
    session: Session,
    world: tuple[World, dict[str, Account]],
    clock: FrozenClock,
    who: str,
) -> None:
    _, users = world
    assert sign_in(client, users[who], clock.now).status_code == 303
    for window, category in FILTERS:
        _check_page(client, session, users[who], window, category)


def _check_page(
    client: TestClient, session: Session, user: Account, window: int, category: str | None
) -> None:
    query = {"window": window, **({"category": category} if category else {})}
    response = client.get("/analytics", params=query)
    assert response.status_code == 200, response.text[-3000:]
    # the page is the shell: its figures come in the fragment it fetches after load
    assert 'id="an-summary"' in response.text and 'id="an-incidents"' not in response.text
    fragment = client.get("/analytics/summary", params=query)
    assert fragment.status_code == 200, fragment.text[-3000:]
    layout = '<div class="an-layout">'
    html = response.text.replace(layout, fragment.text + layout)
    total, per_unit = _counts(session, user, window, category)
    assert re.search(rf'data-total="{total}" data-window="{window}"', html)
    shown = dict(re.findall(r'data-unit="(\w+)">([\d,]+)<', html))
    if len(per_unit) > 1:
        assert {k: int(v.replace(",", "")) for k, v in shown.items()} == per_unit
    # the hotspots: in scope, and each of their numbers is the forecast's or the window's
    p = principal(session, user)
    view = queries.forecast_view(session, p)
    assert view is not None
    cells = [int(c) for c in re.findall(r'<li data-cell="(\d+)"', html)]
    assert cells and set(cells) <= set(view.risks)
    allowed = {f"{total:,}", str(window), str(len(view.hotspots)), "5"}
    allowed |= {f"{n:,}" for n in per_unit.values()}
    forecast = latest_forecast(session)
    assert forecast is not None
    allowed |= _numbers(f"{forecast.day} {NOW.astimezone(TZ):%Y-%m-%d %H:%M}")
    _, grid_counts = queries.window_cells(session, p, now=NOW, tz=TZ, window=window, category=None)
    for cell in cells:
        risk = view.risks[cell]
        usual = grid_counts[cell] / window
        allowed |= {f"{risk.expected:.1f}", f"{usual:.1f}"}
        if usual:
            allowed.add(str(round(risk.expected / usual, 1)))
    distances = set(re.findall(r"约 (\d+) 米", html))
    unexplained = _numbers(_figures(html)) - allowed - distances
    assert unexplained == set()


def test_an_officer_reads_tomorrows_hotspots_in_words(
    client: TestClient,
    session: Session,
    world: tuple[World, dict[str, Account]],
    clock: FrozenClock,
) -> None:
    _, users = world
    assert sign_in(client, users["officer"], clock.now).status_code == 303
    html = client.get("/analytics").text + client.get("/analytics/summary").text
    card = html.split('id="hotspots-card"', 1)[1].split("</section>", 1)[0]
    assert "明日热点" in card and "单位SA01" in card
    assert re.search(r"警务室(东|西|南|北|东北|西北|东南|西南)约 \d+ 米|警务室附近", card)
    assert re.search(r"预计明天约 \d+\.\d 起", card)
    assert re.search(r"平时每天约 \d+\.\d 起（近 30 天平均）", card)
    assert re.search(r"约为平时的 [\d.]+ 倍|与平时相当|低于平时|近 30 天此处无警情", card)
    assert "PAI" not in html and 'id="pai-table"' not in html
    assert 'href="/analytics/backtests"' not in html  # officers have no analysts' page
    assert client.get("/analytics/backtests").status_code == 403


@pytest.mark.parametrize("who", ["director", "inspector"])
def test_analysts_find_the_backtest_tables_on_their_own_page(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock, who: str
) -> None:
    _, users = world
    assert sign_in(client, users[who], clock.now).status_code == 303
    assert 'href="/analytics/backtests"' in client.get("/analytics").text
    page = client.get("/analytics/backtests")
    assert page.status_code == 200
    assert 'id="pai-table"' in page.text and 'id="hit-curve"' in page.text
    assert "cell_choice" in page.text and "预测模型与回测" in page.text


def test_an_unknown_category_or_window_is_refused_on_the_page_and_the_fragment(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    assert sign_in(client, users["officer"], clock.now).status_code == 303
    assert client.get("/analytics", params={"category": "nope"}).status_code == 422
    assert client.get("/analytics/summary", params={"window": 8}).status_code == 422


def test_work_order_categories_are_named_in_chinese_on_the_page_and_the_map(
    client: TestClient,
    session: Session,
    world: tuple[World, dict[str, Account]],
    clock: FrozenClock,
) -> None:
    """Completed work orders feed incidents under their category codes (noise, parking…):
    the filter, the figures and the SVG name them as the order pages do."""
    _, users = world
    scatter(session, 5, days=3, seed=9, source="workorders")
    noise = IncidentCategory(name="noise")
    session.add(noise)
    session.flush()
    incident = session.scalars(select(Incident).where(Incident.source == "workorders")).first()
    assert incident is not None
    incident.category_id = noise.id
    session.flush()
    assert sign_in(client, users["director"], clock.now).status_code == 303
    page = client.get("/analytics").text
    assert '<option value="noise" >噪音扰民</option>' in page and ">noise<" not in page
    summary = client.get("/analytics/summary", params={"category": "noise"}).text
    assert "（噪音扰民）" in summary
    assert "噪音扰民" in client.get("/analytics/map.svg", params={"category": "noise"}).text
