"""SLA policies, their snapshots and the escalation ladder."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.sla import (
    ORANGE_POLICY,
    RED_POLICY,
    YELLOW_POLICY,
    PolicyError,
    Recipient,
    SlaPolicy,
    escalation_for,
    policy_for,
)
from jingwu.workorders.vocab import Tier


def test_red_is_one_hour_five_days_and_never_pausable() -> None:
    assert RED_POLICY.response == timedelta(hours=1)
    assert RED_POLICY.completion == timedelta(days=5)
    assert RED_POLICY.pausable is False


def test_yellow_is_completed_within_24_hours() -> None:
    assert YELLOW_POLICY.completion == timedelta(hours=24)


def test_every_default_warns_at_half_and_four_fifths_then_breaches() -> None:
    for policy in (RED_POLICY, ORANGE_POLICY, YELLOW_POLICY):
        assert policy.levels == (50, 80, 100)


def test_orange_takes_the_categorys_own_times() -> None:
    policy = policy_for("orange", DEFAULT_CATALOGUE.get("suspicious_person"))
    assert (policy.response, policy.completion) == (timedelta(minutes=30), timedelta(days=1))
    assert policy.category == "suspicious_person"
    assert policy.pausable


def test_orange_falls_back_to_the_tier_default_without_category_times() -> None:
    policy = policy_for(Tier.ORANGE, DEFAULT_CATALOGUE.get("lost_documents"))
    assert (policy.response_minutes, policy.completion_minutes) == (
        ORANGE_POLICY.response_minutes,
        ORANGE_POLICY.completion_minutes,
    )


def test_red_and_yellow_ignore_category_times() -> None:
    noise = DEFAULT_CATALOGUE.get("noise")
    assert policy_for("red", noise).completion == timedelta(days=5)
    assert policy_for("yellow", noise).completion == timedelta(hours=24)


def test_every_category_and_tier_gives_a_valid_policy() -> None:
    for category in DEFAULT_CATALOGUE:
        for tier in Tier:
            policy = policy_for(tier, category)
            assert policy.response <= policy.completion
            assert policy.pausable is (tier is not Tier.RED)


def test_a_snapshot_survives_json_and_comes_back_equal() -> None:
    policy = policy_for("orange", DEFAULT_CATALOGUE.get("neighbour"))
    assert SlaPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


def test_a_snapshot_missing_a_field_says_which() -> None:
    data = RED_POLICY.to_dict()
    del data["pausable"]
    with pytest.raises(PolicyError, match="lacks 'pausable'"):
        SlaPolicy.from_dict(data)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tier": Tier.RED, "pausable": True}, "never pausable"),
        ({"response_minutes": 0}, "positive"),
        ({"response_minutes": 100, "completion_minutes": 99}, "not after completion"),
        ({"warning_percents": (80, 50)}, "increasing"),
        ({"warning_percents": (50, 100)}, "between 0 and 100"),
    ],
)
def test_a_malformed_policy_is_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "tier": Tier.ORANGE,
        "response_minutes": 60,
        "completion_minutes": 600,
        "pausable": False,
    }
    fields.update(kwargs)
    with pytest.raises(PolicyError, match=message):
        SlaPolicy(**fields)  # type: ignore[arg-type]


def test_escalation_climbs_the_ladder() -> None:
    r = Recipient
    assert escalation_for("yellow", 50) == (r.RESPONSIBLE,)
    assert escalation_for("yellow", 80) == (r.RESPONSIBLE, r.CHIEF)
    assert escalation_for("orange", 100) == (r.RESPONSIBLE, r.CHIEF, r.STREET)
    assert escalation_for("red", 100) == (r.RESPONSIBLE, r.CHIEF, r.STREET, r.DIRECTOR)
    assert escalation_for("red", 80) == (r.RESPONSIBLE, r.CHIEF)
