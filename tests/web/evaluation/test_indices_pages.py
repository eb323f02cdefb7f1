"""The indices' pages through the ASGI client: the ranking with its map and intervals, a
station's scorecard, a value's rows; missing shown as missing, both languages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.indices import service, values
from jingwu.evaluation.indices.models import IndicatorValue
from tests.conftest import FrozenClock
from tests.factories.accounts import sign_in
from tests.factories.org import square
from tests.integration.evaluation.indices.indices_world import NOW, seeded


def test_the_director_ranks_drills_into_a_station_and_sees_the_rows_behind_a_figure(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    w = seeded(session)
    w.units["SB01"].boundary = square(120.12, 30.2)
    for station in ("SA01", "SA02"):
        for indicator in ("kpi.satisfaction.environment", "kpi.satisfaction.innovation"):
            values.enter(
                session,
                SYSTEM,
                indicator=indicator,
                station=station,
                period="2026-Q4",
                value=80.0,
                now=NOW,
            )
    service.recompute(session, "2026-11", now=NOW)
    assert sign_in(client, w.users["director"], clock.now).status_code == 303
    page = client.get("/evaluation?index=kpi.satisfaction&period=2026-11")
    assert page.status_code == 200
    text = page.text
    assert 'id="ranking-map"' in text and "indices-map.js" in text
    assert text.count('class="ev-interval"') == 2  # SA01 and SA02 ranked; SB01 missing
    assert "缺失" in text and "群众满意度指数" in text
    order = re.findall(r'href="/evaluation/units/(\w+)\?period=2026-11"', text)
    assert order[-1] == "SB01"
    card = client.get("/evaluation/units/SA01?period=2026-11")
    assert card.status_code == 200 and "评分卡" in card.text
    value = session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator == "kpi.satisfaction.response",
            IndicatorValue.period == "2026-11",
            IndicatorValue.unit_id == w.units["SA01"].id,
        )
    )
    assert value is not None and f'href="/evaluation/values/{value.id}"' in card.text
    rows = client.get(f"/evaluation/values/{value.id}")
    assert rows.status_code == 200 and rows.text.count('href="/work-orders/SA01-') == 6
    quarter = client.get("/evaluation?index=kpi.efficiency&period=2026-Q4")
    assert quarter.status_code == 200
    english = client.get("/evaluation?index=safety&period=2026-11", cookies={"lang": "en"})
    assert english.status_code == 200


def test_a_station_chief_sees_only_the_own_station(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    w = seeded(session)
    service.recompute(session, "2026-11", now=NOW)
    assert sign_in(client, w.users["b_chief"], clock.now).status_code == 303
    text = client.get("/evaluation?period=2026-11").text
    assert re.findall(r'href="/evaluation/units/(\w+)\?', text) == ["SB01"]
    assert client.get("/evaluation/units/SA01").status_code == 404
    value = session.scalar(
        select(IndicatorValue.id).where(IndicatorValue.unit_id == w.units["SA01"].id)
    )
    assert client.get(f"/evaluation/values/{value}").status_code == 404
