"""The 8-minute help response (pure): help requests from receipt to the first on-site contact.

A *help request* is an order a citizen filed from where they are (by phone or online);
walk-ins are already at the station and partner or sensor orders are not a person asking
for help. The *first on-site contact* is the first ``start`` (the assignee begins work at
the scene) or ``record_contact`` action after receipt. A request still without one counts
as answered late once 8 minutes have passed, and is left out before that.
Per station and local month: requests, answered within 8 minutes, the share, the median.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

HELP_CHANNELS = ("phone", "online")
ON_SITE_ACTIONS = ("start", "record_contact")
LIMIT = dt.timedelta(minutes=8)


@dataclass(frozen=True, slots=True)
class Request:
    """One help request: its station, receipt and first on-site contact (None: none yet)."""

    unit_id: int
    received_at: dt.datetime
    on_site_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class MonthRow:
    """A station's month: requests counted, those answered within 8 minutes, the median."""

    unit_id: int
    month: str
    requests: int
    within: int
    median_minutes: float | None

    @property
    def share(self) -> float:
        return self.within / self.requests if self.requests else 0.0


def month_rows(requests: Iterable[Request], *, now: dt.datetime, zone: ZoneInfo) -> list[MonthRow]:
    """Rows per (station, local month of receipt), stations then months in order."""
    groups: dict[tuple[int, str], list[float | None]] = {}
    for r in requests:
        minutes = _minutes(r, now)
        if minutes is _PENDING:
            continue
        month = r.received_at.astimezone(zone).strftime("%Y-%m")
        groups.setdefault((r.unit_id, month), []).append(minutes)
    rows = []
    for (unit_id, month), values in sorted(groups.items()):
        done = [v for v in values if v is not None]
        within = sum(1 for v in done if v <= LIMIT.total_seconds() / 60)
        median = statistics.median(done) if done else None
        rows.append(MonthRow(unit_id, month, len(values), within, median))
    return rows


_PENDING = -1.0


def _minutes(r: Request, now: dt.datetime) -> float | None:
    """Minutes to the on-site contact; None when none came (and 8 minutes have passed)."""
    if r.on_site_at is None:
        return None if now - r.received_at > LIMIT else _PENDING
    return max((r.on_site_at - r.received_at).total_seconds(), 0.0) / 60
