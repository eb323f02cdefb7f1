"""PDCA supervision: red/yellow/green from the dates and the stage, and the completion rate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.evaluation.pdca import (
    Colour,
    Reason,
    Stage,
    completion,
    quarter_window,
    supervise,
)

UTC = dt.UTC
START = dt.datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 1 April in Shanghai
DUE = START + dt.timedelta(days=100)


def at(share: float) -> dt.datetime:
    return START + (DUE - START) * share


def colour(stage: Stage, share: float, done_at: dt.datetime | None = None) -> tuple[str, str]:
    s = supervise(start=START, due=DUE, stage=stage, done_at=done_at, now=at(share))
    return s.colour.value, s.reason.value


def test_an_item_on_schedule_is_green() -> None:
    assert colour(Stage.PLAN, 0.1) == ("green", "on_track")
    assert colour(Stage.DO, 0.4) == ("green", "on_track")
    assert colour(Stage.ACT, 0.79) == ("green", "on_track")


def test_an_item_not_started_yet_is_green() -> None:
    assert colour(Stage.PLAN, -0.2) == ("green", "scheduled")


def test_an_item_lagging_its_stage_is_yellow() -> None:
    assert colour(Stage.PLAN, 0.3) == ("yellow", "behind")
    assert colour(Stage.DO, 0.6) == ("yellow", "behind")
    assert colour(Stage.CHECK, 0.7) == ("green", "on_track")


def test_an_open_item_with_80_percent_of_its_time_gone_is_yellow() -> None:
    assert colour(Stage.ACT, 0.8) == ("yellow", "nearly_due")
    assert colour(Stage.ACT, 1.0) == ("yellow", "nearly_due")


def test_an_open_item_past_its_due_time_is_red() -> None:
    assert colour(Stage.ACT, 1.01) == ("red", "overdue")
    assert colour(Stage.PLAN, 3) == ("red", "overdue")


def test_a_done_item_is_green_and_says_whether_it_was_late() -> None:
    assert colour(Stage.ACT, 1.5, done_at=at(0.9)) == ("green", "done")
    assert colour(Stage.ACT, 1.5, done_at=at(1.2)) == ("green", "done_late")
    # Replayed before it was done, it was still open then.
    assert colour(Stage.ACT, 1.1, done_at=at(1.2)) == ("red", "overdue")


def test_inconsistent_items_are_refused() -> None:
    with pytest.raises(Invalid, match="due after it starts"):
        supervise(start=DUE, due=START, stage=Stage.PLAN, done_at=None, now=START)
    with pytest.raises(Invalid, match="before it starts"):
        supervise(start=START, due=DUE, stage=Stage.ACT, done_at=at(-1), now=DUE)
    with pytest.raises(Invalid, match="act stage"):
        supervise(start=START, due=DUE, stage=Stage.CHECK, done_at=at(0.5), now=DUE)
    with pytest.raises(Invalid, match="time zone"):
        supervise(start=START, due=DUE, stage=Stage.PLAN, done_at=None, now=dt.datetime(2026, 5, 1))


def test_the_completion_rate_counts_items_due_or_done_against_95_percent() -> None:
    now = at(1.5)
    items = [(DUE, at(0.9))] * 18 + [(DUE, at(1.2)), (DUE, None), (at(2), None)]
    result = completion(items, now=now)
    assert (result.counted, result.done, result.done_on_time) == (20, 19, 18)
    assert result.rate == pytest.approx(0.95) and result.met is True
    assert result.on_time_rate == pytest.approx(0.9)
    assert completion([(at(2), None)], now=now).rate is None
    assert completion([*items, (DUE, None)], now=now).met is False


def test_the_quarters_are_the_local_calendars() -> None:
    start, end = quarter_window(2026, 2)
    assert start == START
    assert end == dt.datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert quarter_window(2026, 4)[1] == dt.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    with pytest.raises(Invalid):
        quarter_window(2026, 5)


shares = st.floats(min_value=-0.5, max_value=2.0, allow_nan=False)
stages = st.sampled_from(list(Stage))


@settings(deadline=None)
@given(stages, shares, shares)
def test_an_open_items_colour_only_worsens_as_time_passes(stage: Stage, a: float, b: float) -> None:
    early, late = sorted((a, b))
    before = supervise(start=START, due=DUE, stage=stage, done_at=None, now=at(early))
    after = supervise(start=START, due=DUE, stage=stage, done_at=None, now=at(late))
    assert before.colour.severity <= after.colour.severity


@settings(deadline=None)
@given(stages, stages, shares)
def test_moving_to_a_later_stage_never_worsens_the_colour(
    one: Stage, two: Stage, share: float
) -> None:
    order = list(Stage)
    behind, ahead = sorted((one, two), key=order.index)
    slow = supervise(start=START, due=DUE, stage=behind, done_at=None, now=at(share))
    fast = supervise(start=START, due=DUE, stage=ahead, done_at=None, now=at(share))
    assert fast.colour.severity <= slow.colour.severity


@settings(deadline=None)
@given(stages, shares, st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York"]))
def test_red_exactly_when_open_past_due_in_any_time_zone(
    stage: Stage, share: float, zone: str
) -> None:
    now = at(share).astimezone(ZoneInfo(zone))
    result = supervise(start=START, due=DUE, stage=stage, done_at=None, now=now)
    assert (result.colour is Colour.RED) == (now > DUE)
    assert result == supervise(start=START, due=DUE, stage=stage, done_at=None, now=at(share))


@settings(deadline=None)
@given(shares, shares)
def test_a_done_item_is_green_once_done(done: float, share: float) -> None:
    done_at = at(max(done, 0.0))
    result = supervise(start=START, due=DUE, stage=Stage.ACT, done_at=done_at, now=at(share))
    if done_at <= at(share):
        assert result.colour is Colour.GREEN
        assert result.reason in {Reason.DONE, Reason.DONE_LATE}


@settings(deadline=None)
@given(
    st.lists(st.tuples(shares, st.none() | shares), max_size=30),
    shares,
)
def test_the_completion_rate_is_a_share_and_one_more_done_item_never_lowers_it(
    raw: list[tuple[float, float | None]], share: float
) -> None:
    now = at(share)
    items = [(at(d), None if f is None else at(f)) for d, f in raw]
    result = completion(items, now=now)
    if result.rate is None:
        assert result.counted == 0
        return
    assert 0 <= result.on_time_rate <= result.rate <= 1  # type: ignore[operator]
    more = completion([*items, (at(share), now)], now=now)
    assert more.rate is not None and more.rate >= result.rate
