"""SLA clock arithmetic: readings, due warnings and breaches, the next due instant (pure).

Both clocks run in calendar time, around the clock, from the instant the order was received
— not from when someone signs for it. Times may come in any timezone-aware form; arithmetic
is on absolute instants (so daylight-saving changes of a display zone cannot shift a
deadline) and every datetime returned is UTC.

- *Response* stops at the first ``accept`` or ``record_contact``. Pauses never touch it.
- *Completion* stops at ``resolve``. ``hold`` pauses it until ``resume`` — only under a
  pausable policy; a hold under a non-pausable (red) policy leaves the clock running. The
  total paused time is reported.
- ``transfer``, ``reject`` and ``mark_duplicate`` stop both clocks for good.

Reopen: the completion clock *continues* with the budget that was left at ``resolve``; the
time the order spent resolved or closed (the citizen checking the result) is not counted,
and nothing restarts. This is the fair choice for both sides: a hasty resolve cannot buy a
fresh budget, and a station whose honest result was disputed days later is not marked
overdue for days in which it could not act. It also keeps counted time monotone, so each
(clock, level) is crossed at most once in an order's life and the sweep's key
``(order, clock, level)`` is exact.

Levels: a warning at p % is due once counted time reaches p % of the budget; the breach once
it *exceeds* the budget (a response at exactly 1 h is on time). A warning still unsent when
its clock stops is dropped (it can no longer help); a breach is always due — the overdue
record must exist even if the sweep saw it late.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from jingwu.workorders.sla import BREACH_PERCENT, SlaPolicy
from jingwu.workorders.states import Action
from jingwu.workorders.vocab import parse

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_RESPONDED = frozenset({Action.ACCEPT, Action.RECORD_CONTACT})
_ENDING = frozenset({Action.TRANSFER, Action.REJECT, Action.MARK_DUPLICATE})


class ClockError(ValueError):
    """Times are naive or out of order."""


class Clock(StrEnum):
    """The two SLA clocks of an order."""

    RESPONSE = "response"
    COMPLETION = "completion"


class ClockStatus(StrEnum):
    """What a clock is doing now."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"  # responded / resolved
    STOPPED = "stopped"  # transferred, rejected or duplicate


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """A recorded action and when it happened."""

    action: Action | str  # an Action or its string value from the event row
    at: datetime


@dataclass(frozen=True, slots=True)
class ClockReading:
    """One clock of one order at ``now``."""

    clock: Clock
    status: ClockStatus
    budget: timedelta
    elapsed: timedelta  # counted time (pauses and time resolved excluded)
    remaining: timedelta  # budget - elapsed; negative when overdue
    paused: timedelta  # total time on hold (always zero for response)
    deadline: datetime | None  # when the budget runs out; None while paused
    met_at: datetime | None
    percent: int  # floor(100 * elapsed / budget)

    @property
    def breached(self) -> bool:
        """True when counted time exceeds the budget."""
        return self.elapsed > self.budget


@dataclass(frozen=True, slots=True, order=True)
class Alert:
    """A warning or breach crossing: emit once per (order, clock, percent)."""

    at: datetime  # when counted time reached the level (a breach: 1 µs past the deadline)
    clock: Clock
    percent: int

    @property
    def is_breach(self) -> bool:
        """True for the 100 % level."""
        return self.percent >= BREACH_PERCENT

    @property
    def key(self) -> tuple[str, int]:
        """The part of the idempotency key that belongs to the order: (clock, percent)."""
        return (str(self.clock), self.percent)


@dataclass(frozen=True, slots=True)
class _Track:
    """A clock as run intervals in microseconds since the epoch (last end None: running)."""

    runs: tuple[tuple[int, int | None], ...]
    status: ClockStatus
    paused_us: int
    met_us: int | None


def _us(at: datetime) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ClockError(f"time {at.isoformat()} must be timezone-aware")
    return (at - EPOCH) // _US


