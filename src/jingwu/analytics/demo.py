"""Demo seed: four months of plausible incidents in the demo district, the Minneapolis
backtest result, a first heat-map refresh and tomorrow's forecast.

The incidents come from :func:`jingwu.analytics.synthetic.synthetic_incidents` (chronic
hotspots, diffuse background, near repeats, a weekly rhythm, five categories), laid over
the district and kept where they fall inside one of the twelve stations.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.locate import NOWHERE
from jingwu.analytics.service_backtests import store_backtest
from jingwu.analytics.service_forecast import ensure_forecast
from jingwu.analytics.service_heat import refresh
from jingwu.analytics.service_incidents import NewIncidents, add_incidents, locator
from jingwu.analytics.synthetic import synthetic_incidents
from jingwu.demodata import DemoContext

ORDER = 50
DAYS = 120
DRAWN = 4_200  # nearly all fall inside the stations: about 4,000 incidents
BACKTEST = Path(__file__).resolve().parents[3] / "bench/results/analytics_backtest_quality.json"


def _incidents(session: Session, ctx: DemoContext) -> int:
    place = locator(session, SYSTEM)
    west, south, east, north = (
        min(a.bbox()[0] for a in place.stations), min(a.bbox()[1] for a in place.stations),
        max(a.bbox()[2] for a in place.stations), max(a.bbox()[3] for a in place.stations),
    )  # fmt: skip
    rng = np.random.default_rng(ctx.rng.randrange(2**32))
    start = (ctx.now - dt.timedelta(days=DAYS)).replace(minute=0, second=0, microsecond=0)
    table = synthetic_incidents(
        DRAWN, start=start, days=DAYS, centre=((west + east) / 2, (south + north) / 2),
        radius_m=2_300.0, rng=rng, n_hotspots=30,
    )  # fmt: skip
    unit = place.assign(table.lon, table.lat)
    keep = (unit != NOWHERE) & np.isin(unit, [a.unit_id for a in place.stations])
    keep &= table.occurred < ctx.now.timestamp()
    rows = NewIncidents(
        source="demo",
        refs=[ident for ident, k in zip(table.ids, keep, strict=True) if k],
        categories=[table.categories[int(c)] for c in table.category[keep]],
        occurred=table.occurred[keep],
        reported=None,
        lon=table.lon[keep],
        lat=table.lat[keep],
        unit=unit[keep],
    )
    return add_incidents(session, rows, now=ctx.now)


def seed(session: Session, ctx: DemoContext) -> None:
    ctx.data["analytics_incidents"] = _incidents(session, ctx)
    if BACKTEST.is_file():
        document = json.loads(BACKTEST.read_text(encoding="utf-8"))
        source = str(document.get("protocol", {}).get("incidents") or BACKTEST.name)
        store_backtest(session, SYSTEM, document=document, source=source, now=ctx.now)
    tz = ctx.runtime.settings.tz
    refresh(session, now=ctx.now, tz=tz)
    ensure_forecast(session, now=ctx.now, tz=tz)
