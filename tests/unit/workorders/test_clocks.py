"""SLA clock arithmetic: worked examples (properties are in test_clock_properties.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jingwu.workorders.clocks import (
    Alert,
    Clock,
    ClockError,
    ClockEvent,
    ClockStatus,
    due_alerts,
    next_due_at,
    read_clocks,
)
from jingwu.workorders.sla import RED_POLICY, YELLOW_POLICY
from jingwu.workorders.states import Action

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 29, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai: the day turns soon
US = timedelta(microseconds=1)
H = timedelta(hours=1)


def ev(action: str, at: datetime) -> ClockEvent:
    return ClockEvent(Action(action), at)


def worked(start: datetime, *steps: tuple[str, timedelta]) -> list[ClockEvent]:
    return [ev(action, start + offset) for action, offset in steps]


def keys(alerts: list[Alert]) -> set[tuple[str, int]]:
    return {alert.key for alert in alerts}


ACCEPTED_AT_1H = (("triage", H / 6), ("assign", H / 3), ("accept", H), ("start", H))

# ---- worked examples ---------------------------------------------------------------------


def test_the_response_clock_starts_at_receipt_not_when_someone_signs() -> None:
    events = worked(T0, ("triage", H / 6), ("assign", H / 3), ("accept", 70 * H / 60))
    response = read_clocks(RED_POLICY, T0, events, T0 + 2 * H)[Clock.RESPONSE]
    assert response.status is ClockStatus.MET
    assert response.elapsed == 70 * H / 60
    assert response.breached
    assert response.deadline == T0 + H


def test_a_response_at_exactly_the_deadline_is_on_time() -> None:
    events = worked(T0, ("record_contact", H))
    response = read_clocks(RED_POLICY, T0, events, T0 + 2 * H)[Clock.RESPONSE]
    assert not response.breached
    assert keys(due_alerts(RED_POLICY, T0, events, T0 + 2 * H)) == set()


def test_a_recorded_contact_counts_as_the_response() -> None:
    events = worked(T0, ("triage", H / 6), ("record_contact", H / 2), ("assign", H), ("accept", H))
    response = read_clocks(YELLOW_POLICY, T0, events, T0 + 2 * H)[Clock.RESPONSE]
    assert response.met_at == T0 + H / 2


def test_a_pause_extends_only_the_completion_deadline() -> None:
    events = worked(T0, *ACCEPTED_AT_1H, ("hold", 2 * H), ("resume", 5 * H))
    clocks = read_clocks(YELLOW_POLICY, T0, events, T0 + 6 * H)
    completion, response = clocks[Clock.COMPLETION], clocks[Clock.RESPONSE]
    assert (completion.elapsed, completion.paused) == (3 * H, 3 * H)
    assert completion.deadline == T0 + 27 * H
    assert response.deadline == T0 + 4 * H
    assert response.paused == timedelta(0)


def test_a_running_pause_freezes_the_completion_clock() -> None:
    events = worked(T0, *ACCEPTED_AT_1H, ("hold", 2 * H))
    completion = read_clocks(YELLOW_POLICY, T0, events, T0 + 30 * H)[Clock.COMPLETION]
    assert completion.status is ClockStatus.PAUSED
    assert (completion.elapsed, completion.paused, completion.deadline) == (2 * H, 28 * H, None)
    assert not completion.breached
    assert next_due_at(YELLOW_POLICY, T0, events, T0 + 30 * H) is None


def test_a_hold_under_a_red_policy_does_not_stop_the_clock() -> None:
    events = worked(T0, *ACCEPTED_AT_1H, ("hold", 2 * H))
    completion = read_clocks(RED_POLICY, T0, events, T0 + 10 * H)[Clock.COMPLETION]
    assert completion.status is ClockStatus.RUNNING
    assert (completion.elapsed, completion.paused) == (10 * H, timedelta(0))


def test_reopen_continues_with_the_budget_left_at_resolve() -> None:
    days = timedelta(days=1)
    events = worked(T0, *ACCEPTED_AT_1H, ("resolve", 20 * H), ("reopen", 3 * days))
    completion = read_clocks(YELLOW_POLICY, T0, events, T0 + 3 * days + H)[Clock.COMPLETION]
    assert completion.status is ClockStatus.RUNNING
    assert (completion.elapsed, completion.remaining) == (21 * H, 3 * H)
    assert completion.deadline == T0 + 3 * days + 4 * H


def test_a_reopened_order_crosses_each_level_once() -> None:
    reopened = T0 + timedelta(days=2)
    events = worked(T0, *ACCEPTED_AT_1H, ("resolve", 10 * H), ("close", 30 * H))
    events.append(ev("reopen", reopened))
    alerts = due_alerts(YELLOW_POLICY, T0, events, reopened + 20 * H)
    completion = [(a.percent, a.at) for a in alerts if a.clock is Clock.COMPLETION]
    assert completion == [
        (50, reopened + 2 * H),
        (80, reopened + 9.2 * H),
        (100, reopened + 14 * H + US),
    ]


def test_levels_fall_at_half_four_fifths_and_just_past_the_deadline() -> None:
    alerts = due_alerts(RED_POLICY, T0, [], T0 + 2 * H)
    response = [(a.percent, a.at, a.is_breach) for a in alerts if a.clock is Clock.RESPONSE]
    assert response == [
        (50, T0 + 30 * H / 60, False),
        (80, T0 + 48 * H / 60, False),
        (100, T0 + H + US, True),
    ]


def test_a_warning_unsent_when_the_clock_stops_is_dropped_but_a_breach_is_not() -> None:
    events = worked(T0, ("triage", H / 6), ("transfer", 2 * H))
    alerts = due_alerts(RED_POLICY, T0, events, T0 + 3 * H)
    assert keys(alerts) == {("response", 100)}
    assert all(
        c.status is ClockStatus.STOPPED
        for c in read_clocks(RED_POLICY, T0, events, T0 + 3 * H).values()
    )


def test_next_due_at_keeps_an_unsent_breach_in_view_after_the_order_moves_on() -> None:
    events = worked(T0, ("record_contact", H + H / 6))  # breached at 1 h, contact 10 min later
    now = T0 + H + H / 3
    assert next_due_at(RED_POLICY, T0, events, now) == T0 + H + US
    sent = {("response", 50), ("response", 80), ("response", 100)}
    assert next_due_at(RED_POLICY, T0, events, now, emitted=sent) == T0 + 60 * H  # completion 50 %


def test_the_deadline_is_calendar_time_across_a_daylight_saving_change() -> None:
    new_york = ZoneInfo("America/New_York")
    received = datetime(2026, 3, 7, 12, 0, tzinfo=new_york)  # the clocks spring forward overnight
    completion = read_clocks(YELLOW_POLICY, received, [], received)[Clock.COMPLETION]
    assert completion.deadline == datetime(2026, 3, 8, 17, 0, tzinfo=UTC)
    assert completion.deadline is not None
    assert completion.deadline.astimezone(new_york).hour == 13


def test_a_late_evening_order_is_due_the_next_local_evening_in_shanghai() -> None:
    completion = read_clocks(YELLOW_POLICY, T0, [], T0)[Clock.COMPLETION]
    assert completion.deadline is not None
    assert completion.deadline.tzinfo is UTC
    local = completion.deadline.astimezone(SHANGHAI)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-11-30", 23, 30)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ClockError, match="timezone-aware"):
        read_clocks(RED_POLICY, datetime(2026, 1, 1), [], T0)


@pytest.mark.parametrize(
    "events",
    [
        [ev("accept", T0 + 2 * H), ev("start", T0 + H)],
        [ev("accept", T0 - H)],
        [ev("accept", T0 + 5 * H)],
    ],
)
def test_events_out_of_order_before_receipt_or_after_now_are_refused(
    events: list[ClockEvent],
) -> None:
    with pytest.raises(ClockError, match="in time order"):
        due_alerts(RED_POLICY, T0, events, T0 + 3 * H)
