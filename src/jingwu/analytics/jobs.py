"""The analytics jobs: the work-order feed, the heat-map refresh and tomorrow's forecast.

Each runs in its own transaction, claimed by the worker (any number of workers is safe):
the feed every 2 minutes, the heat map every 5 minutes (AN-1), the forecast every hour
(it is made again only when the day, the grid or the incidents changed). The map page's
refresh button makes all three due at once (``jingwu.worker.runner.request_run``).
"""

from __future__ import annotations

import datetime as dt

from jingwu.runtime import Runtime
from jingwu.worker.runner import JobSpec

FEED, HEATMAP, FORECAST = "analytics.workorders", "analytics.heatmap", "analytics.forecast"


def feed(runtime: Runtime, now: dt.datetime) -> str:
    """Store newly completed work orders as incidents."""
    from jingwu.analytics.service_feed import feed_completed_orders  # noqa: PLC0415

    with runtime.db.unit_of_work() as session:
        done = feed_completed_orders(session, now=now)
    return f"work-order feed: {done.added} new incidents ({done.read} orders read)"


def heatmap(runtime: Runtime, now: dt.datetime, *, full: bool = False) -> str:
    """Count new incidents into the heat map (or rebuild it)."""
    from jingwu.analytics.service_heat import refresh  # noqa: PLC0415

    with runtime.db.unit_of_work() as session:
        done = refresh(session, now=now, tz=runtime.settings.tz, full=full)
    if done is None:
        return "heat map: nothing to map yet (no boundaries, no incidents)"
    verb = "rebuilt from" if done.rebuilt else "counted"
    return f"heat map: {verb} {done.read} incidents ({done.skipped} off the grid), {done.days} days"


def forecast(runtime: Runtime, now: dt.datetime) -> str:
    """Make tomorrow's forecast unless the current one is up to date."""
    from jingwu.analytics.service_forecast import ensure_forecast  # noqa: PLC0415

    with runtime.db.unit_of_work() as session:
        made = ensure_forecast(session, now=now, tz=runtime.settings.tz)
        if made is None:
            return "forecast: none (no grid or no incidents yet)"
        return f"forecast for {made.day}: {made.model} on {made.events} incidents"


def run_all(runtime: Runtime, *, now: dt.datetime, full: bool = False) -> list[str]:
    """All three, in order (the command line's ``jingwu analytics refresh``)."""
    return [feed(runtime, now), heatmap(runtime, now, full=full), forecast(runtime, now)]


JOBS = [
    JobSpec(FEED, 120, lambda ctx: feed(ctx.runtime, ctx.now), lease_seconds=300),
    JobSpec(HEATMAP, 300, lambda ctx: heatmap(ctx.runtime, ctx.now), lease_seconds=600),
    JobSpec(FORECAST, 3600, lambda ctx: forecast(ctx.runtime, ctx.now), lease_seconds=1800),
]
REFRESH = (FEED, HEATMAP, FORECAST)
