"""PDCA supervision (EVAL-4): the quarterly improvement list's red/yellow/green status.

The list's 12 items are data (``pdca_items`` in the catalogue). Each unit's item for a quarter
has a start, a due time, a stage (plan → do → check → act) and, once finished, ``done_at``.
Its supervision colour, at ``now``:

- **green**: done (by its due time or after: the reason says which), not started yet, or on
  track;
- **yellow**: not done and at least 80 % of its time (start → due) has passed (``nearly_due``),
  or behind its stage schedule (``behind``): each stage is expected to be over by an equal
  share of the time — plan by 25 %, do by 50 %, check by 75 % — so an item still planning at
  30 % of its time is at risk;
- **red**: not done by its due time (``overdue``).

Something finished after ``now`` is not done yet at ``now``, so a board can be replayed for
any past moment. The completion rate (``completion``) counts the items due by ``now`` or
already done, against the guide's ≥ 95 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from jingwu.errors import Invalid

NEARLY_DUE = 0.8  # share of the time after which an open item turns yellow
COMPLETION_TARGET = 0.95  # the guide's completion rate
SHANGHAI = ZoneInfo("Asia/Shanghai")


class Stage(StrEnum):
    """The four PDCA stages, in order."""

    PLAN = "plan"
    DO = "do"
    CHECK = "check"
    ACT = "act"


class Colour(StrEnum):
    """The supervision colour (红黄绿三色督办)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def severity(self) -> int:
        """0 for green, 1 for yellow, 2 for red."""
        return list(Colour).index(self)


class Reason(StrEnum):
    """Why an item has its colour."""

    DONE = "done"
    DONE_LATE = "done_late"
    SCHEDULED = "scheduled"  # its start is still ahead
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NEARLY_DUE = "nearly_due"
    OVERDUE = "overdue"


# The share of an item's time by which each stage is expected to be over.
STAGE_ENDS: dict[Stage, float] = {
    Stage.PLAN: 0.25,
    Stage.DO: 0.5,
    Stage.CHECK: 0.75,
    Stage.ACT: 1.0,
}


@dataclass(frozen=True, slots=True)
class Supervision:
    """An item's status at one moment."""

    colour: Colour
    reason: Reason
    elapsed: float  # share of the time from start to due that has passed (may exceed 1)


@dataclass(frozen=True, slots=True)
class Completion:
    """The completion rate of a list at one moment."""

    counted: int  # items due by then, or done already
    done: int
    done_on_time: int
    rate: float | None  # done / counted; None when nothing is counted yet
    on_time_rate: float | None
    met: bool | None  # rate ≥ the target; None when nothing is counted yet


def supervise(
    *,
    start: dt.datetime,
    due: dt.datetime,
    stage: Stage,
    done_at: dt.datetime | None,
    now: dt.datetime,
) -> Supervision:
    """The colour of one item at ``now`` (all times timezone-aware)."""
    _check(start, due, stage, done_at, now)
    elapsed = (now - start) / (due - start)
    if done_at is not None and done_at <= now:
        reason = Reason.DONE if done_at <= due else Reason.DONE_LATE
        return Supervision(Colour.GREEN, reason, elapsed)
    if now > due:
        return Supervision(Colour.RED, Reason.OVERDUE, elapsed)
    if now < start:
        return Supervision(Colour.GREEN, Reason.SCHEDULED, elapsed)
    if elapsed >= NEARLY_DUE:
        return Supervision(Colour.YELLOW, Reason.NEARLY_DUE, elapsed)
    if elapsed > STAGE_ENDS[stage]:
        return Supervision(Colour.YELLOW, Reason.BEHIND, elapsed)
    return Supervision(Colour.GREEN, Reason.ON_TRACK, elapsed)


def completion(
    items: Iterable[tuple[dt.datetime, dt.datetime | None]],
    *,
    now: dt.datetime,
    target: float = COMPLETION_TARGET,
) -> Completion:
    """The completion rate at ``now`` of items given as (due, done_at)."""
    _aware(now)
    counted = done = on_time = 0
    for due, done_at in items:
        _aware(due)
        finished = done_at is not None and _aware(done_at) <= now
        if not finished and due > now:
            continue  # neither due nor done yet: not counted
        counted += 1
        if finished and done_at is not None:
            done += 1
            on_time += done_at <= due
    rate = done / counted if counted else None
    return Completion(
        counted=counted,
        done=done,
        done_on_time=on_time,
        rate=rate,
        on_time_rate=on_time / counted if counted else None,
        met=None if rate is None else rate >= target,
    )


def quarter_window(
    year: int, quarter: int, zone: ZoneInfo = SHANGHAI
) -> tuple[dt.datetime, dt.datetime]:
    """The start and end (exclusive) of a calendar quarter in ``zone``, as UTC times."""
    if not 1 <= quarter <= 4 or not 1 <= year <= 9998:
        raise Invalid(
            "{year} Q{quarter} is not a quarter.", params={"year": year, "quarter": quarter}
        )
    start = dt.datetime(year, 3 * quarter - 2, 1, tzinfo=zone)
    end = dt.datetime(year + quarter // 4, 3 * quarter % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid("PDCA times must carry a time zone.")
    return moment


def _check(
    start: dt.datetime,
    due: dt.datetime,
    stage: Stage,
    done_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    for moment in (start, due, now, *([done_at] if done_at else [])):
        _aware(moment)
    if due <= start:
        raise Invalid("A PDCA item must be due after it starts.")
    if done_at is not None and done_at < start:
        raise Invalid("A PDCA item cannot be done before it starts.")
    if done_at is not None and stage is not Stage.ACT:
        raise Invalid("A PDCA item is done only in the act stage.")
