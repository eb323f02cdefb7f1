"""Decision shapes and the guards of the work-order actions (pure).

A guard says whether an action's preconditions beyond role and state hold: a missing or
malformed input is ``INVALID`` (HTTP 422, naming the field), a rule the order does not meet
yet is ``CONFLICT`` (HTTP 409, naming what is missing). :func:`jingwu.workorders.states.decide`
runs them after the role and state checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta
from enum import StrEnum

from jingwu.errors import fill
from jingwu.workorders.codes import OrderCodeError, parse_code
from jingwu.workorders.vocab import Action, Actor, State, Tier, parse, term

A = Action

FEEDBACK_WINDOW = timedelta(days=7)
RED_MIN_DEPARTMENTS = 3
POLICE_110 = "110"

# Escalation levels of an order: 0 none, 1 station chief, 2 street station, 3 district.
TOP_LEVEL = 3
# The level an actor's manual escalation reaches at least: the rung above their own.
ESCALATES_TO: Mapping[Actor, int] = {
    Actor.OFFICER: 1,
    Actor.AUXILIARY: 1,
    Actor.CHIEF: 2,
    Actor.STREET: 3,
}


class Outcome(StrEnum):
    """The kind of answer :func:`decide` gives."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # the role may not (403)
    CONFLICT = "conflict"  # wrong state or an unmet rule (409)
    INVALID = "invalid"  # a missing or malformed input (422)


_HTTP = {Outcome.ALLOWED: 200, Outcome.FORBIDDEN: 403, Outcome.CONFLICT: 409, Outcome.INVALID: 422}


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether an action may be taken, the state it leads to, or why not.

    ``template`` is an English message id with ``{placeholders}`` filled from ``params``
    (vocabulary values as :class:`~jingwu.errors.Term`, so the edge can translate them).
    """

    outcome: Outcome
    code: str  # stable machine code, e.g. "role_forbidden", "wrong_state", "reason_required"
    template: str  # one English sentence naming the role, state or missing item
    next_state: State | None = None
    field: str | None = None  # the input at fault, for INVALID
    params: Mapping[str, object] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        """The sentence in English, its placeholders filled."""
        return fill(self.template, self.params)

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
    new_tier: Tier | None = None  # retier: the tier the order is to have
    escalation_level: int = 0  # escalate: the order's level now (0 none ... 3 district)
    contact_recorded_at: datetime | None = None  # resolve: a record_contact since the last reopen
    state: State | None = None  # filled in by decide() for the guards that depend on it

    def __post_init__(self) -> None:
        # Plain strings from a form or the database become Tier members, so that the
        # identity checks of the guards (``is Tier.RED``) can never be bypassed by a str.
        for name in ("tier", "suggested_tier", "new_tier"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, parse(Tier, value))


class ContextError(ValueError):
    """The service passed a context that lacks what a guard needs."""


def allow(state: State) -> Decision:
    """An allowed decision leading to ``state``."""
    return Decision(Outcome.ALLOWED, "ok", "allowed", next_state=state)


def conflict(code: str, message: str, **params: object) -> Decision:
    """A refusal because of the state or an unmet rule (409)."""
    return Decision(Outcome.CONFLICT, code, message, params=params)


def invalid(field: str, code: str, message: str, **params: object) -> Decision:
    """A refusal because an input is missing or malformed (422)."""
    return Decision(Outcome.INVALID, code, message, field=field, params=params)


def escalation_target(role: Actor, level: int) -> int | None:
    """The level a manual escalation by ``role`` takes an order at ``level`` to: one rung up,
    and at least the rung above the actor's own (a chief escalates to the street station).
    None when the order is already at the district or the role does not escalate."""
    rung = ESCALATES_TO.get(role)
    if rung is None or level >= TOP_LEVEL:
        return None
    return min(TOP_LEVEL, max(level + 1, rung))


def feedback_window_ends(resolved_at: datetime) -> datetime:
    """The instant the citizen's feedback window closes (the system may close from then)."""
    return resolved_at + FEEDBACK_WINDOW


# ---- guards: each returns None when satisfied, else the refusal ---------------------------


def _needs_reason(action: Action, ctx: ActionContext) -> Decision | None:
    if ctx.reason.strip():
        return None
    return invalid(
        "reason", "reason_required", "{action} needs a reason", action=term("action", action)
    )


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
        return invalid("tier", "tier_required", "triage needs a tier (red, orange or yellow)")
    overriding = ctx.suggested_tier is not None and ctx.suggested_tier is not ctx.tier
    if overriding and not ctx.reason.strip():
        return invalid(
            "reason",
            "override_reason_required",
            "choosing {tier} instead of the suggested {suggested} needs a reason",
            tier=term("tier", ctx.tier),
            suggested=term("tier", str(ctx.suggested_tier)),
        )
    return None


def _guard_assign(role: Actor, ctx: ActionContext) -> Decision | None:
    if ctx.assignee_id is None:
        return invalid("assignee", "assignee_required", "assign needs the officer to assign")
    return None


def _guard_accept(role: Actor, ctx: ActionContext) -> Decision | None:
    if _require_tier(A.ACCEPT, ctx) is Tier.RED and ctx.departments_tasked < RED_MIN_DEPARTMENTS:
        return conflict(
            "departments_required",
            "a red order needs tasks for at least {n} departments before it is accepted; "
            "it has {tasked}",
            n=RED_MIN_DEPARTMENTS,
            tasked=ctx.departments_tasked,
        )
    return None


