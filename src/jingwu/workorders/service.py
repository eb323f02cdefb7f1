"""Work-order use cases: intake, lookup, completed orders for analytics; actions re-exported.

Other domains call this module only: ``intake`` (IoT alerts, partner and portal
submissions), ``get_order`` and ``completed_since`` (the analytics incident store).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, station_in_scope
from jingwu.errors import Conflict, Forbidden, Invalid
from jingwu.org.models import Unit
from jingwu.security import keys
from jingwu.security.crypto import blind_index
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.codes import format_code, local_date
from jingwu.workorders.counters import next_sequence
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.schemas import IntakeIn
from jingwu.workorders.service_actions import act
from jingwu.workorders.service_core import actor_of, add_event, get_order, refresh_clocks
from jingwu.workorders.sla import policy_for
from jingwu.workorders.states import may_create
from jingwu.workorders.triage import REPEAT_WINDOW_DAYS, TriageInput, suggest
from jingwu.workorders.vocab import Actor, State, Tier, term

__all__ = [
    "CompletedOrder",
    "Received",
    "act",
    "completed_since",
    "get_order",
    "intake",
    "phone_index",
    "receive",
]

PHONE_CONTEXT = "work_orders.reporter_phone"
RECEIVERS = frozenset({Actor.OFFICER, Actor.AUXILIARY, Actor.CHIEF})


def phone_index(phone: str) -> str:
    """The blind index of a reporter's phone (equality search without the number)."""
    return blind_index(keys.current(), phone, PHONE_CONTEXT)


def address_key(address: str) -> str | None:
    """A key for "the same address": whitespace and case folded, hashed to a fixed size."""
    folded = re.sub(r"\s+", "", address).casefold()
    return hashlib.sha256(folded.encode()).hexdigest() if folded else None


def _station(session: Session, principal: Principal, code: str) -> Unit:
    unit = station_in_scope(session, principal, code)
    if unit is None:
        raise Invalid(
            "Unknown station '{code}'.",
            params={"code": code},
            fields={"station": "unknown station"},
        )
    return unit


# Built once (their cache keys are memoised): every intake runs both.
_SINCE = (
    WorkOrder.received_at >= bindparam("since"),
    WorkOrder.received_at <= bindparam("now"),
)
_BY_ADDRESS = select(func.count()).where(WorkOrder.address_key == bindparam("key"), *_SINCE)
_BY_CALLER = select(func.count()).where(WorkOrder.reporter_phone_index == bindparam("key"), *_SINCE)


def _repeat_counts(
    session: Session, *, phone_key: str | None, addr_key: str | None, now: dt.datetime
) -> tuple[int, int]:
    since = now - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    conn = session.connection()
    by_address = by_caller = 0
    if addr_key is not None:
        params = {"key": addr_key, "since": since, "now": now}
        by_address = conn.execute(_BY_ADDRESS, params).scalar_one()
    if phone_key is not None:
        params = {"key": phone_key, "since": since, "now": now}
        by_caller = conn.execute(_BY_CALLER, params).scalar_one()
    return int(by_address), int(by_caller)


class Received(NamedTuple):
    """The order a submission became, and whether it was created now (False: a draft sent
    again, answered with the order it became the first time)."""

    order: WorkOrder
    created: bool


def _drafted(session: Session, principal: Principal, draft_id: str) -> WorkOrder | None:
    order = session.scalar(select(WorkOrder).where(WorkOrder.draft_id == draft_id))
    if order is None:
        return None
    if order.created_by_id != principal.user_id or principal.user_id is None:
        # Someone else's draft id (never by chance with a UUID): refuse without naming it.
        raise Conflict(
            "This draft id belongs to another order.",
            fields={"draft_id": "Start a new draft."},
            code="draft_taken",
        )
    return order


def receive(
    session: Session, principal: Principal, *, data: IntakeIn, now: dt.datetime
) -> Received:
    """:func:`intake`, once per draft: a draft sent again (a phone replaying its offline
    queue, a double tap) returns the order it became, never a second order."""
    if data.draft_id is None:
        return Received(intake(session, principal, data=data, now=now), True)
    earlier = _drafted(session, principal, data.draft_id)
    if earlier is not None:
        return Received(earlier, False)
    try:
        with session.begin_nested():
            order = intake(session, principal, data=data, now=now)
    except IntegrityError:
        # The same draft committed by a concurrent request since the look-up above.
        earlier = _drafted(session, principal, data.draft_id)
        if earlier is None:
            raise
        return Received(earlier, False)
    return Received(order, True)