def _dt(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def _checked(
    received_at: datetime, events: Iterable[ClockEvent], now: datetime
) -> tuple[int, list[tuple[Action, int]], int]:
    start, end = _us(received_at), _us(now)
    steps = [(parse(Action, e.action), _us(e.at)) for e in events]
    times = [start, *(t for _, t in steps), end]
    if any(a > b for a, b in pairwise(times)):
        raise ClockError("events must be in time order, between receipt and now")
    return start, steps, end


def _response_track(start: int, steps: Sequence[tuple[Action, int]]) -> _Track:
    for action, at in steps:
        if action in _RESPONDED:
            return _Track(((start, at),), ClockStatus.MET, 0, at)
        if action in _ENDING:
            return _Track(((start, at),), ClockStatus.STOPPED, 0, None)
    return _Track(((start, None),), ClockStatus.RUNNING, 0, None)


def _completion_track(
    start: int, steps: Sequence[tuple[Action, int]], end: int, pausable: bool
) -> _Track:
    runs: list[tuple[int, int | None]] = []
    status, since, paused = ClockStatus.RUNNING, start, 0
    met: int | None = None
    for action, at in steps:
        if status is ClockStatus.RUNNING and action is Action.HOLD and pausable:
            runs.append((since, at))
            status, since = ClockStatus.PAUSED, at
        elif status is ClockStatus.PAUSED and action is Action.RESUME:
            paused += at - since
            status, since = ClockStatus.RUNNING, at
        elif status is ClockStatus.RUNNING and action is Action.RESOLVE:
            runs.append((since, at))
            status, met = ClockStatus.MET, at
        elif status is ClockStatus.MET and action is Action.REOPEN:
            status, since, met = ClockStatus.RUNNING, at, None
        elif status is not ClockStatus.STOPPED and action in _ENDING:
            if status is ClockStatus.RUNNING:
                runs.append((since, at))
            elif status is ClockStatus.PAUSED:
                paused += at - since
            status = ClockStatus.STOPPED
            break
    if status is ClockStatus.RUNNING:
        runs.append((since, None))
    elif status is ClockStatus.PAUSED:
        paused += end - since
    return _Track(tuple(runs), status, paused, met)


def _counted(track: _Track, now: int) -> int:
    return sum(min(now, stop if stop is not None else now) - begin for begin, stop in track.runs)


def _reaches(track: _Track, target: int) -> int | None:
    """The instant counted time reaches ``target`` µs, projected if the clock is running."""
    total = 0
    for begin, stop in track.runs:
        if stop is None or total + (stop - begin) >= target:
            return begin + (target - total)
        total += stop - begin
    return None


def _threshold(budget_us: int, percent: int) -> int:
    if percent >= BREACH_PERCENT:
        return budget_us + 1  # a breach is *more* than the budget
    return -(-budget_us * percent // 100)  # ceil: the level is reached, never approximated


def _tracks(
    policy: SlaPolicy, received_at: datetime, events: Iterable[ClockEvent], now: datetime
) -> tuple[tuple[Clock, _Track, int], ...]:
    start, steps, end = _checked(received_at, events, now)
    return (
        (Clock.RESPONSE, _response_track(start, steps), policy.response // _US),
        (
            Clock.COMPLETION,
            _completion_track(start, steps, end, policy.pausable),
            policy.completion // _US,
        ),
    )


def _reading(clock: Clock, track: _Track, budget: int, now: int) -> ClockReading:
    counted = _counted(track, now)
    if track.status is ClockStatus.PAUSED:
        deadline = None
    else:
        last = track.runs[-1][1] if track.runs and track.runs[-1][1] is not None else now
        deadline = _dt(last + budget - counted)
    return ClockReading(
        clock=clock,
        status=track.status,
        budget=timedelta(microseconds=budget),
        elapsed=timedelta(microseconds=counted),
        remaining=timedelta(microseconds=budget - counted),
        paused=timedelta(microseconds=track.paused_us),
        deadline=deadline,
        met_at=None if track.met_us is None else _dt(track.met_us),
        percent=counted * 100 // budget,
    )


def read_clocks(
    policy: SlaPolicy, received_at: datetime, events: Iterable[ClockEvent], now: datetime
) -> dict[Clock, ClockReading]:
    """Both clocks of an order at ``now``, from its receipt time and recorded events."""
    end = _us(now)
    return {
        clock: _reading(clock, t, b, end)
        for clock, t, b in _tracks(policy, received_at, events, now)
    }


def _scan(
    policy: SlaPolicy,
    received_at: datetime,
    events: Iterable[ClockEvent],
    now: datetime,
    emitted: Collection[tuple[str, int]],
) -> tuple[list[Alert], int | None]:
    """The alerts due by ``now`` and not emitted, and the first crossing after ``now``."""
    end, due, upcoming = _us(now), [], []
    for clock, track, budget in _tracks(policy, received_at, events, now):
        finished = track.status in (ClockStatus.MET, ClockStatus.STOPPED)
        for percent in policy.levels:
            alert_at = _reaches(track, _threshold(budget, percent))
            if alert_at is None or (str(clock), percent) in emitted:
                continue
            if alert_at > end:  # only a running clock projects into the future
                upcoming.append(alert_at)
            elif percent >= BREACH_PERCENT or not finished:
                # a stale warning about a stopped clock helps nobody; a breach is a fact
                due.append(Alert(_dt(alert_at), clock, percent))
    return sorted(due), min(upcoming, default=None)


def due_alerts(
    policy: SlaPolicy,
    received_at: datetime,
    events: Iterable[ClockEvent],
    now: datetime,
    *,
    emitted: Collection[tuple[str, int]] = (),
) -> list[Alert]:
    """The warnings and breaches due by ``now`` and not in ``emitted`` ((clock, percent) keys)."""
    return _scan(policy, received_at, events, now, emitted)[0]


def next_due_at(
    policy: SlaPolicy,
    received_at: datetime,
    events: Iterable[ClockEvent],
    now: datetime,
    *,
    emitted: Collection[tuple[str, int]] = (),
) -> datetime | None:
    """When the sweep must next look at the order: the earliest unsent due alert, else the
    first instant after ``now`` at which a new level is crossed if nothing else happens.

    Store it on the order (indexed) after every event and after every sweep of the order, and
    let the sweep select only orders with ``next_due_at <= now``. An alert already due but not
    in ``emitted`` (a breach just before a resolve, say) keeps the order selected until sent.
    None: nothing can fall due until the next event (clocks met, stopped or paused).
    """
    due, upcoming = _scan(policy, received_at, events, now, emitted)
    if due:
        return due[0].at
    return None if upcoming is None else _dt(upcoming)


@dataclass(frozen=True, slots=True)
class SweepStep:
    """What one sweep pass does for one order: emit ``alerts``, then store ``next_due_at``."""

    alerts: tuple[Alert, ...]
    next_due_at: datetime | None


def sweep_order(
    policy: SlaPolicy,
    received_at: datetime,
    events: Iterable[ClockEvent],
    now: datetime,
    *,
    emitted: Collection[tuple[str, int]] = (),
) -> SweepStep:
    """The alerts to emit now and the ``next_due_at`` to store once they are emitted."""
    due, upcoming = _scan(policy, received_at, events, now, emitted)
    return SweepStep(tuple(due), None if upcoming is None else _dt(upcoming))
