"""A small world for analytics tests: three stations with boundaries, users, incidents.

Stations (from tests.factories.org.make_tree): SA01 [120.10, 120.11] × [30.20, 30.21],
SA02 [120.11, 120.12] × [30.20, 30.21] under street SA00, SB01 [120.12, 120.13] × [30.20,
30.21] under SB00; the district D000 has no boundary, so points elsewhere fall to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.analytics.service_incidents import NewIncidents, add_incidents, locator
from jingwu.org.models import Unit
from tests.factories.accounts import make_user, principal
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
CATEGORIES = ("theft", "dispute", "fraud")


@dataclass
class World:
    units: dict[str, Unit]
    p: dict[str, Principal]


def make_world(session: Session, *, roles: tuple[tuple[str, str, str], ...] = ()) -> World:
    """The tree, plus users named (name, unit code, role)."""
    units = make_tree(session)
    found = {}
    for name, code, role in roles:
        found[name] = principal(session, make_user(session, units[code], role, name))
    return World(units, found)


_serial = iter(range(1, 10**9))


def scatter(
    session: Session,
    n: int,
    *,
    now: dt.datetime = NOW,
    days: float = 60.0,
    seed: int = 0,
    source: str = "test",
    west: float = 120.098,
    east: float = 120.132,
) -> int:
    """Store n random incidents over the last ``days`` days around the three stations
    (a few fall outside every station); return how many were new."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(west, east, n)
    lat = rng.uniform(30.198, 30.212, n)
    t = now.timestamp() - rng.uniform(0, days * 86_400.0, n)
    unit = locator(session, SYSTEM).assign(lon, lat)
    rows = NewIncidents(
        source=source,
        refs=[f"R{next(_serial)}" for _ in range(n)],
        categories=[CATEGORIES[k] for k in rng.integers(0, len(CATEGORIES), n)],
        occurred=np.round(t),
        reported=None,
        lon=np.round(lon, 6),
        lat=np.round(lat, 6),
        unit=unit,
    )
    return add_incidents(session, rows, now=now)
