"""The incidents layer: at every zoom its heat points add up to the incidents of the window
in scope whose cell lies in the box, counted one by one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.analytics.models import Incident
from jingwu.analytics.service_heat import current_grid, frame_of, refresh
from jingwu.analytics.sitmap import layers
from jingwu.viewport import parse_viewport
from tests.integration.analytics.an_world import NOW, make_world, scatter

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("zoom", [10, 13, 15, 17])
@pytest.mark.parametrize(
    ("who", "units"),
    [("officer", ("SA01",)), ("director", ("D000", "SA00", "SB00", "SA01", "SA02", "SB01"))],
)
def test_heat_points_add_up_to_the_incidents_counted_one_by_one(
    session: Session, zoom: int, who: str, units: tuple[str, ...]
) -> None:
    unit_of = {"officer": "SA01", "director": "D000"}
    w = make_world(session, roles=((who, unit_of[who], who),))
    scatter(session, 600, days=40, seed=3)
    refresh(session, now=NOW, tz=TZ)
    bbox = "120.098,30.198,120.118,30.212"
    view = parse_viewport(bbox, zoom)
    got = layers.load(session, w.p[who], "incidents", view, layers.Ask(now=NOW, tz=TZ))
    grid = current_grid(session)
    assert grid is not None
    frame = frame_of(grid)
    # one by one: the window's local days, the unit in scope, the cell's centre in the box
    first = (NOW.astimezone(TZ) - dt.timedelta(days=29)).date()
    ids = [w.units[u].id for u in units]
    rows = session.execute(
        select(Incident.lon, Incident.lat, Incident.occurred_at).where(Incident.unit_id.in_(ids))
    ).all()
    lon = np.array([r[0] for r in rows])
    lat = np.array([r[1] for r in rows])
    recent = np.array([r[2].astimezone(TZ).date() >= first for r in rows])
    cells = frame.locate(lon, lat)
    cx, cy = frame.centres(np.where(cells >= 0, cells, 0))
    inside = (cells >= 0) & recent & (cx >= view.west) & (cx <= view.east)
    inside &= (cy >= view.south) & (cy <= view.north)
    assert got["total"] == int(inside.sum())
    assert sum(p[2] for p in got["points"]) == got["total"]
    assert got["clustered"] == (zoom <= 13)
