"""The work-order state table, who may take each action, and the guards (pure).

One table maps ``(state, action)`` to the next state; :func:`decide` checks, in this order,

1. the actor's role may take the action at all — otherwise ``FORBIDDEN`` (HTTP 403), the
   message naming the role and the roles that may;
2. the action is defined in the current state — otherwise ``CONFLICT`` (HTTP 409), naming
   the state and the states the action needs;
3. the guards: a missing or malformed input is ``INVALID`` (HTTP 422, naming the field); a
   rule the order does not meet yet is ``CONFLICT`` (HTTP 409, naming what is missing).

Nothing is changed by a decision; the service writes the event row when it is allowed.

Who may do what (the "why" of each choice):

- ``officer`` (社区民警) and ``chief`` take every daily action: triage (the tier is a police
  judgement, so an officer confirms it), assign (the first receiver hands over by assigning),
  accept, start, hold, resume, record a contact, resolve, return, transfer (to 110 or an
  outside department), reject and mark a duplicate.
- ``auxiliary`` (辅警) works orders assigned to them — accept, start, hold, resume, record a
  contact, resolve, return — and may mark duplicates. Auxiliaries assist officers and hold no
  police powers of their own, so they do not set tiers, assign, transfer or reject.
- The assignee-only actions (accept, start, hold, resume, resolve, return) are refused with
  ``FORBIDDEN`` to an officer or auxiliary who is not the assignee; a chief may act for any
  assignee of the station.
- ``chief``, ``street`` and ``director`` may assign: orders escalated to the street station
  or the district are re-assigned from there.
- ``reopen``: the ``citizen`` within the 7-day feedback window after ``resolve``, a ``chief`` or
  an ``inspector`` (督察) at any time — the issue names exactly these.
- ``close``: the ``system`` once the feedback window has passed without a reopen; the
  ``citizen`` when confirming; an officer, auxiliary or chief only when recording the
  citizen's confirmation (a phone call), so a close always rests on the citizen or the window.
- ``reassign``, ``retier`` and ``escalate`` are the supervisor's own actions, open in every
  open state (retier from triage on: a received order is triaged first) and changing no
  state. ``chief``, ``street`` and ``director`` reassign (hand the order to another person of
  their scope, whoever holds it — an overdue order held by an auxiliary is taken back) and
  retier (with a reason; raising to red recomputes the deadlines from receipt and applies
  the red rules to what has happened: no hold, three departments once accepted). Anyone
  working the order may ``escalate`` it by hand, one rung up the ladder the SLA sweep uses:
  an officer or auxiliary to the station chief, a chief to the street station, a street
  station head to the district.
- ``inspector`` only reopens; supervision does not do the station's work.
- ``partner`` takes no workflow action: partners create orders through their channel and read
  their own (see :func:`may_create`).
- ``admin`` takes no workflow action either: the administrator manages accounts and settings,
  and every step of an order must be answerable by the officer responsible for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from jingwu.workorders.guards import (
    FEEDBACK_WINDOW,
    GUARDS,
    POLICE_110,
    RED_MIN_DEPARTMENTS,
    ActionContext,
    ClosureRecord,
    ContextError,
    Decision,
    Outcome,
    allow,
    conflict,
    escalation_target,
    feedback_window_ends,
)
from jingwu.workorders.vocab import Action, Actor, Channel, State, parse, term, terms

__all__ = [
    "ALLOWED_ROLES",
    "ASSIGNEE_ACTIONS",
    "FEEDBACK_WINDOW",
    "INTAKE_ROLES",
    "OPEN_STATES",
    "POLICE_110",
    "RED_MIN_DEPARTMENTS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Action",
    "ActionContext",
    "ClosureRecord",
    "ContextError",
    "Decision",
    "Outcome",
    "State",
    "available_actions",
    "decide",
    "escalation_target",
    "feedback_window_ends",
    "may_create",
    "states_for",
]

S, A = State, Action

# Transfer, reject and mark_duplicate end the order; closed ends it unless reopened.
TERMINAL_STATES = frozenset({S.TRANSFERRED, S.REJECTED, S.DUPLICATE})
# States in which the station still owes work (the clocks may run).
OPEN_STATES = frozenset({S.RECEIVED, S.TRIAGED, S.ASSIGNED, S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD})

_BEFORE_ACCEPT = (S.RECEIVED, S.TRIAGED, S.ASSIGNED)

TRANSITIONS: Mapping[tuple[State, Action], State] = {
    (S.RECEIVED, A.TRIAGE): S.TRIAGED,
    (S.TRIAGED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, A.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.HOLD): S.ON_HOLD,
    (S.ON_HOLD, A.RESUME): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.ASSIGNED, A.RETURN): S.TRIAGED,
    (S.ACCEPTED, A.RETURN): S.TRIAGED,
    (S.RESOLVED, A.REOPEN): S.ASSIGNED,
    (S.CLOSED, A.REOPEN): S.ASSIGNED,
    # A contact with the reporter changes no state; it may count as the response.
    **{(state, A.RECORD_CONTACT): state for state in OPEN_STATES},
    # Handing over to 110 or another department can become necessary at any open stage.
    **{(state, A.TRANSFER): S.TRANSFERRED for state in OPEN_STATES},
    # Rejecting or merging is decided before anyone accepts the order; after that the
    # assignee owns it and must resolve, return or transfer it.
    **{(state, A.REJECT): S.REJECTED for state in _BEFORE_ACCEPT},
    **{(state, A.MARK_DUPLICATE): S.DUPLICATE for state in _BEFORE_ACCEPT},
    # The supervisor's actions change who holds the order, its tier or its escalation
    # level, never its state; a received order gets its first tier by triage.
    **{(state, A.REASSIGN): state for state in OPEN_STATES},
    **{(state, A.RETIER): state for state in OPEN_STATES - {S.RECEIVED}},
    **{(state, A.ESCALATE): state for state in OPEN_STATES},
}

_DAILY = frozenset({Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF})
_POLICE = frozenset({Actor.OFFICER, Actor.CHIEF})
_SUPERVISORS = frozenset({Actor.CHIEF, Actor.STREET, Actor.DIRECTOR})

ALLOWED_ROLES: Mapping[Action, frozenset[Actor]] = {
    A.TRIAGE: _POLICE,
    A.ASSIGN: frozenset({Actor.OFFICER, Actor.CHIEF, Actor.STREET, Actor.DIRECTOR}),
    A.ACCEPT: _DAILY,
    A.START: _DAILY,
    A.HOLD: _DAILY,
    A.RESUME: _DAILY,
    A.RECORD_CONTACT: _DAILY,
    A.RESOLVE: _DAILY,
    A.CLOSE: _DAILY | {Actor.CITIZEN, Actor.SYSTEM},
    A.RETURN: _DAILY,
    A.REOPEN: frozenset({Actor.CHIEF, Actor.INSPECTOR, Actor.CITIZEN}),
    A.TRANSFER: _POLICE,
    A.REJECT: _POLICE,
    A.MARK_DUPLICATE: _DAILY,
    A.REASSIGN: _SUPERVISORS,
    A.RETIER: _SUPERVISORS,
    A.ESCALATE: _DAILY | {Actor.STREET},
}

# Only the assignee works the order; the chief may act for any assignee.
ASSIGNEE_ACTIONS = frozenset({A.ACCEPT, A.START, A.HOLD, A.RESUME, A.RESOLVE, A.RETURN})
SUPERVISING_ROLES = frozenset({Actor.CHIEF})

# Who may create an order through which channel (intake is not a state action).
INTAKE_ROLES: Mapping[Channel, frozenset[Actor]] = {
    Channel.WALK_IN: _DAILY,
    Channel.PHONE: _DAILY,
    Channel.ONLINE: frozenset({Actor.CITIZEN, Actor.SYSTEM}),  # the portal's queue, drained inward
    Channel.PARTNER: frozenset({Actor.PARTNER, Actor.SYSTEM}),
    # The IoT rules file sensor orders as the system; an officer or chief may also turn an
    # alert they are looking at into an order (the sensor stays the channel of record).
    Channel.SENSOR: _POLICE | {Actor.SYSTEM},
}


def states_for(action: Action) -> list[State]:
    """The states in which ``action`` is defined, in table order."""
    return [state for (state, act) in TRANSITIONS if act is action]


def decide(
    state: State | str,
    action: Action | str,
    actor_role: Actor | str,
    context: ActionContext | None = None,
) -> Decision:
    """Say whether ``actor_role`` may take ``action`` on an order in ``state``, and why not."""
    state, action, role = parse(State, state), parse(Action, action), parse(Actor, actor_role)
    ctx = context or ActionContext()
    if role not in ALLOWED_ROLES[action]:
        return Decision(
            Outcome.FORBIDDEN,
            "role_forbidden",
            "role {role} may not {action} an order; allowed: {allowed}",
            params={
                "role": term("actor", role),
                "action": term("action", action),
                "allowed": terms("actor", ALLOWED_ROLES[action]),
            },
        )
    if action in ASSIGNEE_ACTIONS and role not in SUPERVISING_ROLES and not ctx.actor_is_assignee:
        return Decision(
            Outcome.FORBIDDEN,
            "not_assignee",
            "role {role} may {action} only orders assigned to them",
            params={"role": term("actor", role), "action": term("action", action)},
        )
    next_state = TRANSITIONS.get((state, action))
    if next_state is None:
        return conflict(
            "wrong_state",
            "cannot {action} an order in state {state}; {action} needs: {needed}",
            action=term("action", action),
            state=term("state", state),
            needed=terms("state", [str(s) for s in states_for(action)]),
        )
    ctx = dataclasses.replace(ctx, state=state)  # the guards see the order's own state
    refusal = GUARDS[action](role, ctx) if action in GUARDS else None
    return refusal or allow(next_state)


def available_actions(state: State | str, actor_role: Actor | str) -> tuple[Action, ...]:
    """The actions whose role and state checks pass (guards aside): the buttons to show."""
    state, role = parse(State, state), parse(Actor, actor_role)
    return tuple(
        action
        for action in Action
        if role in ALLOWED_ROLES[action] and (state, action) in TRANSITIONS
    )


def may_create(actor_role: Actor | str, channel: Channel | str) -> bool:
    """True when ``actor_role`` may create an order arriving through ``channel``."""
    return parse(Actor, actor_role) in INTAKE_ROLES[parse(Channel, channel)]
