"""Citizen feedback (WO-6): a rating through the signed link sent after resolve
(:mod:`jingwu.workorders.feedback_links`), or recorded by an officer from a call.

One rating per resolution. A low rating
(1–2) or "not resolved" reopens the order while the window is open; a good rating with
"resolved" is the citizen's confirmation and closes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Forbidden
from jingwu.notifications import service as notifications
from jingwu.workorders.feedback_links import feedback_token, read_token, request_feedback
from jingwu.workorders.guards import feedback_window_ends
from jingwu.workorders.models import Feedback, WorkOrder
from jingwu.workorders.schemas import ActionIn, FeedbackIn
from jingwu.workorders.service_actions import act
from jingwu.workorders.service_core import CITIZEN, actor_of, add_event, get_order
from jingwu.workorders.vocab import Actor, State, term

__all__ = [
    "LOW_RATING",
    "feedback_token",
    "latest",
    "order_for_token",
    "read_token",
    "request_feedback",
    "submit",
]

LOW_RATING = 2
_RATED_STATES = (State.RESOLVED, State.CLOSED)


def order_for_token(session: Session, *, token: str, now: dt.datetime) -> WorkOrder:
    """The order a feedback link is about (for the public feedback page)."""
    code, _ = read_token(token, now=now)
    return get_order(session, CITIZEN, code=code)


def submit(
    session: Session,
    principal: Principal | None,
    *,
    code: str,
    data: FeedbackIn,
    now: dt.datetime,
) -> tuple[Feedback, WorkOrder]:
    """Record a rating (link token, or an officer recording a call) and act on it."""
    if data.token:
        token_code, round_ = read_token(data.token, now=now)
        if token_code != code.strip().upper():
            raise Forbidden("This feedback link is for another order.", code="bad_token")
        order = get_order(session, CITIZEN, code=code, for_update=True)
        via, recorder = "link", None
    else:
        if principal is None:
            raise Forbidden("Feedback needs the link's token or a signed-in officer.")
        if actor_of(principal) not in (Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF):
            raise Forbidden(
                "The role {role} may not record feedback.",
                params={"role": term("actor", principal.role)},
                code="role_forbidden",
            )
        order = get_order(session, principal, code=code, for_update=True)
        round_, via, recorder = order.resolve_count, "call", principal
    fb = _record(session, order, data, round_=round_, via=via, recorder=recorder, now=now)
    return fb, order


def _record(
    session: Session,
    order: WorkOrder,
    data: FeedbackIn,
    *,
    round_: int,
    via: str,
    recorder: Principal | None,
    now: dt.datetime,
) -> Feedback:
    if order.state not in _RATED_STATES or round_ != order.resolve_count or round_ < 1:
        raise Conflict(
            "Work order {code} in state {state} is not waiting for feedback.",
            params={"code": order.code, "state": term("state", order.state)},
            code="wrong_state",
        )
    exists = session.scalar(
        select(Feedback.id).where(Feedback.order_id == order.id, Feedback.round == round_)
    )
    if exists is not None:
        raise Conflict("This resolution has been rated already.", code="already_rated")
    low = data.rating <= LOW_RATING or not data.resolved
    window_open = order.resolved_at is not None and now < feedback_window_ends(order.resolved_at)
    fb = Feedback(
        order_id=order.id,
        unit_id=order.unit_id,
        round=round_,
        via=via,
        rating=data.rating,
        resolved=data.resolved,
        comment=data.comment,
        at=now,
        recorded_by_id=recorder.user_id if recorder else None,
        reopened=low and window_open,
    )
    session.add(fb)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("This resolution has been rated already.", code="already_rated") from None
    actor = recorder or CITIZEN
    add_event(
        session,
        order,
        actor,
        kind="feedback",
        action="feedback",
        now=now,
        reason=data.comment,
        data={"rating": data.rating, "resolved": data.resolved, "via": via},
    )
    _follow_up(session, order, low=low, window_open=window_open, now=now)
    return fb


def _follow_up(
    session: Session, order: WorkOrder, *, low: bool, window_open: bool, now: dt.datetime
) -> None:
    if low and window_open:
        reason = "the citizen's rating says the problem is not solved"
        act(
            session,
            CITIZEN,
            code=order.code,
            action="reopen",
            data=ActionIn(reason=reason),
            now=now,
        )
    elif not low and order.state == State.RESOLVED:
        data = ActionIn(citizen_confirmed=True)
        act(session, CITIZEN, code=order.code, action="close", data=data, now=now)
    elif low:
        # Too late for the citizen to reopen: the chief decides (and may reopen).
        notifications.notify(
            session,
            user_ids=[order.responsible_id] if order.responsible_id else [],
            kind="wo.low_rating",
            message="Work order {code} received a low rating after its feedback window.",
            params={"code": order.code},
            link=f"/work-orders/{order.code}",
            now=now,
        )


def latest(session: Session, principal: Principal, *, code: str) -> list[Feedback]:
    """The order's ratings, oldest first (scoped)."""
    order = get_order(session, principal, code=code)
    return list(
        session.scalars(select(Feedback).where(Feedback.order_id == order.id).order_by(Feedback.id))
    )
