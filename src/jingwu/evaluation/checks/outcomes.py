"""What the inspectors found at each drawn target: done, found (a finding), or follow-up.

A follow-up opens work: for a drawn order (an order check, an orange re-inspection or home
visit) the order is reopened through the work-order service, with the finding as the
reason; for a station, the order the station opened for it is linked (any order of that
station in the caller's scope). Recording again corrects an outcome (the audit log keeps
the history).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Invalid
from jingwu.evaluation.checks import ledger, pools
from jingwu.evaluation.checks.models import CheckDraw, CheckOutcome
from jingwu.evaluation.checks.pools import Kind
from jingwu.evaluation.checks.service import get_draw
from jingwu.workorders import service_actions, service_core
from jingwu.workorders.schemas import ActionIn

MAX_FINDING = 2000


class Status(StrEnum):
    """An outcome."""

    DONE = "done"  # checked, nothing to report
    FOUND = "found"  # a problem found and written down
    FOLLOW_UP = "follow_up"  # a problem that needs work: an order reopened or linked


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise Invalid(
            "Choose done, found or follow-up.", fields={"status": "done, found or follow_up"}
        ) from None


def _finding(status: Status, finding: str) -> str:
    text = finding.strip()
    if status is not Status.DONE and not text:
        raise Invalid("Write down what was found.", fields={"finding": "required"})
    if len(text) > MAX_FINDING:
        raise Invalid(
            "A finding has at most {n} characters.",
            params={"n": MAX_FINDING},
            fields={"finding": "too long"},
        )
    return text


def _check_target(row: CheckDraw, purpose: str, target: str) -> None:
    if row.drawn_at is None:
        raise Conflict(
            "The draw {code} has not been drawn yet.", params={"code": row.code}, code="not_drawn"
        )
    drawn = {p.target for p in ledger.pairs_of(row.pairs).get(purpose, [])}
    if target not in drawn:
        raise Invalid(
            "{target} was not drawn for this check.",
            params={"target": target},
            fields={"target": "not drawn"},
        )


def _follow_up(
    session: Session,
    principal: Principal,
    row: CheckDraw,
    *,
    target: str,
    unit_id: int,
    finding: str,
    order: str | None,
    now: dt.datetime,
) -> str:
    if row.kind != Kind.STATION:
        reopened = service_actions.act(
            session,
            principal,
            code=target,
            action="reopen",
            data=ActionIn(reason=f"双随机抽查 {row.code}：{finding}"[:2000]),
            now=now,
        )
        return str(reopened.code)
    if not order:
        raise Invalid(
            "Give the code of the order the station opened for this finding.",
            fields={"follow_up_order": "required"},
        )
    found = service_core.get_order(session, principal, code=order)
    if found.unit_id != unit_id:
        raise Invalid(
            "The order {order} is not one of the checked station's.",
            params={"order": order},
            fields={"follow_up_order": "another station"},
        )
    return str(found.code)


def record_outcome(
    session: Session,
    principal: Principal,
    *,
    code: str,
    target: str,
    status: str,
    purpose: str = "target",
    finding: str = "",
    follow_up_order: str | None = None,
    now: dt.datetime,
) -> CheckOutcome:
    """Record (or correct) the outcome at one drawn target, with the inspector."""
    principal.require("evaluation.inspect")
    row = get_draw(session, principal, code=code)
    what = _status(status)
    text = _finding(what, finding)
    target = target.strip().upper()
    _check_target(row, purpose, target)
    unit_id = pools.target_units(session, row.kind, [target]).get(target)
    if unit_id is None:
        raise Invalid("{target} no longer exists.", params={"target": target})
    order = None
    if what is Status.FOLLOW_UP:
        order = _follow_up(
            session,
            principal,
            row,
            target=target,
            unit_id=unit_id,
            finding=text,
            order=follow_up_order,
            now=now,
        )
    outcome = session.scalar(
        select(CheckOutcome).where(
            CheckOutcome.draw_id == row.id,
            CheckOutcome.purpose == purpose,
            CheckOutcome.target == target,
        )
    ) or CheckOutcome(draw_id=row.id, purpose=purpose, target=target, unit_id=unit_id)
    outcome.status, outcome.finding, outcome.follow_up_order = str(what), text, order
    outcome.inspector_id, outcome.recorded_at = principal.user_id, now
    session.add(outcome)
    session.flush()
    return outcome
