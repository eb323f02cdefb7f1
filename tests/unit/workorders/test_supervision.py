"""The supervisor's actions in the state table: reassign, retier, escalate, and a recorded
contact counting for a resolve (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.workorders.guards import ESCALATES_TO, TOP_LEVEL, escalation_target
from jingwu.workorders.states import (
    OPEN_STATES,
    ActionContext,
    ClosureRecord,
    Outcome,
    State,
    available_actions,
    decide,
)
from jingwu.workorders.vocab import Actor, Tier

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
AFTER_ACCEPT = ("accepted", "in_progress", "on_hold")


def ctx(**changes: object) -> ActionContext:
    base: dict[str, object] = {"tier": Tier.YELLOW, "reason": "值班长调整", "assignee_id": 7}
    base.update(changes)
    return ActionContext(**base)  # type: ignore[arg-type]


def test_an_overdue_order_held_by_an_auxiliary_offers_the_chief_the_supervisor_actions() -> None:
    offered = {str(a) for a in available_actions("in_progress", "chief")}
    assert {"reassign", "retier", "escalate", "hold", "resolve", "transfer"} <= offered


@pytest.mark.parametrize("state", sorted(OPEN_STATES), ids=str)
def test_a_chief_reassigns_in_every_open_state_and_the_state_stays(state: State) -> None:
    decision = decide(state, "reassign", "chief", ctx())
    assert decision.allowed and decision.next_state is state


@pytest.mark.parametrize("role", ["officer", "auxiliary", "inspector", "partner"])
def test_only_supervisors_reassign(role: str) -> None:
    assert decide("in_progress", "reassign", role, ctx()).outcome is Outcome.FORBIDDEN


def test_reassign_needs_the_new_holder_and_a_reason() -> None:
    nobody = decide("assigned", "reassign", "chief", ctx(assignee_id=None))
    assert (nobody.http_status, nobody.field, nobody.code) == (422, "assignee", "assignee_required")
    silent = decide("assigned", "reassign", "chief", ctx(reason=" "))
    assert (silent.http_status, silent.field) == (422, "reason")


def test_a_received_order_is_triaged_not_retiered() -> None:
    decision = decide("received", "retier", "chief", ctx(new_tier=Tier.RED))
    assert (decision.http_status, decision.code) == (409, "wrong_state")


def test_retier_needs_a_new_tier_that_differs_and_a_reason() -> None:
    missing = decide("triaged", "retier", "chief", ctx())
    assert (missing.http_status, missing.field, missing.code) == (422, "tier", "tier_required")
    same = decide("triaged", "retier", "chief", ctx(new_tier="yellow"))
    assert (same.code, same.field) == ("tier_unchanged", "tier")
    silent = decide("triaged", "retier", "chief", ctx(new_tier=Tier.ORANGE, reason=""))
    assert (silent.http_status, silent.field) == (422, "reason")
    assert decide("triaged", "retier", "chief", ctx(new_tier=Tier.ORANGE)).allowed


@pytest.mark.parametrize("state", ["triaged", "assigned"])
def test_raising_to_red_before_accept_leaves_the_departments_to_the_accept(state: str) -> None:
    assert decide(state, "retier", "chief", ctx(new_tier=Tier.RED, departments_tasked=0)).allowed


@pytest.mark.parametrize("state", ["accepted", "in_progress"])
@pytest.mark.parametrize(("tasked", "allowed"), [(0, False), (2, False), (3, True)])
def test_raising_an_accepted_order_to_red_needs_three_departments(
    state: str, tasked: int, allowed: bool
) -> None:
    decision = decide(state, "retier", "chief", ctx(new_tier=Tier.RED, departments_tasked=tasked))
    assert decision.allowed is allowed
    if not allowed:
        assert (decision.http_status, decision.code) == (409, "departments_required")
        assert decision.params == {"n": 3, "count": tasked}
        assert f"it has {tasked}." in decision.message


def test_an_order_on_hold_is_resumed_before_it_is_raised_to_red() -> None:
    decision = decide("on_hold", "retier", "chief", ctx(new_tier=Tier.RED, departments_tasked=5))
    assert (decision.http_status, decision.code) == (409, "red_on_hold")
    assert decide("on_hold", "retier", "chief", ctx(new_tier=Tier.ORANGE)).allowed


def test_lowering_a_red_order_needs_only_the_reason() -> None:
    decision = decide("in_progress", "retier", "street", ctx(tier=Tier.RED, new_tier="yellow"))
    assert decision.allowed


@pytest.mark.parametrize(
    ("role", "level", "target"),
    [
        ("officer", 0, 1),
        ("auxiliary", 0, 1),
        ("officer", 1, 2),
        ("chief", 0, 2),
        ("chief", 1, 2),
        ("chief", 2, 3),
        ("street", 0, 3),
        ("street", 2, 3),
        ("chief", 3, None),
        ("director", 0, None),
        ("inspector", 0, None),
    ],
)
def test_escalation_climbs_chief_street_district(role: str, level: int, target: int | None) -> None:
    assert escalation_target(Actor(role), level) == target


@given(st.sampled_from(sorted(ESCALATES_TO)), st.integers(min_value=0, max_value=TOP_LEVEL))
def test_a_manual_escalation_always_climbs_and_never_past_the_district(
    role: Actor, level: int
) -> None:
    target = escalation_target(role, level)
    if level >= TOP_LEVEL:
        assert target is None
    else:
        assert target is not None and level < target <= TOP_LEVEL
        assert target >= ESCALATES_TO[role]


def test_escalation_at_the_district_is_refused_and_otherwise_needs_a_reason() -> None:
    top = decide("in_progress", "escalate", "chief", ctx(escalation_level=3))
    assert (top.http_status, top.code) == (409, "escalation_top")
    silent = decide("in_progress", "escalate", "auxiliary", ctx(reason=""))
    assert (silent.http_status, silent.field) == (422, "reason")
    assert decide("received", "escalate", "auxiliary", ctx()).next_state is State.RECEIVED


def test_a_recorded_contact_counts_as_the_attempt_a_yellow_resolve_needs() -> None:
    bare = ClosureRecord("已上门处理")
    refused = decide("in_progress", "resolve", "chief", ctx(closure=bare))
    assert refused.code == "closure_confirmation_required"
    contacted = ctx(closure=bare, contact_recorded_at=NOW)
    assert decide("in_progress", "resolve", "chief", contacted).allowed


def test_the_state_given_to_the_guards_is_the_orders() -> None:
    # A context built for another state cannot smuggle a different state past the guards.
    stale = ctx(new_tier=Tier.RED, state=State.ASSIGNED, departments_tasked=0)
    assert decide("on_hold", "retier", "chief", stale).code == "red_on_hold"
