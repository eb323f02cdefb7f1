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
- ``inspector`` only reopens; supervision does not do the station's work.
- ``partner`` takes no workflow action: partners create orders through their channel and read
  their own (see :func:`may_create`).
- ``admin`` takes no workflow action either: the administrator manages accounts and settings,
  and every step of an order must be answerable by the officer responsible for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from jingwu.workorders.codes import OrderCodeError, parse_code
from jingwu.workorders.vocab import Actor, Channel, Tier, parse


class State(StrEnum):
    """Where an order stands."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    TRANSFERRED = "transferred"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class Action(StrEnum):
    """What can be done to an order."""

    TRIAGE = "triage"
    ASSIGN = "assign"
    ACCEPT = "accept"
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    RECORD_CONTACT = "record_contact"
    RESOLVE = "resolve"
    CLOSE = "close"
    RETURN = "return"
    REOPEN = "reopen"
    TRANSFER = "transfer"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"


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
}

_DAILY = frozenset({Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF})
_POLICE = frozenset({Actor.OFFICER, Actor.CHIEF})

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
    Channel.SENSOR: frozenset({Actor.SYSTEM}),
}

FEEDBACK_WINDOW = timedelta(days=7)
RED_MIN_DEPARTMENTS = 3
POLICE_110 = "110"


class Outcome(StrEnum):
    """The kind of answer :func:`decide` gives."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the role may not (403)
    CONFLICT = "conflict"  # wrong state or an unmet rule (409)
    INVALID = "invalid"  # a missing or malformed input (422)


_HTTP = {Outcome.ALLOWED: 200, Outcome.FORBIDDEN: 403, Outcome.CONFLICT: 409, Outcome.INVALID: 422}


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether an action may be taken, the state it leads to, or why not."""

    outcome: Outcome
    code: str  # stable machine code, e.g. "role_forbidden", "wrong_state", "reason_required"
    message: str  # one English sentence naming the role, state or missing item
    next_state: State | None = None
    field: str | None = None  # the input at fault, for INVALID

    @property
    def allowed(self) -> bool:
        """True when the action may be taken."""
        return self.outcome is Outcome.ALLOWED

    @property
    def http_status(self) -> int:
        """200, 403, 409 or 422."""
        return _HTTP[self.outcome]


@dataclass(frozen=True, slots=True)
class ClosureRecord:
    """The electronic closure record written when an order is resolved."""

    summary: str  # what was done
    citizen_confirmed: bool = False
    contact_attempt_at: datetime | None = None  # a recorded attempt to reach the reporter


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What the guards need to know about the order, the actor and the request."""

    tier: Tier | None = None  # the order's tier; for triage, the tier being confirmed
    suggested_tier: Tier | None = None  # the rules' suggestion (triage override check)
    reason: str = ""  # return, hold, reject, reopen; a triage override
    actor_is_assignee: bool = False
    assignee_id: int | None = None  # assign: the new assignee
    departments_tasked: int = 0  # distinct departments given tasks (red accept)
    pausable: bool = False  # the order's snapshotted SLA policy
    closure: ClosureRecord | None = None  # resolve
    citizen_confirmed: bool = False  # close by the citizen or on their behalf
    resolved_at: datetime | None = None  # the latest resolve (feedback window)
    now: datetime | None = None  # feedback window checks
    order_code: str | None = None  # this order (mark_duplicate must name another)
    duplicate_of: str | None = None
    transfer_to: str | None = None  # "110" or the outside department's name


class ContextError(ValueError):
    """The service passed a context that lacks what a guard needs."""


def _ok(state: State) -> Decision:
    return Decision(Outcome.ALLOWED, "ok", "allowed", next_state=state)


def _conflict(code: str, message: str) -> Decision:
    return Decision(Outcome.CONFLICT, code, message)


def _invalid(field: str, code: str, message: str) -> Decision:
    return Decision(Outcome.INVALID, code, message, field=field)


def _names(values: frozenset[Actor] | list[State]) -> str:
    return ", ".join(sorted(str(value) for value in values))


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
            f"role {role} may not {action} an order; allowed: {_names(ALLOWED_ROLES[action])}",
        )
    if action in ASSIGNEE_ACTIONS and role not in SUPERVISING_ROLES and not ctx.actor_is_assignee:
        return Decision(
            Outcome.FORBIDDEN,
            "not_assignee",
            f"role {role} may {action} only orders assigned to them",
        )
    next_state = TRANSITIONS.get((state, action))
    if next_state is None:
        needed = _names(states_for(action))
        return _conflict(
            "wrong_state", f"cannot {action} an order in state {state}; {action} needs: {needed}"
        )
    refusal = _GUARDS[action](role, ctx) if action in _GUARDS else None
    return refusal or _ok(next_state)


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


def feedback_window_ends(resolved_at: datetime) -> datetime:
    """The instant the citizen's feedback window closes (the system may close from then)."""
    return resolved_at + FEEDBACK_WINDOW


# ---- guards: each returns None when satisfied, else the refusal ---------------------------


def _needs_reason(action: Action, ctx: ActionContext) -> Decision | None:
    if ctx.reason.strip():
        return None
    return _invalid("reason", "reason_required", f"{action} needs a reason")


def _require_tier(action: Action, ctx: ActionContext) -> Tier:
    if ctx.tier is None:
        raise ContextError(f"decide({action}) needs the order's tier in the context")
    return ctx.tier


