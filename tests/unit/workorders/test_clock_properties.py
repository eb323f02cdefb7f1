"""SLA clock properties over random order histories walked through the state table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.clocks import (
    Alert,
    Clock,
    ClockEvent,
    ClockStatus,
    due_alerts,
    next_due_at,
    read_clocks,
    sweep_order,
)
from jingwu.workorders.sla import RED_POLICY, YELLOW_POLICY, SlaPolicy, policy_for
from jingwu.workorders.states import TRANSITIONS, Action, State

SHANGHAI = ZoneInfo("Asia/Shanghai")
US = timedelta(microseconds=1)


def keys(alerts: list[Alert]) -> set[tuple[str, int]]:
    return {alert.key for alert in alerts}


ZONES = [UTC, SHANGHAI, ZoneInfo("America/New_York"), ZoneInfo("Europe/London")]
ZONES.append(timezone(timedelta(hours=5, minutes=45)))
POLICIES = [
    RED_POLICY,
    YELLOW_POLICY,
    policy_for("orange"),
    policy_for("orange", DEFAULT_CATALOGUE.get("suspicious_person")),
    SlaPolicy("yellow", 7, 11, pausable=True, warning_percents=(33, 50, 99)),  # type: ignore[arg-type]
]
FORWARD = {"triage", "assign", "accept", "start", "hold", "resume", "resolve", "close", "reopen"}
ENDING = {Action.TRANSFER, Action.REJECT, Action.MARK_DUPLICATE}
COUNTED = {State.RECEIVED, State.TRIAGED, State.ASSIGNED, State.ACCEPTED, State.IN_PROGRESS}


@dataclass(frozen=True)
class History:
    policy: SlaPolicy
    received: datetime  # UTC
    steps: tuple[tuple[Action, datetime, State], ...]  # action, when (UTC), state after
    now: datetime  # UTC

    def events(self, zone: timezone | ZoneInfo = UTC) -> list[ClockEvent]:
        return [ClockEvent(a, at.astimezone(zone)) for a, at, _ in self.steps]


gaps = st.integers(min_value=0, max_value=3 * 86_400_000_000).map(lambda us: us * US)
small_gaps = st.integers(min_value=0, max_value=90 * 60).map(lambda s: timedelta(seconds=s))


@st.composite
def histories(draw: st.DrawFn) -> History:
    policy = draw(st.sampled_from(POLICIES))
    received = draw(
        st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC))
    )
    state, at, steps = State.RECEIVED, received, []
    for _ in range(draw(st.integers(min_value=0, max_value=16))):
        choices = [a for (s, a) in TRANSITIONS if s is state]
        if not policy.pausable:
            choices = [a for a in choices if a is not Action.HOLD]
        roll = draw(st.integers(min_value=0, max_value=9))
        if roll < 6:  # mostly walk the main path, so holds and reopens are common
            choices = [a for a in choices if a in FORWARD] or choices
        elif roll < 9:  # sometimes wander (contacts, returns), rarely end the order
            choices = [a for a in choices if a not in ENDING] or choices
        if not choices:
            break
        action = draw(st.sampled_from(choices))
        at += draw(st.one_of(gaps, small_gaps))
        state = TRANSITIONS[(state, action)]
        steps.append((action, at, state))
    return History(policy, received, tuple(steps), at + draw(st.one_of(gaps, small_gaps)))


def oracle_completion(h: History, now: datetime) -> tuple[timedelta, timedelta]:
    """Counted and paused time by summing the intervals spent in each state."""
    counted = paused = timedelta(0)
    state, since = State.RECEIVED, h.received
    for _, at, after in [*h.steps, (None, now, None)]:
        span = min(at, now) - since if since < now else timedelta(0)
        counted += span if state in COUNTED else timedelta(0)
        paused += span if state is State.ON_HOLD else timedelta(0)
        state, since = after or state, at
    return counted, paused


def oracle_response(h: History, now: datetime) -> timedelta:
    ends = [
        at
        for a, at, _ in h.steps
        if a in {"accept", "record_contact", "transfer", "reject", "mark_duplicate"}
    ]
    return min([now, *ends]) - h.received


@settings(max_examples=300, deadline=None)
@given(histories())
def test_counted_and_paused_time_match_the_time_spent_in_each_state(h: History) -> None:
    clocks = read_clocks(h.policy, h.received, h.events(), h.now)
    counted, paused = oracle_completion(h, h.now)
    assert (clocks[Clock.COMPLETION].elapsed, clocks[Clock.COMPLETION].paused) == (counted, paused)
    assert clocks[Clock.RESPONSE].elapsed == oracle_response(h, h.now)


@settings(max_examples=200, deadline=None)
@given(histories(), gaps)
def test_time_only_moves_forward(h: History, later: timedelta) -> None:
    before = read_clocks(h.policy, h.received, h.events(), h.now)
    after = read_clocks(h.policy, h.received, h.events(), h.now + later)
    for clock in Clock:
        assert after[clock].elapsed >= before[clock].elapsed
        assert after[clock].percent >= before[clock].percent
        assert after[clock].paused >= before[clock].paused
    early = keys(due_alerts(h.policy, h.received, h.events(), h.now))
    assert early <= keys(due_alerts(h.policy, h.received, h.events(), h.now + later))


@settings(max_examples=200, deadline=None)
@given(histories())
def test_a_second_sweep_emits_nothing_new(h: History) -> None:
    first = due_alerts(h.policy, h.received, h.events(), h.now)
    assert len(keys(first)) == len(first)
    assert due_alerts(h.policy, h.received, h.events(), h.now, emitted=keys(first)) == []


@settings(max_examples=200, deadline=None)
@given(histories())
def test_each_alert_falls_at_the_instant_its_level_is_crossed(h: History) -> None:
    for alert in due_alerts(h.policy, h.received, h.events(), h.now):
        budget = h.policy.response if alert.clock is Clock.RESPONSE else h.policy.completion
        at, just_before = (
            oracle_at(h, alert.clock, alert.at),
            oracle_at(h, alert.clock, alert.at - US),
        )
        if alert.is_breach:
            assert just_before <= budget < at
        else:
            # reached: counted x 100 >= budget x percent, first at this very microsecond
            assert just_before * 100 < budget * alert.percent <= at * 100


def oracle_at(h: History, clock: Clock, when: datetime) -> timedelta:
    if when < h.received:
        return timedelta(0)
    if clock is Clock.RESPONSE:
        return oracle_response(h, when)
    return oracle_completion(h, when)[0]


@settings(max_examples=200, deadline=None)
@given(histories(), st.sampled_from(ZONES))
def test_the_zone_of_the_inputs_changes_nothing(h: History, zone: timezone | ZoneInfo) -> None:
    args = (h.policy, h.received, h.events(), h.now)
    shown = (h.policy, h.received.astimezone(zone), h.events(zone), h.now.astimezone(zone))
    assert read_clocks(*args) == read_clocks(*shown)
    assert due_alerts(*args) == due_alerts(*shown)
    assert next_due_at(*args) == next_due_at(*shown)
    assert all(a.at.tzinfo is UTC for a in due_alerts(*shown))


@settings(max_examples=200, deadline=None)
@given(histories())
def test_next_due_at_is_exactly_when_something_new_falls_due(h: History) -> None:
    events = h.events()
    sent = keys(due_alerts(h.policy, h.received, events, h.now))
    upcoming = next_due_at(h.policy, h.received, events, h.now, emitted=sent)
    if upcoming is None:
        far = h.now + timedelta(days=3650)
        assert keys(due_alerts(h.policy, h.received, events, far)) == sent
        return
    assert upcoming > h.now
    assert keys(due_alerts(h.policy, h.received, events, upcoming - US)) == sent
    assert keys(due_alerts(h.policy, h.received, events, upcoming)) > sent


@settings(max_examples=200, deadline=None)
@given(histories())
def test_pauses_never_touch_the_response_clock_and_only_delay_completion(h: History) -> None:
    clocks = read_clocks(h.policy, h.received, h.events(), h.now)
    unpaused = [e for e in h.events() if e.action not in {Action.HOLD, Action.RESUME}]
    assert (
        read_clocks(h.policy, h.received, unpaused, h.now)[Clock.RESPONSE] == clocks[Clock.RESPONSE]
    )
    assert clocks[Clock.RESPONSE].deadline == h.received + h.policy.response
    completion = clocks[Clock.COMPLETION]
    if completion.status is ClockStatus.RUNNING:
        assert completion.deadline == h.now + completion.remaining
        assert completion.deadline is not None
        assert completion.deadline - h.received >= h.policy.completion + completion.paused


@settings(max_examples=150, deadline=None)
@given(histories(), st.lists(gaps, min_size=1, max_size=12))
def test_a_sweep_driven_by_next_due_at_emits_every_breach_exactly_once(
    h: History, pauses: list[timedelta]
) -> None:
    """Sweeps at random times, selecting the order only when its stored next_due_at <= now."""
    events, sent, log = h.events(), set[tuple[str, int]](), list[tuple[str, int]]()
    sweep_times = [h.received]
    for pause in pauses:
        sweep_times.append(sweep_times[-1] + pause)
    sweep_times.append(max(sweep_times[-1], h.now))
    stored: datetime | None = h.received  # a new order is due for a first look at once
    for at, past in ((e.at, [x for x in events if x.at <= e.at]) for e in events):
        for t in [t for t in sweep_times if t < at]:  # sweeps before this event
            stored = sweep_once(h, [x for x in events if x.at <= t], t, stored, sent, log)
        sweep_times = [t for t in sweep_times if t >= at]
        stored = next_due_at(h.policy, h.received, past, at, emitted=sent)  # the service's update
    for t in sweep_times:
        stored = sweep_once(h, events, t, stored, sent, log)
    assert len(log) == len(set(log))  # nothing twice
    end = sweep_times[-1]
    breaches = {a.key for a in due_alerts(h.policy, h.received, events, end) if a.is_breach}
    assert breaches <= sent  # nothing lost


def sweep_once(
    h: History,
    events: list[ClockEvent],
    now: datetime,
    stored: datetime | None,
    sent: set[tuple[str, int]],
    log: list[tuple[str, int]],
) -> datetime | None:
    if stored is None or stored > now:
        return stored  # the indexed query does not select the order
    step = sweep_order(h.policy, h.received, events, now, emitted=sent)
    assert all(alert.at <= now for alert in step.alerts)
    log.extend(alert.key for alert in step.alerts)
    sent.update(alert.key for alert in step.alerts)
    assert step.next_due_at == next_due_at(h.policy, h.received, events, now, emitted=sent)
    return step.next_due_at


@given(st.datetimes(datetime(2000, 1, 1), datetime(2099, 1, 1), timezones=st.sampled_from(ZONES)))
def test_a_yellow_order_is_due_at_the_same_shanghai_time_the_next_day(received: datetime) -> None:
    # Shanghai keeps UTC+8 all year, so 24 calendar hours are always one local day on.
    deadline = read_clocks(YELLOW_POLICY, received, [], received)[Clock.COMPLETION].deadline
    assert deadline is not None
    local_in, local_out = received.astimezone(SHANGHAI), deadline.astimezone(SHANGHAI)
    assert local_out.date() == local_in.date() + timedelta(days=1)
    assert local_out.time() == local_in.time()
