"""Scope isolation in the analytics read models: an officer of one station sees its
incidents, heat counts, cells and hotspots, and nothing of another station's."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.analytics import queries, queries_lists
from jingwu.analytics.models import Incident
from jingwu.analytics.service_forecast import make_forecast
from jingwu.analytics.service_heat import refresh
from jingwu.errors import Forbidden
from tests.integration.analytics.an_world import NOW, World, make_world, scatter

TZ = ZoneInfo("Asia/Shanghai")
ROLES = (
    ("officer-a", "SA01", "officer"),
    ("officer-b", "SB01", "officer"),
    ("street-a", "SA00", "street"),
    ("director", "D000", "director"),
    ("partner", "D000", "partner"),
)


@pytest.fixture
def world(session: Session) -> World:
    w = make_world(session, roles=ROLES)
    scatter(session, 500, days=80, seed=7)
    refresh(session, now=NOW, tz=TZ)
    make_forecast(session, now=NOW, tz=TZ)
    return w


def stored(session: Session, w: World, code: str) -> int:
    stmt = select(func.count()).select_from(Incident).where(Incident.unit_id == w.units[code].id)
    return int(session.scalar(stmt) or 0)


def test_the_incident_list_holds_only_the_officers_station(session: Session, world: World) -> None:
    rows, total = queries_lists.list_incidents(
        session, world.p["officer-a"], since=None, category=None, page=1, per_page=500
    )
    assert total == stored(session, world, "SA01") > 0
    assert {r.unit for r in rows} == {"SA01"}
    _, street_total = queries_lists.list_incidents(
        session, world.p["street-a"], since=None, category=None, page=1, per_page=1
    )
    assert street_total == stored(session, world, "SA01") + stored(session, world, "SA02")


def test_heat_counts_add_up_by_scope(session: Session, world: World) -> None:
    def total(who: str) -> int:
        return queries.heat_layer(
            session, world.p[who], now=NOW, tz=TZ, window=90, category=None
        ).total

    assert total("officer-a") == stored(session, world, "SA01")
    assert total("officer-b") == stored(session, world, "SB01")
    outside = stored(session, world, "D000")  # the district's own incidents, some off the grid
    assert (
        total("director")
        <= sum(stored(session, world, c) for c in ("SA01", "SA02", "SB01")) + outside
    )
    assert total("director") > total("street-a") > total("officer-a")


def test_a_cell_of_another_station_shows_no_counts_to_the_officer(
    session: Session, world: World
) -> None:
    def detail(who: str) -> queries.CellDetail:
        return queries.cell_detail(
            session, world.p[who], now=NOW, tz=TZ, lon=120.125, lat=30.205, category=None
        )

    theirs, mine = detail("officer-a"), detail("officer-b")
    assert theirs.cell == mine.cell
    assert sum(theirs.counts.values()) == 0 and theirs.risk is None
    assert mine.counts[90] > 0 and mine.risk is not None


def test_hotspots_are_shown_only_inside_the_officers_station(
    session: Session, world: World
) -> None:
    everyone = queries.forecast_view(session, world.p["director"])
    mine = queries.forecast_view(session, world.p["officer-a"])
    assert everyone is not None and mine is not None
    units = dict(
        zip(
            np.frombuffer(everyone.forecast.cells, dtype="<i4").tolist(),
            np.frombuffer(everyone.forecast.units, dtype="<i4").tolist(),
            strict=True,
        )
    )
    assert {units[r.cell] for r in mine.risks.values()} == {world.units["SA01"].id}
    assert {r.cell for r in mine.hotspots} <= {r.cell for r in everyone.hotspots}
    assert len(everyone.risks) > len(mine.risks)


def test_a_partner_sees_no_incident_data(session: Session, world: World) -> None:
    with pytest.raises(Forbidden):
        queries.heat_layer(session, world.p["partner"], now=NOW, tz=TZ, window=7, category=None)
    with pytest.raises(Forbidden):
        queries_lists.list_incidents(
            session, world.p["partner"], since=None, category=None, page=1, per_page=10
        )
    assert queries_lists.dashboard_cards(session, world.p["partner"]) == []
