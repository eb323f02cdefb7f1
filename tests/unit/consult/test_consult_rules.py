"""The consultation's state rules: claim, hand-over, close and sending, as a state machine
driven by random sequences of acts (Hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.consult import rules
from jingwu.consult.rules import ACTIVE, CLOSED, WAITING, State
from jingwu.errors import Conflict, DomainError, Forbidden, Invalid


def test_claim_then_hand_over_then_back_to_the_queue_then_close() -> None:
    s = rules.claim(State(WAITING), by=1)
    assert s == State(ACTIVE, 1)
    s = rules.hand_over(s, by=1, lead=False, to=2, note="labour law: colleague knows it")
    assert s == State(ACTIVE, 2)
    s = rules.hand_over(s, by=2, lead=False, to=None, note="back")
    assert s == State(WAITING, None)
    assert rules.close(s, by=None, lead=False).status == CLOSED


def test_only_the_holder_or_a_lead_hands_over_or_closes() -> None:
    s = State(ACTIVE, 1)
    with pytest.raises(Forbidden):
        rules.hand_over(s, by=3, lead=False, to=2, note="x")
    assert rules.hand_over(s, by=3, lead=True, to=2, note="x").expert_id == 2
    with pytest.raises(Forbidden):
        rules.close(s, by=3, lead=False)
    with pytest.raises(Invalid):
        rules.hand_over(s, by=1, lead=False, to=1, note="x")
    with pytest.raises(Invalid):
        rules.hand_over(s, by=1, lead=False, to=2, note="   ")


def test_an_expert_answers_only_what_they_hold_and_nobody_after_closing() -> None:
    with pytest.raises(Forbidden):
        rules.may_send(State(WAITING), sender=rules.EXPERT, by=1)
    with pytest.raises(Forbidden):
        rules.may_send(State(ACTIVE, 2), sender=rules.EXPERT, by=1)
    rules.may_send(State(ACTIVE, 1), sender=rules.EXPERT, by=1)
    rules.may_send(State(WAITING), sender=rules.CITIZEN)
    for sender in (rules.CITIZEN, rules.EXPERT):
        with pytest.raises(Conflict):
            rules.may_send(State(CLOSED, 1), sender=sender, by=1)


def test_retention_counts_from_the_end() -> None:
    t0 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    t1 = t0 + dt.timedelta(days=3)
    assert rules.retain_until(opened_at=t0, closed_at=None) == t0 + rules.RETENTION
    assert rules.retain_until(opened_at=t0, closed_at=t1) == t1 + rules.RETENTION
    assert rules.expired(t1, t1) and not rules.expired(t1, t0) and not rules.expired(None, t1)


EXPERTS = st.integers(min_value=1, max_value=4)
ACT = st.one_of(
    st.tuples(st.just("claim"), EXPERTS),
    st.tuples(st.just("hand"), EXPERTS, st.one_of(st.none(), EXPERTS), st.booleans()),
    st.tuples(st.just("close"), st.one_of(st.none(), EXPERTS), st.booleans()),
)


@given(st.lists(ACT, max_size=30))
def test_any_sequence_of_acts_keeps_the_invariants(acts: list[tuple]) -> None:  # type: ignore[type-arg]
    s = State(WAITING)
    for act in acts:
        before = s
        try:
            if act[0] == "claim":
                s = rules.claim(s, by=act[1])
            elif act[0] == "hand":
                s = rules.hand_over(s, by=act[1], lead=act[3], to=act[2], note="n")
            else:
                s = rules.close(s, by=act[1], lead=act[2])
        except DomainError:
            assert s == before  # a refused act changes nothing
        # an active consultation always has its one expert; a waiting one has none
        assert (s.status == ACTIVE) == (s.expert_id is not None) or s.status == CLOSED
        if before.status == CLOSED:
            assert s == before  # closed is final
        if s != before and act[0] == "hand":
            assert before.status == ACTIVE
            assert act[3] or before.expert_id == act[1]  # only the holder or a lead
