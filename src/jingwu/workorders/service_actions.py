"""The state-table actions: authorise (role, then state, then guards), apply, record, notify.

Nothing changes unless :func:`jingwu.workorders.states.decide` allows the action: a role
that may not act gets Forbidden (403), a wrong state or an unmet rule Conflict (409), a
missing input Invalid (422); each message names the role, the state or the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Forbidden, Invalid
from jingwu.notifications import service as notifications
from jingwu.workorders import service_supervise as supervise
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.feedback_links import request_feedback
from jingwu.workorders.guards import ClosureRecord
from jingwu.workorders.models import Task, WorkOrder
from jingwu.workorders.schemas import ActionIn
from jingwu.workorders.service_core import actor_of, add_event, get_order, refresh_clocks
from jingwu.workorders.service_merge import merge_into
from jingwu.workorders.sla import policy_for
from jingwu.workorders.states import ALLOWED_ROLES, ActionContext, Decision, Outcome, decide
from jingwu.workorders.triage import Suggestion, confirm
from jingwu.workorders.vocab import Action, State, Tier, UnknownValue, parse, term

WORKERS = ("officer", "auxiliary", "chief")
_NAMING_ASSIGNEE = frozenset({Action.ASSIGN, Action.REASSIGN})


def departments_tasked(session: Session, order_id: int) -> int:
    """Distinct departments and units given live tasks on the order."""
    live = (Task.order_id == order_id, Task.status != "cancelled")
    depts = session.scalar(select(func.count(func.distinct(Task.department_id))).where(*live))
    units = session.scalar(select(func.count(func.distinct(Task.target_unit_id))).where(*live))
    return int(depts or 0) + int(units or 0)


def _assignee(session: Session, principal: Principal, username: str | None) -> User | None:
    if not username:
        return None
    user = session.scalar(
        scoped(select(User), principal, User.unit_id).where(User.username == username.strip())
    )
    if user is None or not user.active:
        raise Invalid(
            "No user '{username}' to assign.",
            params={"username": username},
            fields={"assignee": "unknown user"},
        )
    if user.role not in WORKERS:
        raise Invalid(
            "A {role} cannot be assigned work orders.",
            params={"role": term("actor", user.role)},
            fields={"assignee": "must be an officer, auxiliary or chief"},
        )
    return user


def _closure(data: ActionIn) -> ClosureRecord | None:
    if data.closure is None:
        return None
    return ClosureRecord(
        summary=data.closure.summary,
        citizen_confirmed=data.closure.citizen_confirmed,
        contact_attempt_at=data.closure.contact_attempt_at,
    )


def _context(
    session: Session,
    order: WorkOrder,
    principal: Principal,
    action: Action,
    data: ActionIn,
    now: dt.datetime,
) -> ActionContext:
    tier = data.tier if action is Action.TRIAGE else (order.tier or order.suggested_tier)
    new_tier = data.tier if action is Action.RETIER else None
    counts_departments = action is Action.ACCEPT or new_tier == "red"
    return ActionContext(
        tier=Tier(tier) if tier else None,
        suggested_tier=Tier(order.suggested_tier),
        reason=data.reason,
        actor_is_assignee=principal.user_id is not None and order.assignee_id == principal.user_id,
        # looked up once the action is allowed
        assignee_id=0 if data.assignee and action in _NAMING_ASSIGNEE else None,
        departments_tasked=departments_tasked(session, order.id) if counts_departments else 0,
        pausable=bool(order.sla.get("pausable")),
        closure=_closure(data),
        citizen_confirmed=data.citizen_confirmed,
        resolved_at=order.resolved_at,
        now=now,
        order_code=order.code,
        duplicate_of=(data.duplicate_of or "").upper() or None,
        transfer_to=data.transfer_to,
        new_tier=Tier(new_tier) if new_tier else None,
        escalation_level=order.escalation_level or 0,
        contact_recorded_at=supervise.contact_recorded_at(session, order.id)
        if action is Action.RESOLVE
        else None,
    )


def raise_refusal(decision: Decision) -> None:
    """Turn a refused decision into the matching domain error."""
    text, params = decision.template, decision.params
    if decision.outcome is Outcome.FORBIDDEN:
        raise Forbidden(text, params=params, code=decision.code)
    if decision.outcome is Outcome.CONFLICT:
        raise Conflict(text, params=params, code=decision.code)
    field = decision.field or "request"
    raise Invalid(text, params=params, fields={field: text}, code=decision.code)


Effect = Callable[[Session, WorkOrder, Principal, ActionIn, User | None, dt.datetime], None]


def _triage(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    record = confirm(Suggestion_of(o), d.tier or "", d.reason)
    o.tier = str(record.tier)
    o.override_reason = record.override_reason if record.overridden else None
    o.triaged_at, o.triaged_by_id = now, p.user_id
    # The policy is snapshotted now: later changes to the defaults never move this order.
    o.sla = policy_for(record.tier, DEFAULT_CATALOGUE.get(o.category)).to_dict()
    o.sla_provisional = False
    if o.received_by_id is None and p.user_id is not None:
        # Orders from sensors, partners or the portal: the officer who triages receives it.
        o.received_by_id = o.responsible_id = p.user_id


def Suggestion_of(order: WorkOrder) -> Suggestion:  # noqa: N802 - reads like a constructor
    """The stored suggestion (only the tier is needed to confirm it)."""
    return Suggestion(Tier(order.suggestion.get("tier", order.suggested_tier)), ())


def _assign(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, u: User | None, now: dt.datetime
) -> None:
    assert u is not None
    o.assignee_id = o.responsible_id = u.id


def _responded(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    if o.responded_at is None:
        o.responded_at = now


def _resolve(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    assert d.closure is not None
    closure = d.closure
    if closure.contact_attempt_at is None and not closure.citizen_confirmed:
        # The contact recorded on the order is the attempt this closure rests on.
        contacted = supervise.contact_recorded_at(s, o.id)
        closure = closure.model_copy(update={"contact_attempt_at": contacted})
    o.closure = closure.model_dump(mode="json")
    o.resolved_at = now
    o.resolve_count = (o.resolve_count or 0) + 1


def _close(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    o.closed_at = now


def _return(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    # Handed back: the first receiver answers for it again until someone else is assigned.
    o.assignee_id = None
    o.responsible_id = o.received_by_id


def _reopen(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    o.closed_at = None


def _transfer(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    o.transfer_to = (d.transfer_to or "").strip()


def _duplicate(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    merge_into(s, p, o, primary_code=d.duplicate_of or "", reason=d.reason, now=now)


def _nothing(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    return None


EFFECTS: dict[Action, Effect] = {
    Action.TRIAGE: _triage,
    Action.ASSIGN: _assign,
    Action.ACCEPT: _responded,
    Action.RECORD_CONTACT: _responded,
    Action.RESOLVE: _resolve,
    Action.CLOSE: _close,
    Action.RETURN: _return,
    Action.REOPEN: _reopen,
    Action.TRANSFER: _transfer,
    Action.MARK_DUPLICATE: _duplicate,
    Action.REASSIGN: supervise.reassign,
    Action.RETIER: supervise.retier,
    Action.ESCALATE: supervise.escalate,
}


class Before(NamedTuple):
    """What an action may change and its event records: who held the order, its tier and
    its escalation level before."""

    holder: int | None
    tier: str | None
    level: int


def _event_data(action: Action, order: WorkOrder, data: ActionIn, before: Before) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if action is Action.TRIAGE:
        out = {"tier": order.tier, "suggested": order.suggested_tier, "sla": order.sla}
    elif action is Action.ASSIGN:
        out = {"from": before.holder, "to": order.assignee_id}  # the recorded hand-over
    elif action is Action.REASSIGN:
        out = {"from": before.holder, "to": supervise.holder_of(order)}
    elif action is Action.RETIER:
        out = {"from": before.tier, "to": order.tier, "sla": order.sla}
    elif action is Action.ESCALATE:
        out = {"from": before.level, "to": order.escalation_level}
    elif action is Action.RESOLVE:
        out = {"closure": order.closure}
    elif action is Action.RECORD_CONTACT:
        out = {"note": data.note}
    elif action is Action.TRANSFER:
        out = {"to": order.transfer_to}
    elif action is Action.MARK_DUPLICATE:
        out = {"of": order.duplicate_of}
    elif action is Action.CLOSE:
        out = {"citizen_confirmed": data.citizen_confirmed}
    return out


def act(
    session: Session,
    principal: Principal,
    *,
    code: str,
    action: str,
    data: ActionIn,
    now: dt.datetime,
) -> WorkOrder:
    """Take ``action`` on the order ``code`` as ``principal``; the order as it is afterwards."""
    try:
        act_ = parse(Action, action)
    except UnknownValue:
        raise Invalid(
            "Unknown action '{action}'.",
            params={"action": action},
            fields={"action": "unknown action"},
        ) from None
    actor = actor_of(principal)
    if actor not in ALLOWED_ROLES[act_]:
        # The role is checked before the order is even looked up: it depends on nothing else.
        raise_refusal(decide(State.RECEIVED, act_, actor))
    order = get_order(session, principal, code=code, for_update=True)
    ctx = _context(session, order, principal, act_, data, now)
    decision = decide(order.state, act_, actor, ctx)
    if not decision.allowed:
        raise_refusal(decision)
    # Role, state and guards first; only then is the named assignee looked up.
    named = act_ in _NAMING_ASSIGNEE
    assignee = _assignee(session, principal, data.assignee) if named else None
    if assignee is not None:
        supervise.check_station(assignee, order)
    holder = order.assignee_id if act_ is Action.ASSIGN else supervise.holder_of(order)
    before = Before(holder, order.tier, order.escalation_level or 0)
    EFFECTS.get(act_, _nothing)(session, order, principal, data, assignee, now)
    assert decision.next_state is not None
    add_event(
        session,
        order,
        principal,
        kind="action",
        action=str(act_),
        now=now,
        to_state=str(decision.next_state),
        reason=data.reason,
        data=_event_data(act_, order, data, before),
    )
    order.state = str(decision.next_state)
    refresh_clocks(session, order, now)
    _notify(session, order, act_, now)
    session.flush()
    if act_ is Action.TRIAGE and data.assign_to_me:
        mine = ActionIn(assignee=principal.username)
        return act(session, principal, code=code, action="assign", data=mine, now=now)
    return order


def _notify(session: Session, order: WorkOrder, action: Action, now: dt.datetime) -> None:
    params = {"code": order.code}
    link = f"/work-orders/{order.code}"
    if action is Action.ASSIGN and order.assignee_id is not None:
        notifications.notify(
            session,
            user_ids=[order.assignee_id],
            kind="wo.assigned",
            message="Work order {code} was assigned to you.",
            params=params,
            link=link,
            now=now,
        )
    elif action is Action.REOPEN and order.responsible_id is not None:
        notifications.notify(
            session,
            user_ids=[order.responsible_id],
            kind="wo.reopened",
            message="Work order {code} was reopened.",
            params=params,
            link=link,
            now=now,
        )
    elif action is Action.RESOLVE:
        request_feedback(session, order=order, now=now)
