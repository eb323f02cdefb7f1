"""Read models of the work orders: lists, the queue, the board and the order page.

Every list and lookup goes through the scope filter. Reports and dashboard figures are in
:mod:`jingwu.workorders.reports`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped, subtree, unit_in_scope
from jingwu.audit import service as audit
from jingwu.blobs.models import Blob
from jingwu.cards import Card
from jingwu.errors import Invalid, NotFound
from jingwu.org.models import Unit
from jingwu.security.pii import mask_id_number, mask_name, mask_phone
from jingwu.workorders.clocks import Clock, ClockEvent, ClockReading
from jingwu.workorders.models import Attachment, Feedback, WorkOrder
from jingwu.workorders.reports import dashboard_cards as _cards
from jingwu.workorders.search import search_clause
from jingwu.workorders.service_core import (
    actor_of,
    get_order,
    order_code,
    readings,
    user_names,
    visible,
)
from jingwu.workorders.service_tasks import TaskView, tasks_of
from jingwu.workorders.states import ASSIGNEE_ACTIONS, OPEN_STATES, SUPERVISING_ROLES
from jingwu.workorders.states import available_actions as table_actions
from jingwu.workorders.timeline import TimelineEntry, last_contact, people_in, timeline
from jingwu.workorders.vocab import Action, Tier

OPEN = tuple(str(s) for s in OPEN_STATES)


@dataclass(frozen=True)
class OrderFilter:
    """Filters of the order list."""

    tier: str | None = None
    state: str | None = None
    overdue: bool | None = None
    unit: str | None = None  # short code: that unit and the units below it
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    open_only: bool = False
    q: str | None = None  # words matched in the code, caller's phone, address or text


def _filtered(
    session: Session, principal: Principal, f: OrderFilter, stmt: Select[Any] | None = None
) -> Select[Any]:
    stmt = visible(select(WorkOrder) if stmt is None else stmt, principal)
    if f.tier:
        stmt = stmt.where(WorkOrder.tier == f.tier)
    if f.state:
        stmt = stmt.where(WorkOrder.state == f.state)
    if f.open_only:
        stmt = stmt.where(WorkOrder.state.in_(OPEN))
    if f.overdue is not None:
        stmt = stmt.where(WorkOrder.overdue.is_(f.overdue))
    if f.unit:
        unit = unit_in_scope(session, principal, f.unit)
        if unit is None:
            raise Invalid(
                "Unknown unit '{unit}'.", params={"unit": f.unit}, fields={"unit": "unknown unit"}
            )
        stmt = stmt.where(WorkOrder.unit_id.in_(subtree(unit)))
    if f.received_from:
        stmt = stmt.where(WorkOrder.received_at >= f.received_from)
    if f.received_to:
        stmt = stmt.where(WorkOrder.received_at < f.received_to)
    if f.q and f.q.strip():
        stmt = stmt.where(search_clause(f.q))
    return stmt


def list_orders(
    session: Session, principal: Principal, *, filters: OrderFilter, page: int, per_page: int
) -> tuple[list[WorkOrder], int]:
    """One page of the orders in scope, newest first, and the total count."""
    stmt = _filtered(session, principal, filters)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), int(total)


class ListRow(NamedTuple):
    """The columns of an order that the API's list shows."""

    code: str
    category: str
    state: str
    tier: str | None
    received_at: dt.datetime
    response_due_at: dt.datetime | None
    completion_due_at: dt.datetime | None
    overdue: bool


_LIST_COLUMNS = select(*(getattr(WorkOrder, name) for name in ListRow._fields))