def intake(
    session: Session, principal: Principal, *, data: IntakeIn, now: dt.datetime
) -> WorkOrder:
    """Receive a new order: code, encrypted reporter, suggested tier, provisional SLA."""
    actor = actor_of(principal)
    if not may_create(actor, data.channel):
        raise Forbidden(
            "The role {actor} may not create orders through the {channel} channel.",
            params={"actor": term("actor", actor), "channel": term("channel", data.channel)},
            code="role_forbidden",
        )
    unit = _station(session, principal, data.station)
    category = DEFAULT_CATALOGUE.get(data.category)
    phone_key = phone_index(data.reporter_phone) if data.reporter_phone else None
    addr_key = address_key(data.address)
    by_address, by_caller = _repeat_counts(session, phone_key=phone_key, addr_key=addr_key, now=now)
    suggestion = suggest(
        TriageInput(
            category=category.code,
            description=data.description,
            minors_involved=data.minors_involved,
            elderly_involved=data.elderly_involved,
            address_orders_30d=by_address,
            caller_orders_30d=by_caller,
            source_tier=Tier(data.suggested_tier) if data.suggested_tier else None,
            source=data.source_ref or "",
        )
    )
    receiver = principal.user_id if actor in RECEIVERS else None
    seq = next_sequence(session, unit_id=unit.id, day=local_date(now))
    order = WorkOrder(
        code=format_code(unit.short_code, now, seq),
        unit_id=unit.id,
        channel=data.channel,
        category=category.code,
        module=str(category.module),
        description=data.description,
        lon=data.lon,
        lat=data.lat,
        address=data.address,
        address_key=addr_key,
        reporter_name=data.reporter_name,
        reporter_phone=data.reporter_phone,
        reporter_id_number=data.reporter_id_number,
        reporter_phone_index=phone_key,
        minors_involved=data.minors_involved,
        elderly_involved=data.elderly_involved,
        source_ref=data.source_ref,
        draft_id=data.draft_id,
        state=State.RECEIVED,
        suggested_tier=str(suggestion.tier),
        suggestion=suggestion.to_dict(),
        # Provisional until triage, so that untriaged orders are swept too.
        sla=policy_for(suggestion.tier, category).to_dict(),
        sla_provisional=True,
        received_at=now,
        created_by_id=principal.user_id,
        # The police officer who takes the request is its first receiver; orders filed by a
        # partner, the portal or a sensor get theirs when an officer triages them.
        received_by_id=receiver,
        responsible_id=receiver,
        event_count=0,
        updated_at=now,
    )
    session.add(order)
    session.flush()
    add_event(
        session,
        order,
        principal,
        kind="intake",
        action="intake",
        now=now,
        data={"channel": term("channel", data.channel), "source_ref": data.source_ref, "seq": seq},
    )
    refresh_clocks(session, order, now, new=True)
    session.flush()
    return order


class CompletedOrder(NamedTuple):
    """An order whose loop was closed (resolved), for the analytics incident store."""

    code: str
    category: str
    module: str
    lon: float | None
    lat: float | None
    received_at: dt.datetime
    resolved_at: dt.datetime


def completed_since(session: Session, *, since: dt.datetime, limit: int) -> list[CompletedOrder]:
    """Orders resolved (and possibly closed since) at or after ``since``, oldest first.

    Unscoped: the analytics store is district-wide machine data without personal fields.
    Page with the last ``resolved_at`` as the next ``since`` (ties share an instant rarely;
    callers de-duplicate by code).
    """
    rows = session.execute(
        select(
            WorkOrder.code,
            WorkOrder.category,
            WorkOrder.module,
            WorkOrder.lon,
            WorkOrder.lat,
            WorkOrder.received_at,
            WorkOrder.resolved_at,
        )
        .where(
            WorkOrder.resolved_at >= since,
            WorkOrder.state.in_((State.RESOLVED, State.CLOSED)),
        )
        .order_by(WorkOrder.resolved_at, WorkOrder.id)
        .limit(limit)
    ).all()
    return [
        CompletedOrder(code, cat, module, lon, lat, received, resolved)
        for code, cat, module, lon, lat, received, resolved in rows
        if resolved is not None
    ]
