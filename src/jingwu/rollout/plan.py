"""The rollout's rules (pure: no database, no web, no clock).

A *phase* is a year (``2025``) or a half-year (``2025-H2``) of the plan. A street's *target*
for a phase is how many of its stations are to become demonstration stations in it. A
station moves along ``planned → building → self_assessed → verified → demonstration`` one
step at a time, by the roles named below; it may go back any number of steps, with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

STATUSES = ("planned", "building", "self_assessed", "verified", "demonstration")
# English message ids of the statuses (the catalogue translates them).
STATUS_LABELS = {
    "planned": "In the plan",
    "building": "Building",
    "self_assessed": "Self-assessed",
    "verified": "Verified",
    "demonstration": "Demonstration station",
}
# Who may move a station forward into each status (where is the scope's business).
FORWARD_ROLES: dict[str, frozenset[str]] = {
    "building": frozenset({"street", "director", "admin"}),
    "self_assessed": frozenset({"chief", "director", "admin"}),
    "verified": frozenset({"inspector", "admin"}),
    "demonstration": frozenset({"director", "city", "admin"}),
}
# Who may send a station back (always with a reason).
BACK_ROLES = frozenset({"director", "inspector", "city", "admin"})
PLAN_YEARS = (2000, 2100)
_PHASE = re.compile(r"^(\d{4})(?:-H([12]))?$")


class MoveRefused(ValueError):
    """A status change the rules refuse; ``reason`` is one of the codes below."""

    REASONS = ("unknown", "same", "skip", "role", "reason")

    def __init__(self, reason: str) -> None:
        assert reason in self.REASONS
        self.reason = reason
        super().__init__(reason)


def rank(status: str) -> int:
    """The position of ``status`` along the way (0 = planned)."""
    return STATUSES.index(status)


def check_move(*, role: str, current: str, target: str, reason: str) -> bool:
    """True for a forward step, False for a step back; MoveRefused when the rules say no."""
    if target not in STATUSES or current not in STATUSES:
        raise MoveRefused("unknown")
    step = rank(target) - rank(current)
    if step == 0:
        raise MoveRefused("same")
    if step > 1:
        raise MoveRefused("skip")
    if step == 1:
        if role not in FORWARD_ROLES[target]:
            raise MoveRefused("role")
        return True
    if role not in BACK_ROLES:
        raise MoveRefused("role")
    if not reason.strip():
        raise MoveRefused("reason")
    return False


def allowed_moves(role: str, current: str) -> list[str]:
    """The statuses ``role`` may move a station in ``current`` to: the next one first, then
    the earlier ones, nearest first."""
    out = []
    at = rank(current)
    if at + 1 < len(STATUSES) and role in FORWARD_ROLES[STATUSES[at + 1]]:
        out.append(STATUSES[at + 1])
    if role in BACK_ROLES:
        out += list(reversed(STATUSES[:at]))
    return out


def parse_phase(code: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a phase; ValueError when ``code`` is not one."""
    m = _PHASE.match(code.strip())
    if m is None:
        raise ValueError("a phase is a year (2025) or a half-year (2025-H2)")
    year = int(m.group(1))
    if not PLAN_YEARS[0] <= year <= PLAN_YEARS[1]:
        raise ValueError("a phase's year lies between 2000 and 2100")
    if m.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m.group(2) == "1":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def phase_year(code: str) -> int:
    """The year a phase lies in."""
    return parse_phase(code)[0].year


@dataclass(frozen=True)
class Target:
    """A street's target of demonstration stations for a phase."""

    street_id: int
    district_id: int | None
    phase: str
    target: int


@dataclass(frozen=True)
class StationFact:
    """A station in the plan as the tallies see it."""

    station_id: int
    street_id: int
    district_id: int | None
    phase: str | None  # None: in the rollout, not yet given a phase
    status: str
    demonstration_on: dt.date | None


@dataclass(frozen=True)
class Cell:
    """Progress of a group (a street, a phase, a year, everything) against its targets."""

    target: int = 0
    assigned: int = 0  # stations named for the group's phases
    achieved: int = 0  # of them, demonstration stations
    on_time: int = 0  # of them, demonstration by their phase's last day
    expected: float = 0.0  # of the target, what the plan expects by today (pro rata)
    counts: dict[str, int] = field(default_factory=dict)  # assigned stations by status

    @property
    def share(self) -> float | None:
        """Achieved as a share of the target (None without a target)."""
        return None if self.target == 0 else self.achieved / self.target

    @property
    def behind(self) -> int:
        """How many demonstration stations are missing against what is expected by today."""
        return max(0, int(self.expected) - self.achieved)


def expected_by(phase: str, target: int, today: dt.date) -> float:
    """The part of ``target`` due by ``today``: all of it once the phase has ended, a
    share of it in proportion to the days gone while it runs, none before it starts."""
    start, end = parse_phase(phase)
    if today > end:
        return float(target)
    if today < start:
        return 0.0
    days = (end - start).days + 1
    return target * ((today - start).days + 1) / days


def cell(targets: Iterable[Target], stations: Iterable[StationFact], today: dt.date) -> Cell:
    """Progress of these targets and the stations named for their phases."""
    t = list(targets)
    s = [x for x in stations if x.phase is not None]
    counts = dict.fromkeys(STATUSES, 0)
    for x in s:
        counts[x.status] += 1
    done = [x for x in s if x.status == "demonstration"]
    on_time = [
        x
        for x in done
        if x.phase is not None
        and x.demonstration_on is not None
        and x.demonstration_on <= parse_phase(x.phase)[1]
    ]
    return Cell(
        target=sum(x.target for x in t),
        assigned=len(s),
        achieved=len(done),
        on_time=len(on_time),
        expected=sum(expected_by(x.phase, x.target, today) for x in t),
        counts=counts,
    )


Key = Callable[[str, int, int | None], Hashable]  # (phase, street, district) → group


def tally(
    targets: Iterable[Target], stations: Iterable[StationFact], today: dt.date, key: Key
) -> dict[Hashable, Cell]:
    """Progress of each group ``key`` puts targets and stations in (phase-less stations
    belong to no group)."""
    by_t: dict[Hashable, list[Target]] = {}
    by_s: dict[Hashable, list[StationFact]] = {}
    for t in targets:
        by_t.setdefault(key(t.phase, t.street_id, t.district_id), []).append(t)
    for s in stations:
        if s.phase is not None:
            by_s.setdefault(key(s.phase, s.street_id, s.district_id), []).append(s)
    return {k: cell(by_t.get(k, []), by_s.get(k, []), today) for k in {*by_t, *by_s}}


def by_phase(phase: str, street: int, district: int | None) -> Hashable:
    return phase


def by_year(phase: str, street: int, district: int | None) -> Hashable:
    return phase_year(phase)


def by_street(phase: str, street: int, district: int | None) -> Hashable:
    return street


def by_district(phase: str, street: int, district: int | None) -> Hashable:
    return district


def by_street_phase(phase: str, street: int, district: int | None) -> Hashable:
    return (street, phase)


def everything(phase: str, street: int, district: int | None) -> Hashable:
    return "all"
