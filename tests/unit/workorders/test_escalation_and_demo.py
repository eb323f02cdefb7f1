from __future__ import annotations

import datetime as dt
import random

import pytest

from jingwu.web.i18n import gettext
from jingwu.workorders.clocks import due_alerts, next_due_at
from jingwu.workorders.demo_history import new_life, simulate
from jingwu.workorders.escalation import Ladder, level_for, message_for
from jingwu.workorders.sla import Recipient, escalation_for
from jingwu.workorders.states import TRANSITIONS
from jingwu.workorders.triage import TriageInput, suggest
from jingwu.workorders.vocab import ACTION_LABELS, STATE_LABELS, Action, State

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("tier", "percent", "level"),
    [("yellow", 50, 0), ("orange", 80, 1), ("orange", 100, 2), ("red", 100, 3), ("red", 80, 1)],
)
def test_the_escalation_level_follows_the_ladder(tier: str, percent: int, level: int) -> None:
    assert level_for(tier, percent) == level


def test_every_clock_and_level_has_a_message_naming_the_order() -> None:
    for clock in ("response", "completion"):
        for percent in (50, 80, 100):
            assert "{code}" in message_for(clock, percent)


def test_the_responsible_person_is_named_else_the_station_chief() -> None:
    ladder = Ladder(names={7: "王伟", 9: "李强"})
    ladder.chiefs[1].append(9)
    ladder.street[1].append(11)
    assert ladder.responsible(1, 7) == (7, "王伟")
    assert ladder.responsible(1, None) == (9, "李强")
    assert ladder.responsible(2, None) is None
    who = ladder.recipients(1, 9, escalation_for("orange", 100))
    assert who == [9, 11]  # the chief answers and is not told twice


def test_a_source_suggestion_raises_the_tier_and_says_where_it_came_from() -> None:
    s = suggest(TriageInput(category="noise", source_tier="red", source="iot-alert:9"))  # type: ignore[arg-type]
    assert s.tier == "red"
    assert any(r.code == "source_suggestion" and "iot-alert:9" in r.en for r in s.reasons)
    zh = [r.zh for r in s.reasons if r.code == "source_suggestion"]
    assert zh == ["来源（物联网告警 9号）建议红色"]


def test_every_state_and_action_has_labels_in_both_languages() -> None:
    assert set(STATE_LABELS) == set(State) and set(ACTION_LABELS) == set(Action)
    for label in (*STATE_LABELS.values(), *ACTION_LABELS.values()):
        assert label and gettext("zh_CN", label) != label


@pytest.mark.parametrize("seed", range(40))
def test_a_simulated_demo_life_follows_the_state_table_and_leaves_nothing_due(seed: int) -> None:
    rng = random.Random(seed)
    received = NOW - dt.timedelta(hours=rng.uniform(0.2, 24 * 20))
    category = rng.choice(["fight", "noise", "neighbour", "theft", "id_card", "missing_child"])
    life = simulate(rng, new_life(rng, received_at=received, category=category), NOW)
    state = State.RECEIVED
    for step in life.steps:
        assert received <= step.at <= NOW
        if step.kind == "action":
            state = TRANSITIONS[(state, Action(step.action))]
            assert state == step.to_state
    assert str(state) == life.state
    emitted = {a.key for a, _ in life.alerts}
    events = life.clock_events
    assert due_alerts(life.policy, received, events, NOW, emitted=emitted) == []
    upcoming = next_due_at(life.policy, received, events, NOW, emitted=emitted)
    assert upcoming is None or upcoming > NOW
    assert all(
        r in Recipient for a, _ in life.alerts for r in escalation_for(str(life.tier), a.percent)
    )
