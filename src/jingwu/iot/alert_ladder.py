"""Who hears of an unacknowledged alert, and when (pure): chief → street → district.

Like a work order past its deadlines, an alert nobody acknowledges climbs the ladder: the
station's chief, then the street station head, then the district. A red alert reaches the
chief at once; each tier has its own time limits. Acknowledging (or resolving, or confirming
into a work order) stops the climb.
"""

from __future__ import annotations

import datetime as dt

CHIEF, STREET, DISTRICT = 1, 2, 3
LEVEL_NAMES = {CHIEF: "chief", STREET: "street", DISTRICT: "district"}

_M = dt.timedelta(minutes=1)
# tier -> ((level, unacknowledged for at least), ...) in rising order
LADDER: dict[str, tuple[tuple[int, dt.timedelta], ...]] = {
    "red": ((CHIEF, 0 * _M), (STREET, 10 * _M), (DISTRICT, 30 * _M)),
    "orange": ((CHIEF, 15 * _M), (STREET, 60 * _M), (DISTRICT, 240 * _M)),
    "yellow": ((CHIEF, 60 * _M), (STREET, 480 * _M)),
}


def _steps(tier: str) -> tuple[tuple[int, dt.timedelta], ...]:
    return LADDER.get(tier, LADDER["yellow"])


def level_due(tier: str, waited: dt.timedelta) -> int:
    """The highest level an alert of ``tier`` unacknowledged for ``waited`` has reached."""
    return max((level for level, after in _steps(tier) if waited >= after), default=0)


def next_escalation(tier: str, raised_at: dt.datetime, level: int) -> dt.datetime | None:
    """When an alert at ``level`` climbs next (None at the top of its ladder)."""
    return next((raised_at + after for lv, after in _steps(tier) if lv > level), None)


def first_escalation(tier: str, raised_at: dt.datetime) -> dt.datetime | None:
    """When a new alert first reaches someone (at once for red)."""
    return next_escalation(tier, raised_at, 0)