def _guard_hold(role: Actor, ctx: ActionContext) -> Decision | None:
    if _require_tier(A.HOLD, ctx) is Tier.RED or not ctx.pausable:
        return conflict(
            "not_pausable",
            "the SLA policy of this {tier} order may not be paused",
            tier=term("tier", str(ctx.tier)),
        )
    return _needs_reason(A.HOLD, ctx)


def _guard_resolve(role: Actor, ctx: ActionContext) -> Decision | None:
    tier, closure = _require_tier(A.RESOLVE, ctx), ctx.closure
    if closure is None:
        return invalid("closure", "closure_required", "resolve needs a closure record")
    if not closure.summary.strip():
        return invalid(
            "closure.summary",
            "closure_summary_required",
            "the closure record must say what was done",
        )
    # A contact recorded with "record contact" counts as the attempt to reach the reporter.
    attempted = closure.contact_attempt_at is not None or ctx.contact_recorded_at is not None
    confirmed = closure.citizen_confirmed or attempted
    if tier is Tier.YELLOW and not confirmed:
        return invalid(
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
            return conflict(
                "feedback_window_open",
                "the system closes an order only after the feedback window ends at {ends}",
                ends=ends.isoformat(),
            )
        return None
    if not ctx.citizen_confirmed:
        return conflict(
            "confirmation_required", "close needs the citizen's confirmation of the result"
        )
    return None


def _guard_reopen(role: Actor, ctx: ActionContext) -> Decision | None:
    if role is Actor.CITIZEN:
        resolved_at, now = _require_window(A.REOPEN, ctx)
        ends = feedback_window_ends(resolved_at)
        if now >= ends:
            return conflict(
                "feedback_window_closed",
                "the citizen's feedback window ended at {ends}; "
                "ask the station chief or an inspector to reopen",
                ends=ends.isoformat(),
            )
    return _needs_reason(A.REOPEN, ctx)


def _guard_transfer(role: Actor, ctx: ActionContext) -> Decision | None:
    if ctx.transfer_to is None or not ctx.transfer_to.strip():
        return invalid(
            "transfer_to",
            "transfer_target_required",
            "transfer needs a destination: {police} or an outside department",
            police=POLICE_110,
        )
    return None


def _guard_duplicate(role: Actor, ctx: ActionContext) -> Decision | None:
    other = (ctx.duplicate_of or "").strip()
    if not other:
        return invalid(
            "duplicate_of", "duplicate_of_required", "mark_duplicate needs the other order's code"
        )
    try:
        parse_code(other)
    except OrderCodeError:
        return invalid(
            "duplicate_of",
            "duplicate_of_malformed",
            "'{other}' is not a work-order code like BS01-20261129-0001",
            other=other,
        )
    if ctx.order_code is not None and other == ctx.order_code:
        return invalid(
            "duplicate_of", "duplicate_of_self", "an order cannot be a duplicate of itself"
        )
    return None


def _guard_return(role: Actor, ctx: ActionContext) -> Decision | None:
    return _needs_reason(A.RETURN, ctx)


def _guard_reject(role: Actor, ctx: ActionContext) -> Decision | None:
    return _needs_reason(A.REJECT, ctx)


_AFTER_ACCEPT = frozenset({State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD})


def _guard_reassign(role: Actor, ctx: ActionContext) -> Decision | None:
    if ctx.assignee_id is None:
        return invalid(
            "assignee", "assignee_required", "Reassigning needs the person to hand the order to."
        )
    return _needs_reason(A.REASSIGN, ctx)


def _guard_retier(role: Actor, ctx: ActionContext) -> Decision | None:
    current, new = _require_tier(A.RETIER, ctx), ctx.new_tier
    if new is None:
        return invalid("tier", "tier_required", "Choose the new tier (red, orange or yellow).")
    if new is current:
        return invalid("tier", "tier_unchanged", "The order has this tier already.")
    refusal = _needs_reason(A.RETIER, ctx)
    if refusal is not None or new is not Tier.RED:
        return refusal
    # Raising to red applies the red rules to what has happened already.
    if ctx.state is State.ON_HOLD:
        return conflict(
            "red_on_hold", "A red order is never on hold: resume the order before raising it."
        )
    if ctx.state in _AFTER_ACCEPT and ctx.departments_tasked < RED_MIN_DEPARTMENTS:
        return conflict(
            "departments_required",
            "An accepted order raised to red needs tasks for at least {n} departments; "
            "it has {count}.",
            n=RED_MIN_DEPARTMENTS,
            count=ctx.departments_tasked,
        )
    return None


def _guard_escalate(role: Actor, ctx: ActionContext) -> Decision | None:
    if escalation_target(role, ctx.escalation_level) is None:
        return conflict("escalation_top", "The order is escalated to the district already.")
    return _needs_reason(A.ESCALATE, ctx)


Guard = Callable[[Actor, "ActionContext"], Decision | None]

GUARDS: Mapping[Action, Guard] = {
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
    A.REASSIGN: _guard_reassign,
    A.RETIER: _guard_retier,
    A.ESCALATE: _guard_escalate,
}