def _require_window(action: Action, ctx: ActionContext) -> tuple[datetime, datetime]:
    if ctx.resolved_at is None or ctx.now is None:
        raise ContextError(f"decide({action}) needs resolved_at and now in the context")
    if ctx.resolved_at.tzinfo is None or ctx.now.tzinfo is None:
        raise ContextError("resolved_at and now must be timezone-aware")
    return ctx.resolved_at, ctx.now


def _guard_triage(role: Actor, ctx: ActionContext) -> Decision | None:
    if ctx.tier is None:
        return _invalid("tier", "tier_required", "triage needs a tier (red, orange or yellow)")
    overriding = ctx.suggested_tier is not None and ctx.suggested_tier is not ctx.tier
    if overriding and not ctx.reason.strip():
        return _invalid(
            "reason",
            "override_reason_required",
            f"choosing {ctx.tier} instead of the suggested {ctx.suggested_tier} needs a reason",
        )
    return None


def _guard_assign(role: Actor, ctx: ActionContext) -> Decision | None:
    if ctx.assignee_id is None:
        return _invalid("assignee", "assignee_required", "assign needs the officer to assign")
    return None


def _guard_accept(role: Actor, ctx: ActionContext) -> Decision | None:
    if _require_tier(A.ACCEPT, ctx) is Tier.RED and ctx.departments_tasked < RED_MIN_DEPARTMENTS:
        return _conflict(
            "departments_required",
            f"a red order needs tasks for at least {RED_MIN_DEPARTMENTS} departments before "
            f"it is accepted; it has {ctx.departments_tasked}",
        )
    return None


def _guard_hold(role: Actor, ctx: ActionContext) -> Decision | None:
    if _require_tier(A.HOLD, ctx) is Tier.RED or not ctx.pausable:
        return _conflict(
            "not_pausable", f"the SLA policy of this {ctx.tier} order may not be paused"
        )
    return _needs_reason(A.HOLD, ctx)


def _guard_resolve(role: Actor, ctx: ActionContext) -> Decision | None:
    tier, closure = _require_tier(A.RESOLVE, ctx), ctx.closure
    if closure is None:
        return _invalid("closure", "closure_required", "resolve needs a closure record")
    if not closure.summary.strip():
        return _invalid(
            "closure.summary",
            "closure_summary_required",
            "the closure record must say what was done",
        )
    confirmed = closure.citizen_confirmed or closure.contact_attempt_at is not None
    if tier is Tier.YELLOW and not confirmed:
        return _invalid(
            "closure.citizen_confirmed",
            "closure_confirmation_required",
            "a yellow order's closure record needs the citizen's confirmation "
            "or a recorded contact attempt",
        )
    return None


def _guard_close(role: Actor, ctx: ActionContext) -> Decision | None:
    if role is Actor.SYSTEM:
        resolved_at, now = _require_window(A.CLOSE, ctx)
        ends = feedback_window_ends(resolved_at)
        if now < ends:
            return _conflict(
                "feedback_window_open",
                f"the system closes an order only after the feedback window ends at "
                f"{ends.isoformat()}",
            )
        return None
    if not ctx.citizen_confirmed:
        return _conflict(
            "confirmation_required", "close needs the citizen's confirmation of the result"
        )
    return None


def _guard_reopen(role: Actor, ctx: ActionContext) -> Decision | None:
    if role is Actor.CITIZEN:
        resolved_at, now = _require_window(A.REOPEN, ctx)
        ends = feedback_window_ends(resolved_at)
        if now >= ends:
            return _conflict(
                "feedback_window_closed",
                f"the citizen's feedback window ended at {ends.isoformat()}; "
                "ask the station chief or an inspector to reopen",
            )
    return _needs_reason(A.REOPEN, ctx)


def _guard_transfer(role: Actor, ctx: ActionContext) -> Decision | None:
    if ctx.transfer_to is None or not ctx.transfer_to.strip():
        return _invalid(
            "transfer_to",
            "transfer_target_required",
            f"transfer needs a destination: {POLICE_110} or an outside department",
        )
    return None


def _guard_duplicate(role: Actor, ctx: ActionContext) -> Decision | None:
    other = (ctx.duplicate_of or "").strip()
    if not other:
        return _invalid(
            "duplicate_of", "duplicate_of_required", "mark_duplicate needs the other order's code"
        )
    try:
        parse_code(other)
    except OrderCodeError as exc:
        return _invalid("duplicate_of", "duplicate_of_malformed", str(exc))
    if ctx.order_code is not None and other == ctx.order_code:
        return _invalid(
            "duplicate_of", "duplicate_of_self", "an order cannot be a duplicate of itself"
        )
    return None


def _guard_return(role: Actor, ctx: ActionContext) -> Decision | None:
    return _needs_reason(A.RETURN, ctx)


def _guard_reject(role: Actor, ctx: ActionContext) -> Decision | None:
    return _needs_reason(A.REJECT, ctx)


_GUARDS = {
    A.TRIAGE: _guard_triage,
    A.ASSIGN: _guard_assign,
    A.ACCEPT: _guard_accept,
    A.HOLD: _guard_hold,
    A.RESOLVE: _guard_resolve,
    A.CLOSE: _guard_close,
    A.RETURN: _guard_return,
    A.REOPEN: _guard_reopen,
    A.TRANSFER: _guard_transfer,
    A.REJECT: _guard_reject,
    A.MARK_DUPLICATE: _guard_duplicate,
}