def list_rows(
    session: Session, principal: Principal, *, filters: OrderFilter, page: int, per_page: int
) -> tuple[list[ListRow], int]:
    """:func:`list_orders` as plain rows of the listed columns (no ORM objects, so no
    decryption of the reporters' fields of every order on the page)."""
    stmt = _filtered(session, principal, filters, _LIST_COLUMNS)
    total = session.scalar(stmt.with_only_columns(func.count(WorkOrder.id))) or 0
    rows = session.execute(
        stmt.order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [ListRow(*row) for row in rows], int(total)


def due_at(order: WorkOrder | ListRow) -> dt.datetime | None:
    """The next running deadline of the order (response first, then completion)."""
    dues = [d for d in (order.response_due_at, order.completion_due_at) if d is not None]
    return min(dues, default=None)


def _by_time_left(orders: list[WorkOrder]) -> list[WorkOrder]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(orders, key=lambda o: (due_at(o) or far, o.received_at))


FILED_SHOWN = 100
# The rung of the escalation ladder each leading role answers for (escalation.LEVELS).
ESCALATED_TO = {"chief": 1, "street": 2, "director": 3}


def my_queue(session: Session, principal: Principal) -> list[WorkOrder]:
    """Open orders the principal answers for, is assigned or that were escalated to its rung
    (chief, street station, district), by time left; for a partner,
    the orders it filed (newest first), which it follows rather than works."""
    if principal.user_id is None:
        return []
    if principal.role == "partner":
        filed = visible(select(WorkOrder), principal)
        order = (WorkOrder.received_at.desc(), WorkOrder.id.desc())
        return list(session.scalars(filed.order_by(*order).limit(FILED_SHOWN)))
    mine = or_(
        WorkOrder.responsible_id == principal.user_id, WorkOrder.assignee_id == principal.user_id
    )
    rung = ESCALATED_TO.get(principal.role)
    if rung is not None:  # orders escalated to the principal's rung, in its scope
        mine = or_(mine, WorkOrder.escalation_level >= rung)
    stmt = visible(select(WorkOrder), principal).where(WorkOrder.state.in_(OPEN), mine)
    return _by_time_left(list(session.scalars(stmt)))


@dataclass
class Board:
    """A station's open orders by tier (overdue first, then by time left)."""

    unit: Unit | None
    columns: dict[str, list[WorkOrder]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # the responsible people, by name

    @property
    def total(self) -> int:
        """How many open orders the board shows."""
        return sum(len(v) for v in self.columns.values())


def station_board(session: Session, principal: Principal, *, unit: str | None) -> Board:
    """Open orders of a unit (default: the principal's) by tier."""
    code = unit
    if code is None and principal.unit_id is not None:
        code = session.scalar(select(Unit.short_code).where(Unit.id == principal.unit_id))
    filters = OrderFilter(unit=code, open_only=True)
    orders = list(session.scalars(_filtered(session, principal, filters)))
    board = Board(unit=session.scalar(select(Unit).where(Unit.short_code == (code or ""))))
    for tier in ("red", "orange", "yellow", "untriaged"):
        column = [o for o in orders if (o.tier or "untriaged") == tier]
        board.columns[tier] = sorted(
            _by_time_left(column), key=lambda o: not o.overdue
        )  # stable: overdue first, each part by time left
    board.names = user_names(session, [o.responsible_id for o in orders])
    return board


@dataclass(frozen=True)
class Reporter:
    """The reporter's data as shown: masked unless unmasked (and audited)."""

    name: str | None
    phone: str | None
    id_number: str | None
    masked: bool


def reporter(
    session: Session, principal: Principal, order: WorkOrder, *, unmask: bool, now: dt.datetime
) -> Reporter:
    """The reporter's data; unmasked only on request by a role with ``pii.unmask``, audited."""
    if unmask:
        principal.require("pii.unmask")
        audit.record(
            session,
            principal=principal,
            action="pii.unmask",
            object_type="work_orders",
            object_id=order.code,
            unit_id=order.unit_id,
            detail={"fields": ["reporter_name", "reporter_phone", "reporter_id_number"]},
            now=now,
        )
        return Reporter(order.reporter_name, order.reporter_phone, order.reporter_id_number, False)
    return Reporter(
        mask_name(order.reporter_name) if order.reporter_name else None,
        mask_phone(order.reporter_phone) if order.reporter_phone else None,
        mask_id_number(order.reporter_id_number) if order.reporter_id_number else None,
        True,
    )


def allowed_actions(order: WorkOrder, principal: Principal) -> list[str]:
    """The actions to offer the principal (role, state and assignee checks)."""
    actor = actor_of(principal)
    is_assignee = principal.user_id is not None and order.assignee_id == principal.user_id
    return [
        str(a)
        for a in table_actions(order.state, actor)
        if a not in ASSIGNEE_ACTIONS or is_assignee or actor in SUPERVISING_ROLES
    ]


_RECEIVER, _RESPONSIBLE, _ASSIGNEE = aliased(User), aliased(User), aliased(User)


def order_and_people(
    session: Session, principal: Principal, *, code: str
) -> tuple[WorkOrder, dict[int, str]]:
    """The order (NotFound outside the scope) and the names of its receiver, responsible
    person and assignee, in one query."""
    stmt = (
        visible(
            select(
                WorkOrder,
                _RECEIVER.display_name,
                _RESPONSIBLE.display_name,
                _ASSIGNEE.display_name,
            ),
            principal,
        )
        .outerjoin(_RECEIVER, _RECEIVER.id == WorkOrder.received_by_id)
        .outerjoin(_RESPONSIBLE, _RESPONSIBLE.id == WorkOrder.responsible_id)
        .outerjoin(_ASSIGNEE, _ASSIGNEE.id == WorkOrder.assignee_id)
        .where(WorkOrder.code == order_code(code))
    )
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound("No work order {code}.", params={"code": code})
    order = row[0]
    ids = (order.received_by_id, order.responsible_id, order.assignee_id)
    names = {i: str(n) for i, n in zip(ids, row[1:], strict=True) if i is not None}
    return order, names


@dataclass
class OrderDetail:
    """Everything the order page shows."""

    order: WorkOrder
    unit: Unit
    reporter: Reporter
    clocks: dict[Clock, ClockReading]
    timeline: list[TimelineEntry]
    tasks: list[TaskView]
    attachments: Sequence[tuple[Attachment, Blob]]
    feedback: list[Feedback]
    actions: list[str]
    people: dict[int, str]
    contact_at: dt.datetime | None = None  # a contact recorded since the last reopen


def order_detail(
    session: Session, principal: Principal, *, code: str, now: dt.datetime, unmask: bool = False
) -> OrderDetail:
    """The order page's data (scoped; NotFound outside the scope)."""
    order = get_order(session, principal, code=code)
    unit = session.get(Unit, order.unit_id)
    assert unit is not None
    attachments = list(
        session.execute(
            select(Attachment, Blob)
            .join(Blob, Blob.sha256 == Attachment.blob_sha256)
            .where(Attachment.order_id == order.id)
            .order_by(Attachment.id)
        )
    )
    feedback = list(
        session.scalars(select(Feedback).where(Feedback.order_id == order.id).order_by(Feedback.id))
    )
    entries = timeline(session, order)
    ids = [order.received_by_id, order.responsible_id, order.assignee_id, order.triaged_by_id]
    ids += people_in(entries)
    # The clocks read the same event rows (actions only, in order): no second query.
    actions = [ClockEvent(Action(e.action), e.at) for e in entries if e.kind == "action"]
    return OrderDetail(
        order=order,
        unit=unit,
        reporter=reporter(session, principal, order, unmask=unmask, now=now),
        # Read at the latest action if a writer stamped one after this request's clock.
        clocks=readings(order, actions, max([now, *(a.at for a in actions)])),
        timeline=entries,
        tasks=tasks_of(session, order, now=now),
        attachments=attachments,
        feedback=feedback,
        actions=allowed_actions(order, principal),
        people=user_names(session, ids),
        contact_at=last_contact(entries),
    )


def tier_counts(session: Session, principal: Principal) -> dict[str, int]:
    """Open orders in scope per tier (untriaged under their suggestion)."""
    tier = func.coalesce(WorkOrder.tier, WorkOrder.suggested_tier)
    stmt = visible(select(tier, func.count()), principal).where(WorkOrder.state.in_(OPEN))
    rows = session.execute(stmt.group_by(tier)).all()
    counts = {str(t): 0 for t in Tier}
    counts.update({str(t): int(n) for t, n in rows})
    return counts


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """Work-order figures for the dashboard."""
    return _cards(session, principal)


def assignable(session: Session, principal: Principal, order: WorkOrder) -> list[tuple[str, str]]:
    """(username, display name) of the people the principal may assign the order to: the
    officers, auxiliaries and chief of the order's station (nobody else could open it)."""
    stmt = (
        scoped(select(User.username, User.display_name), principal, User.unit_id)
        .where(User.active.is_(True), User.role.in_(("officer", "auxiliary", "chief")))
        .where(User.unit_id == order.unit_id)
        .order_by(User.username)
    )
    return [(name, display) for name, display in session.execute(stmt)]
