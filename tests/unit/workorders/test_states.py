"""The state table, exhaustively: every state x action x role, then every guard."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta

import pytest

from jingwu.workorders.states import (
    ALLOWED_ROLES,
    OPEN_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    ActionContext,
    ClosureRecord,
    ContextError,
    Outcome,
    State,
    available_actions,
    decide,
    may_create,
)
from jingwu.workorders.vocab import Actor, Channel, Tier, UnknownValue

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)

# The issue's table, written out by hand (not derived from the module under test).
OPEN = ["received", "triaged", "assigned", "accepted", "in_progress", "on_hold"]
EXPECTED_TRANSITIONS: dict[tuple[str, str], str] = {
    ("received", "triage"): "triaged",
    ("triaged", "assign"): "assigned",
    ("assigned", "accept"): "accepted",
    ("accepted", "start"): "in_progress",
    ("in_progress", "hold"): "on_hold",
    ("on_hold", "resume"): "in_progress",
    ("in_progress", "resolve"): "resolved",
    ("resolved", "close"): "closed",
    ("assigned", "return"): "triaged",
    ("accepted", "return"): "triaged",
    ("resolved", "reopen"): "assigned",
    ("closed", "reopen"): "assigned",
    **{(s, "record_contact"): s for s in OPEN},
    **{(s, "transfer"): "transferred" for s in OPEN},
    **{(s, "reject"): "rejected" for s in ["received", "triaged", "assigned"]},
    **{(s, "mark_duplicate"): "duplicate" for s in ["received", "triaged", "assigned"]},
    # the supervisor's actions keep the state
    **{(s, "reassign"): s for s in OPEN},
    **{(s, "retier"): s for s in OPEN if s != "received"},
    **{(s, "escalate"): s for s in OPEN},
}

# The role matrix of the module docstring, written out by hand.
DAILY = {"officer", "auxiliary", "chief"}
EXPECTED_ROLES: dict[str, set[str]] = {
    "triage": {"officer", "chief"},
    "assign": {"officer", "chief", "street", "director"},
    "accept": DAILY,
    "start": DAILY,
    "hold": DAILY,
    "resume": DAILY,
    "record_contact": DAILY,
    "resolve": DAILY,
    "close": DAILY | {"citizen", "system"},
    "return": DAILY,
    "reopen": {"chief", "inspector", "citizen"},
    "transfer": {"officer", "chief"},
    "reject": {"officer", "chief"},
    "mark_duplicate": DAILY,
    "reassign": {"chief", "street", "director"},
    "retier": {"chief", "street", "director"},
    "escalate": DAILY | {"street"},
}


def satisfying(role: Actor, **changes: object) -> ActionContext:
    """A context meeting every guard for ``role`` (system closes late, citizens reopen early)."""
    days = 8 if role is Actor.SYSTEM else 1
    base: dict[str, object] = {
        "tier": Tier.ORANGE,
        "reason": "the reporter asked",
        "actor_is_assignee": True,
        "assignee_id": 7,
        "departments_tasked": 3,
        "pausable": True,
        "closure": ClosureRecord("mediated; both sides signed", citizen_confirmed=True),
        "citizen_confirmed": True,
        "resolved_at": NOW - timedelta(days=days),
        "now": NOW,
        "order_code": "GS03-20261129-0001",
        "duplicate_of": "GS03-20261129-0002",
        "transfer_to": "110",
        "new_tier": Tier.YELLOW,
    }
    base.update(changes)
    return ActionContext(**base)  # type: ignore[arg-type]


def test_the_table_is_exactly_the_issues_table() -> None:
    assert {(str(s), str(a)): str(t) for (s, a), t in TRANSITIONS.items()} == EXPECTED_TRANSITIONS


def test_the_roles_are_exactly_the_documented_matrix() -> None:
    assert {str(a): {str(r) for r in roles} for a, roles in ALLOWED_ROLES.items()} == EXPECTED_ROLES


@pytest.mark.parametrize("role", list(Actor), ids=str)
@pytest.mark.parametrize("action", list(Action), ids=str)
@pytest.mark.parametrize("state", list(State), ids=str)
def test_every_state_action_and_role_gets_the_expected_answer(
    state: State, action: Action, role: Actor
) -> None:
    decision = decide(state, action, role, satisfying(role))
    if str(role) not in EXPECTED_ROLES[str(action)]:
        assert (decision.outcome, decision.http_status) == (Outcome.FORBIDDEN, 403)
        assert f"role {role} " in decision.message
    elif (str(state), str(action)) not in EXPECTED_TRANSITIONS:
        assert (decision.outcome, decision.http_status, decision.code) == (
            Outcome.CONFLICT,
            409,
            "wrong_state",
        )
        assert f"state {state};" in decision.message
    else:
        assert decision.allowed, decision.message
        assert decision.next_state == EXPECTED_TRANSITIONS[(str(state), str(action))]


@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("role", list(Actor), ids=str)
def test_available_actions_are_those_passing_role_and_state(state: State, role: Actor) -> None:
    expected = {
        a
        for a in EXPECTED_ROLES
        if str(role) in EXPECTED_ROLES[a] and (str(state), a) in EXPECTED_TRANSITIONS
    }
    assert {str(a) for a in available_actions(state, role)} == expected


def test_the_role_check_comes_before_the_state_check() -> None:
    decision = decide("closed", "accept", "partner")
    assert decision.outcome is Outcome.FORBIDDEN
    assert "allowed: auxiliary, chief, officer" in decision.message


def test_terminal_states_allow_nothing_to_anyone() -> None:
    for state in TERMINAL_STATES:
        assert all(available_actions(state, role) == () for role in Actor)


def test_every_state_is_reachable_from_received() -> None:
    seen, todo = {State.RECEIVED}, deque([State.RECEIVED])
    while todo:
        current = todo.popleft()
        for (state, _), target in TRANSITIONS.items():
            if state is current and target not in seen:
                seen.add(target)
                todo.append(target)
    assert seen == set(State)


def test_open_states_can_always_be_transferred_by_an_officer() -> None:
    for state in OPEN_STATES:
        assert decide(state, "transfer", "officer", satisfying(Actor.OFFICER)).allowed


def test_plain_strings_are_accepted_and_unknown_ones_name_the_choices() -> None:
    assert decide("received", "triage", "officer", satisfying(Actor.OFFICER)).allowed
    with pytest.raises(UnknownValue, match="unknown action 'approve'; expected one of: triage"):
        decide("received", "approve", "officer")
    with pytest.raises(UnknownValue, match="unknown actor 'mayor'"):
        decide("received", "triage", "mayor")


# ---- assignee -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Actor.OFFICER, Actor.AUXILIARY])
def test_only_the_assignee_works_the_order(role: Actor) -> None:
    decision = decide("assigned", "accept", role, satisfying(role, actor_is_assignee=False))
    assert (decision.http_status, decision.code) == (403, "not_assignee")
    assert f"role {role} may accept only orders assigned to them" == decision.message


def test_a_chief_may_act_for_any_assignee() -> None:
    ctx = satisfying(Actor.CHIEF, actor_is_assignee=False)
    assert decide("assigned", "accept", "chief", ctx).allowed


def test_anyone_on_duty_may_record_a_contact_without_being_assignee() -> None:
    ctx = satisfying(Actor.AUXILIARY, actor_is_assignee=False)
    assert decide("triaged", "record_contact", "auxiliary", ctx).next_state is State.TRIAGED


# ---- guards -------------------------------------------------------------------------------


def test_triage_needs_a_tier() -> None:
    decision = decide("received", "triage", "officer", satisfying(Actor.OFFICER, tier=None))
    assert (decision.http_status, decision.field, decision.code) == (422, "tier", "tier_required")


def test_overriding_the_suggested_tier_needs_a_reason() -> None:
    ctx = satisfying(Actor.OFFICER, tier=Tier.YELLOW, suggested_tier=Tier.ORANGE, reason=" ")
    decision = decide("received", "triage", "officer", ctx)
    assert (decision.http_status, decision.code) == (422, "override_reason_required")
    assert "yellow instead of the suggested orange" in decision.message
    confirming = satisfying(Actor.OFFICER, tier=Tier.ORANGE, suggested_tier=Tier.ORANGE, reason="")
    assert decide("received", "triage", "officer", confirming).allowed


def test_assign_needs_an_assignee() -> None:
    decision = decide("triaged", "assign", "chief", satisfying(Actor.CHIEF, assignee_id=None))
    assert (decision.http_status, decision.field) == (422, "assignee")


@pytest.mark.parametrize(("tasked", "allowed"), [(0, False), (2, False), (3, True), (5, True)])
def test_a_red_order_needs_three_departments_before_accept(tasked: int, allowed: bool) -> None:
    ctx = satisfying(Actor.OFFICER, tier=Tier.RED, departments_tasked=tasked)
    decision = decide("assigned", "accept", "officer", ctx)
    assert decision.allowed is allowed
    if not allowed:
        assert (decision.http_status, decision.code) == (409, "departments_required")
        assert f"it has {tasked}" in decision.message


def test_orange_and_yellow_orders_are_accepted_without_departments() -> None:
    for tier in (Tier.ORANGE, Tier.YELLOW):
        ctx = satisfying(Actor.OFFICER, tier=tier, departments_tasked=0)
        assert decide("assigned", "accept", "officer", ctx).allowed


def test_a_tier_given_as_a_string_cannot_slip_past_the_red_guard() -> None:
    ctx = satisfying(Actor.OFFICER, tier="red", departments_tasked=0)
    assert decide("assigned", "accept", "officer", ctx).code == "departments_required"


def test_accept_without_a_tier_in_the_context_is_a_programming_error() -> None:
    with pytest.raises(ContextError, match="needs the order's tier"):
        decide("assigned", "accept", "officer", satisfying(Actor.OFFICER, tier=None))


def test_hold_is_refused_when_the_policy_is_not_pausable() -> None:
    decision = decide("in_progress", "hold", "officer", satisfying(Actor.OFFICER, pausable=False))
    assert (decision.http_status, decision.code) == (409, "not_pausable")


def test_a_red_order_is_never_held_even_if_the_flag_says_pausable() -> None:
    ctx = satisfying(Actor.OFFICER, tier=Tier.RED, pausable=True)
    decision = decide("in_progress", "hold", "officer", ctx)
    assert decision.code == "not_pausable"
    assert "red order" in decision.message


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("in_progress", "hold"),
        ("assigned", "return"),
        ("accepted", "return"),
        ("triaged", "reject"),
        ("resolved", "reopen"),
    ],
)
def test_actions_that_need_a_reason_refuse_a_blank_one(state: str, action: str) -> None:
    decision = decide(state, action, "chief", satisfying(Actor.CHIEF, reason="  "))
    assert (decision.http_status, decision.field, decision.code) == (
        422,
        "reason",
        "reason_required",
    )


def test_resolve_needs_a_closure_record_that_says_what_was_done() -> None:
    missing = decide("in_progress", "resolve", "officer", satisfying(Actor.OFFICER, closure=None))
    assert (missing.http_status, missing.field) == (422, "closure")
    blank = satisfying(Actor.OFFICER, closure=ClosureRecord(" ", citizen_confirmed=True))
    assert decide("in_progress", "resolve", "officer", blank).field == "closure.summary"


def test_a_yellow_closure_needs_confirmation_or_a_contact_attempt() -> None:
    bare = ClosureRecord("issued the certificate")
    ctx = satisfying(Actor.OFFICER, tier=Tier.YELLOW, closure=bare)
    decision = decide("in_progress", "resolve", "officer", ctx)
    assert (decision.http_status, decision.code) == (422, "closure_confirmation_required")
    attempted = ClosureRecord("issued the certificate", contact_attempt_at=NOW)
    ctx = satisfying(Actor.OFFICER, tier=Tier.YELLOW, closure=attempted)
    assert decide("in_progress", "resolve", "officer", ctx).allowed


def test_an_orange_closure_needs_no_confirmation() -> None:
    ctx = satisfying(Actor.OFFICER, tier=Tier.ORANGE, closure=ClosureRecord("patrolled twice"))
    assert decide("in_progress", "resolve", "officer", ctx).allowed


@pytest.mark.parametrize(
    ("age", "allowed"),
    [
        (timedelta(days=7) - timedelta(microseconds=1), False),
        (timedelta(days=7), True),
        (timedelta(days=30), True),
    ],
)
def test_the_system_closes_only_after_the_feedback_window(age: timedelta, allowed: bool) -> None:
    ctx = satisfying(Actor.SYSTEM, resolved_at=NOW - age)
    decision = decide("resolved", "close", "system", ctx)
    assert decision.allowed is allowed
    if not allowed:
        assert (decision.http_status, decision.code) == (409, "feedback_window_open")


@pytest.mark.parametrize("role", [Actor.CITIZEN, Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF])
def test_people_close_only_on_the_citizens_confirmation(role: Actor) -> None:
    decision = decide("resolved", "close", role, satisfying(role, citizen_confirmed=False))
    assert (decision.http_status, decision.code) == (409, "confirmation_required")


@pytest.mark.parametrize(
    ("age", "allowed"),
    [
        (timedelta(0), True),
        (timedelta(days=7) - timedelta(microseconds=1), True),
        (timedelta(days=7), False),
    ],
)
def test_the_citizen_reopens_only_within_the_window(age: timedelta, allowed: bool) -> None:
    for state in ("resolved", "closed"):
        ctx = satisfying(Actor.CITIZEN, resolved_at=NOW - age)
        decision = decide(state, "reopen", "citizen", ctx)
        assert decision.allowed is allowed
        if not allowed:
            assert (decision.http_status, decision.code) == (409, "feedback_window_closed")


@pytest.mark.parametrize("role", [Actor.CHIEF, Actor.INSPECTOR])
def test_chiefs_and_inspectors_reopen_after_the_window(role: Actor) -> None:
    ctx = satisfying(role, resolved_at=NOW - timedelta(days=90))
    assert decide("closed", "reopen", role, ctx).next_state is State.ASSIGNED


def test_window_checks_without_times_are_a_programming_error() -> None:
    with pytest.raises(ContextError, match="resolved_at and now"):
        decide("resolved", "close", "system", satisfying(Actor.SYSTEM, resolved_at=None))
    naive = satisfying(Actor.CITIZEN, now=datetime(2026, 11, 29))
    with pytest.raises(ContextError, match="timezone-aware"):
        decide("resolved", "reopen", "citizen", naive)


def test_transfer_names_a_destination() -> None:
    for target in (None, "", "   "):
        ctx = satisfying(Actor.OFFICER, transfer_to=target)
        decision = decide("accepted", "transfer", "officer", ctx)
        assert (decision.http_status, decision.field) == (422, "transfer_to")
        assert "110 or an outside department" in decision.message
    ctx = satisfying(Actor.OFFICER, transfer_to="区市场监督管理局")
    assert decide("accepted", "transfer", "officer", ctx).next_state is State.TRANSFERRED


@pytest.mark.parametrize(
    ("other", "code"),
    [
        (None, "duplicate_of_required"),
        ("", "duplicate_of_required"),
        ("order 42", "duplicate_of_malformed"),
        ("GS03-20261129-0001", "duplicate_of_self"),
    ],
)
def test_mark_duplicate_names_another_order(other: str | None, code: str) -> None:
    ctx = satisfying(Actor.AUXILIARY, duplicate_of=other)
    decision = decide("received", "mark_duplicate", "auxiliary", ctx)
    assert (decision.http_status, decision.field, decision.code) == (422, "duplicate_of", code)


def test_a_refused_decision_names_no_next_state() -> None:
    assert decide("received", "resolve", "officer", satisfying(Actor.OFFICER)).next_state is None


# ---- intake -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "channel", "allowed"),
    [
        ("auxiliary", "walk_in", True),
        ("officer", "phone", True),
        ("partner", "partner", True),
        ("partner", "walk_in", False),
        ("system", "sensor", True),
        ("officer", "sensor", True),
        ("auxiliary", "sensor", False),
        ("citizen", "online", True),
        ("citizen", "phone", False),
        ("admin", "walk_in", False),
        ("inspector", "phone", False),
    ],
)
def test_who_may_create_through_which_channel(role: str, channel: str, allowed: bool) -> None:
    assert may_create(role, channel) is allowed


def test_every_channel_has_someone_who_may_create() -> None:
    assert all(any(may_create(r, c) for r in Actor) for c in Channel)
