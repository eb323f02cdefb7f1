"""Merging a duplicate report into the order it repeats: the duplicate is closed as merged
(the state table's ``mark_duplicate``), the primary's timeline records it, each links to the
other, and the merge is audited. There is no undo: a wrong merge is reopened by hand.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.errors import Invalid, NotFound
from jingwu.notifications import service as notifications
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.service_core import add_event, get_order
from jingwu.workorders.states import OPEN_STATES
from jingwu.workorders.vocab import State, term


def _primary(session: Session, principal: Principal, code: str) -> WorkOrder:
    try:
        primary = get_order(session, principal, code=code, for_update=True)
    except NotFound:
        raise Invalid(
            "No work order {code} to merge into.",
            params={"code": code},
            fields={"duplicate_of": "unknown order"},
        ) from None
    if primary.state == State.DUPLICATE and primary.duplicate_of:
        raise Invalid(
            "Order {code} was itself merged into {primary}: merge into that order.",
            params={"code": primary.code, "primary": primary.duplicate_of},
            fields={"duplicate_of": "Choose the order it was merged into."},
        )
    if primary.state not in OPEN_STATES:
        raise Invalid(
            "Order {code} is no longer open ({state}): a report cannot join a finished "
            "matter; handle it as an order of its own, or reopen {code} first.",
            params={"code": primary.code, "state": term("state", primary.state)},
            fields={"duplicate_of": "Choose an open order."},
        )
    return primary


def merge_into(
    session: Session,
    principal: Principal,
    duplicate: WorkOrder,
    *,
    primary_code: str,
    reason: str,
    now: dt.datetime,
) -> WorkOrder:
    """Record on the primary (scope-checked) that ``duplicate`` joined it; the primary."""
    primary = _primary(session, principal, primary_code.strip().upper())
    duplicate.duplicate_of = primary.code
    add_event(
        session,
        primary,
        principal,
        kind="merge",
        action="merged",
        now=now,
        reason=reason,
        data={"duplicate": duplicate.code, "channel": duplicate.channel},
    )
    audit.record(
        session,
        principal=principal,
        action="workorders.merge",
        object_type="work_orders",
        object_id=duplicate.code,
        unit_id=duplicate.unit_id,
        detail={"into": primary.code},
        now=now,
    )
    holder = primary.assignee_id or primary.responsible_id
    if holder is not None and holder != principal.user_id:
        notifications.notify(
            session,
            user_ids=[holder],
            kind="wo.merged",
            message="Work order {duplicate} reports the same matter and was merged into {code}.",
            params={"duplicate": duplicate.code, "code": primary.code},
            link=f"/work-orders/{primary.code}",
            now=now,
        )
    return primary
